"""COOPération's admin: every changelist searchable by Caf, the actions that call the services,
the exports, and the writes that keep the activity feed and the actions' versions right."""

import datetime
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from caflab.models import ActivityEvent
from cooperation import services
from cooperation.models import (
    Action,
    AxisTheme,
    Document,
    Indicator,
    IndicatorValue,
    Message,
    PlanMember,
    PlanTemplate,
    Resource,
    Step,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(title="CTG Grenoble-Alpes Métropole 2024-2028")


@pytest.fixture
def pilot(plan):
    user = AgentFactory(caf=caf("38"), first_name="Sonia", last_name="Mercier")
    member(plan, user, "pilote")
    return user


@pytest.fixture
def action(plan):
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan, title="Petite enfance"))
    return ActionFactory(
        objective=objective,
        title="Ouvrir une micro-crèche",
        progress=30,
        due_on=datetime.date(2028, 6, 30),  # never late while the plan runs
    )


@pytest.fixture
def world(plan, pilot, action):
    """One object of every model, all in the Caf de l'Isère's plan, and one elsewhere."""
    theme = AxisTheme.objects.create(name="Isère : petite enfance", slug="isere-petite-enfance")
    PlanTemplate.objects.create(name="CTG type Isère", kind="ctg", structure={"axes": []})
    Resource.objects.create(
        title="Guide d'évaluation d'une CTG en Isère", kind="guide", summary="…", url="https://x.fr"
    )
    Step.objects.create(action=action, title="Comité de pilotage", due_on=datetime.date(2025, 3, 1))
    indicator = Indicator.objects.create(plan=plan, name="Places", baseline=0, target=10)
    IndicatorValue.objects.create(indicator=indicator, period=datetime.date(2025, 6, 30), value=4)
    Message.objects.create(plan=plan, author=pilot, text="Réunion jeudi.")
    Document.objects.create(
        plan=plan, file="cooperation/x.pdf", name="bilan.pdf", size=10, content_type="pdf"
    )
    ActionFactory(
        title="Action du Finistère",
        objective=ObjectiveFactory(
            axis=AxisFactory(plan=PlanFactory(caf=caf("29"), title="CTG Brest"))
        ),
    )
    return theme


