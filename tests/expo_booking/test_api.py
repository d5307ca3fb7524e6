"""The Caf'IA exhibition's API: the sets and their availability for the network, a Caf's
bookings for that Caf (its region's referents and the CafLab), the writes through the services
with their French refusals, the hand-overs for the sender and the receiver — never another
Caf's contacts, and no access at all for partners."""

import json

import pytest
import yaml
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from expo_booking import selectors, services
from expo_booking.models import Blackout, Booking, ExpoSet
from tests.caflab.factories import AgentFactory, ReferentFactory, caf, region
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, policy, season, soon

pytestmark = pytest.mark.django_db

SETS = "/api/v1/expo/jeux/"
AVAILABILITY = "/api/v1/expo/disponibilites/"
BOOKINGS = "/api/v1/expo/reservations/"
HANDOVERS = "/api/v1/expo/passages-de-relais/"

# The contacts of the Finistère's booking: no one outside Finistère, its region and the CafLab
# reads them anywhere in the API.
FINISTERE_CONTACTS = (
    "Yann Le Goff",
    "02 98 76 54 32",
    "yann.legoff@caf29.test",
    "Médiathèque des Ursulines",
    "1 rue de Kerfeunteun",
)
ISERE_CONTACTS = ("Claire Martin", "04 76 20 60 00", "claire.martin@caf38.test")


def login(api_client, user):
    """A token per user, as the API's clients use it."""
    token, _created = Token.objects.get_or_create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api_client


def plain(messages: list[str]) -> list[str]:
    """DRF's French messages put no-break spaces before « : » and inside « »."""
    return [message.replace("\xa0", " ") for message in messages]


def assert_none_of(values, body) -> None:
    text = json.dumps(body, ensure_ascii=False)
    for value in values:
        assert value not in text, value


@pytest.fixture(autouse=True)
def rules_of_the_tests(db):
    policy()
    season()


@pytest.fixture
def referent_of_region(db):
    """A referent of Auvergne-Rhône-Alpes (the Isère's region) working at the Caf du Rhône."""
    return ReferentFactory(caf=caf("69"), regions=[region("84")])


@pytest.fixture
def referent_elsewhere(db):
    return ReferentFactory()  # Bretagne, Caf 35: the Finistère's region, not the Isère's


@pytest.fixture
def sets(db):
    """Three sets stored in Paris, one already in Isère."""
    return {
        code: ExpoSetFactory(code=code, location=caf(number))
        for code, number in (
            ("CAFIA-01", "75"),
            ("CAFIA-02", "75"),
            ("CAFIA-03", "38"),
        )
    }


@pytest.fixture
def isere_booking(sets, isere):
    """CAFIA-01 in Isère, days 30 to 43 (blocked 28 to 45)."""
    return BookingFactory(expo_set=sets["CAFIA-01"], caf=isere)


@pytest.fixture
def finistere_booking(sets):
    """CAFIA-02 in Finistère, days 30 to 43."""
    return BookingFactory(
        expo_set=sets["CAFIA-02"],
        caf=caf("29"),
        requested_by=AgentFactory(caf=caf("29")),
        contact_name="Yann Le Goff",
        contact_phone="02 98 76 54 32",
        contact_email="yann.legoff@caf29.test",
        venue="Médiathèque des Ursulines",
        delivery_address="1 rue de Kerfeunteun, 29000 Quimper",
    )


def user_for(request, who):
    return request.getfixturevalue(who)


def payload(**values) -> dict:
    body = {
        "starts_on": soon(60).isoformat(),
        "ends_on": soon(73).isoformat(),
        "use": "animations",
        "expected_visitors": 200,
        "venue": "Hall d'accueil du siège",
        "contact_name": "Claire Martin",
        "contact_phone": "04 76 20 60 00",
        "contact_email": "Claire.Martin@caf38.test",
        "delivery_address": "3 rue des Alliés, 38000 Grenoble",
    }
    body.update(values)
    return {key: value for key, value in body.items() if value is not None}


# Who gets in ---------------------------------------------------------------------------------
ROUTES = [
    ("get", SETS),
    ("get", f"{SETS}CAFIA-01/"),
    ("get", AVAILABILITY),
    ("get", BOOKINGS),
    ("post", BOOKINGS),
    ("get", f"{BOOKINGS}{{booking}}/"),
    ("post", f"{BOOKINGS}{{booking}}/annuler/"),
    ("post", f"{BOOKINGS}{{booking}}/confirmer/"),
    ("get", f"{BOOKINGS}{{booking}}/passage-de-relais/"),
    ("get", HANDOVERS),
    ("get", f"{HANDOVERS}{{handover}}/"),
    ("post", f"{HANDOVERS}{{handover}}/expedier/"),
    ("post", f"{HANDOVERS}{{handover}}/reception/"),
]


