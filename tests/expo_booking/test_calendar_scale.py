"""The calendar at the scale of the network: a page of sets at a time over a month or a week (the
page does not grow with the sets nor the bookings), bad parameters shown as the current period or
the first page (never an error), the grid kept between requests yet shown anew right after every
write (a service, the admin, the API, the writes made with update(), a Caf renamed), and never
shown to a user with other rights than the one it was made for. The availability of the API
likewise."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from caflab.models import Caf
from expo_booking import services
from expo_booking.models import Booking, ExpoSet, WaitlistEntry
from tests.caflab.factories import AgentFactory, ReferentFactory, caf
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy, season, soon

pytestmark = pytest.mark.django_db
CALENDAR = "/expo/"
AVAILABILITY = "/api/v1/expo/disponibilites/"


@pytest.fixture(autouse=True)
def _world(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    policy()
    season()


def many_sets(n: int) -> list[ExpoSet]:
    return [ExpoSetFactory(code=f"CAFIA-{number:03d}") for number in range(1, n + 1)]


@pytest.fixture
def sets(db) -> list[ExpoSet]:
    return many_sets(15)


@pytest.fixture
def mine(sets, agent) -> Booking:
    """A booking of the Caf de l'Isère: CAFIA-001, days 30…43 (blocked 28…45)."""
    return BookingFactory(expo_set=sets[0], caf=agent.caf, requested_by=agent)


@pytest.fixture
def theirs(sets, other_caf_agent) -> Booking:
    """A booking of the Caf du Finistère: CAFIA-002, days 30…43."""
    return BookingFactory(
        expo_set=sets[1],
        caf=other_caf_agent.caf,
        requested_by=other_caf_agent,
        contact_email="yann.legall@caf29.test",
    )


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client, **query):
    query.setdefault("date", soon(30).isoformat())
    response = client.get(CALENDAR, query)
    assert response.status_code == 200
    return response


def body(response) -> str:
    return response.content.decode()


def main(response) -> str:
    return body(response).split("<main", 1)[1].split("</main>", 1)[0]


def text(response) -> str:
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"\s+", " ", words)


def rows(response) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a href="[^"]+">([^<]+)</a>', body(response))


# A page of sets -------------------------------------------------------------------------------
def test_the_calendar_shows_twenty_sets_a_page_with_links_to_the_others(agent):
    sets = many_sets(45)
    BookingFactory(expo_set=sets[24], caf=agent.caf, requested_by=agent)
    client = logged(agent)
    day = soon(30).replace(day=1).isoformat()  # the links name the period by its first day

    first = get(client)
    assert rows(first) == [f"CAFIA-{n:03d}" for n in range(1, 21)]
    page = text(first)
    assert "Les disponibilités des 45 jeux" in page  # the whole network, in the lead
    assert "Disponibilité des jeux 1 à 20 sur 45" in page  # the table's caption
    assert "Jeux 1 à 20 sur 45 (page 1 sur 3)" in page
    assert f'?date={day}&amp;page=2" rel="next">Jeux suivants</a>' in body(first)
    assert "Jeux précédents" not in page
    assert "réservé — votre Caf" not in page  # the Isère's booking is on CAFIA-025, page 2

    second = get(client, page="2")
    assert rows(second) == [f"CAFIA-{n:03d}" for n in range(21, 41)]
    assert "réservé — votre Caf, demandée" in text(second)
    markup = body(second)
    assert f'?date={day}" rel="prev">Jeux précédents</a>' in markup
    assert f'?date={day}&amp;page=3" rel="next">Jeux suivants</a>' in markup
    # The months, the weeks and the views keep the page of sets.
    following = (soon(30).replace(day=1) + timedelta(days=32)).replace(day=1).isoformat()
    assert f'?date={following}&amp;page=2" rel="next">Mois suivant</a>' in markup
    assert "&amp;vue=liste&amp;page=2" in markup

    last = get(client, page="3")
    assert rows(last) == [f"CAFIA-{n:03d}" for n in range(41, 46)]
    assert "Jeux 41 à 45 sur 45 (page 3 sur 3)" in text(last)
    assert "Jeux suivants" not in text(last)

    week = get(client, page="2", vue="semaine")
    assert rows(week) == [f"CAFIA-{n:03d}" for n in range(21, 41)]
    listed = get(client, page="2", vue="liste")
    assert re.findall(r'<h3 id="jeu-(CAFIA-\d+)"', body(listed)) == [
        f"CAFIA-{n:03d}" for n in range(21, 41)
    ]
    assert "Jeux 21 à 40 sur 45" in text(listed)