MODELS = [
    "axistheme",
    "plantemplate",
    "plan",
    "planmember",
    "axis",
    "objective",
    "action",
    "step",
    "indicator",
    "indicatorvalue",
    "message",
    "document",
    "resource",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_finds_the_isere_rows_and_not_the_others(client, staff, world, model):
    client.force_login(staff)
    url = reverse(f"admin:cooperation_{model}_changelist")
    response = client.get(url, {"q": "isère"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert "Finistère" not in str([str(o) for o in response.context["cl"].result_list])
    assert "Brest" not in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_every_change_form_opens(client, staff, world, model):
    client.force_login(staff)
    changelist = client.get(reverse(f"admin:cooperation_{model}_changelist"))
    obj = changelist.context["cl"].result_list[0]
    assert (
        client.get(reverse(f"admin:cooperation_{model}_change", args=[obj.pk])).status_code == 200
    )


def test_action_changelist_shows_late_actions_as_late(client, staff, plan, action):
    late = ActionFactory(
        objective=action.objective,
        title="Diagnostic en retard",
        starts_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 6, 30),
    )
    client.force_login(staff)
    response = client.get(reverse("admin:cooperation_action_changelist"), {"statut": "en_retard"})
    assert list(response.context["cl"].result_list) == [late]
    assert "En retard" in response.content.decode()


@pytest.mark.parametrize("n", [1, 25])
def test_action_changelist_queries_do_not_grow(client, staff, plan, n, django_assert_num_queries):
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    ActionFactory.create_batch(n, objective=objective, pilot_organisation=OrganisationFactory())
    client.force_login(staff)
    # session, user, permissions (2), region filter, counts (2), page of actions (plan, Caf,
    # axis, pilot), date hierarchy (2)
    with django_assert_num_queries(10):
        assert client.get(reverse("admin:cooperation_action_changelist")).status_code == 200


# Actions calling services --------------------------------------------------------------------
def test_freeze_baseline_action_calls_the_service(client, staff, plan, action):
    client.force_login(staff)
    response = client.post(
        reverse("admin:cooperation_plan_changelist"),
        {"action": "freeze_baseline", "_selected_action": [plan.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "Planning de référence figé pour 1 plan." in body
    action.refresh_from_db()
    plan.refresh_from_db()
    assert (action.baseline_starts_on, action.baseline_due_on) == (action.starts_on, action.due_on)
    assert plan.baseline_frozen_at is not None
    assert ActivityEvent.objects.filter(verb="plan.baseline_frozen", actor=staff).count() == 1


def test_plan_exports_in_xlsx_and_csv(client, staff, plan, action):
    ActionFactory(
        objective=action.objective,
        starts_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 2, 1),
    )
    client.force_login(staff)
    url = reverse("admin:cooperation_plan_changelist")
    response = client.post(url, {"action": "export_xlsx", "_selected_action": [plan.pk]})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    header = list(rows[0])
    assert rows[1][header.index("Plan")] == "CTG Grenoble-Alpes Métropole 2024-2028"
    assert rows[1][header.index("Caf")] == "Caf de l'Isère"
    assert (rows[1][header.index("Actions")], rows[1][header.index("Actions en retard")]) == (2, 1)
    csv = client.post(url, {"action": "export_csv", "_selected_action": [plan.pk]})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Plan;Type;N° Caf;Caf;")


def test_action_export_has_plan_caf_axis_and_read_status(client, staff, plan, action):
    late = ActionFactory(
        objective=action.objective,
        title='=HYPERLINK("http://evil")',
        starts_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 6, 30),
        progress=20,
    )
    client.force_login(staff)
    response = client.post(
        reverse("admin:cooperation_action_changelist"),
        {"action": "export_xlsx", "_selected_action": [action.pk, late.pk]},
    )
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    header = list(rows[0])
    assert header[:7] == ["Plan", "Caf", "Axe", "Objectif", "Action", "Pilote", "Statut"]
    by_title = {row[header.index("Action")]: row for row in rows[1:]}
    row = by_title['\'=HYPERLINK("http://evil")']  # neutralised, never a formula
    assert row[header.index("Statut")] == "En retard"
    assert row[header.index("Avancement (%)")] == 20
    assert row[header.index("Échéance")] == datetime.datetime(2024, 6, 30)  # noqa: DTZ001
    assert row[header.index("Axe")] == "Petite enfance"


def action_form(action, **changes):
    data = {
        "title": action.title,
        "description": action.description,
        "loaded_version": action.version,
        "priority": action.priority,
        "starts_on": action.starts_on.isoformat(),
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "progress": action.progress,
        "progress_mode": action.progress_mode,
        "weight": action.weight,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return data


def test_changing_an_action_goes_through_the_service(client, staff, action):
    client.force_login(staff)
    url = reverse("admin:cooperation_action_change", args=[action.pk])
    response = client.post(url, action_form(action, progress=70, status="en_cours"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.status, action.version, action.updated_by) == (
        70,
        "en_cours",
        2,
        staff,
    )
    event = ActivityEvent.objects.get(verb="action.updated")
    assert event.changes["progress"] == [30, 70]


def test_admin_edit_of_a_stale_action_is_refused(client, staff, pilot, action):
    client.force_login(staff)
    url = reverse("admin:cooperation_action_change", args=[action.pk])
    form = action_form(action, progress=70)  # opened at version 1
    services.action_update(action=action, by=pilot, version=1, progress=55)
    response = client.post(url, form)
    assert response.status_code == 200
    assert "a été modifiée par Sonia Mercier depuis l&#x27;ouverture" in response.content.decode()
    action.refresh_from_db()
    assert (action.progress, action.version) == (55, 2)


def test_adding_an_action_goes_through_the_service(client, staff, pilot, action):
    client.force_login(staff)
    data = action_form(action, title="Relais petite enfance itinérant", owner=pilot.pk)
    data.update(
        {
            "objective": action.objective_id,
            "steps-TOTAL_FORMS": 1,
            "steps-0-title": "Recrutement de l'animatrice",
            "steps-0-due_on": "2025-04-01",
            "steps-0-position": 0,
        }
    )
    del data["loaded_version"]
    response = client.post(reverse("admin:cooperation_action_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Action.objects.get(title="Relais petite enfance itinérant")
    assert created.plan_id == action.plan_id
    assert created.steps.get().title == "Recrutement de l'animatrice"
    assert ActivityEvent.objects.filter(verb="action.created", object_id=str(created.pk)).exists()


# Members -------------------------------------------------------------------------------------
def plan_form(plan, members, **extra):
    data = {
        "kind": plan.kind,
        "title": plan.title,
        "caf": plan.caf_id,
        "territory": plan.territory,
        "status": plan.status,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": sum(1 for m in members if m.get("id")),
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        "axes-TOTAL_FORMS": 0,
        "axes-INITIAL_FORMS": 0,
        "axes-MIN_NUM_FORMS": 0,
        "axes-MAX_NUM_FORMS": 1000,
    }
    for i, values in enumerate(members):
        data.update({f"members-{i}-{key}": value for key, value in values.items()})
        data[f"members-{i}-plan"] = plan.pk
    data.update(extra)
    return data


def test_members_added_in_the_admin_are_journaled_and_told(
    client, staff, plan, pilot, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(email="contact@ville-echirolles.test")
    pilot_row = PlanMember.objects.get(plan=plan, user=pilot)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cooperation_plan_change", args=[plan.pk]),
            plan_form(
                plan,
                [
                    {"id": pilot_row.pk, "user": pilot.pk, "role": "pilote"},
                    {"user": partner.pk, "role": "contributeur"},
                ],
            ),
        )
    assert response.status_code == 302, response.context["errors"]
    assert PlanMember.objects.get(plan=plan, user=partner).role == "contributeur"
    assert ActivityEvent.objects.filter(verb="member.added", actor=staff).count() == 1
    assert [m.to for m in mail.outbox] == [["contact@ville-echirolles.test"]]


def test_the_last_pilot_cannot_be_removed_in_the_admin(client, staff, plan, pilot):
    pilot_row = PlanMember.objects.get(plan=plan, user=pilot)
    client.force_login(staff)
    response = client.post(
        reverse("admin:cooperation_plan_change", args=[plan.pk]),
        plan_form(plan, [{"id": pilot_row.pk, "user": pilot.pk, "role": "lecteur"}]),
    )
    assert response.status_code == 200
    assert "Un plan garde toujours au moins un pilote." in response.content.decode()
    assert PlanMember.objects.get(plan=plan, user=pilot).role == "pilote"


def test_template_structure_is_checked(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:cooperation_plantemplate_add"),
        {
            "name": "CTG type",
            "kind": "ctg",
            "structure": '{"axes": [{"title": "Petite enfance", "objectives": '
            '[{"title": "Accueil", "actions": [{"title": "Diagnostic", "months": "six"}]}]}]}',
        },
    )
    assert response.status_code == 200
    assert "« months » est un nombre de mois entier et positif" in response.content.decode()
    assert not PlanTemplate.objects.exists()
