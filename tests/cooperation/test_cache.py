"""The plan pages are cached (cooperation.scopes): every write shows on the next request —
through the services, the pages, the admin, the API, the bulk paths and the shared names — and
no viewer receives what another may not see or do."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cooperation import imports, services
from cooperation.models import Action, Plan, PlanMember, Step
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)
from tests.cooperation.test_exports import GOOD_LINES, template_filled, upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def pilot(db):
    return AgentFactory(caf=caf("38"), first_name="Sonia", last_name="Mercier")


@pytest.fixture
def mairie(db):
    return OrganisationFactory(name="Ville de Grenoble")


@pytest.fixture
def plan(pilot, mairie):
    plan = PlanFactory(starts_on=TODAY - 700 * DAY, ends_on=TODAY + 300 * DAY)
    member(plan, pilot, PlanMember.Role.PILOT)
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan, title="Petite enfance"))
    ActionFactory(
        objective=objective,
        title="Ouvrir une micro-crèche",
        status=Action.Status.IN_PROGRESS,
        progress=30,
        starts_on=TODAY - 300 * DAY,
        due_on=TODAY - 10 * DAY,
        pilot_organisation=mairie,
        owner=pilot,
    )
    return plan


@pytest.fixture
def action(plan):
    return plan.actions.get()


@pytest.fixture
def reader(plan):
    user = PartnerFactory()
    member(plan, user, PlanMember.Role.READER)
    return user


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, name: str, plan: Plan, **params) -> str:
    response = client.get(reverse(f"cooperation:{name}", kwargs={"pk": plan.pk}), params)
    assert response.status_code == 200
    return response.content.decode()


PAGES = ["plan-detail", "plan-gantt"]


def warm(client, plan) -> None:
    """Read the plan's cached pages once, so that a stale copy would be served next."""
    for name in PAGES:
        page(client, name, plan)


# Writes through the services and the pages ----------------------------------------------------
@pytest.mark.parametrize("name", PAGES)
def test_an_action_updated_by_the_service_shows_at_once(plan, action, pilot, name):
    client = logged(pilot)
    assert "Ouvrir une micro-crèche" in page(client, name, plan)
    services.action_update(action=action, by=pilot, version=1, title="Ouvrir deux micro-crèches")
    assert "Ouvrir deux micro-crèches" in page(client, name, plan)


def test_a_step_ticked_shows_on_the_retroplanning(plan, action, pilot):
    client = logged(pilot)
    step = services.step_add(action=action, by=pilot, title="Choisir le local", due_on=TODAY)
    assert "Jalon : Choisir le local" in page(client, "plan-gantt", plan)
    services.step_set_done(step=step, by=pilot, done=True)
    assert "Jalon atteint : Choisir le local" in page(client, "plan-gantt", plan)


def test_the_structure_built_shows_at_once(plan, pilot):
    client = logged(pilot)
    warm(client, plan)
    axis = services.axis_create(plan=plan, by=pilot, title="Parentalité")
    objective = services.objective_create(axis=axis, by=pilot, title="Soutenir les parents")
    services.action_create(
        objective=objective,
        by=pilot,
        title="Ouvrir un lieu d'accueil enfants-parents",
        starts_on=TODAY,
        due_on=TODAY + 90 * DAY,
    )
    detail = page(client, "plan-detail", plan)
    assert "Parentalité" in detail
    assert "Soutenir les parents" in detail
    assert "Ouvrir un lieu d&#x27;accueil enfants-parents" in detail
    assert "Ouvrir un lieu d&#x27;accueil enfants-parents" in page(client, "plan-gantt", plan)


def test_a_new_member_shows_in_the_plan_card(plan, pilot):
    client = logged(pilot)
    assert "1 membre" in page(client, "plan-detail", plan)
    services.member_set(plan=plan, user=PartnerFactory(), role="lecteur", by=pilot)
    assert "2 membres" in page(client, "plan-detail", plan)


def test_rows_saved_directly_show_at_once(plan, action, pilot):
    """The admin and the tasks save rows without the services: the signals bump the plan."""
    client = logged(pilot)
    warm(client, plan)
    axis = plan.axes.get()
    axis.title = "Accueil du jeune enfant"
    axis.save()
    Step.objects.create(action=action, title="Signer le bail", due_on=TODAY + DAY)
    assert "Accueil du jeune enfant" in page(client, "plan-detail", plan)
    assert "Jalon : Signer le bail" in page(client, "plan-gantt", plan)
    action.delete()
    assert "Ouvrir une micro-crèche" not in page(client, "plan-detail", plan)
    assert "Ouvrir une micro-crèche" not in page(client, "plan-gantt", plan)


