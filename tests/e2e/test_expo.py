"""The Caf'IA exhibition in Chromium: the demo agent of the Caf de l'Isère reads the calendar
(month, list, week), opens a set's page, books « n'importe quel jeu » for two weeks (a first try
with a mistake is refused, what was typed kept), lands on the booking's page, finds the booking
on the calendar and in « Les réservations de ma Caf ». axe runs on every page reached."""

from datetime import timedelta

import pytest
from django.conf import settings

from caflab.demo import AGENT_EMAIL
from caflab.seeding import SeedContext, seed_all
from expo_booking.models import Booking
from tests.caflab.factories import caf
from tests.e2e.conftest import assert_accessible, login
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy, season, soon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def expo():
    """The 15 sets stored in Paris; the Finistère has booked one of them next month."""
    seed_all(SeedContext(log=lambda _message: None), only={"caflab"})
    policy()
    season()
    sets = [ExpoSetFactory(code=f"CAFIA-{n:02d}") for n in range(1, 16)]
    BookingFactory(
        expo_set=sets[0],
        caf=caf("29"),
        starts_on=soon(20),
        ends_on=soon(33),
        contact_name="Yann Le Gall",
        contact_email="yann.legall@caf29.test",
    )
    return sets


def test_an_agent_books_any_free_set_for_two_weeks_and_finds_it_on_the_calendar(page, expo):
    login(page, AGENT_EMAIL, settings.CAFLAB_DEMO_PASSWORD)

    # The calendar of the month the Finistère's booking starts: « réservé », no contact.
    page.goto(f"/expo/?date={soon(20).isoformat()}")
    assert page.locator("h1").inner_text() == "Calendrier de l'exposition Caf'IA"
    main = page.locator("main").inner_text()
    assert "Yann Le Gall" not in main
    assert page.locator("td[title='Réservé — Caf du Finistère']").count() >= 1
    assert_accessible(page)
    page.get_by_role("link", name="Liste (texte)").click()
    assert "Caf du Finistère (transport compris" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Semaine", exact=True).click()
    assert page.locator("table th[scope='col']").count() == 8
    assert_accessible(page)
    page.get_by_role("link", name="CAFIA-02").first.click()
    assert page.locator("h1").inner_text() == "Jeu d'exposition CAFIA-02"
    assert_accessible(page)

    # The booking form: the rules, then a first try without the contact's email.
    page.goto("/expo/")
    page.get_by_role("link", name="Réserver l'exposition").first.click()
    assert page.locator("h1").inner_text() == "Réserver l'exposition Caf'IA"
    assert "au moins 14 jours à l'avance" in page.locator("main").inner_text()
    assert_accessible(page)
    start = (soon(45).replace(day=28) + timedelta(days=4)).replace(day=1)  # a month's 1st
    end = start + timedelta(days=13)
    page.get_by_label("Premier jour d'exposition").fill(start.isoformat())
    page.get_by_label("Dernier jour d'exposition").fill(end.isoformat())
    page.get_by_label("Séances animées").check()
    page.get_by_label("Nombre de visiteurs attendus").fill("250")
    page.get_by_label("Lieu d'exposition").fill("Hall d'accueil du siège")
    page.get_by_label("Nom du contact sur place").fill("Claire Martin")
    page.get_by_label("Téléphone du contact").fill("04 76 20 60 00")
    page.get_by_label("Adresse de livraison").fill("3 rue des Alliés, 38000 Grenoble")
    # The list of sets follows the dates (htmx); « any set » stays the choice.
    assert "15 jeux sont libres sur ces dates" in page.locator("#choix-jeu").inner_text()
    page.get_by_role("button", name="Envoyer ma demande de réservation").click()
    alert = page.get_by_role("alert")
    assert "Indiquez le courriel du contact sur place." in alert.inner_text()
    assert page.get_by_label("Lieu d'exposition").input_value() == "Hall d'accueil du siège"
    assert page.get_by_label("Premier jour d'exposition").input_value() == start.isoformat()
    assert page.get_by_label("Séances animées").is_checked()
    assert_accessible(page)
    page.get_by_label("Courriel du contact").fill("claire.martin@caf38.test")
    page.get_by_role("button", name="Envoyer ma demande de réservation").click()

    # The booking's page: the set allocated, the timeline, the contacts.
    booking = Booking.objects.get(caf__number="38")
    code = booking.expo_set.code
    assert (booking.starts_on, booking.ends_on) == (start, end)
    assert "Votre demande est enregistrée" in page.get_by_role("status").inner_text()
    assert page.locator("h1").inner_text() == f"Réservation du jeu {code}"
    assert "Claire Martin" in page.locator("main").inner_text()
    assert_accessible(page)

    # On the calendar of that month, the set's row links to the booking.
    page.goto(f"/expo/?date={start.isoformat()}")
    row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=code))
    assert row.locator(f"a[href='{booking.get_absolute_url()}']").count() == 1
    assert row.locator("td[title='Réservé — votre Caf, demandée']").count() == 14
    assert_accessible(page)
    row.locator(f"a[href='{booking.get_absolute_url()}']").click()
    assert page.locator("h1").inner_text() == f"Réservation du jeu {code}"

    # And in « Les réservations de ma Caf ».
    page.get_by_role("link", name="Les réservations", exact=True).click()
    assert page.locator("h1").inner_text() == "Les réservations de ma Caf"
    assert "1 réservation de la Caf de l'Isère" in page.locator("main").inner_text()
    assert_accessible(page)