@pytest.fixture
def confirmed(isere_booking, staff):
    services.booking_confirm(booking=isere_booking, by=staff)
    isere_booking.refresh_from_db()
    return isere_booking


def _url(template: str, booking) -> str:
    return template.format(booking=booking.pk, handover=booking.handover.pk)


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_anonymous_callers_get_401(api_client, confirmed, method, url):
    response = getattr(api_client, method)(_url(url, confirmed), {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_partners_have_no_access_to_the_exhibition(api_client, confirmed, partner, method, url):
    client = login(api_client, partner)
    response = getattr(client, method)(_url(url, confirmed), {}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert (body["status"], body["code"]) == (403, "permission_denied")
    assert body["detail"] == "Vous n'avez pas le droit d'effectuer cette action."


def test_session_authentication_works_too(client, agent, sets):
    client.force_login(agent)
    assert client.get(SETS).status_code == 200


# Sets ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who", ["agent", "other_caf_agent", "referent_of_region", "referent_elsewhere", "staff"]
)
def test_every_agent_and_the_caflab_list_the_sets(request, api_client, sets, who):
    ExpoSet.objects.filter(code="CAFIA-02").update(condition=ExpoSet.Condition.INCOMPLETE)
    body = login(api_client, user_for(request, who)).get(SETS).json()
    assert body["count"] == 3
    first, second, third = body["results"]
    assert first == {
        "code": "CAFIA-01",
        "contents": "9 panneaux triptyques, bar à prompts, jeu des controverses, escape card",
        "panels": 9,
        "games": 4,
        "kit_version": "1.0",
        "location": {"number": "75", "name": "Caf de Paris"},
        "condition": "bon",
        "condition_label": "Bon état",
        "is_bookable": True,
    }
    assert (second["condition"], second["condition_label"], second["is_bookable"]) == (
        "incomplet",
        "Incomplet",
        False,
    )
    assert third["location"] == {"number": "38", "name": "Caf de l'Isère"}


def test_a_set_by_its_code(api_client, agent, sets):
    client = login(api_client, agent)
    assert client.get(f"{SETS}CAFIA-03/").json()["location"]["number"] == "38"
    response = client.get(f"{SETS}CAFIA-99/")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "detail": "Jeu introuvable."}


# Availability --------------------------------------------------------------------------------
@pytest.fixture
def calendar_world(sets, finistere_booking):
    """Over days 30 to 43: CAFIA-02 booked by Finistère, CAFIA-01 in maintenance, CAFIA-03
    free, CAFIA-04 damaged."""
    Blackout.objects.create(
        expo_set=sets["CAFIA-01"], starts_on=soon(40), ends_on=soon(50), reason="Réimpression"
    )
    ExpoSetFactory(code="CAFIA-04", condition=ExpoSet.Condition.DAMAGED)
    return finistere_booking


def availability(client, start, end):
    return client.get(AVAILABILITY, {"starts_on": start.isoformat(), "ends_on": end.isoformat()})


def test_availability_says_which_set_is_free_and_what_holds_the_others(
    api_client, agent, calendar_world
):
    response = availability(login(api_client, agent), soon(30), soon(43))
    assert response.status_code == 200
    body = response.json()
    assert (body["blocked_from"], body["blocked_until"]) == (
        soon(28).isoformat(),
        soon(45).isoformat(),
    )
    assert (body["transport_days_before"], body["transport_days_after"]) == (2, 2)
    states = {row["code"]: (row["free"], row["state"]) for row in body["sets"]}
    assert states == {
        "CAFIA-01": (False, "maintenance"),
        "CAFIA-02": (False, "reserve"),
        "CAFIA-03": (True, "libre"),
        "CAFIA-04": (False, "indisponible"),
    }
    assert body["free_count"] == 1
    rows = {row["code"]: row for row in body["sets"]}
    assert rows["CAFIA-01"]["maintenance"] == [
        {
            "starts_on": soon(40).isoformat(),
            "ends_on": soon(50).isoformat(),
            "reason": "Réimpression",
        }
    ]
    # Another Caf's booking: its dates and its Caf, not its contacts nor its id.
    assert rows["CAFIA-02"]["busy"] == [
        {
            "starts_on": soon(30).isoformat(),
            "ends_on": soon(43).isoformat(),
            "blocked_from": soon(28).isoformat(),
            "blocked_until": soon(45).isoformat(),
            "caf": {"number": "29", "name": "Caf du Finistère"},
            "own": False,
            "booking": None,
        }
    ]
    assert_none_of(FINISTERE_CONTACTS, body)


def test_the_free_sets_are_those_of_the_selector(api_client, agent, calendar_world):
    body = availability(login(api_client, agent), soon(30), soon(43)).json()
    free = {row["code"] for row in body["sets"] if row["free"]}
    assert free == {s.code for s in selectors.free_sets(starts_on=soon(30), ends_on=soon(43))}


def test_the_transport_days_count(api_client, agent, calendar_world):
    """Finistère's booking is blocked from day 28; 2 days after a booking ending on day 25 make
    day 27: free. One ending on day 26 reaches day 28: taken."""
    client = login(api_client, agent)

    def cafia_02(end):
        rows = availability(client, end - (soon(25) - soon(20)), end).json()["sets"]
        return next(row for row in rows if row["code"] == "CAFIA-02")["state"]

    assert cafia_02(soon(25)) == "libre"
    assert cafia_02(soon(26)) == "reserve"


def test_the_host_and_its_region_see_their_own_booking_in_the_availability(
    api_client, other_caf_agent, referent_elsewhere, agent, calendar_world
):
    for user in (other_caf_agent, referent_elsewhere):  # Finistère, and a Breton referent
        rows = availability(login(api_client, user), soon(30), soon(43)).json()["sets"]
        (busy,) = next(row for row in rows if row["code"] == "CAFIA-02")["busy"]
        assert busy["booking"] == calendar_world.pk
        assert busy["own"] is (user == other_caf_agent)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "starts_on", "Ce champ est obligatoire."),
        ({"starts_on": "2026-03-02"}, "ends_on", "Ce champ est obligatoire."),
        (
            {"starts_on": "demain", "ends_on": "2026-03-15"},
            "starts_on",
            "La date n'a pas le bon format. Utilisez un des formats suivants : YYYY-MM-DD.",
        ),
        (
            {"starts_on": "2026-02-30", "ends_on": "2026-03-15"},
            "starts_on",
            "La date n'a pas le bon format. Utilisez un des formats suivants : YYYY-MM-DD.",
        ),
        (
            {"starts_on": "2026-03-15", "ends_on": "2026-03-02"},
            "ends_on",
            "La date de fin précède la date de début.",
        ),
        (
            {"starts_on": "2026-01-01", "ends_on": "2027-06-30"},
            "ends_on",
            "Choisissez une période d'un an au plus.",
        ),
    ],
)
def test_a_malformed_or_inverted_period_is_a_400_in_french(
    api_client, agent, sets, query, field, message
):
    response = login(api_client, agent).get(AVAILABILITY, query)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["detail"] == "Les données envoyées ne sont pas valides."
    assert plain(body["errors"][field]) == [message]