def test_fifteen_sets_fit_on_one_page_without_page_links(agent, sets):
    response = get(logged(agent))
    assert len(rows(response)) == 15
    assert "Disponibilité des 15 jeux" in text(response)
    assert "Jeux suivants" not in text(response)


@pytest.mark.parametrize("value", ["abc", "0", "-2", "2.5", "１", "99999", "9" * 300, ""])
def test_a_page_that_is_not_one_shows_the_first(agent, value):
    many_sets(25)
    response = get(logged(agent), page=value)
    assert rows(response)[0] == "CAFIA-001"


def test_a_page_past_the_last_shows_the_last(agent):
    many_sets(25)
    response = get(logged(agent), page="9999")
    assert rows(response) == [f"CAFIA-{n:03d}" for n in range(21, 26)]


@pytest.mark.parametrize(
    "value", ["2026-02-30", "demain", "99999-01-01", "1850-01-01", "2026-1-5", "x" * 300]
)
@pytest.mark.parametrize("view", ["mois", "semaine", "liste", "autre"])
def test_a_date_that_is_not_one_shows_the_current_period(agent, sets, value, view):
    response = get(logged(agent), date=value, vue=view)
    today = timezone.localdate()
    assert str(today.year) in text(response)
    assert len(rows(response)) == (0 if view == "liste" else 15)


def test_the_page_does_not_grow_with_the_sets_nor_the_bookings(agent):
    sets = many_sets(20)
    client = logged(agent)
    small = len(body(get(client)))
    sets += many_sets(80)[20:]
    cafs = [caf(number) for number in ("29", "38", "56", "69")]
    for index, expo_set in enumerate(sets):
        for month in range(6):
            start = soon(5 + 30 * month)
            BookingFactory(
                expo_set=expo_set,
                caf=cafs[(index + month) % len(cafs)],
                starts_on=start,
                ends_on=start + timedelta(days=20),
            )
    large = len(body(get(client)))
    assert large < small * 1.5  # the same 20 rows, now with bookings in them


@pytest.mark.parametrize("view", ["mois", "semaine", "liste"])
def test_a_calendar_already_built_costs_the_session_and_the_user(
    agent, sets, view, django_assert_num_queries
):
    for expo_set in sets:
        BookingFactory(expo_set=expo_set, caf=caf("29"))
    client = logged(agent)
    first = get(client, vue=view)
    with django_assert_num_queries(2):
        again = get(client, vue=view)
    assert main(again) == main(first)


# Shown anew right after a write -----------------------------------------------------------------
def test_a_booking_made_or_cancelled_through_the_services_shows_at_once(agent, sets, mine):
    client = logged(agent)
    assert "réservé — votre Caf, demandée" in text(get(client))
    services.booking_cancel(booking=mine, by=agent, reason="Forum reporté")
    assert "réservé — votre Caf" not in text(get(client))


def test_a_maintenance_period_added_in_the_admin_shows_at_once(agent, staff, sets):
    client = logged(agent)
    assert "Réimpression des panneaux" not in text(get(client))
    admin = logged(staff)
    response = admin.post(
        reverse("admin:expo_booking_blackout_add"),
        {
            "expo_set": sets[2].pk,
            "starts_on": soon(31).strftime("%d/%m/%Y"),
            "ends_on": soon(33).strftime("%d/%m/%Y"),
            "reason": "Réimpression des panneaux",
        },
    )
    assert response.status_code == 302
    assert "maintenance — Réimpression des panneaux" in text(get(client))


