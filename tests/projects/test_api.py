"""The projects' API: visibility per role (an unpublished project, a draft call and a draft
period are 404s outside who may see them), writes through the services with their French
refusals as 400s, no personal data of the people trained, and pinned query counts."""

import datetime
import json
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from projects import services
from projects.models import (
    Application,
    Call,
    ChangeStep,
    CreativitySession,
    Enrolment,
    Funding,
    JuryAssignment,
    Period,
    Project,
    ProjectMember,
    Score,
    StageChange,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, caf, region
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    ChangeStepFactory,
    CreativitySessionFactory,
    IndicatorFactory,
    PeriodFactory,
    ProgrammeFactory,
    ProjectFactory,
    TraineeFactory,
    TrainingFactory,
    TrainingSessionFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projets/"
PROGRAMMES = "/api/v1/programmes/"
CALLS = "/api/v1/appels/"
PERIODS = "/api/v1/periodes/"
TRAININGS = "/api/v1/formations-bilan/"
CREATIVITY = "/api/v1/seances-creativite/"
ROLES = ["agent", "other_caf_agent", "partner", "carrier", "staff"]
OUTSIDERS = ["agent", "other_caf_agent", "partner"]


def login(api_client, user):
    """A token per user, as the API's clients use it: each request reads its user afresh."""
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in keys(item)}
    return set()


@pytest.fixture(autouse=True)
def _page_addresses(monkeypatch):
    """The services put the project's (or call's) page in their emails. Where the pages of
    /projets/ are not mounted in this checkout, give the models an address of the same shape."""
    for model, name, pattern in (
        (Project, "projects:project-detail", "/projets/{}/"),
        (Call, "projects:call-detail", "/projets/appels/{}/"),
    ):
        try:
            reverse(name, kwargs={"slug": "x"})
        except NoReverseMatch:
            monkeypatch.setattr(
                model, "get_absolute_url", lambda self, pattern=pattern: pattern.format(self.slug)
            )


@pytest.fixture
def carrier():
    return AgentFactory(
        caf=caf("38"), first_name="Sonia", last_name="Mercier", email="sonia.mercier@caf.test"
    )


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="innovation-sociale", name="Innovation sociale territoriale")


@pytest.fixture
def project(carrier, programme):
    return ProjectFactory(
        slug="creche-horaires-atypiques",
        title="Crèche à horaires atypiques",
        programme=programme,
        carriers=[carrier],
    )


@pytest.fixture
def hidden(carrier, programme):
    """An unpublished project: its team and the CafLab only."""
    return ProjectFactory(
        slug="projet-confidentiel",
        title="Projet confidentiel",
        programme=programme,
        is_published=False,
        carriers=[carrier],
    )


@pytest.fixture
def indicator(project):
    return IndicatorFactory(project=project)


@pytest.fixture
def approved(indicator):
    return PeriodFactory(
        indicator=indicator,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        value=Decimal("12"),
        status=Period.Status.APPROVED,
    )


@pytest.fixture
def draft(indicator):
    return PeriodFactory(
        indicator=indicator,
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2025, 12, 31),
        value=Decimal("20"),
        status=Period.Status.DRAFT,
    )


def user_for(request, who):
    return request.getfixturevalue(who)


