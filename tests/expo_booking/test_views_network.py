"""The second half of the Caf'IA pages: the malette numérique, the waitlist, the CafLab's
follow-up, the statistics and each Caf's iCal feed. What each role sees and may do (anonymous,
agent, another Caf's agent, partner, referent, staff), the happy paths and the refusals, forms
that keep what was typed, the exports, and query counts that do not grow with the data."""

import html
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from caflab.models import Caf
from expo_booking import feeds, services
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ExpoSet,
    Feedback,
    KitDownload,
    KitResource,
    KitVersion,
    WaitlistEntry,
)
from expo_booking.services import Request
from tests.caflab.factories import AgentFactory, caf
from tests.expo_booking.factories import (
    BookingFactory,
    ExpoSetFactory,
    KitVersionFactory,
    policy,
    season,
    soon,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["agent", "other_caf_agent", "partner", "referent", "staff"]


@pytest.fixture(autouse=True)
def rules_of_the_tests(db, settings, tmp_path):
    """The booking rules of the factories, and uploads in a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path)
    policy()
    season()


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:
    return reverse(f"expo_booking:{name}", kwargs=kwargs)


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible words, without markup, spaces collapsed."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", body(response)))
    return re.sub(r"\s+", " ", words.replace("\xa0", " "))


def title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", body(response), re.S).group(1))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def ask(start: date, days: int = 14, **values) -> Request:
    fields = {
        "starts_on": start,
        "ends_on": start + timedelta(days=days - 1),
        "use": "animations",
        "expected_visitors": 200,
        "venue": "Espace d'accueil, 3 rue des Alliés",
        "contact_name": "Claire Martin",
        "contact_phone": "04 76 20 60 00",
        "contact_email": "claire.martin@caf38.test",
        "delivery_address": "3 rue des Alliés, 38000 Grenoble",
    }
    fields.update(values)
    return Request(**fields)


def form_data(start: date, days: int = 14, **values) -> dict:
    data = {
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=days - 1)).isoformat(),
        "use": "animations",
        "expected_visitors": "200",
        "venue": "Espace d'accueil, 3 rue des Alliés",
        "contact_name": "Claire Martin",
        "contact_phone": "04 76 20 60 00",
        "contact_email": "claire.martin@caf38.test",
        "delivery_address": "3 rue des Alliés, 38000 Grenoble",
    }
    data.update(values)
    return data


def waiting_entry(who, *, caf_number: str = "38", start: date | None = None) -> WaitlistEntry:
    """A request of a Caf on the waitlist: a new set taken by another Caf over the dates, the
    other sets in maintenance then."""
    start = start or soon(32)
    end = start + timedelta(days=13)
    for other in ExpoSet.objects.all():
        Blackout.objects.create(expo_set=other, starts_on=start, ends_on=end, reason="Tests")
    BookingFactory(expo_set=ExpoSetFactory(), caf=caf("56"), starts_on=start, ends_on=end)
    return services.waitlist_join(by=who, caf=caf(caf_number), request=ask(start))


def offered_entry(who) -> WaitlistEntry:
    """A request the freed set was offered to (the other Caf cancelled)."""
    entry = waiting_entry(who)
    Booking.objects.filter(caf=caf("56")).update(status=Booking.Status.CANCELLED)
    services.offer_freed_slot(expo_set=ExpoSet.objects.get())
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    return entry


def pages() -> dict[str, str]:
    return {
        "kit": url("kit"),
        "waitlist": url("waitlist"),
        "waitlist-join": url("waitlist-join"),
        "staff-dashboard": url("staff-dashboard"),
        "statistics": url("statistics"),
    }


# Who opens what -------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    version = KitVersionFactory()
    addresses = {
        **pages(),
        "kit-download": url("kit-download", pk=version.pk),
        "bookings-export": url("bookings-export", fmt="csv"),
    }
    for name, address in addresses.items():
        response = client.get(address)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/comptes/login/?next="), name
    assert not KitDownload.objects.exists()


EXPECTED = {
    # page: the roles that open it (the others get a 403)
    "kit": {"agent", "other_caf_agent", "referent", "staff"},
    "waitlist": {"agent", "other_caf_agent", "referent", "staff"},
    "waitlist-join": {"agent", "other_caf_agent", "referent", "staff"},
    "staff-dashboard": {"staff"},
    "statistics": {"referent", "staff"},
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_opens_its_pages_and_gets_403_on_the_others(who, request):
    KitVersionFactory()
    client = logged(request.getfixturevalue(who))
    for name, address in pages().items():
        response = client.get(address)
        expected = 200 if who in EXPECTED[name] else 403
        assert response.status_code == expected, name
        if expected == 200:
            assert body(response).count("<h1") == 1, name
            assert title(response).endswith("— Portail CafLab"), name
            assert 'aria-current="page"' in body(response), name


def test_the_tabs_show_the_pages_the_user_may_open(agent, referent, staff):
    staff_tab, statistics_tab = url("staff-dashboard"), url("statistics")
    agent_page = body(logged(agent).get(url("kit")))
    assert staff_tab not in agent_page
    assert statistics_tab not in agent_page
    referent_page = body(logged(referent).get(url("kit")))
    assert staff_tab not in referent_page
    assert statistics_tab in referent_page
    staff_page = body(logged(staff).get(url("kit")))
    assert staff_tab in staff_page
    assert statistics_tab in staff_page


# The malette numérique ------------------------------------------------------------------------
def test_the_kit_shows_resources_by_kind_with_versions_sizes_and_downloads(agent):
    slides = KitVersionFactory(
        resource__title="Support complet de l'exposition",
        version="1.0",
        size=2_500_000,
        created_at=timezone.now() - timedelta(days=30),
    )
    KitVersionFactory(
        resource=slides.resource, version="2.0", notes="Nouvelle affiche sur les biais"
    )
    KitVersionFactory(
        resource__title="Guide d'animation du bar à prompts",
        resource__kind=KitResource.Kind.GUIDE,
        version="1.1",
    )
    KitDownload.objects.create(version=slides, caf=caf("29"))
    KitDownload.objects.create(version=slides, caf=caf("38"))
    KitVersionFactory(resource__title="Ressource en préparation", resource__is_published=False)

    response = logged(agent).get(url("kit"))

    assert response.status_code == 200
    page = text(response)
    assert title(response) == "La malette numérique Caf'IA — Portail CafLab"
    for kind in ("Support de l'exposition", "Vidéo d'expert", "Jeu pédagogique"):
        assert kind in page
    assert page.index("Support complet") < page.index("Guide d'animation du bar")
    assert "Version 2.0 du" in page  # the latest version first
    assert "Nouveautés : Nouvelle affiche sur les biais" in page
    assert "1 version précédente" in page
    assert "2,4 Mio" in page  # the older version's size
    assert "2 téléchargements" in page
    assert "Ressource en préparation" not in page
    assert "Déposer une nouvelle version" not in page  # staff only
    latest = KitVersion.objects.get(version="2.0")
    assert url("kit-download", pk=latest.pk) in body(response)


def test_a_download_is_counted_for_the_caf_and_the_file_served(agent, referent):
    version = KitVersionFactory(name="support-cafia.pdf")

    response = logged(agent).get(url("kit-download", pk=version.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="support-cafia.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    download = KitDownload.objects.get()
    assert (download.version, download.caf) == (version, caf("38"))
    logged(referent).get(url("kit-download", pk=version.pk))
    assert KitDownload.objects.filter(caf=caf("35")).count() == 1


def test_downloads_refused_unknown_or_unpublished(agent, partner, staff):
    version = KitVersionFactory()
    hidden = KitVersionFactory(resource__is_published=False)
    assert logged(partner).get(url("kit-download", pk=version.pk)).status_code == 403
    assert logged(agent).get(url("kit-download", pk=999999)).status_code == 404
    assert logged(agent).get(url("kit-download", pk=hidden.pk)).status_code == 404
    assert logged(staff).get(url("kit-download", pk=hidden.pk)).status_code == 200
    version.file.delete(save=False)  # the row outlived its file
    assert logged(agent).get(url("kit-download", pk=version.pk)).status_code == 404
    assert KitDownload.objects.count() == 1  # the staff's download only


def test_staff_add_a_resource_and_a_new_version(staff):
    client = logged(staff)
    page = client.get(url("kit"))
    assert "Ajouter une ressource à la malette" in text(page)

    response = client.post(
        url("kit-resource-create"),
        {
            "title": "Guide d'animation du jeu des controverses",
            "kind": "guide",
            "description": "Déroulé, durée et questions de relance.",
            "position": "2",
            "version": "1.0",
            "notes": "",
            "file": SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf"),
        },
    )

    resource = KitResource.objects.get(title="Guide d'animation du jeu des controverses")
    assert response.status_code == 302
    assert response["Location"] == f"{url('kit')}#ressource-{resource.pk}"
    first = resource.versions.get()
    assert (first.version, first.name, first.size, first.content_type) == (
        "1.0",
        "guide.pdf",
        len(PDF),
        "application/pdf",
    )
    assert first.uploaded_by == staff

    response = client.post(
        url("kit-version-create", pk=resource.pk),
        {
            "version": "1.1",
            "notes": "Deux controverses de plus",
            "file": SimpleUploadedFile("guide-1.1.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert resource.versions.count() == 2
    page = text(client.get(url("kit")))
    assert "Version 1.1 du" in page
    assert "Deux controverses de plus" in page


def test_a_refused_upload_keeps_what_was_typed(staff):
    client = logged(staff)
    response = client.post(
        url("kit-resource-create"),
        {
            "title": "Vidéo : l'IA générative expliquée",
            "kind": "video",
            "description": "Dix minutes avec une experte de la branche.",
            "version": "1.0",
            "file": SimpleUploadedFile("video.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
        },
    )
    assert response.status_code == 400
    assert title(response).startswith("Erreur — ")
    assert "Ce type de fichier n'est pas accepté" in text(response)
    assert 'value="Vidéo : l&#x27;IA générative expliquée"' in body(response)
    assert "Dix minutes avec une experte de la branche." in body(response)
    assert not KitResource.objects.exists()  # no resource without its file

    version = KitVersionFactory(version="1.0")
    response = client.post(
        url("kit-version-create", pk=version.resource_id),
        {"version": "1.0", "notes": "Encore", "file": SimpleUploadedFile("s.pdf", PDF)},
    )
    assert response.status_code == 400
    assert "La version 1.0 de « " in text(response)
    assert 'value="Encore"' in body(response)
    assert version.resource.versions.count() == 1


def test_only_staff_manage_the_kit(agent, referent):
    version = KitVersionFactory()
    for user in (agent, referent):
        client = logged(user)
        response = client.post(
            url("kit-version-create", pk=version.resource_id),
            {"version": "9.9", "file": SimpleUploadedFile("s.pdf", PDF)},
        )
        assert response.status_code == 403
        assert client.post(url("kit-resource-create"), {}).status_code == 403
    assert KitVersion.objects.count() == 1


# The waitlist ---------------------------------------------------------------------------------
def test_the_join_form_is_prefilled_from_the_booking_form(agent):
    values = {
        "starts_on": soon(40).isoformat(),
        "ends_on": soon(50).isoformat(),
        "use": "evenement",
        "expected_visitors": "350",
        "venue": "Salle du conseil",
        "contact_name": "Inès Moreau",
        "contact_phone": "04 76 00 00 00",
        "contact_email": "ines.moreau@caf38.test",
        "delivery_address": "Quai de la Graille, 38000 Grenoble",
        "ignored": "rien",
    }
    response = logged(agent).get(url("waitlist-join"), values)

    assert response.status_code == 200
    page = body(response)
    assert f'value="{soon(40).isoformat()}"' in page
    assert f'value="{soon(50).isoformat()}"' in page
    assert re.search(r'value="evenement"[^>]*checked', page)
    assert 'value="350"' in page
    assert 'value="Salle du conseil"' in page
    assert 'value="Inès Moreau"' in page
    assert 'value="ines.moreau@caf38.test"' in page
    assert "Quai de la Graille, 38000 Grenoble</textarea>" in page
    assert "Caf de l&#x27;Isère" in page or "Caf de l'Isère" in page
    assert 'name="caf"' not in page  # an agent asks for their own Caf


def test_joining_is_refused_while_a_set_is_free(agent):
    ExpoSetFactory()
    response = logged(agent).post(url("waitlist-join"), form_data(soon(30), venue="Hall"))

    assert response.status_code == 400
    assert "Un jeu est libre sur ces dates : réservez-le directement." in text(response)
    assert 'value="Hall"' in body(response)  # what was typed is kept
    assert f"{url('booking-create')}?starts_on={soon(30).isoformat()}" in html.unescape(
        body(response)
    )
    assert not WaitlistEntry.objects.exists()


def test_the_booking_rules_apply_to_the_waitlist(agent):
    response = logged(agent).post(url("waitlist-join"), form_data(soon(3)))
    assert response.status_code == 400
    assert "Réservez au moins 14 jours à l'avance" in text(response)
    response = logged(agent).post(
        url("waitlist-join"), form_data(soon(30), contact_email="pas-une-adresse")
    )
    assert response.status_code == 400
    assert "Saisissez une adresse électronique valide" in text(response)
    assert not WaitlistEntry.objects.exists()


def test_an_agent_joins_for_their_caf_when_no_set_is_free(agent):
    expo_set = ExpoSetFactory()
    BookingFactory(expo_set=expo_set, caf=caf("29"), starts_on=soon(30), ends_on=soon(43))

    response = logged(agent).post(url("waitlist-join"), form_data(soon(32)))

    assert response.status_code == 302
    assert response["Location"] == url("waitlist")
    entry = WaitlistEntry.objects.get()
    assert (entry.caf, entry.requested_by, entry.status) == (caf("38"), agent, "en_attente")
    assert (entry.starts_on, entry.ends_on, entry.use) == (soon(32), soon(45), "animations")


def test_the_caflab_joins_for_the_caf_it_chooses(staff):
    expo_set = ExpoSetFactory()
    BookingFactory(expo_set=expo_set, starts_on=soon(30), ends_on=soon(43))
    client = logged(staff)
    chosen = caf("29")
    page = client.get(url("waitlist-join"), {"caf": chosen.pk})
    assert re.search(rf'<option value="{chosen.pk}" selected', body(page))

    response = client.post(url("waitlist-join"), form_data(soon(32), caf=chosen.pk))

    assert response.status_code == 302
    assert WaitlistEntry.objects.get().caf == chosen


def test_partners_cannot_join(partner):
    client = logged(partner)
    assert client.get(url("waitlist-join")).status_code == 403
    assert client.post(url("waitlist-join"), form_data(soon(30))).status_code == 403


def test_the_waitlist_shows_the_caf_s_entries_and_the_caflab_sees_all(
    agent, other_caf_agent, staff
):
    mine = waiting_entry(agent, start=soon(32))
    theirs = waiting_entry(other_caf_agent, caf_number="29", start=soon(80))
    WaitlistEntry.objects.filter(pk=theirs.pk).update(venue="Médiathèque de Quimper")

    page = logged(agent).get(url("waitlist"))
    assert title(page) == "La liste d'attente — Caf de l'Isère — Portail CafLab"
    assert f"demande-{mine.pk}" in body(page)
    assert f"demande-{theirs.pk}" not in body(page)
    assert "Médiathèque de Quimper" not in text(page)

    page = logged(staff).get(url("waitlist"))
    assert f"demande-{mine.pk}" in body(page)
    assert f"demande-{theirs.pk}" in body(page)
    assert "Médiathèque de Quimper" in text(page)


def test_another_caf_s_entry_is_neither_visible_nor_actionable(
    agent, other_caf_agent, partner, referent
):
    entry = waiting_entry(agent)
    for name in ("waitlist-withdraw", "waitlist-accept"):
        assert logged(other_caf_agent).post(url(name, pk=entry.pk)).status_code == 404
        assert logged(partner).post(url(name, pk=entry.pk)).status_code == 403
        assert logged(agent).post(url(name, pk=999999)).status_code == 404
    # A referent of Bretagne sees the bookings of Finistère, but does not act for that Caf.
    finistere = waiting_entry(other_caf_agent, caf_number="29", start=soon(80))
    assert logged(referent).post(url("waitlist-withdraw", pk=finistere.pk)).status_code == 403
    assert logged(referent).post(url("waitlist-withdraw", pk=entry.pk)).status_code == 404
    entry.refresh_from_db()
    finistere.refresh_from_db()
    assert entry.status == finistere.status == WaitlistEntry.Status.WAITING


def test_an_agent_withdraws_a_request(agent):
    entry = waiting_entry(agent)
    client = logged(agent)

    response = client.post(url("waitlist-withdraw", pk=entry.pk), follow=True)

    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WITHDRAWN
    assert "La demande est retirée de la liste d'attente." in messages_of(response)
    # A second time: a clear message, not an error page.
    response = client.post(url("waitlist-withdraw", pk=entry.pk), follow=True)
    assert response.status_code == 200
    assert "Cette demande n'est plus en attente." in messages_of(response)


def test_the_place_offered_is_shown_with_its_expiry_and_accepted(agent):
    entry = offered_entry(agent)
    booking = entry.offered_booking
    client = logged(agent)

    page = client.get(url("waitlist"))
    assert f"Le jeu {booking.expo_set.code} est proposé" in text(page)
    expires = timezone.localtime(booking.offer_expires_at)
    assert f"à {expires:%H:%M}" in text(page)
    assert url("booking-detail", pk=booking.pk) in body(page)
    assert "Accepter la place" in text(page)

    response = client.post(url("waitlist-accept", pk=entry.pk))

    assert response.status_code == 302
    assert response["Location"] == url("booking-detail", pk=booking.pk)
    booking.refresh_from_db()
    entry.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED
    assert entry.status == WaitlistEntry.Status.ACCEPTED
    history = client.get(url("waitlist"))
    assert "voir la réservation du jeu" in text(history)


def test_declining_the_place_offered_frees_it(agent):
    entry = offered_entry(agent)
    response = logged(agent).post(url("waitlist-withdraw", pk=entry.pk), follow=True)
    assert "Vous avez décliné la place proposée" in messages_of(response)[0]
    entry.offered_booking.refresh_from_db()
    assert entry.offered_booking.status == Booking.Status.CANCELLED


def test_an_expired_offer_is_refused_with_a_message(agent):
    entry = offered_entry(agent)
    Booking.objects.filter(pk=entry.offered_booking_id).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = logged(agent)
    page = client.get(url("waitlist"))
    assert "La proposition a expiré" in text(page)
    assert "Accepter la place" not in text(page)

    response = client.post(url("waitlist-accept", pk=entry.pk), follow=True)

    assert response.status_code == 200
    assert "La proposition a expiré" in messages_of(response)[0]
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED


# The CafLab's follow-up -----------------------------------------------------------------------
def test_the_dashboard_lists_what_the_caflab_has_to_do(staff, agent):
    requested = BookingFactory(starts_on=soon(60), ends_on=soon(70))
    confirmed = BookingFactory(caf=caf("29"), starts_on=soon(15), ends_on=soon(25))
    services.booking_confirm(booking=confirmed, by=staff)
    far = BookingFactory(caf=caf("56"), starts_on=soon(200), ends_on=soon(210))
    services.booking_confirm(booking=far, by=staff)
    damaged = ExpoSetFactory(code="CAFIA-09", condition=ExpoSet.Condition.DAMAGED)
    ConditionEntry.objects.create(
        expo_set=damaged,
        kind=ConditionEntry.Kind.DAMAGE,
        condition=ExpoSet.Condition.DAMAGED,
        notes="Panneau 4 déchiré",
        missing_items="2 cartes du jeu des controverses",
        caf=caf("38"),
    )
    Blackout.objects.create(
        expo_set=damaged, starts_on=soon(100), ends_on=soon(110), reason="Réimpression"
    )
    waiting_entry(agent, start=soon(120))

    response = logged(staff).get(url("staff-dashboard"))

    assert response.status_code == 200
    page = text(response)
    assert title(response) == "Suivi de l'exposition Caf'IA — Portail CafLab"
    assert url("staff-confirm", pk=requested.pk) in body(response)
    assert url("staff-confirm", pk=confirmed.pk) not in body(response)
    assert confirmed.expo_set.code in page
    assert (
        far.expo_set.code
        not in page.split("Jeux à remettre en état")[0].split("Envois à préparer")[1]
    )  # ships in more than four weeks
    assert "Panneau 4 déchiré" in page
    assert "2 cartes du jeu des controverses" in page
    assert url("staff-repair", pk=damaged.pk) in body(response)
    assert "Réimpression" in page
    assert "1 demande sur la liste d'attente" in page
    assert url("bookings-export", fmt="csv") in body(response)


def test_the_caflab_confirms_a_booking(staff, agent):
    booking = BookingFactory()
    assert logged(agent).post(url("staff-confirm", pk=booking.pk)).status_code == 403
    client = logged(staff)

    response = client.post(url("staff-confirm", pk=booking.pk), follow=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.confirmed_by == staff
    assert f"La réservation du jeu {booking.expo_set.code} par Caf de l'Isère est confirmée." in (
        messages_of(response)
    )
    response = client.post(url("staff-confirm", pk=booking.pk), follow=True)
    assert "Seule une réservation demandée peut être confirmée." in messages_of(response)
    assert client.post(url("staff-confirm", pk=999999)).status_code == 404


def test_the_caflab_repairs_a_flagged_set_and_offers_it_to_the_waitlist(
    staff, agent, django_capture_on_commit_callbacks
):
    damaged = ExpoSetFactory(condition=ExpoSet.Condition.INCOMPLETE)
    entry = services.waitlist_join(by=agent, caf=caf("38"), request=ask(soon(30)))
    client = logged(staff)

    response = client.post(url("staff-repair", pk=damaged.pk), {"notes": "  "})
    assert response.status_code == 400
    assert "Dites ce qui a été remis en état." in text(response)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("staff-repair", pk=damaged.pk), {"notes": "Cartes réimprimées"})

    assert response.status_code == 302
    damaged.refresh_from_db()
    entry.refresh_from_db()
    assert damaged.condition == ExpoSet.Condition.GOOD
    assert damaged.log.get(kind=ConditionEntry.Kind.REPAIR).notes == "Cartes réimprimées"
    assert entry.status == WaitlistEntry.Status.OFFERED  # the set went to the first in line
    # A set in good condition (or retired) is not « repaired » back into circulation.
    retired = ExpoSetFactory(condition=ExpoSet.Condition.RETIRED)
    response = client.post(url("staff-repair", pk=retired.pk), {"notes": "x"}, follow=True)
    retired.refresh_from_db()
    assert retired.condition == ExpoSet.Condition.RETIRED
    assert f"Le jeu {retired.code} n'est pas signalé à réparer." in messages_of(response)


def test_a_maintenance_period_is_planned_and_removed(staff):
    expo_set = ExpoSetFactory(code="CAFIA-07")
    client = logged(staff)
    response = client.post(
        url("staff-blackout-create"),
        {
            "expo_set": expo_set.pk,
            "starts_on": soon(40).isoformat(),
            "ends_on": soon(45).isoformat(),
            "reason": "Réimpression des panneaux",
        },
        follow=True,
    )
    blackout = Blackout.objects.get()
    assert (blackout.expo_set, blackout.starts_on, blackout.ends_on) == (
        expo_set,
        soon(40),
        soon(45),
    )
    assert "Le jeu CAFIA-07 est indisponible du" in messages_of(response)[0]

    response = client.post(url("staff-blackout-delete", pk=blackout.pk), follow=True)
    assert not Blackout.objects.exists()
    assert "il est de nouveau réservable" in messages_of(response)[0]


def test_a_maintenance_period_over_a_booking_is_refused_with_what_was_typed(staff):
    booking = BookingFactory(starts_on=soon(30), ends_on=soon(43))  # blocked 28…45
    client = logged(staff)
    data = {
        "expo_set": booking.expo_set_id,
        "starts_on": soon(44).isoformat(),  # a transport day after the booking
        "ends_on": soon(50).isoformat(),
        "reason": "Mise à jour des jeux",
    }

    response = client.post(url("staff-blackout-create"), data)

    assert response.status_code == 400
    assert title(response).startswith("Erreur — ")
    assert (
        f"Le jeu {booking.expo_set.code} est réservé par Caf de l'Isère du "
        f"{soon(30):%d/%m/%Y} au {soon(43):%d/%m/%Y}"
    ) in text(response)
    assert 'value="Mise à jour des jeux"' in body(response)
    assert f'value="{soon(44).isoformat()}"' in body(response)
    assert not Blackout.objects.exists()

    data["starts_on"], data["ends_on"] = soon(46).isoformat(), soon(50).isoformat()
    assert client.post(url("staff-blackout-create"), data).status_code == 302
    data["starts_on"] = soon(48).isoformat()  # over the one just planned
    response = client.post(url("staff-blackout-create"), data)
    assert response.status_code == 400
    assert "est déjà indisponible du" in text(response)
    data["starts_on"], data["ends_on"] = soon(52).isoformat(), soon(51).isoformat()
    response = client.post(url("staff-blackout-create"), data)
    assert "La fin de l'indisponibilité précède son début." in text(response)


def test_staff_actions_are_refused_to_everyone_else(agent, other_caf_agent, partner, referent):
    booking = BookingFactory()
    damaged = ExpoSetFactory(condition=ExpoSet.Condition.DAMAGED)
    blackout = Blackout.objects.create(
        expo_set=damaged, starts_on=soon(100), ends_on=soon(110), reason="Réimpression"
    )
    for user in (agent, other_caf_agent, partner, referent):
        client = logged(user)
        assert client.post(url("staff-confirm", pk=booking.pk)).status_code == 403
        assert client.post(url("staff-repair", pk=damaged.pk), {"notes": "x"}).status_code == 403
        assert client.post(url("staff-blackout-create"), {}).status_code == 403
        assert client.post(url("staff-blackout-delete", pk=blackout.pk)).status_code == 403
    booking.refresh_from_db()
    damaged.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED
    assert damaged.condition == ExpoSet.Condition.DAMAGED
    assert Blackout.objects.count() == 1


# Exports --------------------------------------------------------------------------------------
def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").strip().split("\r\n")


def test_the_caflab_exports_the_season_with_contacts(staff):
    the_season = season()
    BookingFactory(venue='=HYPERLINK("http://x.test")', contact_name="Claire Martin")
    BookingFactory(caf=caf("29"), starts_on=soon(60), ends_on=soon(70))

    response = logged(staff).get(url("bookings-export", fmt="csv"), {"saison": the_season.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "reservations-cafia-saison-de-test.csv" in response["Content-Disposition"]
    lines = csv_lines(response)
    assert lines[0].startswith(
        "Jeu;Caf d'accueil;Du;Au;Jours;Statut;Usage prévu;Visiteurs attendus"
    )
    assert lines[0].endswith(
        "Contact sur place;Téléphone du contact;Courriel du contact;Adresse de livraison"
    )
    assert len(lines) == 3
    assert "38 — Caf de l'Isère" in lines[1]
    assert "'=HYPERLINK" in lines[1]  # formula injection neutralised
    assert "Claire Martin" in lines[1]

    response = logged(staff).get(url("bookings-export", fmt="xlsx"))  # the season under way
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 3
    assert sheet["A1"].value == "Jeu"
    assert logged(staff).get(url("bookings-export", fmt="pdf")).status_code == 404
    assert logged(staff).get(url("bookings-export", fmt="csv"), {"saison": 999}).status_code == (
        404
    )


def test_a_referent_exports_their_regions_bookings_without_contacts(referent, agent):
    BookingFactory(caf=caf("29"), contact_name="Yann Le Gall", venue="Médiathèque")
    BookingFactory(caf=caf("38"), venue="Hall de Grenoble", starts_on=soon(60), ends_on=soon(70))

    lines = csv_lines(logged(referent).get(url("bookings-export", fmt="csv")))

    assert "Contact sur place" not in lines[0]
    assert len(lines) == 2
    assert "Médiathèque" in lines[1]
    assert "Yann Le Gall" not in "\n".join(lines)
    assert logged(agent).get(url("bookings-export", fmt="csv")).status_code == 403


# Statistics -----------------------------------------------------------------------------------
def hosted(year: int, cafs: list[Caf], **feedback) -> None:
    """Bookings that hosted the exhibition in that year, one set each, with a feedback."""
    for index, host in enumerate(cafs):
        booking = BookingFactory(
            caf=host,
            starts_on=date(year, 1 + index % 12, 3),
            ends_on=date(year, 1 + index % 12, 16),
            status=Booking.Status.RETURNED,
            use=Booking.Use.SESSIONS if index % 2 else Booking.Use.FREE,
        )
        Feedback.objects.create(booking=booking, **feedback)


def test_the_statistics_of_a_year(staff):
    cafs = list(Caf.objects.order_by("number"))
    half = len(cafs) // 2 + 1
    hosted(2025, cafs[:half], visitors=100, agents_reached=40, sessions_run=2, satisfaction=4)
    BookingFactory(
        caf=cafs[0],
        starts_on=date(2025, 6, 2),
        ends_on=date(2025, 6, 9),
        status=Booking.Status.CANCELLED,
    )
    KitDownload.objects.create(
        version=KitVersionFactory(),
        caf=cafs[0],
        at=timezone.make_aware(timezone.datetime(2025, 3, 1)),
    )

    response = logged(staff).get(url("statistics"), {"year": 2025})

    assert response.status_code == 200
    page = text(response)
    assert title(response) == "L'exposition Caf'IA en 2025 — Portail CafLab"
    share = round(100 * half / len(cafs))
    assert f"{half} Caf ont accueilli l'exposition, soit {share} % des {len(cafs)} Caf" in page
    assert "C'est plus de la moitié des Caf." in page
    stats = response.context["stats"]
    assert (stats.bookings, stats.host_cafs, stats.kit_downloads) == (half, half, 1)
    assert (stats.visitors, stats.agents_reached, stats.sessions_run) == (
        100 * half,
        40 * half,
        2 * half,
    )
    assert "4,0 / 5" in page
    # Three charts, each with its data table.
    assert body(response).count("<svg") == 3
    assert body(response).count("Voir les données du graphique") == 3
    assert "Réservations par mois de début en 2025" in page
    assert "Réservations par usage en 2025" in page
    assert "Caf qui ont accueilli l'exposition en 2025" in page


def test_a_year_without_data_says_so(referent):
    response = logged(referent).get(url("statistics"), {"year": "1999"})  # out of range
    assert response.context["year"] == timezone.localdate().year
    response = logged(referent).get(url("statistics"), {"year": 2021})
    page = text(response)
    assert "soit 0 % des" in page
    assert "plus de la moitié" not in page
    assert "pas encore de retour" in page
    assert "Aucune donnée" in page


# The iCal feed --------------------------------------------------------------------------------
def test_the_feed_is_a_calendar_without_login(client):
    booking = BookingFactory(caf=caf("38"), starts_on=soon(30), ends_on=soon(43))
    BookingFactory(caf=caf("29"), starts_on=soon(60), ends_on=soon(70))
    token = feeds.feed_token(caf("38"))

    response = client.get(url("caf-feed", number="38", token=token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("BEGIN:VCALENDAR\r\n")
    assert content.endswith("END:VCALENDAR\r\n")
    assert content.count("BEGIN:VEVENT") == 1
    assert f"DTSTART;VALUE=DATE:{booking.starts_on:%Y%m%d}" in content
    assert "Claire Martin" not in content


def test_a_wrong_token_is_a_404(client):
    token = feeds.feed_token(caf("38"))
    assert client.get(url("caf-feed", number="38", token="faux")).status_code == 404
    assert client.get(url("caf-feed", number="29", token=token)).status_code == 404
    assert client.get(url("caf-feed", number="999", token=token)).status_code == 404


# Query counts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 8])
def test_kit_queries_do_not_grow(agent, n, django_assert_num_queries):
    for i in range(n):
        first = KitVersionFactory(resource__kind=KitResource.Kind.values[i % 4], version="1.0")
        KitVersionFactory(resource=first.resource, version="2.0")
        KitDownload.objects.create(version=first, caf=caf("38"))
    client = logged(agent)
    # session, user, resources (download counts), their versions (download counts), the
    # agent's model permissions (user and groups: Django's backend answers « may they manage
    # the kit? » once the rules said no)
    with django_assert_num_queries(6):
        assert client.get(url("kit")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_waitlist_queries_do_not_grow(staff, n, django_assert_num_queries):
    for i in range(n):
        agent = AgentFactory(caf=caf(["38", "29", "69", "75"][i % 4]))
        entry = waiting_entry(agent, caf_number=agent.caf.number, start=soon(30 + 20 * i))
        if i % 2 == 0:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.EXPIRED)
    client = logged(staff)
    # session, user, entries in progress (Caf, offered booking and its set, requester),
    # count and page of the history (the same)
    with django_assert_num_queries(5):
        assert client.get(url("waitlist")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_staff_dashboard_queries_do_not_grow(staff, agent, n, django_assert_num_queries):
    for i in range(n):
        BookingFactory(starts_on=soon(30 + 20 * i), ends_on=soon(35 + 20 * i))
        confirmed = BookingFactory(caf=caf("29"), starts_on=soon(15 + i), ends_on=soon(20 + i))
        services.booking_confirm(booking=confirmed, by=staff)
        damaged = ExpoSetFactory(condition=ExpoSet.Condition.DAMAGED)
        ConditionEntry.objects.create(
            expo_set=damaged, kind="signalement", condition="endommage", notes="Déchiré"
        )
        Blackout.objects.create(
            expo_set=damaged, starts_on=soon(100), ends_on=soon(110), reason="Réimpression"
        )
    waiting_entry(AgentFactory(caf=caf("69")), caf_number="69", start=soon(300))
    client = logged(staff)
    # session, user, flagged sets (location), their reports (Caf, author), seasons, bookings
    # to confirm (set, Caf, requester), hand-overs to ship (bookings, sets, Cafs), waitlist
    # (Caf, offered booking and its set), blackouts (set), the sets of the blackout form
    with django_assert_num_queries(10):
        assert client.get(url("staff-dashboard")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_statistics_queries_do_not_grow(referent, n, django_assert_num_queries):
    cafs = list(Caf.objects.order_by("number")[:n])
    hosted(2025, cafs, visitors=50, agents_reached=10, sessions_run=1, satisfaction=5)
    client = logged(referent)
    # session, user, the year's figures (feedback, months, uses, bookings made, Cafs hosting,
    # Cafs, downloads), years with bookings, seasons of the year, the referent's model
    # permissions (user and groups: « may they follow the bookings? »)
    with django_assert_num_queries(13):
        assert client.get(url("statistics"), {"year": 2025}).status_code == 200
