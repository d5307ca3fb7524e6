"""The platform in a real Chromium: an anonymous visitor, then the demo agent, with axe on
every page reached."""

import pytest
from django.conf import settings

from caflab.demo import AGENT_EMAIL, STAFF_EMAIL
from caflab.seeding import SeedContext, seed_all
from tests.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts():
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})


def test_anonymous_visitor_pages_are_accessible(page, demo_accounts):
    for path, heading in [
        ("/", "La Caf à votre écoute"),
        ("/comptes/login/", "Connexion"),
        ("/comptes/password/reset/", None),
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/donnees-personnelles/", "Données personnelles"),
        ("/une-page-qui-n-existe-pas/", "Page introuvable"),
        ("/consultations/?theme=%00", "Requête incorrecte"),  # a refused request, in French
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        if heading:
            assert heading in page.locator("h1").inner_text(), path
        assert page.title().endswith("Portail CafLab"), path
        assert_accessible(page)


def test_demo_agent_logs_in_and_sees_the_dashboard(page, demo_accounts):
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    assert page.locator("h1").inner_text() == "Bonjour Julien"
    assert page.title() == "Mon tableau de bord — Portail CafLab"
    assert "Caf de l'Isère" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Julien Roux").click()
    assert page.locator("h1").inner_text() == "Mon compte"
    assert_accessible(page)

    # The API token, created without reloading the page (htmx), then shown in its field.
    page.get_by_role("button", name="Générer un jeton").click()
    token = page.get_by_label("Votre jeton")
    token.wait_for()
    assert len(token.input_value()) == 40
    assert_accessible(page)


def test_account_pages_are_accessible(page, demo_accounts):
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    for path in [
        "/comptes/password/change/",
        "/comptes/email/",
        "/comptes/2fa/",
        "/comptes/reauthenticate/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert page.title().endswith("Portail CafLab"), path
        assert_accessible(page)


def test_wrong_password_keeps_the_email_and_explains(page, demo_accounts):
    login(page, AGENT_EMAIL, "pas-le-bon-mot-de-passe")
    assert "incorrects" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Courriel").input_value() == AGENT_EMAIL
    assert_accessible(page)


def test_keyboard_user_can_skip_to_the_content(page, demo_accounts):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_staff_reaches_the_french_admin(page, demo_accounts):
    login(page, STAFF_EMAIL, settings.CAFLAB_DEMO_PASSWORD)
    page.goto("/admin/")
    assert "Administration du CafLab" in page.content()
    page.goto("/admin/caflab/caf/?q=is%C3%A8re")
    assert "Caf de l'Isère" in page.locator("#result_list").inner_text()
