"""COOPération's API: visibility per role, nested routes, writes through the services, the
optimistic-concurrency conflict, bad input (400, never 500) and pinned query counts."""

import datetime
import json

import pytest
from rest_framework.authtoken.models import Token

from cooperation import services
from cooperation.models import Action, Indicator, IndicatorValue, Message, Plan, Step
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
FUTURE = datetime.date(2028, 6, 30)  # within the plans' period, never late while they run
ACTIONS = "/api/v1/actions/"


def plan_url(plan, suffix=""):
    return f"{PLANS}{plan.pk}/{suffix}"


def action_url(action):
    return f"{ACTIONS}{action.pk}/"


def login(api_client, user):
    """A token per user, as the API's clients use it: each request reads its user afresh."""
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


@pytest.fixture
def plan():
    return PlanFactory(title="CTG Grenoble-Alpes Métropole 2024-2028")


@pytest.fixture
def objective(plan):
    return ObjectiveFactory(axis=AxisFactory(plan=plan, title="Petite enfance"))


@pytest.fixture
def action(objective):
    return ActionFactory(
        objective=objective, title="Ouvrir une micro-crèche", progress=40, due_on=FUTURE
    )


@pytest.fixture
def pilot(plan):
    user = AgentFactory(caf=caf("38"), first_name="Sonia", last_name="Mercier")
    member(plan, user, "pilote")
    return user


@pytest.fixture
def contributor(plan):
    user = PartnerFactory(first_name="Paul", last_name="Girard", email="paul.girard@ville.test")
    member(plan, user, "contributeur")
    return user


@pytest.fixture
def reader(plan):
    user = AgentFactory(caf=caf("38"))
    member(plan, user, "lecteur")
    return user


@pytest.fixture
def indicator(plan, objective):
    return Indicator.objects.create(
        plan=plan,
        objective=objective,
        name="Places d'accueil du jeune enfant",
        unit="places",
        baseline=80,
        target=140,
    )


# Authentication and visibility ---------------------------------------------------------------
ROUTES = [
    ("get", "plan"),
    ("get", "actions"),
    ("post", "actions"),
    ("get", "indicators"),
    ("post", "indicators"),
    ("get", "messages"),
    ("post", "messages"),
    ("get", "action"),
    ("patch", "action"),
]


def route(kind, plan, action):
    return {
        "plan": plan_url(plan),
        "actions": plan_url(plan, "actions/"),
        "indicators": plan_url(plan, "indicateurs/"),
        "messages": plan_url(plan, "messages/"),
        "action": action_url(action),
    }[kind]