def test_partners_and_signatories_changed_show_at_once(plan, pilot):
    client = logged(pilot)
    page(client, "plan-detail", plan)
    plan.signatories.add(OrganisationFactory(name="Conseil départemental de l'Isère"))
    assert "Conseil départemental de l&#x27;Isère" in page(client, "plan-detail", plan)


# Writes without signals (update(), bulk_create()) ---------------------------------------------
def test_freezing_the_baseline_from_the_page_shows_at_once(plan, pilot):
    client = logged(pilot)
    assert "pas encore figé" in page(client, "plan-detail", plan)
    response = client.post(reverse("cooperation:plan-freeze", kwargs={"pk": plan.pk}))
    assert response.status_code == 302
    detail = page(client, "plan-detail", plan)
    assert "pas encore figé" not in detail
    assert "Échéance prévue (référence)" in detail


def test_freezing_the_baseline_from_the_admin_shows_at_once(plan, staff):
    client = logged(staff)
    assert "pas encore figé" in page(client, "plan-detail", plan)
    response = client.post(
        reverse("admin:cooperation_plan_changelist"),
        {"action": "freeze_baseline", "_selected_action": [plan.pk]},
    )
    assert response.status_code == 302
    assert "pas encore figé" not in page(client, "plan-detail", plan)


def test_an_imported_roadmap_shows_at_once(plan, pilot):
    OrganisationFactory(name="Grenoble-Alpes Métropole")
    client = logged(pilot)
    warm(client, plan)
    imports.plan_import(plan=plan, by=pilot, upload=upload(template_filled(GOOD_LINES[:1])))
    detail = page(client, "plan-detail", plan)
    assert "2 actions." in detail
    assert "Grenoble-Alpes Métropole" in detail
    assert "2 lignes (actions et jalons)" in page(client, "plan-gantt", plan)


def test_progress_from_steps_shows_at_once(plan, action, pilot):
    client = logged(pilot)
    action = services.action_update(action=action, by=pilot, version=1, progress_mode="jalons")
    first = services.step_add(action=action, by=pilot, title="Local", due_on=TODAY)
    services.step_add(action=action, by=pilot, title="Agrément", due_on=TODAY + DAY)
    assert "50&nbsp;%" not in page(client, "plan-detail", plan)
    services.step_set_done(step=first, by=pilot, done=True)
    assert "50&nbsp;%" in page(client, "plan-detail", plan)


# Through the API ------------------------------------------------------------------------------
def test_an_action_patched_through_the_api_shows_at_once(plan, action, pilot, api_client):
    from rest_framework.authtoken.models import Token

    client = logged(pilot)
    warm(client, plan)
    token, _created = Token.objects.get_or_create(user=pilot)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.patch(
        f"/api/v1/actions/{action.pk}/", {"version": 1, "title": "Crèche de l'API"}, format="json"
    )
    assert response.status_code == 200, response.json()
    for name in PAGES:
        assert "Crèche de l&#x27;API" in page(client, name, plan)


# Names the plan shows but does not own ---------------------------------------------------------
def test_a_renamed_pilot_organisation_shows_at_once(plan, pilot, mairie):
    client = logged(pilot)
    warm(client, plan)
    mairie.name = "Ville de Grenoble (CCAS)"
    mairie.save()
    assert "Ville de Grenoble (CCAS)" in page(client, "plan-detail", plan)
    assert "Ville de Grenoble (CCAS)" in page(client, "plan-gantt", plan)


def test_a_renamed_referent_shows_at_once(plan, pilot):
    client = logged(pilot)
    assert "Sonia Mercier" in page(client, "plan-detail", plan)
    pilot.last_name = "Durand"
    pilot.save(update_fields=["last_name"])
    assert "Sonia Durand" in page(client, "plan-detail", plan)


# Who sees what --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PAGES)
def test_the_cache_never_opens_a_plan_to_others(plan, pilot, other_caf_agent, partner, name):
    warm(logged(pilot), plan)
    for outsider in (other_caf_agent, partner, AgentFactory(caf=caf("38"))):
        response = logged(outsider).get(reverse(f"cooperation:{name}", kwargs={"pk": plan.pk}))
        assert response.status_code == 404


def test_the_pilots_buttons_are_not_shown_to_a_reader(plan, pilot, reader):
    freeze = reverse("cooperation:plan-freeze", kwargs={"pk": plan.pk})
    pilot_page = page(logged(pilot), "plan-detail", plan)
    assert freeze in pilot_page
    reader_page = page(logged(reader), "plan-detail", plan)
    assert freeze not in reader_page
    structure = reverse("cooperation:plan-structure", kwargs={"pk": plan.pk})
    assert structure in pilot_page
    assert structure not in reader_page