# Bookings: reading ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "cafs"),
    [
        ("agent", {"38"}),
        ("other_caf_agent", {"29"}),
        ("referent_of_region", {"38"}),  # the Isère is in their region
        ("referent_elsewhere", {"29"}),  # Bretagne
        ("staff", {"38", "29"}),
    ],
)
def test_the_bookings_list_shows_the_callers_caf(
    request, api_client, isere_booking, finistere_booking, who, cafs
):
    body = login(api_client, user_for(request, who)).get(BOOKINGS).json()
    assert {row["caf"]["number"] for row in body["results"]} == cafs
    if "29" not in cafs:
        assert_none_of(FINISTERE_CONTACTS, body)
    if "38" not in cafs:
        assert_none_of(ISERE_CONTACTS, body)


def test_a_booking_row_has_its_details(api_client, agent, confirmed):
    (row,) = login(api_client, agent).get(BOOKINGS).json()["results"]
    assert row["id"] == confirmed.pk
    assert row["expo_set"] == "CAFIA-01"
    assert row["caf"] == {"number": "38", "name": "Caf de l'Isère"}
    assert row["season"] == "Saison de test"
    assert (row["status"], row["status_label"]) == ("confirmee", "Confirmée")
    assert (row["use"], row["use_label"]) == ("circulation_libre", "Circulation libre")
    assert (row["starts_on"], row["ends_on"], row["days"]) == (
        soon(30).isoformat(),
        soon(43).isoformat(),
        14,
    )
    assert (row["contact_name"], row["contact_email"]) == (
        "Claire Martin",
        "claire.martin@caf38.test",
    )
    assert row["handover"]["from_caf"] == {"number": "75", "name": "Caf de Paris"}
    assert row["handover"]["state"] == "a_expedier"
    assert row["feedback"] is None