# Authentication ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", PROGRAMMES),
        ("get", f"{PROGRAMMES}innovation-sociale/"),
        ("get", PROJECTS),
        ("get", f"{PROJECTS}creche-horaires-atypiques/"),
        ("post", f"{PROJECTS}creche-horaires-atypiques/etape/"),
        ("post", f"{PROJECTS}creche-horaires-atypiques/periodes/"),
        ("post", f"{PERIODS}1/soumettre/"),
        ("post", f"{PERIODS}1/examen/"),
        ("get", CALLS),
        ("get", f"{CALLS}defi/"),
        ("get", f"{CALLS}defi/classement/"),
        ("get", TRAININGS),
        ("get", CREATIVITY),
    ],
)
def test_anonymous_callers_get_401(api_client, project, method, url):
    response = getattr(api_client, method)(url, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# Programmes ----------------------------------------------------------------------------------
def test_programmes_count_the_projects_the_caller_sees(
    api_client, programme, project, hidden, agent, carrier, staff
):
    ProjectFactory(programme=programme, stage=Project.Stage.STOPPED, ended_on=None)
    ProgrammeFactory(slug="ecologie-solidaire", name="Écologie solidaire", position=1)

    def counts(user):
        body = login(api_client, user).get(PROGRAMMES).json()
        return {
            row["slug"]: (row["project_count"], row["running_project_count"])
            for row in body["results"]
        }

    assert counts(agent) == {"innovation-sociale": (2, 1), "ecologie-solidaire": (0, 0)}
    assert counts(carrier)["innovation-sociale"] == (3, 2)  # with the team's unpublished one
    assert counts(staff)["innovation-sociale"] == (3, 2)


@pytest.mark.parametrize("who", ROLES)
def test_every_account_reads_the_programmes_and_the_calls(request, api_client, programme, who):
    CallFactory(slug="defi", programme=programme)
    client = login(api_client, user_for(request, who))
    for url in (PROGRAMMES, f"{PROGRAMMES}innovation-sociale/", CALLS, f"{CALLS}defi/"):
        assert client.get(url).status_code == 200, url


def test_programme_detail_by_slug(api_client, programme, project, agent):
    programme.partners.set([OrganisationFactory(name="Ansa")])
    client = login(api_client, agent)
    body = client.get(f"{PROGRAMMES}innovation-sociale/").json()
    assert body["name"] == "Innovation sociale territoriale"
    assert body["partners"][0]["name"] == "Ansa"
    assert body["project_count"] == 1
    response = client.get(f"{PROGRAMMES}nulle-part/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# Portfolio -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ROLES)
def test_portfolio_shows_published_projects_and_the_callers_own(
    request, api_client, project, hidden, who
):
    body = login(api_client, user_for(request, who)).get(PROJECTS).json()
    slugs = [row["slug"] for row in body["results"]]
    if who in {"carrier", "staff"}:
        assert slugs == ["creche-horaires-atypiques", "projet-confidentiel"]
    else:
        assert slugs == ["creche-horaires-atypiques"]


def test_portfolio_rows(api_client, project, agent):
    row = login(api_client, agent).get(PROJECTS).json()["results"][0]
    assert row["title"] == "Crèche à horaires atypiques"
    assert row["programme"] == {
        "slug": "innovation-sociale",
        "name": "Innovation sociale territoriale",
    }
    assert (row["kind"], row["kind_label"]) == ("fipe", "Projet FIPE")
    assert (row["stage"], row["stage_label"]) == ("incubation", "Incubation")
    assert row["cafs"] == [{"number": "38", "name": "Caf de l'Isère"}]
    assert row["url"].endswith("/api/v1/projets/creche-horaires-atypiques/")


def test_portfolio_filters(api_client, staff, project):
    other = ProjectFactory(
        slug="epicerie-solidaire",
        title="Épicerie solidaire itinérante",
        summary="Un camion qui vend des produits frais à prix solidaires.",
        programme=ProgrammeFactory(slug="alimentation"),
        kind=Project.Kind.CARRIED,
        theme="alimentation",
        stage=Project.Stage.SPREADING,
        cafs=[caf("29")],
        started_on=datetime.date(2023, 3, 1),
        ended_on=datetime.date(2024, 6, 30),
    )
    client = login(api_client, staff)

    def slugs(**query):
        response = client.get(PROJECTS, query)
        assert response.status_code == 200, response.json()
        return [row["slug"] for row in response.json()["results"]]

    assert slugs(programme="alimentation") == [other.slug]
    assert slugs(kind="porte") == [other.slug]
    assert slugs(stage="incubation") == [project.slug]
    assert slugs(theme="alimentation") == [other.slug]
    assert slugs(region="53") == [other.slug]  # Finistère, in Bretagne
    assert slugs(region="84") == [project.slug]
    assert slugs(year="2024") == [other.slug]
    assert slugs(year="2025") == [project.slug]
    assert slugs(search="camion") == [other.slug]
    assert slugs(search="ÉPICERIE") == [other.slug]
    assert slugs(kind="fipe", stage="essaimage") == []


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "autre"},
        {"stage": "termine"},
        {"theme": "sport"},
        {"region": "Bretagne"},
        {"year": "deux-mille"},
        {"year": "99999"},
        {"programme": "pas un slug"},
        {"search": "x" * 101},
    ],
)
def test_portfolio_rejects_bad_filters_with_field_errors(api_client, agent, query):
    response = login(api_client, agent).get(PROJECTS, query)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert set(body["errors"]) == set(query)


def test_portfolio_is_paginated(api_client, agent):
    ProjectFactory.create_batch(55)
    client = login(api_client, agent)
    first = client.get(PROJECTS).json()
    assert (first["count"], len(first["results"])) == (55, 50)
    assert len(client.get(first["next"]).json()["results"]) == 5


# Project detail --------------------------------------------------------------------------------
@pytest.fixture
def rich(project, carrier, staff, approved, draft):
    """The project's page: history, partners, funding, team, theory of change, indicators."""
    services.project_set_stage(
        project=project,
        by=staff,
        stage=Project.Stage.EXPERIMENT,
        on=datetime.date(2025, 6, 2),
        note="12 places ouvertes.",
    )
    project.partners.set([OrganisationFactory(name="Commune d'Échirolles")])
    Funding.objects.create(project=project, source="fipe", amount=Decimal("45000"), year=2025)
    Funding.objects.create(
        project=project, source="collectivite", funder="Échirolles", amount="5000.50", year=2025
    )
    ProjectMember.objects.create(
        project=project,
        user=AgentFactory(first_name="", last_name="", email="sans.nom@caf.test"),
        role=ProjectMember.Role.MEMBER,
    )
    ChangeStepFactory(project=project, level=ChangeStep.Level.OBJECTIVE, text="Garder l'emploi")
    impact = ChangeStepFactory(project=project, text="Les parents gardent leur emploi")
    approved.indicator.impact = impact
    approved.indicator.save()
    return project


