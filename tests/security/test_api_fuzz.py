"""Property-based fuzzing of the REST API from its own OpenAPI schema (schemathesis).

The schema is read in-process from `/api/v1/schema/` through the WSGI application (no server).
Every operation of the schema is called as two users, each with a token header
(`Authorization: Token <clé>`):

- a partner, member of a cooperation plan of the Caf de l'Isère;
- a member of the CafLab team (staff).

A small world built with the test factories (a plan and an action, an idea, a lab and a
workshop, a project with an indicator period, a call, a consultation, an exhibition set and a
booking, a report run) gives the path parameters real values: each generated case either keeps
the random values of schemathesis or takes the identifiers of this world.

Checks on every response: no 5xx (`not_a_server_error`), a status code the schema documents
(`status_code_conformance`), the documented content type (`content_type_conformance`), a body
valid against the documented schema (`response_schema_conformance`).

Run parameters, chosen so that the whole file takes a few minutes on 2 CI cores:
- `MAX_EXAMPLES` = 8 examples per operation (positive and negative data), each one sent as
  both users;
- `derandomize=True` and no example database: the same cases on every run, so CI is
  deterministic;
- `deadline=None`: a slow first request (schema, caches) is not a failure;
- health checks that fight pytest-django's function-scoped fixtures and the schema's
  filtering (`function_scoped_fixture`, `too_slow`, `filter_too_much`, `data_too_large`)
  are suppressed.
Raise `CAFLAB_FUZZ_EXAMPLES` locally for a deeper run, e.g. `CAFLAB_FUZZ_EXAMPLES=200`.
Measured on 2 cores, test database creation included: 67 operations in 1 min 20 s when the
machine is free, 4 to 5 min when it is shared (about 1 min of CPU either way).

A second, explicit test sends a NUL character in every path parameter, query parameter and
top-level JSON body field of every operation: PostgreSQL refuses it in text, so the API must
answer with a 4xx before any query.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings, strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from caflab.wsgi import application

MAX_EXAMPLES = int(os.environ.get("CAFLAB_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
)

# The identifiers of the world of the running test, by path parameter: filled by the
# `world` fixture, read when a case is drawn.
REAL: dict[str, dict[str, list]] = {}


def _real_values(path: str, names: list[str]) -> dict[str, list]:
    """The real values of each path parameter of an operation (by its path's first segment)."""
    segment = path.removeprefix("/api/v1/").split("/")[0]
    if segment == "expo":
        segment = "expo/" + path.removeprefix("/api/v1/expo/").split("/")[0]
    values = REAL.get(segment, {})
    return {name: values.get(name, []) for name in names}


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Part of the cases take their path parameters from the world of the test."""
    operation = context.operation
    names = [param.name for param in operation.path_parameters]
    if not names:
        return strategy

    def pick(index: int) -> dict:
        values = _real_values(operation.path, names)
        return {
            name: (values[name][index % len(values[name])] if values[name] else "0")
            for name in names
        }

    return st.one_of(st.integers(min_value=0, max_value=7).map(pick), strategy)


@pytest.fixture
def _keep_test_connection():
    """The WSGI handler closes the database connection at the end of each request, which would
    end the test's transaction: keep it open, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, partner, staff, _keep_test_connection):
    """A small world of the Isère: the partner is a member of a plan, the staff sees all."""
    from cooperation.models import PlanMember
    from expo_booking.models import Booking, HandOver
    from reporting.models import ReportRun
    from tests.caflab.factories import AgentFactory, caf
    from tests.consultations.factories import QuestionFactory
    from tests.cooperation.factories import ActionFactory, member
    from tests.eurekaf.factories import CampaignFactory, IdeaFactory
    from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy, season
    from tests.livinglabs.factories import ContributionFactory, WorkshopFactory, facilitator
    from tests.projects.factories import CallFactory, PeriodFactory, ProjectFactory

    agent = AgentFactory(caf=caf("38"))
    action = ActionFactory()
    plan = action.plan
    member(plan, partner, PlanMember.Role.PILOT)
    member(plan, agent)
    campaign = CampaignFactory()
    idea = IdeaFactory(campaign=campaign, author=agent)
    contribution = ContributionFactory()
    lab = contribution.workshop.lab
    facilitator(lab)
    WorkshopFactory(lab=lab)
    project = ProjectFactory(carriers=[agent])
    period = PeriodFactory(indicator__project=project)
    call = CallFactory(programme=project.programme)
    question = QuestionFactory()
    consultation = question.consultation
    policy()
    season()
    expo_set = ExpoSetFactory()
    booking = BookingFactory(expo_set=expo_set, requested_by=agent)
    confirmed = BookingFactory(
        expo_set=expo_set,
        requested_by=agent,
        starts_on=booking.ends_on + timedelta(days=20),
        status=Booking.Status.CONFIRMED,
    )
    report = ReportRun.objects.create(year=2025, requested_by=staff)

    REAL.clear()
    REAL.update(
        {
            "plans": {"id": [plan.pk]},
            "actions": {"id": [action.pk]},
            "idees": {"id": [idea.pk]},
            "campagnes": {"slug": [campaign.slug]},
            "living-labs": {"slug": [lab.slug]},
            "projets": {"slug": [project.slug]},
            "programmes": {"slug": [project.programme.slug]},
            "periodes": {"id": [period.pk]},
            "appels": {"slug": [call.slug]},
            "consultations": {"slug": [consultation.slug]},
            "cafs": {"number": ["38", "2A", "974"]},
            "expo/jeux": {"code": [expo_set.code]},
            "expo/reservations": {"id": [booking.pk, confirmed.pk]},
            "expo/passages-de-relais": {"id": [handover.pk for handover in HandOver.objects.all()]},
            "rapports": {"id": [report.pk]},
        }
    )
    yield {
        role: Token.objects.get_or_create(user=user)[0].key
        for role, user in (("partenaire", partner), ("équipe CafLab", staff))
    }
    REAL.clear()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_answers_every_generated_request_within_its_schema(case, world):
    for role, key in world.items():
        try:
            case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"Appel en tant que : {role}")
            raise


