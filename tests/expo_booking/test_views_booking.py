"""The calendar and the booking flow of the Caf'IA exhibition: what each role sees (anonymous,
agent, another Caf's agent, referent, partner, the CafLab), another Caf's booking shown as
« réservé » without its contacts, the month, week and list views, a set's page with its
condition log and photos, the booking form (any set, a chosen set, the refusals, the waitlist
link, the typed values kept), a booking's page with its timeline and each action by the right
role (403 for the wrong one), « Les réservations de ma Caf », the home panel, and query counts
that do not grow with the data."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from expo_booking import services
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ConditionPhoto,
    ExpoSet,
    Feedback,
    HandOver,
    WaitlistEntry,
)
from tests.caflab.factories import ReferentFactory, caf
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy, season, soon

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OTHER_CONTACT = ("Yann Le Gall", "02 98 00 00 00", "yann.legall@caf29.test", "Médiathèque")


# The world ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _world(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    policy()
    season()


@pytest.fixture
def sets(db) -> list[ExpoSet]:
    """The 15 sets of the exhibition, stored in Caf 75."""
    return [ExpoSetFactory(code=f"CAFIA-{n:02d}") for n in range(1, 16)]


@pytest.fixture
def mine(sets, agent) -> Booking:
    """A booking of the Caf de l'Isère: CAFIA-01, days 30…43 (blocked 28…45)."""
    return BookingFactory(expo_set=sets[0], caf=agent.caf, requested_by=agent)


@pytest.fixture
def theirs(sets, other_caf_agent) -> Booking:
    """A booking of the Caf du Finistère: CAFIA-02, days 30…43."""
    name, phone, email, venue = OTHER_CONTACT
    return BookingFactory(
        expo_set=sets[1],
        caf=other_caf_agent.caf,
        requested_by=other_caf_agent,
        contact_name=name,
        contact_phone=phone,
        contact_email=email,
        venue=venue,
        delivery_address="1 rue de Quimper, 29000 Quimper",
    )


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"expo_booking:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's words, without markup, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"\s+", " ", words)


def month_of(day: date) -> str:
    return f"{url('calendar')}?date={day.isoformat()}"


def typed(start: date, days: int = 14, **values) -> dict:
    """A booking request as the form posts it."""
    data = {
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=days - 1)).isoformat(),
        "use": "animations",
        "expected_visitors": "200",
        "venue": "Hall d'accueil, 3 rue des Alliés",
        "contact_name": "Claire Martin",
        "contact_phone": "04 76 20 60 00",
        "contact_email": "claire.martin@caf38.test",
        "delivery_address": "3 rue des Alliés, 38000 Grenoble",
        "expo_set": "",
    }
    data.update(values)
    return data