@pytest.mark.parametrize(("method", "kind"), ROUTES)
def test_anonymous_callers_get_401(api_client, plan, action, method, kind):
    response = getattr(api_client, method)(route(kind, plan, action), {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("outsider", ["other_caf_agent", "partner", "agent"])
@pytest.mark.parametrize(("method", "kind"), ROUTES)
def test_a_plan_one_is_not_member_of_is_a_404_everywhere(
    request, api_client, plan, action, pilot, outsider, method, kind
):
    """Another Caf's agent, a partner outside the plan, even an agent of the same Caf who is
    not a member: the same 404 as a plan that does not exist, reads and writes alike."""
    client = login(api_client, request.getfixturevalue(outsider))
    response = getattr(client, method)(
        route(kind, plan, action), {"version": 1, "progress": 90, "text": "Bonjour"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    action.refresh_from_db()
    assert action.progress == 40
    assert not Message.objects.exists()


@pytest.mark.parametrize("kind", ["plan", "actions", "indicators", "messages", "action"])
def test_unknown_ids_are_404_too(api_client, pilot, kind):
    client = login(api_client, pilot)
    url = {
        "plan": f"{PLANS}999999/",
        "actions": f"{PLANS}999999/actions/",
        "indicators": f"{PLANS}999999/indicateurs/",
        "messages": f"{PLANS}999999/messages/",
        "action": f"{ACTIONS}99999999999999/",
    }[kind]
    assert client.get(url).status_code == 404


def test_plans_list_shows_only_the_callers_plans(
    api_client, plan, pilot, contributor, partner, other_caf_agent, agent, staff
):
    other = PlanFactory(caf=caf("29"), title="CTG Brest métropole")
    member(other, other_caf_agent, "pilote")
    assert [p["id"] for p in login(api_client, pilot).get(PLANS).json()["results"]] == [plan.pk]
    body = login(api_client, contributor).get(PLANS).json()
    assert [(p["id"], p["role"]) for p in body["results"]] == [(plan.pk, "contributeur")]
    assert login(api_client, partner).get(PLANS).json()["count"] == 0
    assert login(api_client, agent).get(PLANS).json()["count"] == 0
    assert [p["id"] for p in login(api_client, other_caf_agent).get(PLANS).json()["results"]] == [
        other.pk
    ]
    staff_ids = {p["id"] for p in login(api_client, staff).get(PLANS).json()["results"]}
    assert staff_ids == {plan.pk, other.pk}


def test_plans_list_fields_and_counts(api_client, plan, pilot, objective):
    ActionFactory(
        objective=objective, starts_on=datetime.date(2024, 1, 1), due_on=datetime.date(2024, 1, 31)
    )
    ActionFactory(objective=objective, due_on=FUTURE)
    row = login(api_client, pilot).get(PLANS).json()["results"][0]
    assert row["title"] == "CTG Grenoble-Alpes Métropole 2024-2028"
    assert row["caf"] == {"number": "38", "name": "Caf de l'Isère"}
    assert row["kind_label"] == "Convention territoriale globale (CTG)"
    assert (row["action_count"], row["late_count"], row["role"]) == (2, 1, "pilote")
    assert row["url"].endswith(f"/api/v1/plans/{plan.pk}/")


def test_plans_list_filters(api_client, staff, plan):
    sdsf = PlanFactory(kind=Plan.Kind.SDSF, caf=caf("29"), status=Plan.Status.PREPARING)
    client = login(api_client, staff)

    def ids(**query):
        response = client.get(PLANS, query)
        assert response.status_code == 200, response.json()
        return [p["id"] for p in response.json()["results"]]

    assert ids(type="sdsf") == [sdsf.pk]
    assert ids(statut="en_cours") == [plan.pk]
    assert ids(caf="38") == [plan.pk]
    assert ids(caf="29", type="ctg") == []


@pytest.mark.parametrize(
    "query", [{"type": "pacte"}, {"statut": "archive"}, {"caf": "999x"}, {"caf": "'; drop"}]
)
def test_plans_list_rejects_bad_filters_with_field_errors(api_client, staff, query):
    response = login(api_client, staff).get(PLANS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"type" if "type" in query else next(iter(query))}


def test_plan_detail_nests_the_roadmap_with_rolled_up_progress(
    api_client, plan, objective, pilot, contributor
):
    ActionFactory(objective=objective, progress=20, weight=1)
    done = ActionFactory(objective=objective, status=Action.Status.DONE, weight=3)
    Step.objects.create(action=done, title="Ouverture", due_on=datetime.date(2025, 9, 1))
    second = ObjectiveFactory(axis=objective.axis, title="Soutenir la parentalité")
    ActionFactory(objective=second, progress=50, status=Action.Status.IN_PROGRESS)
    body = login(api_client, contributor).get(plan_url(plan)).json()
    assert body["role"] == "contributeur"
    [axis] = body["axes"]
    first, other = axis["objectives"]
    assert first["progress"] == 80.0  # (20 × 1 + 100 × 3) / 4
    assert other["progress"] == 50.0
    assert axis["progress"] == 65.0
    assert body["progress"]["plan"] == 65.0
    assert body["progress"]["light"] in {"on_track", "at_risk", "off_track"}
    assert [a["title"] for a in first["actions"]][1] == done.title
    assert first["actions"][1]["steps"][0]["title"] == "Ouverture"
    assert first["actions"][1]["status_label"] == "Réalisée"
    assert {m["name"]: m["role"] for m in body["members"]} == {
        "Sonia Mercier": "pilote",
        "Paul Girard": "contributeur",
    }
    assert body["permissions"] == {
        "manage_plan": False,
        "change_action": True,
        "record_indicator": True,
        "post_message": True,
    }


def test_late_action_reads_as_late(api_client, plan, objective, pilot):
    late = ActionFactory(
        objective=objective, starts_on=datetime.date(2024, 1, 1), due_on=datetime.date(2024, 6, 30)
    )
    body = login(api_client, pilot).get(action_url(late)).json()
    assert (body["status"], body["display_status"], body["is_late"]) == (
        "a_lancer",
        "En retard",
        True,
    )
    listed = login(api_client, pilot).get(plan_url(plan, "actions/"), {"statut": "en_retard"})
    assert [a["id"] for a in listed.json()["results"]] == [late.pk]


# Actions -------------------------------------------------------------------------------------
def test_actions_list_and_filters(api_client, plan, objective, pilot):
    other_axis = ObjectiveFactory(axis=AxisFactory(plan=plan, title="Jeunesse"))
    org = OrganisationFactory(name="Grenoble-Alpes Métropole")
    first = ActionFactory(objective=objective, pilot_organisation=org)
    second = ActionFactory(objective=other_axis, status=Action.Status.DONE)
    ActionFactory()  # another plan's
    client = login(api_client, pilot)

    def ids(**query):
        response = client.get(plan_url(plan, "actions/"), query)
        assert response.status_code == 200, response.json()
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [first.pk, second.pk]
    assert ids(axe=other_axis.axis_id) == [second.pk]
    assert ids(statut="realisee") == [second.pk]
    assert ids(pilote=org.pk) == [first.pk]
    Action.objects.filter(pk=first.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert ids(modifiees_depuis="2024-01-01T00:00:00+01:00") == [second.pk]


@pytest.mark.parametrize(
    "query", [{"axe": "abc"}, {"statut": "inconnu"}, {"modifiees_depuis": "hier"}, {"axe": "-1"}]
)
def test_actions_list_rejects_bad_filters(api_client, plan, pilot, query):
    response = login(api_client, pilot).get(plan_url(plan, "actions/"), query)
    assert response.status_code == 400
    assert next(iter(query)) in response.json()["errors"]


def test_pilot_creates_an_action_through_the_service(
    api_client, plan, objective, pilot, contributor
):
    org = OrganisationFactory(name="Commune d'Échirolles")
    response = login(api_client, pilot).post(
        plan_url(plan, "actions/"),
        {
            "objective": objective.pk,
            "title": "  Relais petite enfance itinérant  ",
            "starts_on": "2025-03-01",
            "due_on": "2026-02-28",
            "pilot_organisation": org.pk,
            "partners": [org.pk],
            "owner": contributor.pk,
            "priority": "haute",
            "budget": "12500.50",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Relais petite enfance itinérant"
    assert body["version"] == 1
    assert body["owner"] == {"id": contributor.pk, "name": "Paul Girard"}
    assert body["partners"][0]["name"] == "Commune d'Échirolles"
    created = Action.objects.get(pk=body["id"])
    assert (created.plan, created.budget, created.updated_by) == (plan, created.budget, pilot)
    assert str(created.budget) == "12500.50"


@pytest.mark.parametrize("role", ["contributor", "reader"])
def test_only_pilots_create_actions(request, api_client, plan, objective, pilot, role):
    client = login(api_client, request.getfixturevalue(role))
    response = client.post(
        plan_url(plan, "actions/"),
        {
            "objective": objective.pk,
            "title": "X",
            "starts_on": "2025-01-01",
            "due_on": "2025-02-01",
        },
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Action.objects.exists()


def test_action_create_refuses_objects_of_another_plan(api_client, plan, objective, pilot):
    foreign_objective = ObjectiveFactory()
    outsider = AgentFactory(caf=caf("29"))
    response = login(api_client, pilot).post(
        plan_url(plan, "actions/"),
        {
            "objective": foreign_objective.pk,
            "title": "Ouvrir un lieu d'accueil enfants-parents",
            "starts_on": "2025-01-01",
            "due_on": "2024-01-01",
            "owner": outsider.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"objective", "owner"}
    assert errors["owner"] == [f"La personne {outsider.pk} n'est pas membre du plan."]


def test_contributor_updates_progress_with_the_version_read(api_client, action, contributor):
    client = login(api_client, contributor)
    read = client.get(action_url(action)).json()
    response = client.patch(
        action_url(action),
        {"version": read["version"], "progress": 65, "status": "en_cours"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["progress"], body["status"], body["version"]) == (65, "en_cours", 2)
    action.refresh_from_db()
    assert (action.progress, action.version, action.updated_by) == (65, 2, contributor)


def test_done_action_goes_to_100(api_client, action, pilot):
    response = login(api_client, pilot).patch(
        action_url(action), {"version": 1, "status": "realisee"}, format="json"
    )
    assert response.json()["progress"] == 100
    assert response.json()["completed_on"] is not None


def test_stale_version_is_a_409_with_both_versions(api_client, action, pilot, contributor):
    services.action_update(action=action, by=pilot, version=1, progress=50)
    response = login(api_client, contributor).patch(
        action_url(action), {"version": 1, "progress": 80, "due_on": "2027-01-31"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["status"], body["code"]) == (409, "conflict")
    assert body["detail"].startswith("Cette action a été modifiée par Sonia Mercier")
    assert (body["current"]["version"], body["current"]["progress"]) == (2, 50)
    assert body["current"]["due_on"] == "2028-06-30"
    assert body["attempted"] == {"version": 1, "progress": 80, "due_on": "2027-01-31"}
    action.refresh_from_db()
    assert (action.progress, action.version, action.due_on) == (50, 2, FUTURE)


def test_reader_cannot_write_anything(api_client, plan, action, indicator, reader):
    client = login(api_client, reader)
    assert client.get(action_url(action)).status_code == 200
    writes = [
        client.patch(action_url(action), {"version": 1, "progress": 90}, format="json"),
        client.post(
            plan_url(plan, "indicateurs/"),
            {"indicator": indicator.pk, "period": "2025-06-30", "value": "100"},
            format="json",
        ),
        client.post(plan_url(plan, "messages/"), {"text": "Bonjour"}, format="json"),
    ]
    assert [r.status_code for r in writes] == [403, 403, 403]
    assert {r.json()["code"] for r in writes} == {"permission_denied"}
    action.refresh_from_db()
    assert action.progress == 40
    assert not IndicatorValue.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": 1, "due_on": "2026-02-31"}, "due_on"),
        ({"version": 1, "starts_on": "31/01/2025"}, "starts_on"),
        ({"version": 1, "progress": 150}, "progress"),
        ({"version": 1, "progress": -1}, "progress"),
        ({"version": 1, "progress": "beaucoup"}, "progress"),
        ({"version": 1, "status": "en_retard"}, "status"),
        ({"version": 1, "status": "termine"}, "status"),
        ({"version": 1, "priority": "urgente"}, "priority"),
        ({"version": 1, "budget": "NaN"}, "budget"),
        ({"version": 1, "budget": "1e20"}, "budget"),
        ({"version": 1, "weight": 0}, "weight"),
        ({"version": 1, "partners": [99999999999]}, "partners"),
        ({"version": 1, "partners": "12"}, "partners"),
        ({"version": 1, "pilot_organisation": "abc"}, "pilot_organisation"),
        ({"version": 1, "owner": 2**40}, "owner"),
        ({"version": 1, "owner": True}, "owner"),
        ({"version": 1, "title": ""}, "title"),
        ({"version": 1, "title": "x" * 301}, "title"),
        ({"version": 1, "plan": 3}, "plan"),
        ({"version": "un", "progress": 10}, "version"),
        ({"version": 2**40, "progress": 10}, "version"),
        ({"progress": 10}, "version"),
        ({"version": 1}, "non_field_errors"),
        ({"version": 1, "starts_on": "2029-01-01"}, "non_field_errors"),  # after the due date
        ({"version": 1, "starts_on": "2026-01-01", "due_on": "2025-01-01"}, "due_on"),
    ],
)
def test_bad_updates_are_400_with_field_errors(api_client, action, pilot, payload, field):
    response = login(api_client, pilot).patch(action_url(action), payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["errors"]
    action.refresh_from_db()
    assert (action.version, action.progress) == (1, 40)


@pytest.mark.parametrize(
    ("method", "kind"),
    [("patch", "action"), ("post", "actions"), ("post", "indicators"), ("post", "messages")],
)
@pytest.mark.parametrize(
    "body", ['{"version": 1, "progress": ', "[1, 2]", '"texte"', "null", "\x00\xff"]
)
def test_malformed_bodies_are_400_never_500(api_client, plan, action, pilot, method, kind, body):
    response = login(api_client, pilot).generic(
        method.upper(), route(kind, plan, action), body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["status"] == 400


def test_put_and_delete_are_not_offered(api_client, action, pilot):
    client = login(api_client, pilot)
    assert client.put(action_url(action), {"version": 1}, format="json").status_code == 405
    assert client.delete(action_url(action)).status_code == 405


# Indicators ----------------------------------------------------------------------------------
def test_indicators_list_with_values_and_achievement(api_client, plan, indicator, contributor):
    IndicatorValue.objects.create(indicator=indicator, period=datetime.date(2024, 12, 31), value=96)
    IndicatorValue.objects.create(indicator=indicator, period=datetime.date(2025, 6, 30), value=110)
    body = login(api_client, contributor).get(plan_url(plan, "indicateurs/")).json()
    [row] = body["results"]
    assert row["name"] == "Places d'accueil du jeune enfant"
    assert [v["value"] for v in row["values"]] == ["96.00", "110.00"]
    assert row["latest_value"] == "110.00"
    assert row["achievement"] == 50.0


def test_recording_a_value_then_correcting_it(api_client, plan, indicator, contributor):
    client = login(api_client, contributor)
    url = plan_url(plan, "indicateurs/")
    payload = {"indicator": indicator.pk, "period": "2025-06-30", "value": "104", "source": "SIEJ"}
    first = client.post(url, payload, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["value"] == "104.00"
    again = client.post(url, {**payload, "value": "106.5"}, format="json")
    assert again.status_code == 200
    assert IndicatorValue.objects.get().value == 106.5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"indicator": None, "period": "2025-06-30", "value": "1"}, "indicator"),
        ({"indicator": "neuf", "period": "2025-06-30", "value": "1"}, "indicator"),
        ({"indicator": 0, "period": "2025-13-01", "value": "1"}, "period"),
        ({"period": "2025-06-30", "value": "beaucoup"}, "value"),
        ({"period": "2025-06-30", "value": "1" * 20}, "value"),
        ({"period": "2025-06-30", "value": "1", "comment": "x" * 501}, "comment"),
    ],
)
def test_bad_values_are_400(api_client, plan, indicator, pilot, payload, field):
    payload = {"indicator": indicator.pk, **payload}
    response = login(api_client, pilot).post(plan_url(plan, "indicateurs/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_indicator_of_another_plan_does_not_exist_here(api_client, plan, pilot):
    foreign = Indicator.objects.create(
        plan=PlanFactory(caf=caf("29")), name="Secret", baseline=0, target=1
    )
    response = login(api_client, pilot).post(
        plan_url(plan, "indicateurs/"),
        {"indicator": foreign.pk, "period": "2025-06-30", "value": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert "indicator" in response.json()["errors"]
    assert not IndicatorValue.objects.exists()


# Messages ------------------------------------------------------------------------------------
def test_messages_are_posted_with_mentions_and_listed(api_client, plan, action, pilot, contributor):
    client = login(api_client, pilot)
    response = client.post(
        plan_url(plan, "messages/"),
        {"text": "@paul.girard le permis est déposé.", "action": action.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["mentions"] == [{"id": contributor.pk, "name": "Paul Girard"}]
    assert body["author"]["name"] == "Sonia Mercier"
    client.post(plan_url(plan, "messages/"), {"text": "Réunion jeudi."}, format="json")
    listed = login(api_client, contributor).get(plan_url(plan, "messages/")).json()
    assert [m["text"] for m in listed["results"]] == [
        "@paul.girard le permis est déposé.",
        "Réunion jeudi.",
    ]
    only_action = login(api_client, contributor).get(
        plan_url(plan, "messages/"), {"action": action.pk}
    )
    assert only_action.json()["count"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({}, "text"),
        ({"text": "Bonjour", "action": "une"}, "action"),
    ],
)
def test_bad_messages_are_400(api_client, plan, pilot, payload, field):
    response = login(api_client, pilot).post(plan_url(plan, "messages/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_message_on_another_plans_action_is_refused(api_client, plan, pilot):
    foreign = ActionFactory()
    response = login(api_client, pilot).post(
        plan_url(plan, "messages/"), {"text": "Bonjour", "action": foreign.pk}, format="json"
    )
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_messages_are_paginated(api_client, plan, pilot):
    Message.objects.bulk_create(Message(plan=plan, author=pilot, text=f"n°{i}") for i in range(55))
    client = login(api_client, pilot)
    first = client.get(plan_url(plan, "messages/")).json()
    assert (first["count"], len(first["results"])) == (55, 50)
    assert client.get(first["next"]).json()["results"][-1]["text"] == "n°54"


# Query counts --------------------------------------------------------------------------------
def rich_plans(n: int, pilot) -> list[Plan]:
    plans = []
    for _ in range(n):
        plan = PlanFactory()
        member(plan, pilot, "pilote")
        ActionFactory(objective=ObjectiveFactory(axis=AxisFactory(plan=plan)))
        plans.append(plan)
    return plans


def rich_actions(plan, n: int, contributor) -> None:
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    orgs = OrganisationFactory.create_batch(2)
    for i in range(n):
        action = ActionFactory(objective=objective, pilot_organisation=orgs[0], owner=contributor)
        action.partners.set(orgs)
        Step.objects.create(action=action, title=f"Jalon {i}", due_on=datetime.date(2025, 6, 1))


@pytest.mark.parametrize("n", [1, 25])
def test_plans_list_queries_do_not_grow(api_client, n, django_assert_num_queries):
    pilot = AgentFactory(caf=caf("38"))
    rich_plans(n, pilot)
    client = login(api_client, pilot)
    # token + user, memberships, count, page of plans (Caf, region, action counts)
    with django_assert_num_queries(4):
        assert client.get(PLANS).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_plan_detail_queries_do_not_grow(
    api_client, plan, pilot, contributor, n, django_assert_num_queries
):
    rich_actions(plan, n, contributor)
    client = login(api_client, pilot)
    # token + user, memberships, plan (Caf, template), signatories, members, axes, objectives,
    # actions (pilot, owner), partners, steps
    with django_assert_num_queries(10):
        body = client.get(plan_url(plan)).json()
    assert len(body["axes"][0]["objectives"][0]["actions"]) == n


@pytest.mark.parametrize("n", [1, 25])
def test_actions_list_queries_do_not_grow(
    api_client, plan, pilot, contributor, n, django_assert_num_queries
):
    rich_actions(plan, n, contributor)
    client = login(api_client, pilot)
    # token + user, plan, memberships, count, page of actions (objective, pilot, owner),
    # partners, steps
    with django_assert_num_queries(7):
        assert client.get(plan_url(plan, "actions/")).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_indicators_list_queries_do_not_grow(
    api_client, plan, objective, pilot, n, django_assert_num_queries
):
    for i in range(n):
        indicator = Indicator.objects.create(
            plan=plan, objective=objective, name=f"I{i}", baseline=0, target=10
        )
        IndicatorValue.objects.create(
            indicator=indicator, period=datetime.date(2025, 6, 30), value=i
        )
    client = login(api_client, pilot)
    # token + user, plan, memberships, indicators (objective, action), values
    with django_assert_num_queries(5):
        assert client.get(plan_url(plan, "indicateurs/")).json()["count"] == n


@pytest.mark.parametrize("n", [1, 25])
def test_messages_list_queries_do_not_grow(
    api_client, plan, action, pilot, contributor, n, django_assert_num_queries
):
    for i in range(n):
        message = Message.objects.create(
            plan=plan, action=action, author=contributor, text=f"n°{i}"
        )
        message.mentions.set([pilot])
    client = login(api_client, pilot)
    # token + user, plan, memberships, count, page of messages (author, organisation, action),
    # mentions
    with django_assert_num_queries(6):
        assert client.get(plan_url(plan, "messages/")).json()["count"] == n


def test_conflict_body_is_json_serialisable_with_every_field(api_client, action, pilot):
    org = OrganisationFactory()
    services.action_update(action=action, by=pilot, version=1, progress=10)
    payload = {
        "version": 1,
        "pilot_organisation": org.pk,
        "partners": [org.pk],
        "budget": "10.50",
        "starts_on": "2025-02-01",
    }
    response = login(api_client, pilot).patch(action_url(action), payload, format="json")
    assert response.status_code == 409
    assert json.loads(response.content)["attempted"] == payload