def _nul_cases(operation, real: dict[str, list]) -> list:
    """One case per path parameter, query parameter and top-level body field of the
    operation, that parameter holding a NUL character (refused by PostgreSQL in text); the
    other path parameters name real objects, so that the request reaches the view."""
    nul = "a\x00b"
    path = {name: (values[0] if values else "1") for name, values in real.items()}
    cases = [operation.Case(path_parameters={**path, name: nul}) for name in path]
    cases += [
        operation.Case(path_parameters=path, query={param["name"]: nul})
        for param in operation.definition.raw.get("parameters", [])
        if param.get("in") == "query"
    ]
    body = operation.definition.raw.get("requestBody", {}).get("content", {})
    ref = body.get("application/json", {}).get("schema", {}).get("$ref", "")
    if ref:
        component = schema.raw_schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        cases += [
            operation.Case(path_parameters=path, body={field: nul}, media_type="application/json")
            for field in component.get("properties", {})
        ]
    return cases


@pytest.mark.django_db
def test_nul_characters_anywhere_are_a_client_error(world):
    """A NUL character in a path, a filter or a body field is a 4xx, never a 500: PostgreSQL
    refuses it in text, so it must be refused before any query."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [param.name for param in operation.path_parameters]
        for case in _nul_cases(operation, _real_values(operation.path, names)):
            for role, key in world.items():
                response = case.call(headers={"Authorization": f"Token {key}"})
                if response.status_code >= 500:
                    failures.append(
                        f"{role} : {case.method} {case.formatted_path} "
                        f"{case.query or ''} {case.body if case.body is not None else ''}"
                        f" → {response.status_code}"
                    )
    assert not failures, "Erreurs serveur sur un caractère nul :\n" + "\n".join(failures)
