"""Eurekaf in a real Chromium: the demo agent posts an idea (and sees the ideas close to its
title while typing), a colleague supports it without a page reload, CafLab staff answer it,
the author reads the answer in the timeline. axe runs on every page reached."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings

from caflab.demo import AGENT_EMAIL, STAFF_EMAIL
from caflab.models import User
from caflab.seeding import SeedContext, seed_all
from eurekaf import services
from eurekaf.models import Idea, Support
from tests.caflab.factories import AgentFactory, caf
from tests.e2e.conftest import assert_accessible, login
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, ThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLEAGUE_EMAIL = "lea.martin@caf38.test"
COLLEAGUE_PASSWORD = "motdepasse-solide"  # AgentFactory's password
TITLE = "Ouvrir l'accueil le samedi matin aux familles qui travaillent"
ANSWER = "Retenue : un accueil le samedi sera expérimenté à Grenoble à partir de mars."


@pytest.fixture
def eurekaf_world():
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    isere = services.box_for_caf(caf=caf("38"))
    services.box_for_caf(caf=None)
    isere.managers.add(User.objects.get(email=STAFF_EMAIL))
    ThemeFactory(name="Accueil des familles", slug="accueil-des-familles")
    CampaignFactory(box=isere, title="Simplifier l'accueil", slug="simplifier-accueil")
    IdeaFactory(box=isere, title="Élargir les horaires d'accueil en soirée")
    colleague = AgentFactory(
        caf=caf("38"), email=COLLEAGUE_EMAIL, first_name="Léa", last_name="Martin"
    )
    EmailAddress.objects.create(user=colleague, email=COLLEAGUE_EMAIL, verified=True, primary=True)
    return isere


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_post_support_answer_and_read_the_timeline(page, browser, live_server, eurekaf_world):
    # The demo agent posts an idea.
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto("/idees/")
    assert page.locator("h1").inner_text() == "Eurekaf, la boîte à idées"
    assert page.title() == "Les idées — Eurekaf — Portail CafLab"
    assert_accessible(page)
    page.get_by_role("link", name="Déposer une idée").click()
    assert page.locator("h1").inner_text() == "Déposer une idée"
    assert_accessible(page)

    # The ideas close to the title show up while typing (htmx, debounced).
    page.get_by_label("Titre de l'idée").press_sequentially("Horaires d'accueil", delay=20)
    similar = page.locator("#idees-proches")
    similar.get_by_text("Élargir les horaires d'accueil en soirée").wait_for()
    assert similar.get_attribute("aria-live") == "polite"
    assert_accessible(page)

    page.get_by_label("Titre de l'idée").fill(TITLE)
    page.get_by_label("Campagne").select_option(label="Simplifier l'accueil — Caf de l'Isère")
    page.get_by_label("Description").fill(
        "Beaucoup de parents ne peuvent pas venir en semaine.\n"
        "Un accueil le samedi matin les aiderait."
    )
    page.get_by_label("Accueil des familles").check()
    page.get_by_role("button", name="Déposer mon idée").click()
    assert page.locator("h1").inner_text() == TITLE
    assert "Votre idée est déposée." in page.locator("main").inner_text()
    assert "Idée déposée" in page.locator("#suivi-public").inner_text()
    assert_accessible(page)
    idea = Idea.objects.get(title=TITLE)
    assert idea.campaign.slug == "simplifier-accueil"

    # A colleague supports it from the list, without reloading the page.
    colleague_context, colleague = new_page(browser, live_server)
    login(colleague, COLLEAGUE_EMAIL, COLLEAGUE_PASSWORD)
    colleague.goto("/idees/")
    card = colleague.locator("article", has=colleague.get_by_role("link", name=TITLE, exact=True))
    button = card.get_by_role("button", name="Soutenir")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    pressed = card.get_by_role("button", name="Ne plus soutenir")
    pressed.wait_for()
    assert pressed.get_attribute("aria-pressed") == "true"
    assert "1 soutien" in card.inner_text()
    assert colleague.evaluate("document.activeElement.id") == f"bouton-soutien-{idea.pk}"
    assert (
        "Votre soutien est enregistré"
        in colleague.locator(f"#annonce-soutien-{idea.pk}").inner_text()
    )
    assert colleague.url.endswith("/idees/")
    assert Support.objects.filter(idea=idea).count() == 1
    assert_accessible(colleague)
    colleague.get_by_role("link", name=TITLE, exact=True).click()
    assert colleague.locator("h1").inner_text() == TITLE
    assert_accessible(colleague)
    colleague_context.close()

    # CafLab staff answer it.
    staff_context, staff = new_page(browser, live_server)
    login(staff, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    staff.goto(f"/idees/{idea.pk}/")
    assert "Suivi par les gestionnaires" in staff.locator("main").inner_text()
    assert_accessible(staff)
    staff.get_by_role("radio", name="Retenue", exact=True).check()
    staff.get_by_label("Réponse publique").fill(ANSWER)
    staff.get_by_role("button", name="Enregistrer le statut").click()
    assert "Nouveau statut : « Retenue »" in staff.locator("main").inner_text()
    assert_accessible(staff)
    for path in (
        "/idees/statistiques/?boite=caf-38",
        "/idees/campagnes/",
        "/idees/?statut=retenue",
    ):
        staff.goto(path)
        assert staff.locator("h1").count() == 1, path
        assert_accessible(staff)
    staff.goto("/idees/statistiques/?boite=caf-38")
    assert staff.locator("svg[role=img]").count() == 4
    staff_context.close()

    # The author reads the answer in the timeline, and on the home page.
    page.goto(f"/idees/{idea.pk}/")
    timeline = page.locator("#suivi-public").inner_text()
    assert "Retenue" in timeline
    assert ANSWER in timeline
    assert "1 soutien" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/")
    assert "Idées à suivre" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/idees/campagnes/simplifier-accueil/")
    assert page.locator("h1").inner_text() == "Simplifier l'accueil"
    assert_accessible(page)
