"""COOPération in Chromium: the demo partner updates an action of a Caf 38 plan, the Caf's
pilot sees it on the dashboard and on the retro-planning. axe runs on every page reached."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from caflab.demo import AGENT_EMAIL, PARTNER_EMAIL
from caflab.models import Caf, Organisation, User
from caflab.seeding import SeedContext, seed_all
from cooperation import services
from cooperation.models import Action, Plan, PlanMember
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_TITLE = "CTG Grenoble-Alpes Métropole 2025-2028"
ACTION_TITLE = "Ouvrir un relais petite enfance itinérant"


@pytest.fixture
def demo_plan():
    """The demo agent pilots a Caf 38 plan with a roadmap; the demo partner contributes."""
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    pilot = User.objects.get(email=AGENT_EMAIL)
    partner = User.objects.get(email=PARTNER_EMAIL)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    plan = services.plan_create(
        caf=Caf.objects.get(number="38"),
        kind=Plan.Kind.CTG,
        title=PLAN_TITLE,
        territory="Grenoble-Alpes Métropole (49 communes)",
        starts_on=today - 365 * day,
        ends_on=today + 2 * 365 * day,
        by=pilot,
    )
    services.member_set(plan=plan, user=partner, role=PlanMember.Role.CONTRIBUTOR, by=pilot)
    grenoble = Organisation.objects.get(name="Ville de Grenoble")
    childhood = services.axis_create(plan=plan, by=pilot, title="Petite enfance")
    offer = services.objective_create(
        axis=childhood, by=pilot, title="Adapter l'offre d'accueil aux horaires atypiques"
    )
    action = services.action_create(
        objective=offer,
        by=pilot,
        title=ACTION_TITLE,
        starts_on=today - 90 * day,
        due_on=today + 200 * day,
        pilot_organisation=grenoble,
        owner=partner,
        status=Action.Status.IN_PROGRESS,
        progress=20,
    )
    services.step_add(action=action, by=pilot, title="Choisir le véhicule", due_on=today + 60 * day)
    youth = services.axis_create(plan=plan, by=pilot, title="Parentalité")
    support = services.objective_create(axis=youth, by=pilot, title="Mailler le territoire")
    services.action_create(
        objective=support,
        by=pilot,
        title="Ouvrir un lieu d'accueil enfants-parents",
        starts_on=today - 200 * day,
        due_on=today - 20 * day,
    )
    return plan


def test_the_partner_updates_an_action_and_the_pilot_sees_it(page, browser, live_server, demo_plan):
    # The partner finds the plan, opens the action and updates its progress.
    login(page, PARTNER_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    assert "Mes plans d'action" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="COOPération"
    ).click()
    assert page.locator("h1").inner_text() == "COOPération : les plans d'action"
    assert_accessible(page)
    page.get_by_role("link", name=PLAN_TITLE).click()
    assert page.locator("h1").inner_text() == PLAN_TITLE
    assert "Ouvrir un lieu d'accueil enfants-parents" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=ACTION_TITLE).first.click()
    assert page.locator("h1").inner_text() == ACTION_TITLE
    assert_accessible(page)
    page.get_by_role("link", name="Mettre à jour l'action").click()
    assert page.locator("h1").inner_text() == "Mettre à jour l'action"
    assert_accessible(page)
    page.get_by_label("Avancement (%)").fill("65")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("h1").inner_text() == ACTION_TITLE
    assert "est mise à jour" in page.get_by_role("status").first.inner_text()
    assert "65\xa0%" in page.locator("dl.fiche").inner_text()
    assert_accessible(page)

    # A word to the pilot in the plan's space, with a mention.
    page.get_by_role("link", name="Espace collaboratif").click()
    page.get_by_text("Mentionner l'un des 2 membres du plan").click()
    assert "@agent.isere" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Votre message").fill("@agent.isere le véhicule est commandé.")
    page.get_by_role("button", name="Publier le message").click()
    assert "le véhicule est commandé." in page.locator(".coop-fil-messages").inner_text()
    assert_accessible(page)

    # The pilot, in another browser, sees the new progress on the dashboard...
    pilot_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    pilot_page = pilot_context.new_page()
    pilot_page.set_default_timeout(10_000)
    login(pilot_page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    assert_accessible(pilot_page)
    pilot_page.get_by_role("link", name=PLAN_TITLE).first.click()
    assert pilot_page.locator("h1").inner_text() == PLAN_TITLE
    row = pilot_page.locator(
        "#feuille-de-route tr", has=pilot_page.get_by_role("link", name=ACTION_TITLE)
    )
    assert "65\xa0%" in row.inner_text()
    assert "En cours" in row.inner_text()
    assert "État du plan :" in pilot_page.locator("main").inner_text()
    assert (
        "Ouvrir un lieu d'accueil enfants-parents"
        in pilot_page.locator("#titre-retard + ul").inner_text()
    )
    assert_accessible(pilot_page)

    # ... and on the retro-planning, chart and table.
    pilot_page.get_by_role("link", name="Rétroplanning").click()
    assert pilot_page.locator("h1").inner_text() == "Rétroplanning"
    assert "65\xa0%" in pilot_page.locator("svg[role=img]").text_content()
    pilot_page.get_by_text("Voir les données du graphique").click()
    table_row = pilot_page.locator("tr", has=pilot_page.get_by_role("rowheader", name=ACTION_TITLE))
    assert "65\xa0%" in table_row.inner_text()
    assert "Jalon : Choisir le véhicule" in pilot_page.locator("main").inner_text()
    assert_accessible(pilot_page)

    # Filtered (htmx swaps the chart in place), the page stays accessible.
    pilot_page.get_by_label("Statut").select_option("en_retard")
    pilot_page.get_by_role("button", name="Filtrer").click()
    pilot_page.get_by_text("1 ligne (actions et jalons)").wait_for()
    assert ACTION_TITLE not in pilot_page.locator("#retroplanning").inner_text()
    assert_accessible(pilot_page)
    pilot_context.close()


def test_the_pilot_pages_are_accessible(page, browser, live_server, demo_plan):
    """Members, roadmap building, indicators, a new plan, resources, and the conflict page."""
    plan = demo_plan
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    for path, heading in [
        (f"/cooperation/{plan.pk}/membres/", "Membres du plan"),
        (f"/cooperation/{plan.pk}/feuille-de-route/", "Construire la feuille de route"),
        (f"/cooperation/{plan.pk}/indicateurs/", "Indicateurs"),
        ("/cooperation/nouveau/", "Nouveau plan d'action"),
        ("/cooperation/ressources/", "Ressources pour l'évaluation"),
    ]:
        page.goto(path)
        assert page.locator("h1").inner_text() == heading, path
        assert_accessible(page)

    # An indicator, then a value: the chart appears.
    page.goto(f"/cooperation/{plan.pk}/indicateurs/")
    page.get_by_label("Nom de l'indicateur").fill("Familles accueillies")
    page.get_by_label("Valeur de départ").fill("0")
    page.locator("#indicateur_target").fill("120")  # « Cible » alone would match twice
    page.get_by_role("button", name="Créer l'indicateur").click()
    page.locator("#mesure_indicator").select_option(label="Familles accueillies")
    page.get_by_label("Date de la mesure").fill(timezone.localdate().isoformat())
    page.locator("#mesure_value").fill("45")
    page.get_by_role("button", name="Enregistrer la mesure").click()
    assert "37,5\xa0%" in page.locator("main").inner_text()
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page)

    # Someone saves the action while the pilot edits it: 409, both versions, nothing lost.
    action = plan.actions.get(title=ACTION_TITLE)
    page.goto(f"/cooperation/{plan.pk}/actions/{action.pk}/modifier/")
    partner = User.objects.get(email=PARTNER_EMAIL)
    services.action_update(action=action, by=partner, version=action.version, progress=40)
    page.get_by_label("Avancement (%)").fill("90")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Sonia Mercier" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Avancement (%)").input_value() == "90"
    assert "40\xa0%" in page.locator("table").first.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer ma version").click()
    assert page.locator("h1").inner_text() == ACTION_TITLE
    action.refresh_from_db()
    assert action.progress == 90