def png(name: str = "panneau.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# Who may come in ------------------------------------------------------------------------------
PAGES = ["calendar", "booking-create", "booking-list", "set-detail", "booking-detail"]


def address(name: str, booking: Booking) -> str:
    if name == "set-detail":
        return url(name, code=booking.expo_set.code)
    if name == "booking-detail":
        return url(name, pk=booking.pk)
    return url(name)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, mine, name):
    response = client.get(address(name, mine))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "name", ["booking-cancel", "booking-confirm", "handover-receive", "feedback-submit"]
)
def test_anonymous_posts_are_sent_to_the_login_page(client, mine, name):
    response = client.post(url(name, pk=mine.pk), {"reason": "x"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Booking.Status.REQUESTED


@pytest.mark.parametrize("name", PAGES)
def test_partners_have_no_access_to_the_exhibition(partner, mine, name):
    assert logged(partner).get(address(name, mine)).status_code == 403


def test_a_referent_without_a_caf_follows_the_bookings_of_their_region(theirs, db):
    referent = ReferentFactory(caf=None)  # Bretagne, no Caf of their own
    client = logged(referent)
    assert client.get(url("booking-detail", pk=theirs.pk)).status_code == 200
    assert client.get(url("calendar")).status_code == 403  # no Caf: not an agent
    assert client.get(url("booking-create")).status_code == 403


# The calendar ---------------------------------------------------------------------------------
def test_the_month_shows_each_set_day_by_day_with_words_not_colour_alone(agent, mine, theirs):
    Blackout.objects.create(
        expo_set=ExpoSet.objects.get(code="CAFIA-03"),
        starts_on=soon(31),
        ends_on=soon(33),
        reason="Réimpression des panneaux",
    )
    ExpoSet.objects.filter(code="CAFIA-04").update(condition=ExpoSet.Condition.DAMAGED)
    response = logged(agent).get(month_of(soon(30)))
    assert response.status_code == 200
    page, markup = text(response), body(response)
    assert markup.count("<h1") == 1
    assert "Calendrier de l'exposition Caf'IA — Portail CafLab</title>" in markup
    assert markup.count('<th scope="row"') == 15
    assert "<caption" in markup
    assert 'scope="col"' in markup
    # Each state has its words (read aloud, and in the title on hover), not just a colour.
    assert "réservé — votre Caf, demandée" in page
    assert "réservé — Caf du Finistère" in page
    assert "transport — votre Caf, demandée" in page
    assert "maintenance — Réimpression des panneaux" in page
    assert "indisponible — endommagé" in page
    assert page.count(" libre ") > 100
    # The legend: letter and pattern of each state.
    assert "Réservé par votre Caf" in page
    # The user's own booking links to its page, once (on its first day shown).
    assert markup.count(f'href="{mine.get_absolute_url()}"') == 1
    assert re.search(  # on the first day of the exhibition, not on a transport day
        r'class="cafia-jour cafia-jour--reserve cafia-jour--votre"[^>]*><a href="'
        + re.escape(mine.get_absolute_url()),
        markup,
    )
    assert 'href="/expo/reserver/"' in markup
    assert "Réserver l'exposition" in markup


def test_another_caf_sees_reserve_and_the_caf_name_never_the_contacts(other_caf_agent, mine):
    response = logged(other_caf_agent).get(month_of(soon(30)))
    page = text(response)
    assert "réservé — Caf de l'Isère" in page
    assert "demandée" not in page  # not even the status
    for private in (mine.contact_name, mine.contact_phone, mine.contact_email, mine.venue):
        assert private not in page
    assert mine.get_absolute_url() not in body(response)
    # Nor in the week and list views.
    for view in ("semaine", "liste"):
        response = logged(other_caf_agent).get(
            url("calendar"), {"vue": view, "date": soon(33).isoformat()}
        )
        page = text(response)
        assert "Caf de l'Isère" in page
        assert mine.contact_email not in page
        assert mine.venue not in page
        assert mine.get_absolute_url() not in body(response)


def test_the_caflab_and_the_region_s_referent_open_the_bookings(staff, referent, mine, theirs):
    markup = body(logged(staff).get(month_of(soon(30))))
    assert f'href="{mine.get_absolute_url()}"' in markup
    assert f'href="{theirs.get_absolute_url()}"' in markup
    markup = body(logged(referent).get(month_of(soon(30))))  # Bretagne
    assert f'href="{theirs.get_absolute_url()}"' in markup
    assert f'href="{mine.get_absolute_url()}"' not in markup


def test_the_week_view_spells_each_day_and_navigates_by_week(agent, mine):
    monday = soon(30) - timedelta(days=soon(30).weekday())
    response = logged(agent).get(url("calendar"), {"vue": "semaine", "date": soon(30).isoformat()})
    assert response.status_code == 200
    markup, page = body(response), text(response)
    assert markup.count('<th scope="col"') == 8  # the set, then 7 days
    assert "Réservé — votre Caf, demandée" in page
    previous = (monday - timedelta(days=7)).isoformat()
    following = (monday + timedelta(days=7)).isoformat()
    assert f"?date={previous}&amp;vue=semaine" in markup
    assert f"?date={following}&amp;vue=semaine" in markup
    assert 'aria-current="page">Semaine</a>' in markup


def test_the_month_navigates_to_the_previous_and_next_months(agent, sets):
    markup = body(logged(agent).get(url("calendar"), {"date": "2026-01-15"}))
    assert "Janvier 2026" in markup
    assert '?date=2025-12-01" rel="prev"' in markup
    assert '?date=2026-02-01" rel="next"' in markup
    assert markup.count('<th scope="col"') == 32  # the set, then 31 days
    # A date that is not one: this month.
    response = logged(agent).get(url("calendar"), {"date": "2026-13-45", "vue": "inconnue"})
    assert response.status_code == 200
    assert timezone.localdate().strftime("%Y") in text(response)


def test_the_list_view_gives_bookings_and_free_periods_as_text(agent, mine, theirs):
    first_day = soon(30).replace(day=1)
    response = logged(agent).get(url("calendar"), {"vue": "liste", "date": soon(30).isoformat()})
    page = text(response)
    assert response.status_code == 200
    assert "<table" not in body(response)
    assert page.count("Libre ") >= 13  # the 13 sets without a booking are free all month
    assert "votre Caf, demandée (transport compris" in page
    assert "Caf du Finistère (transport compris" in page
    assert f'href="{mine.get_absolute_url()}"' in body(response)
    assert f'href="{theirs.get_absolute_url()}"' not in body(response)
    assert first_day.strftime("%Y") in page


def make_bookings(sets, n: str) -> None:
    """« few »: a handful of bookings; « year »: each set booked every month for a year."""
    cafs = [caf(number) for number in ("29", "38", "56", "69", "73", "75")]
    if n == "few":
        for expo_set in sets[:3]:
            BookingFactory(expo_set=expo_set, caf=cafs[0])
        return
    for index, expo_set in enumerate(sets):
        for month in range(12):
            start = soon(5 + 30 * month)
            BookingFactory(
                expo_set=expo_set,
                caf=cafs[(index + month) % len(cafs)],
                starts_on=start,
                ends_on=start + timedelta(days=20),
            )
        Blackout.objects.create(
            expo_set=expo_set, starts_on=soon(27), ends_on=soon(28), reason="Révision"
        )


@pytest.mark.parametrize("n", ["few", "year"])
@pytest.mark.parametrize("view", ["mois", "semaine", "liste"])
def test_calendar_queries_do_not_grow_with_the_bookings(
    agent, sets, n, view, django_assert_num_queries
):
    make_bookings(sets, n)
    client = logged(agent)
    # session, user, the sets (with where they are), the bookings of the period (with their
    # Caf), the maintenance periods, the bookings the user's Caf ships a set to (may it open
    # them?)
    with django_assert_num_queries(6):
        response = client.get(url("calendar"), {"vue": view, "date": soon(40).isoformat()})
    assert response.status_code == 200
    # Once built: the session and the user.
    with django_assert_num_queries(2):
        response = client.get(url("calendar"), {"vue": view, "date": soon(40).isoformat()})
    assert response.status_code == 200


# One set --------------------------------------------------------------------------------------
def test_the_set_page_shows_its_contents_its_coming_months_and_its_log(agent, mine, theirs):
    expo_set = mine.expo_set
    ConditionEntry.objects.create(
        expo_set=expo_set,
        kind=ConditionEntry.Kind.ARRIVAL,
        condition=ExpoSet.Condition.GOOD,
        notes="Tout est complet.",
        caf=caf("75"),
    )
    response = logged(agent).get(url("set-detail", code=expo_set.code))
    assert response.status_code == 200
    page = text(response)
    assert "Jeu d'exposition CAFIA-01" in page
    assert "Se trouve actuellement à la Caf de Paris" in page
    assert "Panneaux triptyques 9" in page
    assert "bar à prompts" in page
    assert "Réservé votre Caf, demandée" in page
    assert "Libre" in page
    assert "Contrôle à l'arrivée" in page
    assert "Tout est complet." in page
    assert "Réserver ce jeu" in page
    assert "?expo_set=CAFIA-01" in body(response)
    # The Caf that does not hold it reports nothing; the CafLab repairs only a flagged set.
    assert "Signaler un dommage" not in page
    assert "Enregistrer la remise en état" not in page


def test_an_unknown_set_is_a_404(agent, sets):
    assert logged(agent).get(url("set-detail", code="CAFIA-99")).status_code == 404


def test_the_caf_holding_the_set_reports_damage_with_photos(agent, other_caf_agent, sets, staff):
    expo_set = sets[0]
    ExpoSet.objects.filter(pk=expo_set.pk).update(location=agent.caf)
    address = url("set-report-damage", code=expo_set.code)
    # Another Caf: 403; the holder without a description: the form again, values kept.
    assert logged(other_caf_agent).post(address, {"condition": "endommage"}).status_code == 403
    client = logged(agent)
    assert "Signaler un dommage ou un manque" in text(
        client.get(url("set-detail", code=expo_set.code))
    )
    response = client.post(address, {"condition": "incomplet", "missing_items": ""})
    assert response.status_code == 400
    assert "Décrivez le dommage ou les éléments manquants." in text(response)
    assert 'value="incomplet" required id="signalement_condition_1" checked' in body(response)
    # A photo that is not an image: refused.
    response = client.post(
        address,
        {
            "condition": "endommage",
            "notes": "Panneau 4 plié",
            "photos": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "Formats acceptés : PNG, JPEG" in text(response)
    assert "Panneau 4 plié" in body(response)
    response = client.post(
        address,
        {"condition": "endommage", "notes": "Panneau 4 plié", "photos": [png(), png("b.png")]},
    )
    assert response.status_code == 302
    expo_set.refresh_from_db()
    assert expo_set.condition == ExpoSet.Condition.DAMAGED
    entry = ConditionEntry.objects.get(expo_set=expo_set, kind=ConditionEntry.Kind.DAMAGE)
    assert entry.photos.count() == 2
    photo = entry.photos.first()
    page = logged(agent).get(url("set-detail", code=expo_set.code))
    assert "Panneau 4 plié" in text(page)
    photo_url = url("condition-photo", code=expo_set.code, pk=photo.pk)
    assert photo_url in body(page)
    # The photo: for whoever sees the calendar, through the protected view.
    download = logged(other_caf_agent).get(photo_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"
    assert Client().get(photo_url).status_code == 302
    assert (
        logged(other_caf_agent)
        .get(url("condition-photo", code="CAFIA-02", pk=photo.pk))
        .status_code
        == 404
    )


def test_only_the_caflab_repairs_a_flagged_set(agent, staff, sets):
    expo_set = sets[0]
    ExpoSet.objects.filter(pk=expo_set.pk).update(
        condition=ExpoSet.Condition.INCOMPLETE, location=agent.caf
    )
    address = url("set-repair", code=expo_set.code)
    assert logged(agent).post(address, {"notes": "Cartes réimprimées"}).status_code == 403
    client = logged(staff)
    page = text(client.get(url("set-detail", code=expo_set.code)))
    assert "Enregistrer la remise en état" in page
    assert "Réserver ce jeu" not in page  # not bookable until repaired
    response = client.post(address, {"notes": ""})
    assert response.status_code == 400
    assert "Dites ce qui a été remis en état." in text(response)
    response = client.post(address, {"notes": "Cartes réimprimées"}, follow=True)
    assert "remis en état : il peut de nouveau être réservé" in text(response)
    expo_set.refresh_from_db()
    assert expo_set.is_bookable


@pytest.mark.parametrize("n", [1, 12])
def test_set_page_queries_do_not_grow(agent, sets, n, django_assert_num_queries):
    expo_set = sets[0]
    for month in range(n):
        start = soon(20 + 14 * month)
        BookingFactory(expo_set=expo_set, starts_on=start, ends_on=start + timedelta(days=7))
        entry = ConditionEntry.objects.create(
            expo_set=expo_set, kind="note", condition="bon", notes=f"Note {month}", by=agent
        )
        ConditionPhoto.objects.create(
            entry=entry, file=png(), name="p.png", size=len(PNG), content_type="image/png"
        )
    client = logged(agent)
    # session, user, the set, its calendar (its bookings, its maintenance), the log (entries
    # with their Caf, author and booking; their photos); once built, the session, the user and
    # the set
    with django_assert_num_queries(7):
        assert client.get(url("set-detail", code=expo_set.code)).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(url("set-detail", code=expo_set.code)).status_code == 200


# The booking form -----------------------------------------------------------------------------
def test_the_form_shows_the_rules_and_books_any_free_set(agent, sets):
    client = logged(agent)
    response = client.get(url("booking-create"))
    page = text(response)
    assert response.status_code == 200
    assert "<title>Réserver l'exposition Caf'IA — Portail CafLab</title>" in body(response)
    assert "pour 5 à 28 jours" in page
    assert "au moins 14 jours à l'avance" in page
    assert "2 jours avant et 2 jours après" in page
    assert "2 réservations par Caf" in page
    assert "Une demande pour la Caf de l'Isère" in page
    assert "N'importe quel jeu libre (recommandé)" in page
    assert 'name="caf"' not in body(response)  # an agent books for their own Caf

    response = client.post(url("booking-create"), typed(soon(30)), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == booking.get_absolute_url()
    assert (booking.caf, booking.requested_by, booking.expo_set.code) == (
        agent.caf,
        agent,
        "CAFIA-01",
    )
    assert booking.status == Booking.Status.REQUESTED
    page = text(response)
    assert "Votre demande est enregistrée : le jeu CAFIA-01 vous est réservé" in page
    assert "Réservation du jeu CAFIA-01" in page


def test_the_set_list_shows_the_sets_free_on_the_typed_dates(agent, sets, theirs):
    client = logged(agent)
    all_sets = body(client.get(url("booking-create")))
    assert 'value="CAFIA-02"' in all_sets
    assert "Indiquez vos dates" in all_sets
    dates = {"starts_on": soon(32).isoformat(), "ends_on": soon(40).isoformat()}
    response = client.get(url("booking-create"), {**dates, "expo_set": "CAFIA-05"})
    markup = body(response)
    assert 'value="CAFIA-02"' not in markup  # booked by the Finistère
    assert "14 jeux sont libres sur ces dates" in text(response)
    assert 'value="CAFIA-05" selected' in markup
    assert f'value="{dates["starts_on"]}"' in markup
    # « Voir les jeux libres à ces dates »: no booking, what was typed kept.
    data = typed(soon(32), days=9, action="jeux-libres", venue="Salle du conseil")
    response = client.post(url("booking-create"), data)
    assert response.status_code == 200
    assert not Booking.objects.filter(caf=agent.caf).exists()
    assert 'value="Salle du conseil"' in body(response)
    assert 'value="CAFIA-02"' not in body(response)
    # With htmx, only the list.
    response = client.post(url("booking-create"), data, HTTP_HX_REQUEST="true")
    assert "<html" not in body(response)
    assert 'id="choix-jeu"' in body(response)
    assert 'value="CAFIA-02"' not in body(response)


def test_a_chosen_set_is_booked_or_refused_with_its_reason(agent, sets, theirs):
    client = logged(agent)
    response = client.post(url("booking-create"), typed(soon(32), expo_set="CAFIA-02"))
    assert response.status_code == 400
    assert "Le jeu CAFIA-02 est déjà réservé sur cette période, transport compris." in text(
        response
    )
    response = client.post(url("booking-create"), typed(soon(32), expo_set="CAFIA-07"))
    assert response.status_code == 302
    assert Booking.objects.get(caf=agent.caf).expo_set.code == "CAFIA-07"
    response = client.post(url("booking-create"), typed(soon(100), expo_set="CAFIA-99"))
    assert "Ce jeu n'existe pas" in text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (typed(soon(5)), "Réservez au moins 14 jours à l'avance : au plus tôt le"),
        (typed(soon(30), days=3), "L'exposition se réserve pour 5 jours au moins."),
        (typed(soon(30), days=40), "28 jours au plus"),
        (typed(soon(500)), "pas dans une saison de circulation"),
    ],
)
def test_the_booking_rules_refuse_with_a_clear_message(agent, sets, data, message):
    response = logged(agent).post(url("booking-create"), data)
    assert response.status_code == 400
    assert message in text(response)
    assert "<title>Erreur — " in body(response)
    assert 'value="Claire Martin"' in body(response)
    assert not Booking.objects.exists()


def test_the_quota_of_the_season_is_explained(agent, sets):
    client = logged(agent)
    for start in (30, 60):
        assert client.post(url("booking-create"), typed(soon(start))).status_code == 302
    response = client.post(url("booking-create"), typed(soon(100)))
    assert response.status_code == 400
    assert "Votre Caf a déjà 2 réservations pour la saison Saison de test" in text(response)


def test_no_set_free_offers_the_waitlist_with_the_typed_request(agent, sets):
    for expo_set in sets:
        BookingFactory(expo_set=expo_set, caf=caf("75"), starts_on=soon(25), ends_on=soon(50))
    data = typed(soon(30), venue="Hall d'accueil & salle 2")
    response = logged(agent).post(url("booking-create"), data)
    assert response.status_code == 400
    page = text(response)
    assert "Aucun jeu n'est libre du" in page
    assert "Inscrivez-vous sur la liste d'attente" in page
    assert 'value="Hall d&#x27;accueil &amp; salle 2"' in body(response)
    link = re.search(r'href="([^"]*)">M.inscrire sur la liste', body(response))
    assert link
    target = urlsplit(html.unescape(link.group(1)))
    assert target.path == reverse("expo_booking:waitlist-join")
    query = {name: values[0] for name, values in parse_qs(target.query).items()}
    expected = {name: value for name, value in data.items() if name != "expo_set"}
    assert query == expected


def test_a_refused_form_keeps_every_typed_value_and_links_each_error(agent, sets):
    data = typed(soon(30), contact_email="pas-une-adresse", contact_phone="appelez-moi")
    response = logged(agent).post(url("booking-create"), data)
    assert response.status_code == 400
    markup = body(response)
    assert 'role="alert"' in markup
    assert '<a href="#id_contact_email">Courriel du contact</a>' in markup
    assert '<a href="#id_contact_phone">Téléphone du contact</a>' in markup
    assert 'aria-invalid="true"' in markup
    for value in ("pas-une-adresse", "appelez-moi", "Claire Martin", data["starts_on"]):
        assert f'value="{value}"' in markup
    assert 'value="animations" required id="id_use_1" checked' in markup
    assert not Booking.objects.exists()


def test_the_caflab_books_for_the_caf_it_chooses(staff, sets):
    client = logged(staff)
    assert 'name="caf"' in body(client.get(url("booking-create")))
    response = client.post(url("booking-create"), typed(soon(30)))
    assert response.status_code == 400
    assert "Choisissez la Caf qui accueille l&#x27;exposition." in body(response)
    response = client.post(url("booking-create"), typed(soon(30), caf=caf("29").pk))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.caf, booking.requested_by) == (caf("29"), staff)


def test_the_booking_is_confirmed_at_once_when_the_rules_say_so(agent, sets):
    policy(auto_confirm=True)
    response = logged(agent).post(url("booking-create"), typed(soon(30)), follow=True)
    assert "Votre réservation est confirmée" in text(response)
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


# A booking's page -----------------------------------------------------------------------------
def test_the_host_sees_the_timeline_dates_contacts_and_where_the_set_comes_from(agent, mine, staff):
    services.booking_confirm(booking=mine, by=staff)
    response = logged(agent).get(url("booking-detail", pk=mine.pk))
    assert response.status_code == 200
    page, markup = text(response), body(response)
    assert markup.count("<h1") == 1
    assert "Réservation du jeu CAFIA-01 par la Caf de l&#x27;Isère — " in markup
    assert "Demandée le" in page
    assert 'aria-current="step"' in markup
    assert "Confirmée étape actuelle" in page
    assert "En transit à venir" in page
    assert "(14 jours)" in page
    assert "2 jours avant, 2 jours après" in page
    for private in (mine.contact_name, mine.contact_phone, mine.contact_email, mine.venue):
        assert private in page
    assert "Le jeu part de la Caf de Paris, où il est stocké" in page
    assert "Aucune réservation ne suit pour l'instant" in page
    # The host may cancel; confirming and shipping from storage are the CafLab's.
    assert "Annuler cette réservation" in page
    assert "Confirmer la réservation" not in page
    assert "Enregistrer l'envoi" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("agent", 200), ("other_caf_agent", 404), ("staff", 200), ("referent", 404)],
)
def test_who_sees_a_booking_page(request, mine, role, status):
    user = request.getfixturevalue(role)
    assert logged(user).get(url("booking-detail", pk=mine.pk)).status_code == status


def test_the_region_s_referent_sees_the_page_and_acts_on_nothing(referent, theirs):
    client = logged(referent)  # Bretagne: the Finistère is theirs to follow
    response = client.get(url("booking-detail", pk=theirs.pk))
    assert response.status_code == 200
    assert "Annuler cette réservation" not in text(response)
    assert client.post(url("booking-cancel", pk=theirs.pk), {"reason": "x"}).status_code == 403
    assert client.post(url("booking-confirm", pk=theirs.pk)).status_code == 403


def test_an_unknown_booking_is_a_404(agent, db):
    assert logged(agent).get(url("booking-detail", pk=999999)).status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_booking_page_queries_do_not_grow(agent, sets, staff, n, django_assert_num_queries):
    booking = BookingFactory(expo_set=sets[0], caf=agent.caf)
    services.booking_confirm(booking=booking, by=staff)
    for index in range(n):  # other bookings of the same set, before and after
        start = soon(60 + 20 * index)
        other = BookingFactory(
            expo_set=sets[0], caf=caf("29"), starts_on=start, ends_on=start + timedelta(days=9)
        )
        services.booking_confirm(booking=other, by=staff)
    client = logged(agent)
    # session, user, the booking with its set, Caf, season, people, hand-overs and feedback
    with django_assert_num_queries(3):
        assert client.get(url("booking-detail", pk=booking.pk)).status_code == 200


# The actions, each by its role ----------------------------------------------------------------
def test_the_host_cancels_with_a_reason_and_another_caf_cannot(agent, other_caf_agent, mine):
    address = url("booking-cancel", pk=mine.pk)
    assert logged(other_caf_agent).post(address, {"reason": "x"}).status_code == 404
    client = logged(agent)
    response = client.post(address, {"reason": ""})
    assert response.status_code == 400
    assert "Dites en quelques mots pourquoi vous annulez." in text(response)
    response = client.post(address, {"reason": "Salle indisponible"}, follow=True)
    assert "est annulée" in text(response)
    mine.refresh_from_db()
    assert (mine.status, mine.cancel_reason) == (Booking.Status.CANCELLED, "Salle indisponible")
    page = text(client.get(url("booking-detail", pk=mine.pk)))
    assert "Annulée Salle indisponible" in page
    assert "Annuler cette réservation" not in page


def test_a_set_that_left_cannot_be_cancelled_by_the_caf_clear_message(agent, mine, staff):
    services.booking_confirm(booking=mine, by=staff)
    services.handover_ship(handover=HandOver.objects.get(booking=mine), by=staff, carrier="X")
    # The form is gone from the page; a stale one posted says why.
    response = logged(agent).post(url("booking-cancel", pk=mine.pk), {"reason": "Trop tard"})
    assert response.status_code == 400
    assert "Le jeu est déjà parti vers votre Caf" in text(response)


def test_only_the_caflab_confirms(agent, staff, mine):
    address = url("booking-confirm", pk=mine.pk)
    assert logged(agent).post(address).status_code == 403
    client = logged(staff)
    assert "Confirmer la réservation" in text(client.get(url("booking-detail", pk=mine.pk)))
    response = client.post(address, follow=True)
    assert "La réservation est confirmée" in text(response)
    mine.refresh_from_db()
    assert mine.status == Booking.Status.CONFIRMED
    # Twice: a message, not an error page.
    response = client.post(address, follow=True)
    assert response.status_code == 200
    assert "Seule une réservation demandée peut être confirmée." in text(response)


def confirmed_chain(staff, agent, sets) -> tuple[Booking, Booking]:
    """Isère then Finistère on CAFIA-01, both confirmed: Paris → Isère → Finistère."""
    first = BookingFactory(expo_set=sets[0], caf=agent.caf, requested_by=agent)
    second = BookingFactory(expo_set=sets[0], caf=caf("29"), starts_on=soon(50), ends_on=soon(60))
    for booking in (first, second):
        services.booking_confirm(booking=booking, by=staff)
    return first, second


def test_the_journey_ship_receive_ship_on_feedback(agent, other_caf_agent, staff, sets):
    first, second = confirmed_chain(staff, agent, sets)
    ship = url("handover-ship", pk=first.pk)
    # From storage: the CafLab ships; the host may not.
    assert logged(agent).post(ship, {"leg": "arrivee", "carrier": "Geodis"}).status_code == 403
    staff_client = logged(staff)
    assert "Enregistrer l'envoi du jeu vers cette Caf" in text(
        staff_client.get(url("booking-detail", pk=first.pk))
    )
    response = staff_client.post(ship, {"leg": "arrivee", "carrier": "", "condition": "bon"})
    assert response.status_code == 400
    assert "Indiquez le transporteur." in text(response)
    response = staff_client.post(
        ship,
        {"leg": "arrivee", "carrier": "Geodis", "tracking": "GE123", "condition": "bon"},
        follow=True,
    )
    assert "il est en transit vers la Caf de l'Isère" in text(response)
    first.refresh_from_db()
    assert first.status == Booking.Status.IN_TRANSIT

    # The host receives it: a damaged arrival needs a description.
    receive = url("handover-receive", pk=first.pk)
    assert logged(other_caf_agent).post(receive, {"arrival": "bon"}).status_code == 404
    client = logged(agent)
    page = text(client.get(url("booking-detail", pk=first.pk)))
    assert "Expédié le" in page
    assert "Geodis (suivi n° GE123)" in page
    response = client.post(receive, {"arrival": "endommage"})
    assert response.status_code == 400
    assert "Décrivez le dommage ou les éléments manquants." in text(response)
    response = client.post(
        receive, {"arrival": "bon", "notes": "Caisses intactes", "photos": png()}, follow=True
    )
    assert "bonne exposition" in text(response)
    first.refresh_from_db()
    assert first.status == Booking.Status.ON_SITE
    assert first.expo_set.location == agent.caf
    assert ConditionPhoto.objects.filter(entry__booking=first).count() == 1

    # Then the host ships it on to the Finistère (from their own page).
    page = text(client.get(url("booking-detail", pk=first.pk)))
    assert "Le jeu part ensuite vers la Caf du Finistère" in page
    assert "Enregistrer l'envoi du jeu vers la Caf suivante" in page
    response = client.post(
        ship,
        {"leg": "depart", "carrier": "La Poste Colissimo", "condition": "bon"},
        follow=True,
    )
    assert "il est en transit vers la Caf du Finistère" in text(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Booking.Status.RETURNED, Booking.Status.IN_TRANSIT)

    # And gives the feedback of the exhibition.
    feedback = url("feedback-submit", pk=first.pk)
    assert logged(other_caf_agent).post(feedback, {}).status_code == 404
    response = client.post(feedback, {"visitors": "340", "agents_reached": "210"})
    assert response.status_code == 400
    assert "Notez votre satisfaction de 1 à 5." in text(response)
    assert 'value="340"' in body(response)
    response = client.post(
        feedback,
        {
            "visitors": "340",
            "agents_reached": "210",
            "sessions_run": "6",
            "satisfaction": "5",
            "comments": "Le bar à prompts a eu un grand succès.",
        },
        follow=True,
    )
    assert "Merci pour votre retour" in text(response)
    assert Feedback.objects.get(booking=first).satisfaction == 5
    page = text(client.get(url("booking-detail", pk=first.pk)))
    assert "5 sur 5" in page
    assert "Retournée le" in page


def test_the_caflab_returns_a_set_to_storage(agent, staff, mine):
    services.booking_confirm(booking=mine, by=staff)
    services.handover_ship(handover=HandOver.objects.get(booking=mine), by=staff, carrier="X")
    services.handover_receive(handover=HandOver.objects.get(booking=mine), by=agent, arrival="bon")
    address = url("booking-return", pk=mine.pk)
    assert logged(agent).post(address).status_code == 403
    response = logged(staff).post(address, follow=True)
    assert "renvoyé vers son lieu de stockage" in text(response)
    mine.refresh_from_db()
    assert mine.status == Booking.Status.RETURNED
    assert mine.expo_set.location == caf("75")


def test_an_offer_from_the_waitlist_is_accepted_on_the_booking_page(agent, other_caf_agent, sets):
    taken = services.booking_request(
        by=other_caf_agent,
        caf=other_caf_agent.caf,
        request=services.Request(
            **{k: v for k, v in typed(soon(30)).items() if k != "expo_set"}
            | {"starts_on": soon(30), "ends_on": soon(43), "expected_visitors": 10}
        ),
        expo_set=sets[0],
    )
    for expo_set in sets[1:]:
        BookingFactory(expo_set=expo_set, caf=caf("75"), starts_on=soon(20), ends_on=soon(50))
    entry = WaitlistEntry.objects.create(
        caf=agent.caf,
        requested_by=agent,
        starts_on=soon(31),
        ends_on=soon(40),
        use="animations",
        expected_visitors=50,
        venue="Hall",
        contact_name="Claire Martin",
        contact_phone="04 76 20 60 00",
        contact_email="claire.martin@caf38.test",
        delivery_address="Grenoble",
    )
    services.booking_cancel(booking=taken, by=other_caf_agent)
    services.offer_freed_slot(expo_set=sets[0])
    entry.refresh_from_db()
    offer = entry.offered_booking
    assert offer.status == Booking.Status.OFFERED
    page = text(logged(agent).get(url("booking-detail", pk=offer.pk)))
    assert "Une place vous est proposée" in page
    assert "Accepter la place proposée" in page
    address = url("offer-accept", pk=offer.pk)
    assert logged(other_caf_agent).post(address).status_code == 404
    response = logged(agent).post(address, follow=True)
    assert "Votre demande est enregistrée" in text(response)
    offer.refresh_from_db()
    assert offer.status == Booking.Status.REQUESTED


def test_a_get_on_an_action_goes_back_to_the_page(agent, mine):
    response = logged(agent).get(url("booking-cancel", pk=mine.pk))
    assert response.status_code == 302
    assert response["Location"] == mine.get_absolute_url()


# « Les réservations de ma Caf » ---------------------------------------------------------------
def test_an_agent_reads_their_caf_s_bookings_and_its_ical_feed(agent, mine, theirs):
    response = logged(agent).get(url("booking-list"))
    assert response.status_code == 200
    page, markup = text(response), body(response)
    assert "<title>Les réservations de ma Caf — " in markup
    assert "1 réservation de la Caf de l'Isère" in page
    assert mine.get_absolute_url() in markup
    assert theirs.get_absolute_url() not in markup
    from expo_booking.feeds import feed_token

    feed = reverse("expo_booking:caf-feed", kwargs={"number": "38", "token": feed_token(agent.caf)})
    assert feed in markup


def test_the_list_is_paginated(agent, sets):
    for index in range(21):
        start = soon(20 + 15 * (index // 15))
        BookingFactory(
            expo_set=sets[index % 15],
            caf=agent.caf,
            starts_on=start,
            ends_on=start + timedelta(days=5),
        )
    client = logged(agent)
    assert "21 réservations" in text(client.get(url("booking-list")))
    page_two = client.get(url("booking-list"), {"page": 2})
    assert body(page_two).count('<th scope="row"') == 1
    assert "Page 2 sur 2" in text(page_two)


def test_the_caflab_chooses_the_caf(staff, mine, theirs):
    client = logged(staff)
    page = text(client.get(url("booking-list")))
    assert "Choisissez une Caf pour lire ses réservations." in page
    response = client.get(url("booking-list"), {"caf": "29"})
    assert "Les réservations de la Caf du Finistère" in text(response)
    assert theirs.get_absolute_url() in body(response)
    assert mine.get_absolute_url() not in body(response)


@pytest.mark.parametrize("n", [1, 25])
def test_my_bookings_queries_do_not_grow(agent, sets, staff, n, django_assert_num_queries):
    for index in range(n):
        booking = BookingFactory(
            expo_set=sets[index % 15],
            caf=agent.caf,
            starts_on=soon(20 + 30 * (index // 15)),
            ends_on=soon(25 + 30 * (index // 15)),
        )
        services.booking_confirm(booking=booking, by=staff)
    client = logged(agent)
    # session, user, the user's Caf, the count, the page of bookings with their set, season,
    # hand-over (and where it comes from) and feedback
    with django_assert_num_queries(5):
        assert client.get(url("booking-list")).status_code == 200


# The home panel ------------------------------------------------------------------------------
def test_the_home_panel_lists_the_caf_s_bookings_under_way(agent, other_caf_agent, mine, staff):
    page = text(logged(agent).get("/"))
    assert "Exposition Caf'IA" in page
    assert "Jeu CAFIA-01" in page
    assert "Exposition Caf'IA" not in text(logged(other_caf_agent).get("/")).replace(
        "l'exposition Caf'IA", ""
    )
    page = text(logged(staff).get("/"))
    assert "1 demande de réservation attend votre confirmation." in page


@pytest.mark.parametrize("action", ["cancel", "confirm", "ship", "receive", "return", "feedback"])
def test_the_region_s_referent_gets_a_403_on_every_action(referent, theirs, staff, action):
    """The referent of Bretagne sees the Finistère's booking, and acts on none of it."""
    services.booking_confirm(booking=theirs, by=staff)
    names = {
        "cancel": ("booking-cancel", {"reason": "x"}),
        "confirm": ("booking-confirm", {}),
        "ship": ("handover-ship", {"leg": "arrivee", "carrier": "Geodis", "condition": "bon"}),
        "receive": ("handover-receive", {"arrival": "bon"}),
        "return": ("booking-return", {}),
        "feedback": ("feedback-submit", {"visitors": "1"}),
    }
    name, data = names[action]
    assert logged(referent).post(url(name, pk=theirs.pk), data).status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_the_home_page_queries_do_not_grow_with_the_caf_s_bookings(agent, sets):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged(agent)
    with CaptureQueriesContext(connection) as without:
        client.get("/")
    for index in range(20):
        start = soon(20 + 30 * (index // 15))
        BookingFactory(
            expo_set=sets[index % 15],
            caf=agent.caf,
            starts_on=start,
            ends_on=start + timedelta(days=5),
        )
    with CaptureQueriesContext(connection) as with_bookings:
        assert "Exposition Caf'IA" in text(client.get("/"))
    assert len(with_bookings.captured_queries) == len(without.captured_queries)


def test_the_feedback_waits_for_the_end_of_the_exhibition(agent, mine):
    Booking.objects.filter(pk=mine.pk).update(status=Booking.Status.ON_SITE)  # ends on day 43
    client = logged(agent)
    assert "Envoyer le retour d'expérience" not in text(
        client.get(url("booking-detail", pk=mine.pk))
    )
    data = {"visitors": "1", "agents_reached": "1", "sessions_run": "0", "satisfaction": "4"}
    response = client.post(url("feedback-submit", pk=mine.pk), data, follow=True)
    assert "une fois l'exposition terminée" in text(response)
    assert not Feedback.objects.exists()
    Booking.objects.filter(pk=mine.pk).update(
        starts_on=soon(-20), ends_on=soon(-1), blocked_from=soon(-22), blocked_until=soon(1)
    )
    assert "Envoyer le retour d'expérience" in text(client.get(url("booking-detail", pk=mine.pk)))