def test_bookings_filters(api_client, staff, isere_booking, finistere_booking):
    Booking.objects.filter(pk=finistere_booking.pk).update(status=Booking.Status.CONFIRMED)
    client = login(api_client, staff)

    def ids(**query):
        response = client.get(BOOKINGS, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(status="confirmee") == [finistere_booking.pk]
    assert ids(status="demandee") == [isere_booking.pk]
    assert ids(caf="38") == [isere_booking.pk]
    assert sorted(ids(season="Saison de test")) == sorted([isere_booking.pk, finistere_booking.pk])
    assert ids(season="2031") == []


def test_an_agent_filtering_another_caf_gets_nothing(api_client, agent, finistere_booking):
    assert login(api_client, agent).get(BOOKINGS, {"caf": "29"}).json()["count"] == 0


@pytest.mark.parametrize(
    "query", [{"status": "finie"}, {"caf": "Isère"}, {"season": "x" * 61}, {"page": "0"}]
)
def test_bad_bookings_filters_are_400_or_404(api_client, agent, query):
    response = login(api_client, agent).get(BOOKINGS, query)
    assert response.status_code == (404 if "page" in query else 400)
    if response.status_code == 400:
        assert set(response.json()["errors"]) == set(query)


@pytest.mark.parametrize("who", ["agent", "referent_of_region", "staff"])
def test_a_booking_is_seen_by_its_caf_its_region_and_the_caflab(
    request, api_client, isere_booking, who
):
    body = login(api_client, user_for(request, who)).get(f"{BOOKINGS}{isere_booking.pk}/").json()
    assert body["contact_phone"] == "04 76 20 60 00"
    assert body["delivery_address"] == "3 rue des Alliés, 38000 Grenoble"
    assert body["permissions"] == {
        "cancel": who != "referent_of_region",
        "confirm": who == "staff",
        "receive": False,
    }


@pytest.mark.parametrize("who", ["other_caf_agent", "referent_elsewhere"])
def test_another_cafs_booking_is_a_404(request, api_client, isere_booking, who):
    client = login(api_client, user_for(request, who))
    for url in (
        f"{BOOKINGS}{isere_booking.pk}/",
        f"{BOOKINGS}{isere_booking.pk}/passage-de-relais/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "not_found",
            "detail": "Réservation introuvable.",
        }
    assert client.get(f"{BOOKINGS}999999/").status_code == 404


# Bookings: booking ---------------------------------------------------------------------------
def test_booking_any_set_takes_the_nearest_free_one(api_client, agent, sets, mailoutbox):
    response = login(api_client, agent).post(BOOKINGS, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["expo_set"] == "CAFIA-03"  # already in Isère
    assert body["caf"]["number"] == "38"
    assert (body["status"], body["handover"]) == ("demandee", None)
    assert body["contact_email"] == "claire.martin@caf38.test"
    booking = Booking.objects.get(pk=body["id"])
    assert (booking.requested_by, booking.blocked_from) == (agent, soon(58))


def test_booking_a_chosen_set(api_client, agent, sets):
    response = login(api_client, agent).post(
        BOOKINGS, payload(expo_set="CAFIA-02", use="evenement"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["expo_set"], response.json()["use"]) == ("CAFIA-02", "evenement")


def test_booking_with_automatic_confirmation(api_client, agent, sets):
    policy(auto_confirm=True)
    body = login(api_client, agent).post(BOOKINGS, payload(), format="json").json()
    assert body["status"] == "confirmee"
    assert body["handover"]["from_caf"]["number"] == "38"


def test_a_taken_set_is_refused_with_the_services_sentence(
    api_client, other_caf_agent, isere_booking
):
    response = login(api_client, other_caf_agent).post(
        BOOKINGS,
        payload(
            expo_set="CAFIA-01",
            starts_on=soon(40).isoformat(),
            ends_on=soon(50).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "booking_refused",
        "detail": "Le jeu CAFIA-01 est déjà réservé sur cette période, transport compris.",
    }


def test_no_set_free_is_a_409_pointing_to_the_waitlist(api_client, agent, sets):
    for expo_set in sets.values():
        BookingFactory(expo_set=expo_set, caf=caf("29"), starts_on=soon(55), ends_on=soon(80))
    response = login(api_client, agent).post(BOOKINGS, payload(), format="json")
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"status", "code", "detail"}
    assert (body["status"], body["code"]) == (409, "no_set_free")
    assert body["detail"].startswith(
        f"Aucun jeu n'est libre du {soon(60):%d/%m/%Y} au {soon(73):%d/%m/%Y}, transport compris."
    )
    assert "liste d'attente" in body["detail"]
    assert not Booking.objects.filter(caf=caf("38")).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"starts_on": None, "ends_on": None}, None),  # required: checked below
        (
            {"ends_on": soon(62).isoformat()},
            "L'exposition se réserve pour 5 jours au moins.",
        ),
        (
            {"starts_on": soon(5).isoformat(), "ends_on": soon(18).isoformat()},
            f"Réservez au moins 14 jours à l'avance : au plus tôt le {soon(14):%d/%m/%Y}.",
        ),
        (
            {"starts_on": soon(400).isoformat(), "ends_on": soon(410).isoformat()},
            "Ces dates ne sont pas dans une saison de circulation de l'exposition.",
        ),
        (
            {"ends_on": soon(100).isoformat()},
            "L'exposition se réserve pour 28 jours au plus : d'autres Caf l'attendent.",
        ),
    ],
)
def test_the_booking_rules_refuse_in_french(api_client, agent, sets, values, message):
    response = login(api_client, agent).post(BOOKINGS, payload(**values), format="json")
    assert response.status_code == 400
    body = response.json()
    if message is None:
        assert body["code"] == "invalid"
        assert body["errors"] == {
            "starts_on": ["Ce champ est obligatoire."],
            "ends_on": ["Ce champ est obligatoire."],
        }
    else:
        assert (body["code"], body["detail"]) == ("booking_refused", message)