def test_detail_for_an_outsider_shows_the_page_without_draft_periods(api_client, rich, agent):
    body = login(api_client, agent).get(f"{PROJECTS}creche-horaires-atypiques/").json()
    assert body["title"] == "Crèche à horaires atypiques"
    assert body["partners"][0]["name"] == "Commune d'Échirolles"
    assert [(h["from_stage"], h["to_stage"], h["changed_on"]) for h in body["stage_history"]] == [
        ("", "incubation", "2025-01-06"),
        ("incubation", "experimentation", "2025-06-02"),
    ]
    assert body["stage_history"][1]["to_stage_label"] == "Expérimentation"
    assert body["stage_history"][1]["note"] == "12 places ouvertes."
    assert [f["amount"] for f in body["fundings"]] == ["5000.50", "45000.00"]
    assert body["funding_total"] == "50000.50"
    assert {(m["name"], m["role"]) for m in body["team"]} == {
        ("Sonia Mercier", "porteur"),
        ("Membre de l'équipe", "membre"),
    }
    assert body["team"][0]["caf"] == {"number": "38", "name": "Caf de l'Isère"}
    columns = {column["level"]: column for column in body["theory_of_change"]}
    assert list(columns) == ["objectif", "action", "partie_prenante", "impact"]
    assert [s["text"] for s in columns["objectif"]["steps"]] == ["Garder l'emploi"]
    assert columns["action"]["steps"] == []
    [indicator] = body["indicators"]
    assert indicator["name"] == "Places ouvertes en horaires atypiques"
    assert indicator["impact"]["text"] == "Les parents gardent leur emploi"
    assert [p["status"] for p in indicator["periods"]] == ["validee"]
    assert indicator["latest_value"] == "12.00"
    assert indicator["progress"] == 30  # 12 of the way from 0 to 40
    assert body["permissions"] == {
        "change_project": False,
        "change_stage": False,
        "report_indicator": False,
        "review_indicator": False,
    }
    text = json.dumps(body, ensure_ascii=False)
    assert "@" not in text  # no email, of the team or anyone
    assert not keys(body) & {"email", "first_name", "last_name"}