def test_an_empty_roadmap_invites_only_the_pilot_to_build_it(pilot, reader_of_empty):
    plan = reader_of_empty.plan
    build = "Ajouter les axes, objectifs et actions"
    assert build in page(logged(pilot), "plan-detail", plan)
    assert build not in page(logged(reader_of_empty.user), "plan-detail", plan)
    assert build in page(logged(pilot), "plan-detail", plan)


@pytest.fixture
def reader_of_empty(pilot):
    plan = PlanFactory()
    member(plan, pilot, PlanMember.Role.PILOT)
    return member(plan, PartnerFactory(), PlanMember.Role.READER)


def test_each_viewer_gets_their_own_form_token(plan, pilot, staff):
    """The freeze form's token is rendered around the cached parts, never inside them."""
    first, second = logged(pilot), logged(staff)
    for client in (first, second, first):
        response = client.get(reverse("cooperation:plan-detail", kwargs={"pk": plan.pk}))
        token = response.context["csrf_token"]
        assert str(token) in response.content.decode()


def test_filters_are_cached_apart(plan, pilot):
    client = logged(pilot)
    assert "Ouvrir une micro-crèche" in page(client, "plan-detail", plan, status="en_retard")
    assert "Aucune action ne correspond" in page(client, "plan-detail", plan, status="realisee")
    assert "Ouvrir une micro-crèche" in page(client, "plan-gantt", plan, status="en_retard")
    assert "0 ligne" in page(client, "plan-gantt", plan, status="realisee")


# The lists --------------------------------------------------------------------------------------
def test_the_plan_list_shows_late_actions_done_at_once(plan, action, pilot):
    client = logged(pilot)
    listing = client.get(reverse("cooperation:plan-list")).content.decode()
    assert '<td class="nombre">1</td>' in listing
    services.action_update(action=action, by=pilot, version=1, status="realisee")
    listing = client.get(reverse("cooperation:plan-list")).content.decode()
    assert '<td class="nombre">0</td>' in listing
    assert "100&nbsp;%" in listing


def test_the_home_panel_shows_late_actions_done_at_once(plan, action, pilot):
    client = logged(pilot)
    assert "1 action en retard" in client.get("/").content.decode()
    services.action_update(action=action, by=pilot, version=1, status="realisee")
    body = client.get("/").content.decode()
    assert "1 action en retard" not in body
    assert "100&nbsp;%" in body


def test_the_national_dashboard_counts_new_actions_at_once(plan, staff, pilot):
    client = logged(staff)
    national = reverse("cooperation:national-dashboard")
    assert '<td class="nombre">1</td>' in client.get(national).content.decode()
    objective = plan.axes.get().objectives.get()
    services.action_create(
        objective=objective, by=pilot, title="Deuxième", starts_on=TODAY, due_on=TODAY + DAY
    )
    assert '<td class="nombre">2</td>' in client.get(national).content.decode()


def test_the_staff_caf_filter_follows_a_renamed_caf(staff):
    client = logged(staff)
    isere = caf("38")
    assert (
        f"38 – {escape(isere.name)}"
        in client.get(reverse("cooperation:plan-list")).content.decode()
    )
    isere.name = "Caf de l'Isère (Grenoble)"
    isere.save()
    body = client.get(reverse("cooperation:plan-list")).content.decode()
    assert "38 – Caf de l&#x27;Isère (Grenoble)" in body


# The indicators -------------------------------------------------------------------------------
def test_indicators_and_their_measures_show_at_once(plan, action, pilot, reader):
    client = logged(pilot)
    assert "pas encore d" in page(client, "plan-indicators", plan)
    indicator = services.indicator_create(
        plan=plan,
        by=pilot,
        name="Places d'accueil créées",
        unit="places",
        baseline=0,
        target=40,
        direction="hausse",
        action=action,
    )
    body = page(client, "plan-indicators", plan)
    assert "Places d&#x27;accueil créées" in body
    assert "Aucune mesure pour l" in body
    services.indicator_record(indicator=indicator, by=pilot, period=TODAY, value=10)
    assert "25&nbsp;%" in page(client, "plan-indicators", plan)  # 10 places of 40
    # The choices of the forms follow the actions; a reader sees no form at all
    services.action_update(action=action, by=pilot, version=1, title="Crèche des Eaux-Claires")
    body = page(client, "plan-indicators", plan)
    assert body.count("Crèche des Eaux-Claires") >= 2  # the table, the choice of the form
    reader_page = page(logged(reader), "plan-indicators", plan)
    assert "Créer l&#x27;indicateur" not in reader_page
    assert "Enregistrer la mesure" not in reader_page