def test_the_quota_per_season(api_client, agent, sets):
    client = login(api_client, agent)
    for start in (60, 100):
        body = payload(starts_on=soon(start).isoformat(), ends_on=soon(start + 9).isoformat())
        assert client.post(BOOKINGS, body, format="json").status_code == 201
    response = client.post(
        BOOKINGS,
        payload(starts_on=soon(150).isoformat(), ends_on=soon(159).isoformat()),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Votre Caf a déjà 2 réservations pour la saison Saison de test : c'est le maximum."
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"expo_set": "CAFIA-99"}, "expo_set", "Aucun jeu n'a le code « CAFIA-99 »."),
        ({"caf": "00"}, "caf", "Aucune Caf n'a le numéro « 00 »."),
        ({"use": "fete"}, "use", "« fete » n'est pas un choix valide."),
        (
            {"expected_visitors": 0},
            "expected_visitors",
            "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        ),
        ({"contact_email": "claire"}, "contact_email", "Saisissez une adresse e-mail valide."),
        ({"venue": ""}, "venue", "Ce champ ne peut être vide."),
        (
            {"starts_on": soon(70).isoformat(), "ends_on": soon(60).isoformat()},
            "ends_on",
            "La date de fin précède la date de début.",
        ),
        ({"starts_on": "lundi"}, "starts_on", None),
    ],
)
def test_invalid_booking_fields_are_400_in_french(api_client, agent, sets, values, field, message):
    response = login(api_client, agent).post(BOOKINGS, payload(**values), format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert list(body["errors"]) == [field]
    if message:
        assert plain(body["errors"][field]) == [message]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("raw", ['{"starts_on": ', "[1, 2]", "null", '"texte"'])
def test_malformed_bodies_are_400_never_500(api_client, agent, sets, raw):
    response = login(api_client, agent).post(BOOKINGS, raw, content_type="application/json")
    assert response.status_code == 400


def test_an_agent_books_for_their_own_caf_only(api_client, agent, sets):
    response = login(api_client, agent).post(BOOKINGS, payload(caf="29"), format="json")
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_the_caflab_books_for_a_caf_it_names(api_client, staff, sets):
    client = login(api_client, staff)
    response = client.post(BOOKINGS, payload(), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"caf": ["Indiquez la Caf d'accueil."]}
    response = client.post(BOOKINGS, payload(caf="29"), format="json")
    assert response.status_code == 201
    assert response.json()["caf"]["number"] == "29"


# Bookings: cancelling and confirming ---------------------------------------------------------
def test_the_caf_cancels_its_booking(api_client, agent, isere_booking):
    response = login(api_client, agent).post(
        f"{BOOKINGS}{isere_booking.pk}/annuler/", {"reason": " Forum reporté. "}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == (
        "annulee",
        "Forum reporté.",
    )
    assert response.json()["cancelled_at"] is not None


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_caf_agent", 404), ("referent_elsewhere", 404), ("referent_of_region", 403)],
)
def test_others_cannot_cancel(request, api_client, isere_booking, who, status):
    client = login(api_client, user_for(request, who))
    assert client.post(f"{BOOKINGS}{isere_booking.pk}/annuler/").status_code == status
    isere_booking.refresh_from_db()
    assert isere_booking.status == Booking.Status.REQUESTED


def test_the_caflab_cancels_too_but_not_a_set_already_sent(api_client, staff, confirmed):
    services.handover_ship(handover=confirmed.handover, by=staff, carrier="Geodis")
    response = login(api_client, staff).post(f"{BOOKINGS}{confirmed.pk}/annuler/")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "booking_refused",
        "detail": (
            "Le jeu est déjà parti vers votre Caf : contactez l'équipe du CafLab pour annuler."
        ),
    }