@pytest.mark.parametrize("who", ["carrier", "staff"])
def test_the_team_and_the_caflab_see_every_period(request, api_client, rich, who):
    body = login(api_client, user_for(request, who)).get(f"{PROJECTS}{rich.slug}/").json()
    periods = body["indicators"][0]["periods"]
    assert [p["status"] for p in periods] == ["validee", "brouillon"]
    assert body["indicators"][0]["progress"] == 30  # approved values only
    permissions = body["permissions"]
    assert permissions["report_indicator"] is True
    assert permissions["change_stage"] is (who == "staff")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_unpublished_project_is_a_404_for_outsiders(request, api_client, hidden, who):
    client = login(api_client, user_for(request, who))
    for url in (f"{PROJECTS}projet-confidentiel/", f"{PROJECTS}nulle-part/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["carrier", "staff"])
def test_an_unpublished_project_is_seen_by_its_team_and_the_caflab(
    request, api_client, hidden, who
):
    response = login(api_client, user_for(request, who)).get(f"{PROJECTS}projet-confidentiel/")
    assert response.status_code == 200
    assert response.json()["is_published"] is False


def test_a_project_born_of_a_call_names_it(api_client, staff, agent):
    call = CallFactory(slug="defi-2025", title="Défi 2025")
    application = ApplicationFactory(call=call)
    ProjectFactory(slug="laureat", application=application)
    body = login(api_client, agent).get(f"{PROJECTS}laureat/").json()
    assert body["call"] == {"slug": "defi-2025", "title": "Défi 2025"}


# Stage changes -------------------------------------------------------------------------------
def stage_url(project):
    return f"{PROJECTS}{project.slug}/etape/"


def test_staff_change_the_stage_through_the_service(api_client, project, staff, carrier):
    response = login(api_client, staff).post(
        stage_url(project),
        {"stage": "experimentation", "on": "2025-06-02", "note": "  12 places.  "},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "from_stage": "incubation",
        "from_stage_label": "Incubation",
        "to_stage": "experimentation",
        "to_stage_label": "Expérimentation",
        "changed_on": "2025-06-02",
        "note": "12 places.",
    }
    project.refresh_from_db()
    assert (project.stage, project.stage_changed_on) == (
        "experimentation",
        datetime.date(2025, 6, 2),
    )
    assert project.stage_changes.latest("changed_on").by == staff


def test_the_stage_date_defaults_to_today(api_client, project, staff):
    response = login(api_client, staff).post(
        stage_url(project), {"stage": "experimentation"}, format="json"
    )
    assert response.json()["changed_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("who", ["carrier", "agent", "other_caf_agent", "partner"])
def test_only_staff_change_a_stage(request, api_client, project, who):
    response = login(api_client, user_for(request, who)).post(
        stage_url(project), {"stage": "experimentation"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    project.refresh_from_db()
    assert project.stage == "incubation"
    assert project.stage_changes.count() == 1


def test_the_stage_of_a_project_one_cannot_see_is_a_404(api_client, hidden, agent):
    response = login(api_client, agent).post(
        stage_url(hidden), {"stage": "experimentation"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"stage": "termine"}, "stage", None),
        ({}, "stage", None),
        ({"stage": "experimentation", "on": "02/06/2025"}, "on", None),
        ({"stage": "experimentation", "note": "x" * 2001}, "note", None),
        (
            {"stage": "incubation"},
            "non_field_errors",
            "Le projet est déjà à l'étape « Incubation ».",
        ),
        (
            {"stage": "experimentation", "on": "2024-12-01"},
            "non_field_errors",
            "Le projet a atteint son étape actuelle le 06/01/2025 : choisissez une date "
            "ultérieure.",
        ),
        (
            {"stage": "experimentation", "on": "2999-01-01"},
            "non_field_errors",
            "La date d'un changement d'étape ne peut pas être dans le futur.",
        ),
        (
            {"stage": "arrete", "note": "  "},
            "non_field_errors",
            "Expliquez pourquoi le projet s'arrête : c'est utile à ceux qui le suivent.",
        ),
    ],
)
def test_bad_stage_changes_are_400_in_french(api_client, project, staff, payload, field, message):
    response = login(api_client, staff).post(stage_url(project), payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["detail"] == "Les données envoyées ne sont pas valides."
    assert field in body["errors"]
    if message:
        assert body["errors"][field] == [message]
    assert project.stage_changes.count() == 1


@pytest.mark.parametrize("body", ['{"stage": ', "[1, 2]", "null", '"texte"'])
def test_malformed_bodies_are_400_never_500(api_client, project, staff, body):
    response = login(api_client, staff).generic(
        "POST", stage_url(project), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400


# Indicator periods -----------------------------------------------------------------------------
def periods_url(project):
    return f"{PROJECTS}{project.slug}/periodes/"


def test_the_team_reports_a_period_then_corrects_it(api_client, project, indicator, carrier):
    client = login(api_client, carrier)
    payload = {
        "indicator": indicator.pk,
        "starts_on": "2025-01-01",
        "ends_on": "2025-06-30",
        "value": "12",
        "comment": "Première section.",
    }
    created = client.post(periods_url(project), payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["value"], body["indicator"]) == (
        "brouillon",
        "12.00",
        indicator.pk,
    )
    corrected = client.post(
        periods_url(project), {**payload, "period": body["id"], "value": "14.5"}, format="json"
    )
    assert corrected.status_code == 200, corrected.json()
    assert Period.objects.get().value == Decimal("14.5")


@pytest.mark.parametrize("who", ["agent", "other_caf_agent", "partner"])
def test_outsiders_cannot_report(request, api_client, project, indicator, who):
    response = login(api_client, user_for(request, who)).post(
        periods_url(project),
        {"indicator": indicator.pk, "starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": 1},
        format="json",
    )
    assert response.status_code == 403
    assert not Period.objects.exists()


def test_reporting_on_a_hidden_project_is_a_404(api_client, hidden, agent):
    indicator = IndicatorFactory(project=hidden)
    response = login(api_client, agent).post(
        periods_url(hidden),
        {"indicator": indicator.pk, "starts_on": "2025-01-01", "ends_on": "2025-06-30", "value": 1},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"indicator": "un"}, "indicator", None),
        ({"indicator": True}, "indicator", None),
        ({"starts_on": "2025-02-30"}, "starts_on", None),
        ({"value": "beaucoup"}, "value", None),
        ({"value": "1" * 20}, "value", None),
        (
            {"starts_on": "2025-06-30", "ends_on": "2025-01-01"},
            "non_field_errors",
            "La fin de la période ne peut pas précéder son début.",
        ),
        (
            {"starts_on": "2025-03-01", "ends_on": "2025-09-30"},
            "non_field_errors",
            "Cette période chevauche une période déjà saisie pour l'indicateur.",
        ),
        (
            {"period": "APPROVED"},
            "non_field_errors",
            "Cette période est validée : elle ne peut plus être modifiée.",
        ),
    ],
)
def test_bad_periods_are_400_in_french(
    api_client, project, indicator, approved, carrier, payload, field, message
):
    payload = {
        "indicator": indicator.pk,
        "starts_on": "2025-07-01",
        "ends_on": "2025-12-31",
        "value": "3",
        **payload,
    }
    if payload.get("period") == "APPROVED":
        payload.update(period=approved.pk, starts_on="2025-01-01", ends_on="2025-06-30")
    response = login(api_client, carrier).post(periods_url(project), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    if message:
        assert response.json()["errors"][field] == [message]
    assert Period.objects.count() == 1


def test_objects_of_another_project_do_not_exist_here(api_client, project, indicator, carrier):
    foreign = PeriodFactory(indicator=IndicatorFactory())
    other_indicator = IndicatorFactory(project=project, name="Autre")
    client = login(api_client, carrier)
    payload = {"starts_on": "2025-07-01", "ends_on": "2025-12-31", "value": "1"}
    response = client.post(
        periods_url(project), {**payload, "indicator": foreign.indicator_id}, format="json"
    )
    assert response.status_code == 400
    assert "indicator" in response.json()["errors"]
    response = client.post(
        periods_url(project),
        {**payload, "indicator": indicator.pk, "period": foreign.pk},
        format="json",
    )
    assert "period" in response.json()["errors"]
    mine = PeriodFactory(indicator=other_indicator)
    response = client.post(
        periods_url(project),
        {**payload, "indicator": indicator.pk, "period": mine.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["period"] == [
        "Cette période n'est pas une période de cet indicateur."
    ]


def test_submit_then_approve(api_client, project, draft, carrier, staff, mailoutbox):
    response = login(api_client, carrier).post(f"{PERIODS}{draft.pk}/soumettre/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "soumise"
    again = api_client.post(f"{PERIODS}{draft.pk}/soumettre/")
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == [
        "Seule une période en brouillon ou renvoyée peut être soumise."
    ]
    response = login(api_client, staff).post(
        f"{PERIODS}{draft.pk}/examen/", {"approve": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == (Period.Status.APPROVED, staff)


def test_returning_a_period_needs_a_note(api_client, project, draft, carrier, staff):
    services.period_submit(period=draft, by=carrier)
    client = login(api_client, staff)
    response = client.post(f"{PERIODS}{draft.pk}/examen/", {"approve": False}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "Dites au porteur ce qu'il doit corriger."
    ]
    assert client.post(f"{PERIODS}{draft.pk}/examen/", {}, format="json").status_code == 400
    response = client.post(
        f"{PERIODS}{draft.pk}/examen/", {"approve": False, "note": "Places prévues."}, format="json"
    )
    assert response.json()["status"] == "a_reprendre"
    assert response.json()["review_note"] == "Places prévues."


def test_only_staff_review_and_only_the_team_submits(api_client, project, draft, carrier, agent):
    services.period_submit(period=draft, by=carrier)
    response = login(api_client, carrier).post(
        f"{PERIODS}{draft.pk}/examen/", {"approve": True}, format="json"
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Period.Status.SUBMITTED


@pytest.mark.parametrize("who", OUTSIDERS)
def test_draft_periods_do_not_exist_for_outsiders(request, api_client, draft, approved, who):
    client = login(api_client, user_for(request, who))
    assert client.post(f"{PERIODS}{draft.pk}/soumettre/").status_code == 404
    assert client.post(f"{PERIODS}{draft.pk}/examen/", {"approve": True}).status_code == 404
    assert client.post(f"{PERIODS}99999999999999/soumettre/").status_code == 404
    # An approved period is public: refusing it is a 403, not a 404.
    assert client.post(f"{PERIODS}{approved.pk}/soumettre/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == Period.Status.DRAFT


def test_periods_of_a_hidden_project_are_404_even_when_approved(api_client, hidden, agent):
    period = PeriodFactory(indicator=IndicatorFactory(project=hidden), status="validee")
    assert login(api_client, agent).post(f"{PERIODS}{period.pk}/soumettre/").status_code == 404


# Calls -----------------------------------------------------------------------------------------
@pytest.fixture
def call(programme):
    return CallFactory(slug="defi", title="Défi petite enfance", programme=programme)


@pytest.fixture
def draft_call():
    return CallFactory(slug="appel-en-preparation", status=Call.Status.DRAFT)


def test_calls_list_hides_drafts_outside_the_caflab(
    api_client, call, draft_call, agent, partner, staff
):
    ApplicationFactory.create_batch(2, call=call)
    for user in (agent, partner):
        body = login(api_client, user).get(CALLS).json()
        assert [row["slug"] for row in body["results"]] == ["defi"]
    row = body["results"][0]
    assert (row["application_count"], row["winner_count"]) == (2, 0)
    assert row["status_label"] == "Candidatures ouvertes"
    assert row["url"].endswith("/api/v1/appels/defi/")
    staff_body = login(api_client, staff).get(CALLS).json()
    assert {row["slug"] for row in staff_body["results"]} == {"defi", "appel-en-preparation"}


def test_call_detail_with_its_grid(api_client, call, agent):
    body = login(api_client, agent).get(f"{CALLS}defi/").json()
    assert [(c["name"], c["weight"], c["max_score"]) for c in body["criteria"]] == [
        ("Caractère innovant", 2, 5),
        ("Impact sur les territoires", 2, 5),
        ("Réplicabilité", 1, 5),
    ]
    assert body["winners"] == []
    assert body["project_theme_label"] == "Métiers de la petite enfance"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_draft_call_is_a_404_outside_the_caflab(request, api_client, draft_call, who):
    client = login(api_client, user_for(request, who))
    assert client.get(f"{CALLS}appel-en-preparation/").status_code == 404
    assert client.get(f"{CALLS}appel-en-preparation/classement/").status_code == 404


def test_a_decided_call_lists_its_winners_with_their_projects(api_client, call, staff, agent):
    winner = ApplicationFactory(call=call, title="Campus des métiers", team_name="Équipe ARA")
    loser = ApplicationFactory(call=call, title="Autre idée", team_name="Équipe Bretagne")
    hidden_winner = ApplicationFactory(call=call, title="Projet discret", team_name="Équipe Corse")
    call.status = Call.Status.JURY
    call.save()
    projects = services.call_decide(call=call, by=staff, selected=[winner, hidden_winner])
    discreet = next(p for p in projects if p.title == "Projet discret")
    Project.objects.filter(pk=discreet.pk).update(is_published=False)
    body = login(api_client, agent).get(f"{CALLS}defi/").json()
    assert body["status"] == "decide"
    assert (body["application_count"], body["winner_count"]) == (3, 2)
    winners = {w["team_name"]: w for w in body["winners"]}
    assert set(winners) == {"Équipe ARA", "Équipe Corse"}
    campus = Project.objects.get(application=winner)
    assert winners["Équipe ARA"]["project"] == campus.slug
    assert winners["Équipe Corse"]["project"] is None  # not published: not the agent's to see
    assert loser.pk not in {w["id"] for w in body["winners"]}
    staff_body = login(api_client, staff).get(f"{CALLS}defi/").json()
    assert {w["team_name"]: w["project"] for w in staff_body["winners"]}["Équipe Corse"] == (
        discreet.slug
    )


def score(application, juror, values, criteria):
    assignment = JuryAssignment.objects.create(
        application=application, juror=juror, completed_at=timezone.now()
    )
    for criterion, value in zip(criteria, values, strict=True):
        Score.objects.create(assignment=assignment, criterion=criterion, value=value)


def test_staff_read_the_ranking(api_client, call, staff):
    criteria = list(call.criteria.order_by("position"))
    first = ApplicationFactory(call=call, team_name="Équipe A")
    second = ApplicationFactory(call=call, team_name="Équipe B")
    ApplicationFactory(call=call, team_name="Équipe C")  # nobody scored it
    juror, other = AgentFactory(), AgentFactory()
    score(first, juror, [5, 5, 5], criteria)
    score(first, other, [4, 4, 4], criteria)
    score(second, juror, [2, 3, 4], criteria)
    body = login(api_client, staff).get(f"{CALLS}defi/classement/").json()
    rows = body["results"]
    assert [(r["application"]["team_name"], r["rank"], r["score"]) for r in rows] == [
        ("Équipe A", 1, "90.00"),
        ("Équipe B", 2, "56.00"),
        ("Équipe C", None, None),
    ]
    assert rows[0]["jurors"] == 2
    assert rows[0]["criteria"][0] == {
        "criterion": criteria[0].pk,
        "name": "Caractère innovant",
        "mean": "4.50",
    }
    assert rows[0]["application"]["caf"] == {"number": "38", "name": "Caf de l'Isère"}


@pytest.mark.parametrize("who", ["agent", "other_caf_agent", "partner", "carrier"])
def test_the_ranking_is_for_staff_only(request, api_client, call, who):
    response = login(api_client, user_for(request, who)).get(f"{CALLS}defi/classement/")
    assert response.status_code == 403


# Trainings -------------------------------------------------------------------------------------
@pytest.fixture
def trainings():
    """2025: two design thinking sessions and one on impact; one person followed two."""
    design = TrainingFactory(title="Design thinking")
    impact = TrainingFactory(title="Évaluation d'impact", kind="evaluation_impact")
    TrainingFactory(title="Ancienne formation", kind="autre", is_active=False)
    sessions = [
        TrainingSessionFactory(
            training=design,
            starts_on=datetime.date(2025, 4, 8),
            ends_on=datetime.date(2025, 4, 8),
        ),
        TrainingSessionFactory(
            training=design,
            starts_on=datetime.date(2025, 9, 16),
            ends_on=datetime.date(2025, 9, 16),
        ),
        TrainingSessionFactory(
            training=impact,
            starts_on=datetime.date(2025, 11, 4),
            ends_on=datetime.date(2025, 11, 4),
        ),
        TrainingSessionFactory(
            training=impact,
            starts_on=datetime.date(2024, 11, 5),
            ends_on=datetime.date(2024, 11, 5),
        ),
    ]
    both = TraineeFactory(first_name="Zéphyrine", last_name="Kervadec")
    people = [both, *TraineeFactory.create_batch(3)]
    Enrolment.objects.create(session=sessions[0], trainee=people[0])
    Enrolment.objects.create(session=sessions[0], trainee=people[1])
    Enrolment.objects.create(session=sessions[1], trainee=people[2])
    Enrolment.objects.create(session=sessions[1], trainee=people[3], attended=False)
    Enrolment.objects.create(session=sessions[2], trainee=both)
    Enrolment.objects.create(session=sessions[3], trainee=people[3])
    return design, impact


@pytest.mark.parametrize("who", ROLES)
def test_the_year_in_trainings_counts_people_once_and_names_nobody(
    request, api_client, trainings, who
):
    response = login(api_client, user_for(request, who)).get(TRAININGS, {"year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["sessions"], body["people_trained"]) == (2025, 3, 3)
    rows = {row["title"]: (row["sessions"], row["people_trained"]) for row in body["trainings"]}
    assert rows == {"Design thinking": (2, 3), "Évaluation d'impact": (1, 1)}
    text = json.dumps(body, ensure_ascii=False)
    assert "Zéphyrine" not in text
    assert "Kervadec" not in text
    assert "@" not in text


def test_the_year_defaults_to_this_one_and_is_validated(api_client, trainings, agent):
    client = login(api_client, agent)
    this_year = timezone.localdate().year
    assert client.get(TRAININGS).json()["year"] == this_year
    body = client.get(TRAININGS, {"year": 2024}).json()
    assert (body["sessions"], body["people_trained"]) == (1, 1)
    assert {row["title"] for row in body["trainings"]} == {"Design thinking", "Évaluation d'impact"}
    for year in ("deux-mille", "1850"):
        response = client.get(TRAININGS, {"year": year})
        assert response.status_code == 400
        assert "year" in response.json()["errors"]


# Creativity sessions ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["agent", "other_caf_agent", "carrier", "staff", "referent"])
def test_agents_and_staff_list_the_creativity_sessions(request, api_client, who):
    CreativitySessionFactory(topic="Accueil des parents séparés")
    body = login(api_client, user_for(request, who)).get(CREATIVITY).json()
    [row] = body["results"]
    assert row["topic"] == "Accueil des parents séparés"
    assert row["caf"] == {"number": "38", "name": "Caf de l'Isère"}
    assert (row["method_label"], row["participants"]) == ("Design thinking", 12)


def test_partners_do_not_see_the_creativity_sessions(api_client, partner):
    CreativitySessionFactory()
    response = login(api_client, partner).get(CREATIVITY)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_creativity_filters(api_client, agent):
    CreativitySessionFactory(topic="Isère 2025")
    CreativitySessionFactory(
        topic="Finistère 2024",
        caf=caf("29"),
        held_on=datetime.date(2024, 5, 2),
        method=CreativitySession.Method.LEGO,
    )
    CreativitySessionFactory(topic="Au CafLab", caf=None, method=CreativitySession.Method.HACKATHON)
    client = login(api_client, agent)

    def topics(**query):
        response = client.get(CREATIVITY, query)
        assert response.status_code == 200, response.json()
        return sorted(row["topic"] for row in response.json()["results"])

    assert topics(year=2024) == ["Finistère 2024"]
    assert topics(caf="29") == ["Finistère 2024"]
    assert topics(method="hackathon") == ["Au CafLab"]
    assert topics(year=2025, caf="38") == ["Isère 2025"]
    for query in ({"method": "brainstorming"}, {"caf": "999x"}, {"year": "hier"}):
        response = client.get(CREATIVITY, query)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)


def test_a_creativity_session_names_only_projects_the_caller_sees(
    api_client, project, hidden, agent, carrier
):
    CreativitySessionFactory(topic="Public", project=project)
    CreativitySessionFactory(topic="Discret", project=hidden, held_on=datetime.date(2025, 1, 2))

    def links(user):
        body = login(api_client, user).get(CREATIVITY).json()
        return {row["topic"]: row["project"] for row in body["results"]}

    assert links(agent) == {
        "Public": {"slug": project.slug, "title": project.title},
        "Discret": None,
    }
    assert links(carrier)["Discret"] == {"slug": hidden.slug, "title": hidden.title}


# Schema ----------------------------------------------------------------------------------------
def test_the_schema_is_valid_and_documents_no_personal_field(tmp_path, client):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    paths = {
        p
        for p in schema["paths"]
        if p.startswith(
            (
                "/api/v1/programmes/",
                "/api/v1/projets/",
                "/api/v1/periodes/",
                "/api/v1/appels/",
                "/api/v1/formations-bilan/",
                "/api/v1/seances-creativite/",
            )
        )
    }
    assert paths == {
        "/api/v1/programmes/",
        "/api/v1/programmes/{slug}/",
        "/api/v1/projets/",
        "/api/v1/projets/{slug}/",
        "/api/v1/projets/{slug}/etape/",
        "/api/v1/projets/{slug}/periodes/",
        "/api/v1/periodes/{id}/soumettre/",
        "/api/v1/periodes/{id}/examen/",
        "/api/v1/appels/",
        "/api/v1/appels/{slug}/",
        "/api/v1/appels/{slug}/classement/",
        "/api/v1/formations-bilan/",
        "/api/v1/seances-creativite/",
    }
    components = schema["components"]["schemas"]
    for name in ("ProjectDetail", "ProjectTeamMember", "TrainingSummary", "CreativitySession"):
        assert not set(components[name]["properties"]) & {"email", "first_name", "last_name"}
    operation = schema["paths"]["/api/v1/projets/{slug}/etape/"]["post"]
    assert operation["summary"] == "Changer l'étape d'un projet"
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "415", "429"}
    assert client.get("/api/v1/schema/").status_code == 200


# Query counts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 20])
def test_programme_list_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    for programme in ProgrammeFactory.create_batch(n):
        programme.partners.set([OrganisationFactory()])
        ProjectFactory.create_batch(2, programme=programme)
    client = login(api_client, agent)
    # token + user, count, page of programmes with their counts (the caller's team is a
    # subquery), partners
    with django_assert_num_queries(4):
        assert client.get(PROGRAMMES).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_project_list_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    for project in ProjectFactory.create_batch(n, region=region("84")):
        project.cafs.set([caf("38"), caf("73")])
    client = login(api_client, agent)
    # token + user, count, page of projects (programme, region; the caller's team is a
    # subquery), Cafs
    with django_assert_num_queries(4):
        assert client.get(PROJECTS, {"region": "84"}).json()["count"] == n


@pytest.mark.parametrize("n", [1, 12])
def test_project_detail_queries_do_not_grow(
    api_client, project, carrier, n, django_assert_num_queries
):
    project.partners.set(OrganisationFactory.create_batch(n))
    for i in range(n):
        ProjectMember.objects.create(project=project, user=AgentFactory(), role="membre")
        Funding.objects.create(project=project, source="caf", amount=1000 + i, year=2025)
        StageChange.objects.create(
            project=project, to_stage="incubation", changed_on=datetime.date(2025, 1, 6)
        )
        ChangeStepFactory(project=project, text=f"Impact {i}")
        indicator = IndicatorFactory(project=project, name=f"Indicateur {i}")
        PeriodFactory(indicator=indicator, status=Period.Status.APPROVED)
        PeriodFactory(
            indicator=indicator,
            starts_on=datetime.date(2025, 7, 1),
            ends_on=datetime.date(2025, 12, 31),
        )
    client = login(api_client, carrier)
    # token + user, project (programme, region, cohort, call, kit, assessment), Cafs, partners,
    # team (user, Caf), history, fundings, theory of change, needs, replications, the caller's
    # team (for the draft periods), indicators (impact), periods, evidence
    with django_assert_num_queries(14):
        body = client.get(f"{PROJECTS}{project.slug}/").json()
    assert len(body["indicators"]) == n


@pytest.mark.parametrize("n", [1, 15])
def test_call_list_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    for call in CallFactory.create_batch(n):
        ApplicationFactory(call=call)
    client = login(api_client, agent)
    # token + user, count, page of calls (programme, counts)
    with django_assert_num_queries(3):
        assert client.get(CALLS).json()["count"] == n


@pytest.mark.parametrize("n", [1, 15])
def test_ranking_queries_do_not_grow(api_client, call, staff, n, django_assert_num_queries):
    criteria = list(call.criteria.all())
    for application in ApplicationFactory.create_batch(n, call=call):
        score(application, AgentFactory(), [3, 4, 5], criteria)
    client = login(api_client, staff)
    # token + user, call (programme), its criteria and partners, scores, completed
    # assignments, applications (Caf, region)
    with django_assert_num_queries(7):
        assert client.get(f"{CALLS}defi/classement/").json()["count"] == n


@pytest.mark.parametrize("n", [1, 15])
def test_training_summary_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    for i in range(n):
        session = TrainingSessionFactory(training=TrainingFactory(title=f"Formation {i}"))
        for trainee in TraineeFactory.create_batch(2):
            Enrolment.objects.create(session=session, trainee=trainee)
    client = login(api_client, agent)
    # token + user, trainings with their counts, the year's sessions, the year's people
    with django_assert_num_queries(4):
        assert len(client.get(TRAININGS, {"year": 2025}).json()["trainings"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_creativity_list_queries_do_not_grow(
    api_client, project, agent, n, django_assert_num_queries
):
    CreativitySessionFactory.create_batch(n, project=project, facilitator=AgentFactory())
    client = login(api_client, agent)
    # token + user, count, page of sessions (Caf, facilitator, project), the caller's team
    with django_assert_num_queries(4):
        assert client.get(CREATIVITY).json()["count"] == n


def test_applications_in_the_api_never_name_their_contact(api_client, call, staff):
    contact = AgentFactory(first_name="Zéphyrine", last_name="Kervadec")
    ApplicationFactory(call=call, contact=contact)
    client = login(api_client, staff)
    for url in (f"{CALLS}defi/", f"{CALLS}defi/classement/", CALLS):
        text = client.get(url).content.decode()
        assert "Kervadec" not in text
        assert contact.email not in text
    assert Application.objects.count() == 1