def test_a_booking_cancelled_through_the_api_leaves_the_calendar_at_once(agent, sets, mine):
    client = logged(agent)
    assert "réservé — votre Caf" in text(get(client))
    token, _created = Token.objects.get_or_create(user=agent)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(
        f"/api/v1/expo/reservations/{mine.pk}/annuler/",
        {"reason": "Forum reporté"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "réservé — votre Caf" not in text(get(client))


def test_the_journey_written_with_update_shows_at_once(agent, other_caf_agent, staff, sets, mine):
    """Confirmed, shipped (« en transit », by update()), received (« sur place » and the set's
    new place, by update()), damaged on arrival (the set « indisponible », by update()),
    repaired, sent back home (the place, by update())."""
    client = logged(agent)
    week = {"vue": "semaine", "date": soon(36).isoformat()}
    listed = {"vue": "liste"}
    get(client, **week), get(client, **listed)
    services.booking_confirm(booking=mine, by=staff)
    assert "Réservé — votre Caf, confirmée" in text(get(client, **week))
    mine.refresh_from_db()
    services.handover_ship(handover=mine.handover, by=staff, carrier="Geodis")
    assert "Réservé — votre Caf, en transit" in text(get(client, **week))
    assert "actuellement à la Caf de Paris" in text(get(client, **listed))
    services.handover_receive(
        handover=mine.handover, by=agent, arrival="endommage", notes="Un panneau déchiré"
    )
    page = text(get(client, **week))
    assert "Réservé — votre Caf, sur place" in page
    assert "Caf de l'Isère" in page  # where the set now is, under its code
    assert "actuellement à la Caf de l'Isère" in text(get(client, **listed))
    expo_set = ExpoSet.objects.get(code="CAFIA-001")
    assert expo_set.condition == ExpoSet.Condition.DAMAGED
    assert "Indisponible — endommagé" in text(get(client, vue="semaine", date=soon(60).isoformat()))
    services.repair(expo_set=expo_set, by=staff, notes="Panneau réimprimé")
    assert "Indisponible — " not in text(get(client, vue="semaine", date=soon(60).isoformat()))
    services.booking_return(booking=mine, by=staff)
    assert "actuellement à la Caf de Paris" in text(get(client, **listed))


def test_damage_reported_on_the_set_s_page_shows_at_once(agent, sets):
    ExpoSet.objects.filter(pk=sets[3].pk).update(location=agent.caf)
    client = logged(agent)
    assert "indisponible — endommagé" not in text(get(client))
    services.report_damage(
        expo_set=ExpoSet.objects.get(pk=sets[3].pk),
        by=agent,
        condition=ExpoSet.Condition.DAMAGED,
        notes="Un pied cassé",
    )
    assert "indisponible — endommagé" in text(get(client))


def test_an_offer_expired_by_the_beat_leaves_the_calendar_at_once(agent, other_caf_agent, sets):
    """expire_offers writes only with update(): the offer is cancelled, the entry expired."""
    offer = BookingFactory(
        expo_set=sets[4],
        caf=other_caf_agent.caf,
        status=Booking.Status.OFFERED,
        offer_expires_at=timezone.now() - timedelta(hours=1),
    )
    WaitlistEntry.objects.create(
        caf=other_caf_agent.caf,
        starts_on=offer.starts_on,
        ends_on=offer.ends_on,
        use=offer.use,
        expected_visitors=100,
        venue="Médiathèque",
        contact_name="Yann",
        contact_phone="02 98 00 00 00",
        contact_email="yann@caf29.test",
        delivery_address="Quimper",
        status=WaitlistEntry.Status.OFFERED,
        offered_booking=offer,
    )
    client = logged(agent)
    assert "réservé — Caf du Finistère" in text(get(client))
    assert services.expire_offers() == 1
    assert "Caf du Finistère" not in text(get(client))


def test_a_caf_renamed_shows_its_new_name_at_once(agent, sets, theirs):
    client = logged(agent)
    assert "réservé — Caf du Finistère" in text(get(client))
    finistere = Caf.objects.get(number="29")
    finistere.name = "Caf du Penn-ar-Bed"
    finistere.save()
    assert "réservé — Caf du Penn-ar-Bed" in text(get(client))


# Never shown to a user with other rights -------------------------------------------------------
@pytest.mark.parametrize("view", ["mois", "semaine", "liste"])
def test_each_user_gets_the_calendar_of_their_own_rights(
    agent, other_caf_agent, staff, sets, mine, theirs, view
):
    isere_referent = ReferentFactory(caf=caf("69"), regions=[caf("38").region])
    colleague = AgentFactory(caf=agent.caf)
    mine_url, theirs_url = mine.get_absolute_url(), theirs.get_absolute_url()
    seen = {}
    # In this order, each after a user with other rights filled the cache.
    for name, user in (
        ("agent", agent),
        ("other", other_caf_agent),
        ("referent", isere_referent),
        ("staff", staff),
        ("colleague", colleague),
    ):
        seen[name] = body(get(logged(user), vue=view, date=soon(33).isoformat()))
    assert f'href="{mine_url}"' in seen["agent"]
    assert f'href="{theirs_url}"' not in seen["agent"]
    assert f'href="{mine_url}"' not in seen["other"]
    assert f'href="{theirs_url}"' in seen["other"]
    assert "Caf de l&#x27;Isère, demandée" not in seen["other"]
    assert "votre Caf, demandée" in seen["other"]  # their own booking
    assert f'href="{mine_url}"' in seen["referent"]  # the Isère is in their region
    assert f'href="{theirs_url}"' not in seen["referent"]
    assert f'href="{mine_url}"' in seen["staff"]
    assert f'href="{theirs_url}"' in seen["staff"]
    assert f'href="{mine_url}"' in seen["colleague"]  # the same rights as the agent
    assert f'href="{theirs_url}"' not in seen["colleague"]


def test_the_caf_that_ships_the_set_opens_the_next_booking(agent, other_caf_agent, staff, sets):
    """The Finistère hosts CAFIA-001 first, then ships it to the Isère: its agents open the
    Isère's booking from the calendar, another Caf's agents do not."""
    first = BookingFactory(
        expo_set=sets[0], caf=other_caf_agent.caf, starts_on=soon(20), ends_on=soon(25)
    )
    second = BookingFactory(expo_set=sets[0], caf=agent.caf, starts_on=soon(40), ends_on=soon(45))
    stranger = AgentFactory(caf=caf("56"))
    url = second.get_absolute_url()
    assert f'href="{url}"' not in body(get(logged(stranger), date=soon(40).isoformat()))
    assert f'href="{url}"' not in body(get(logged(other_caf_agent), date=soon(40).isoformat()))
    services.booking_confirm(booking=first, by=staff)
    services.booking_confirm(booking=second, by=staff)
    assert f'href="{url}"' in body(get(logged(other_caf_agent), date=soon(40).isoformat()))
    assert f'href="{url}"' not in body(get(logged(stranger), date=soon(40).isoformat()))


# The availability of the API --------------------------------------------------------------------
def availability(user) -> dict:
    token, _created = Token.objects.get_or_create(user=user)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get(
        AVAILABILITY, {"starts_on": soon(30).isoformat(), "ends_on": soon(35).isoformat()}
    )
    assert response.status_code == 200
    return {row["code"]: row for row in response.json()["sets"]}


def test_the_availability_is_per_rights_and_shows_every_write_at_once(
    agent, other_caf_agent, staff, sets, mine
):
    assert availability(agent)["CAFIA-001"]["busy"][0]["booking"] == mine.pk
    assert availability(other_caf_agent)["CAFIA-001"]["busy"][0]["booking"] is None
    assert availability(agent)["CAFIA-001"]["busy"][0]["booking"] == mine.pk
    services.booking_cancel(booking=mine, by=agent)
    assert availability(agent)["CAFIA-001"]["free"] is True
    services.report_damage(
        expo_set=sets[1], by=staff, condition=ExpoSet.Condition.DAMAGED, notes="Pied cassé"
    )
    assert availability(agent)["CAFIA-002"]["state"] == "indisponible"
    services.repair(expo_set=ExpoSet.objects.get(pk=sets[1].pk), by=staff, notes="Réparé")
    assert availability(agent)["CAFIA-002"]["state"] == "libre"


# A set's page ----------------------------------------------------------------------------------
def test_a_set_page_already_built_costs_the_session_the_user_and_the_set(
    agent, sets, mine, django_assert_num_queries
):
    client = logged(agent)
    address = reverse("expo_booking:set-detail", kwargs={"code": sets[0].code})
    first = client.get(address)
    with django_assert_num_queries(3):
        again = client.get(address)
    assert main(again) == main(first)


def test_a_set_page_shows_each_user_their_rights_and_every_write_at_once(
    agent, other_caf_agent, staff, sets, mine
):
    address = reverse("expo_booking:set-detail", kwargs={"code": sets[0].code})
    link = f'href="{mine.get_absolute_url()}"'
    assert link in body(logged(agent).get(address))
    other = body(logged(other_caf_agent).get(address))
    assert link not in other
    assert "Caf de l&#x27;Isère" in other
    assert "Enregistré par" not in other
    ExpoSet.objects.filter(pk=sets[0].pk).update(location=agent.caf)
    services.report_damage(
        expo_set=ExpoSet.objects.get(pk=sets[0].pk),
        by=agent,
        condition=ExpoSet.Condition.INCOMPLETE,
        notes="",
        missing_items="Le jeu des controverses",
    )
    page = text(logged(other_caf_agent).get(address))
    assert "Éléments manquants : Le jeu des controverses" in page
    assert "Enregistré par" not in page
    staff_page = text(logged(staff).get(address))
    assert f"Enregistré par {agent.get_full_name()}" in staff_page
    services.booking_cancel(booking=mine, by=agent)
    assert link not in body(logged(agent).get(address))