def test_the_caflab_confirms(
    api_client, staff, isere_booking, django_capture_on_commit_callbacks, mailoutbox
):
    client = login(api_client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BOOKINGS}{isere_booking.pk}/confirmer/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "confirmee"
    assert body["handover"]["from_caf"]["number"] == "75"
    assert [m.to for m in mailoutbox] == [[isere_booking.requested_by.email]]
    response = client.post(f"{BOOKINGS}{isere_booking.pk}/confirmer/")
    assert response.status_code == 400
    assert response.json()["detail"] == "Seule une réservation demandée peut être confirmée."


@pytest.mark.parametrize(
    ("who", "status"),
    [("agent", 403), ("referent_of_region", 403), ("other_caf_agent", 404)],
)
def test_only_the_caflab_confirms(request, api_client, isere_booking, who, status):
    response = login(api_client, user_for(request, who)).post(
        f"{BOOKINGS}{isere_booking.pk}/confirmer/"
    )
    assert response.status_code == status
    isere_booking.refresh_from_db()
    assert isere_booking.status == Booking.Status.REQUESTED


# Hand-overs ----------------------------------------------------------------------------------
def test_a_requested_booking_has_no_handover_yet(api_client, agent, isere_booking):
    response = login(api_client, agent).get(f"{BOOKINGS}{isere_booking.pk}/passage-de-relais/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Passage de relais introuvable."


def test_the_handover_of_a_booking(api_client, agent, confirmed):
    body = login(api_client, agent).get(f"{BOOKINGS}{confirmed.pk}/passage-de-relais/").json()
    assert body == {
        "id": confirmed.handover.pk,
        "booking": confirmed.pk,
        "expo_set": "CAFIA-01",
        "from_caf": {"number": "75", "name": "Caf de Paris"},
        "to_caf": {"number": "38", "name": "Caf de l'Isère"},
        "from_booking": None,
        "ship_on": soon(28).isoformat(),
        "carrier": "",
        "tracking": "",
        "shipped_at": None,
        "received_at": None,
        "arrival": "",
        "arrival_label": "",
        "notes": "",
        "state": "a_expedier",
    }


@pytest.fixture
def chain(sets, isere, staff):
    """CAFIA-01 goes from Paris to Isère (days 30-43), then from Isère to Finistère (50-60)."""
    first = BookingFactory(expo_set=sets["CAFIA-01"], caf=isere)
    second = BookingFactory(
        expo_set=sets["CAFIA-01"],
        caf=caf("29"),
        starts_on=soon(50),
        ends_on=soon(60),
        contact_name="Yann Le Goff",
        contact_phone="02 98 76 54 32",
        contact_email="yann.legoff@caf29.test",
        venue="Médiathèque des Ursulines",
        delivery_address="1 rue de Kerfeunteun, 29000 Quimper",
    )
    for booking in (first, second):
        services.booking_confirm(booking=booking, by=staff)
        booking.refresh_from_db()
    return first, second


def test_the_set_travels_from_caf_to_caf(api_client, agent, other_caf_agent, staff, chain):
    first, second = chain
    isere_client = login(api_client, agent)
    first_url, second_url = (f"{HANDOVERS}{b.handover.pk}/" for b in chain)

    # Isère receives the first, sends the second; Finistère receives the second.
    listed = isere_client.get(HANDOVERS).json()["results"]
    assert [row["id"] for row in listed] == [first.handover.pk, second.handover.pk]
    assert second.handover.from_booking == first

    # From storage, the CafLab ships; Isère (the receiver) may not.
    assert isere_client.post(f"{first_url}expedier/", {"carrier": "X"}).status_code == 403
    shipped = login(api_client, staff).post(
        f"{first_url}expedier/", {"carrier": "Geodis", "tracking": "GD123456"}, format="json"
    )
    assert shipped.status_code == 200
    assert (shipped.json()["state"], shipped.json()["tracking"]) == ("en_transit", "GD123456")

    # Finistère is neither the sender nor the receiver of the first hand-over.
    finistere_client = login(api_client, other_caf_agent)
    assert finistere_client.get(first_url).status_code == 404
    assert finistere_client.post(f"{first_url}reception/", {"arrival": "bon"}).status_code == 404

    isere_client = login(api_client, agent)
    received = isere_client.post(f"{first_url}reception/", {"arrival": "bon"}, format="json")
    assert received.status_code == 200
    assert (received.json()["state"], received.json()["arrival"]) == ("recu", "bon")
    first.refresh_from_db()
    assert first.status == Booking.Status.ON_SITE

    # Isère now ships to Finistère: it sees the hand-over, and the booking it ships to (its
    # delivery address and contact) until the set has left.
    sender_view = isere_client.get(second_url)
    assert sender_view.status_code == 200
    assert sender_view.json()["to_caf"] == {"number": "29", "name": "Caf du Finistère"}
    assert_none_of(FINISTERE_CONTACTS, sender_view.json())
    assert isere_client.get(f"{BOOKINGS}{second.pk}/").status_code == 200
    missing = isere_client.post(f"{second_url}expedier/", {}, format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"carrier": ["Ce champ est obligatoire."]}
    shipped = isere_client.post(
        f"{second_url}expedier/", {"carrier": "La Poste Colissimo"}, format="json"
    )
    assert shipped.status_code == 200
    assert_none_of(FINISTERE_CONTACTS, shipped.json())
    isere_client = login(api_client, agent)  # a new request: the set has left Isère
    assert isere_client.get(f"{BOOKINGS}{second.pk}/").status_code == 404
    assert isere_client.post(f"{second_url}reception/", {"arrival": "bon"}).status_code == 403

    finistere_client = login(api_client, other_caf_agent)
    refused = finistere_client.post(
        f"{second_url}reception/", {"arrival": "endommage"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "status": 400,
        "code": "booking_refused",
        "detail": "Décrivez le dommage ou les éléments manquants.",
    }
    received = finistere_client.post(
        f"{second_url}reception/",
        {"arrival": "endommage", "notes": "Le panneau 4 est déchiré."},
        format="json",
    )
    assert received.status_code == 200
    assert received.json()["arrival_label"] == "Arrivé endommagé"
    assert ExpoSet.objects.get(code="CAFIA-01").condition == ExpoSet.Condition.DAMAGED
    first.refresh_from_db()
    assert first.status == Booking.Status.RETURNED


def test_a_set_cannot_be_shipped_before_it_arrived(api_client, agent, chain):
    _first, second = chain
    response = login(api_client, agent).post(
        f"{HANDOVERS}{second.handover.pk}/expedier/", {"carrier": "Geodis"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Le jeu n'est pas encore arrivé chez la Caf précédente."


def test_handovers_filter_by_state(api_client, agent, staff, chain):
    first, second = chain
    services.handover_ship(handover=first.handover, by=staff, carrier="Geodis")
    client = login(api_client, agent)

    def ids(state):
        return [row["id"] for row in client.get(HANDOVERS, {"state": state}).json()["results"]]

    assert ids("en_transit") == [first.handover.pk]
    assert ids("a_expedier") == [second.handover.pk]
    assert ids("recu") == []
    response = client.get(HANDOVERS, {"state": "perdu"})
    assert response.status_code == 400
    assert plain(response.json()["errors"]["state"]) == ["« perdu » n'est pas un choix valide."]


def test_an_agent_of_an_unrelated_caf_sees_no_handover(api_client, chain):
    client = login(api_client, AgentFactory(caf=caf("974")))
    assert client.get(HANDOVERS).json()["count"] == 0
    assert client.get(f"{HANDOVERS}{chain[0].handover.pk}/").status_code == 404


def test_no_contact_of_another_caf_on_any_route(api_client, other_caf_agent, chain, isere):
    """Finistère's agent, whose booking follows Isère's on the same set, reads every route:
    Isère's contacts appear nowhere."""
    _first, second = chain
    client = login(api_client, other_caf_agent)
    bodies = [
        client.get(SETS).json(),
        client.get(f"{SETS}CAFIA-01/").json(),
        availability(client, soon(20), soon(70)).json(),
        client.get(BOOKINGS).json(),
        client.get(f"{BOOKINGS}{second.pk}/").json(),
        client.get(f"{BOOKINGS}{second.pk}/passage-de-relais/").json(),
        client.get(HANDOVERS).json(),
        client.get(f"{HANDOVERS}{second.handover.pk}/").json(),
    ]
    for body in bodies:
        assert_none_of((*ISERE_CONTACTS, "3 rue des Alliés", "Hall d'accueil"), body)
    assert second.handover.from_caf == isere  # the sender is named: a Caf, not a person


# Schema --------------------------------------------------------------------------------------
CONTACT_KEYS = {"contact_name", "contact_phone", "contact_email", "delivery_address", "venue"}


def test_the_schema_is_valid_and_documents_the_exhibition(tmp_path, client):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    paths = {p for p in schema["paths"] if p.startswith("/api/v1/expo/")}
    assert paths == {
        "/api/v1/expo/jeux/",
        "/api/v1/expo/jeux/{code}/",
        "/api/v1/expo/disponibilites/",
        "/api/v1/expo/reservations/",
        "/api/v1/expo/reservations/{id}/",
        "/api/v1/expo/reservations/{id}/annuler/",
        "/api/v1/expo/reservations/{id}/confirmer/",
        "/api/v1/expo/reservations/{id}/passage-de-relais/",
        "/api/v1/expo/passages-de-relais/",
        "/api/v1/expo/passages-de-relais/{id}/",
        "/api/v1/expo/passages-de-relais/{id}/expedier/",
        "/api/v1/expo/passages-de-relais/{id}/reception/",
    }
    components = schema["components"]["schemas"]
    for name in ("ExpoSet", "Availability", "SetAvailability", "BusyRange", "HandOver"):
        assert not set(components[name]["properties"]) & CONTACT_KEYS, name
    create = schema["paths"]["/api/v1/expo/reservations/"]["post"]
    assert create["summary"] == "Réserver l'exposition"
    assert set(create["responses"]) == {"201", "400", "401", "403", "409", "415", "429"}
    assert client.get("/api/v1/schema/").status_code == 200


# Query counts --------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 12])
def test_set_list_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    ExpoSetFactory.create_batch(n)
    client = login(api_client, agent)
    # token and user, count, page of sets with their location
    with django_assert_num_queries(3):
        assert client.get(SETS).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_availability_queries_do_not_grow(api_client, agent, n, django_assert_num_queries):
    for index, expo_set in enumerate(ExpoSetFactory.create_batch(n)):
        BookingFactory(expo_set=expo_set, caf=caf("38" if index % 2 else "29"))
        Blackout.objects.create(
            expo_set=expo_set, starts_on=soon(50), ends_on=soon(52), reason="Révision"
        )
    client = login(api_client, agent)
    # token and user, the rules, the sets with their location, the bookings meeting the blocked
    # days with their Caf, the maintenance periods, the bookings the user's Caf ships a set to
    # (may it see another Caf's booking?)
    with django_assert_num_queries(6):
        response = availability(client, soon(30), soon(55))
    assert response.status_code == 200
    assert len(response.json()["sets"]) == n


@pytest.mark.parametrize("n", [1, 15])
def test_booking_list_queries_do_not_grow(api_client, staff, n, django_assert_num_queries):
    for expo_set in ExpoSetFactory.create_batch(n):
        booking = BookingFactory(expo_set=expo_set)
        services.booking_confirm(booking=booking, by=staff)
    client = login(api_client, AgentFactory(caf=caf("38")))
    # token and user, count, page of bookings with set, Caf, season, hand-over and its Caf,
    # feedback
    with django_assert_num_queries(3):
        response = client.get(BOOKINGS)
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 15])
def test_referent_booking_list_queries_do_not_grow(
    api_client, referent_of_region, n, django_assert_num_queries
):
    BookingFactory.create_batch(n)
    client = login(api_client, referent_of_region)
    # token and user, the referent's regions, count, page
    with django_assert_num_queries(4):
        assert client.get(BOOKINGS).json()["count"] == n


@pytest.mark.parametrize("n", [1, 15])
def test_handover_list_queries_do_not_grow(api_client, staff, n, django_assert_num_queries):
    for expo_set in ExpoSetFactory.create_batch(n):
        services.booking_confirm(booking=BookingFactory(expo_set=expo_set), by=staff)
    client = login(api_client, AgentFactory(caf=caf("38")))
    # token and user, count, page of hand-overs with their set and Cafs
    with django_assert_num_queries(3):
        assert client.get(HANDOVERS).json()["count"] == n
