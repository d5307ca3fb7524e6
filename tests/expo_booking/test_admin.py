"""The Caf'IA exhibition in the staff admin: every changelist searchable by set and by Caf with
accents, the singleton rules, the actions that call the services (confirm, cancel, repair), the
exports, what the services write kept read-only, and no access outside the CafLab."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from caflab.models import ActivityEvent
from expo_booking import services
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ConditionPhoto,
    ExpoSet,
    Feedback,
    HandOver,
    KitDownload,
    KitVersion,
    Policy,
    Season,
    WaitlistEntry,
)
from tests.caflab.factories import AgentFactory, ReferentFactory, caf
from tests.expo_booking.factories import (
    BookingFactory,
    ExpoSetFactory,
    KitResourceFactory,
    KitVersionFactory,
    policy,
    season,
    soon,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def changelist(model: str) -> str:
    return reverse(f"admin:expo_booking_{model}_changelist")


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line.split(";") for line in content.splitlines()]


@pytest.fixture(autouse=True)
def rules_of_the_tests(db):
    policy()
    season()


@pytest.fixture
def world(staff, isere):
    """One object of every model tied to the Caf de l'Isère, and the same in Finistère."""
    here = ExpoSetFactory(code="CAFIA-01", location=isere)
    there = ExpoSetFactory(code="CAFIA-02", location=caf("29"))
    Season.objects.create(
        name="Saison d'été 2030",
        starts_on=datetime.date(2030, 6, 1),
        ends_on=datetime.date(2030, 9, 30),
    )
    Blackout.objects.create(
        expo_set=here, starts_on=soon(100), ends_on=soon(105), reason="Réimpression"
    )
    Blackout.objects.create(
        expo_set=there, starts_on=soon(100), ends_on=soon(105), reason="Révision bretonne"
    )
    booking = BookingFactory(expo_set=here, caf=isere)
    elsewhere = BookingFactory(
        expo_set=there,
        caf=caf("29"),
        contact_name="Yann Le Goff",
        venue="Médiathèque de Brest",
        contact_email="yann.legoff@caf29.test",
    )
    for each in (booking, elsewhere):
        services.booking_confirm(booking=each, by=staff)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ON_SITE)
    Feedback.objects.create(
        booking=booking,
        visitors=340,
        agents_reached=210,
        sessions_run=6,
        satisfaction=5,
        comments="Le bar à prompts a eu un grand succès.",
    )
    Feedback.objects.create(
        booking=elsewhere, visitors=80, agents_reached=20, sessions_run=1, satisfaction=4
    )
    for expo_set, where in ((here, isere), (there, caf("29"))):
        entry = ConditionEntry.objects.create(
            expo_set=expo_set,
            kind=ConditionEntry.Kind.ARRIVAL,
            condition=ExpoSet.Condition.GOOD,
            caf=where,
            notes="Arrivé complet.",
        )
        ConditionPhoto.objects.create(
            entry=entry,
            file="expo/photos/p.jpg",
            name="photo.jpg",
            size=10,
            content_type="image/jpeg",
        )
    for where in (isere, caf("29")):
        WaitlistEntry.objects.create(
            caf=where,
            requested_by=AgentFactory(caf=where),
            starts_on=soon(200),
            ends_on=soon(210),
            use="animations",
            expected_visitors=50,
            venue="Salle polyvalente",
            contact_name="Contact",
            contact_phone="0",
            contact_email="contact@caf.test",
            delivery_address="Adresse",
        )
    video = KitVersionFactory(
        resource=KitResourceFactory(title="Vidéo d'expert : l'IA générative", kind="video"),
        version="2.0",
    )
    slides = KitVersionFactory(resource=KitResourceFactory(title="Support breton"), version="1.0")
    KitDownload.objects.create(version=video, caf=isere)
    KitDownload.objects.create(version=slides, caf=caf("29"))
    return booking


# Every model, found with accents ---------------------------------------------------------------
SEARCHES = {
    # model: (accented query, a text of the other rows that must not show)
    "policy": ("", None),
    "season": ("été", "Saison de test"),
    "exposet": ("isère", "CAFIA-02"),
    "conditionentry": ("isère", "CAFIA-02"),
    "conditionphoto": ("isère", "CAFIA-02"),
    "blackout": ("isère", "bretonne"),
    "booking": ("isère", "Finistère"),
    "handover": ("isère", "Finistère"),
    "waitlistentry": ("isère", "Finistère"),
    "feedback": ("isère", "Finistère"),
    "kitresource": ("générative", "breton"),
    "kitversion": ("générative", "breton"),
    "kitdownload": ("isère", "breton"),
}


def test_every_model_of_the_app_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin

    registered = {m for m in admin.site._registry if m._meta.app_label == "expo_booking"}
    assert registered == set(apps.get_app_config("expo_booking").get_models())
    assert {m._meta.model_name for m in registered} == set(SEARCHES)


@pytest.mark.parametrize("model", sorted(SEARCHES))
def test_every_changelist_finds_the_rows_with_an_accented_search(client, staff, world, model):
    query, elsewhere = SEARCHES[model]
    client.force_login(staff)
    for variant in (query, query.upper()):
        response = client.get(changelist(model), {"q": variant})
        assert response.status_code == 200
        cl = response.context["cl"]
        assert cl.result_count >= 1, variant
        if elsewhere:
            shown = " ".join(
                f"{obj} {getattr(obj, 'expo_set', '')} {getattr(obj, 'caf', '')}"
                for obj in cl.result_list
            )
            assert elsewhere not in shown


def test_bookings_are_found_by_set_code_caf_number_and_contact(client, staff, world):
    client.force_login(staff)

    def found(query):
        response = client.get(changelist("booking"), {"q": query})
        return {b.caf.number for b in response.context["cl"].result_list}

    assert found("CAFIA-02") == {"29"}
    assert found("38") == {"38"}
    assert found("Le Goff") == {"29"}
    assert found("yann.legoff@caf29") == {"29"}
    assert found("finistère") == {"29"}


@pytest.mark.parametrize("model", sorted(SEARCHES))
def test_every_change_form_opens(client, staff, world, model):
    client.force_login(staff)
    obj = client.get(changelist(model)).context["cl"].result_list[0]
    response = client.get(reverse(f"admin:expo_booking_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


# Written by the services (or one row only): no add form.
NO_ADD = {
    "policy",
    "conditionentry",
    "conditionphoto",
    "booking",
    "handover",
    "waitlistentry",
    "feedback",
    "kitdownload",
}


@pytest.mark.parametrize("model", sorted(SEARCHES))
def test_every_add_form_opens_unless_written_elsewhere(client, staff, model):
    client.force_login(staff)
    response = client.get(reverse(f"admin:expo_booking_{model}_add"))
    assert response.status_code == (403 if model in NO_ADD else 200)


@pytest.mark.parametrize("who", ["agent", "partner", "referent"])
def test_non_staff_are_sent_to_the_login(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(changelist("booking"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("model", ["booking", "exposet", "feedback", "kitdownload"])
def test_an_admin_user_outside_the_caflab_sees_nothing_of_the_exhibition(client, world, model):
    """An account with access to the admin for another purpose, not in the CafLab's group."""
    outsider = ReferentFactory(is_staff=True, caf=caf("38"))
    client.force_login(outsider)
    response = client.get(changelist(model))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    body = client.get(changelist(model), follow=True).content.decode()
    assert "Claire Martin" not in body
    assert "CAFIA-01" not in body


# The rules: one row --------------------------------------------------------------------------
def test_the_rules_are_one_row_that_is_never_deleted(client, staff):
    current = Policy.current()
    client.force_login(staff)
    assert client.get(reverse("admin:expo_booking_policy_add")).status_code == 403
    delete = reverse("admin:expo_booking_policy_delete", args=[current.pk])
    assert client.get(delete).status_code == 403
    response = client.post(
        changelist("policy"), {"action": "delete_selected", "_selected_action": [current.pk]}
    )
    assert Policy.objects.count() == 1
    assert response.status_code in {200, 302}


def test_the_rules_refuse_a_minimum_above_the_maximum(client, staff):
    current = Policy.current()
    client.force_login(staff)
    response = client.post(
        reverse("admin:expo_booking_policy_change", args=[current.pk]),
        {
            "min_days": 30,
            "max_days": 28,
            "notice_days": 14,
            "transport_days_before": 2,
            "transport_days_after": 2,
            "offer_hours": 48,
            "reminder_days": 7,
        },
    )
    assert "La durée minimale dépasse la durée maximale." in response.content.decode()
    current.refresh_from_db()
    assert current.min_days == 5


def test_two_seasons_cannot_share_a_day(client, staff):
    client.force_login(staff)
    existing = season()
    response = client.post(
        reverse("admin:expo_booking_season_add"),
        {
            "name": "Saison bis",
            "starts_on": existing.ends_on.strftime("%d/%m/%Y"),
            "ends_on": (existing.ends_on + datetime.timedelta(days=90)).strftime("%d/%m/%Y"),
            "quota_per_caf": 2,
        },
    )
    assert "Cette saison chevauche la saison « Saison de test »." in response.content.decode()
    assert not Season.objects.filter(name="Saison bis").exists()


# Bookings: the actions go through the services -----------------------------------------------
def test_confirm_action_goes_through_the_service(
    client, staff, isere, django_capture_on_commit_callbacks, mailoutbox
):
    requested = BookingFactory(caf=isere)
    already = BookingFactory(caf=caf("29"), status=Booking.Status.CONFIRMED)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist("booking"),
            {"action": "confirm", "_selected_action": [requested.pk, already.pk]},
            follow=True,
        )
    body = response.content.decode()
    assert "1 réservation confirmée : la Caf est prévenue." in body
    assert "Seule une réservation demandée peut être confirmée." in body
    requested.refresh_from_db()
    assert (requested.status, requested.confirmed_by) == (Booking.Status.CONFIRMED, staff)
    assert HandOver.objects.get(booking=requested).from_caf == caf("75")
    assert ActivityEvent.objects.filter(verb="booking.confirmed").count() == 1
    assert [m.to for m in mailoutbox] == [[requested.requested_by.email]]


def test_cancel_action_goes_through_the_service_with_its_reason(client, staff, isere):
    booking = BookingFactory(caf=isere)
    client.force_login(staff)
    response = client.post(
        changelist("booking"),
        {
            "action": "cancel",
            "_selected_action": [booking.pk],
            "cancel_reason": "Jeu retenu pour le salon national.",
        },
        follow=True,
    )
    assert "1 réservation annulée" in response.content.decode()
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (
        Booking.Status.CANCELLED,
        "Jeu retenu pour le salon national.",
    )
    assert ActivityEvent.objects.filter(verb="booking.cancelled").exists()


def test_cancel_action_says_why_it_refuses(client, staff, isere):
    booking = BookingFactory(caf=isere)
    services.booking_confirm(booking=booking, by=staff)
    booking.refresh_from_db()
    services.handover_ship(handover=booking.handover, by=staff, carrier="Geodis")
    client.force_login(staff)
    body = client.post(
        changelist("booking"),
        {"action": "cancel", "_selected_action": [booking.pk]},
        follow=True,
    ).content.decode()
    assert "contactez l&#x27;équipe du CafLab pour annuler" in body
    booking.refresh_from_db()
    assert booking.status == Booking.Status.IN_TRANSIT


def test_a_booking_page_edits_the_contacts_only(client, staff, world):
    client.force_login(staff)
    url = reverse("admin:expo_booking_booking_change", args=[world.pk])
    body = client.get(url).content.decode()
    assert 'name="contact_phone"' in body
    for frozen in ("status", "starts_on", "expo_set", "caf"):
        assert f'name="{frozen}"' not in body
    assert (
        client.get(reverse("admin:expo_booking_booking_delete", args=[world.pk])).status_code == 403
    )


# Sets ----------------------------------------------------------------------------------------
def test_repair_action_needs_what_was_done_then_goes_through_the_service(client, staff, isere):
    damaged = ExpoSetFactory(code="CAFIA-07", location=isere, condition=ExpoSet.Condition.DAMAGED)
    client.force_login(staff)
    url = changelist("exposet")
    body = client.post(
        url, {"action": "repair", "_selected_action": [damaged.pk]}, follow=True
    ).content.decode()
    assert "Dites ce qui a été remis en état." in body
    damaged.refresh_from_db()
    assert damaged.condition == ExpoSet.Condition.DAMAGED
    body = client.post(
        url,
        {
            "action": "repair",
            "_selected_action": [damaged.pk],
            "repair_notes": "Panneau 4 réimprimé.",
        },
        follow=True,
    ).content.decode()
    assert "1 jeu remis en état : il peut de nouveau être réservé." in body
    damaged.refresh_from_db()
    assert damaged.is_bookable
    entry = damaged.log.get()
    assert (entry.kind, entry.notes, entry.by, entry.caf) == (
        ConditionEntry.Kind.REPAIR,
        "Panneau 4 réimprimé.",
        staff,
        isere,
    )


def test_the_set_list_shows_the_next_booking(client, staff, isere):
    expo_set = ExpoSetFactory(code="CAFIA-05")
    BookingFactory(expo_set=expo_set, caf=caf("29"), starts_on=soon(60), ends_on=soon(70))
    BookingFactory(expo_set=expo_set, caf=isere, starts_on=soon(20), ends_on=soon(26))
    BookingFactory(
        expo_set=expo_set,
        caf=caf("56"),
        starts_on=soon(40),
        ends_on=soon(45),
        status=Booking.Status.CANCELLED,
    )
    client.force_login(staff)
    body = client.get(changelist("exposet")).content.decode()
    assert f"{soon(20):%d/%m/%Y} — Caf de l&#x27;Isère" in body


def test_the_condition_log_is_read_only_on_the_set_page(client, staff, world):
    client.force_login(staff)
    expo_set = ExpoSet.objects.get(code="CAFIA-01")
    body = client.get(reverse("admin:expo_booking_exposet_change", args=[expo_set.pk])).content
    body = body.decode()
    assert "Carnet d&#x27;état (lecture seule)" in body
    assert 'name="log-0-notes"' not in body
    # A maintenance period is added or removed (through the services), never moved.
    assert 'name="blackouts-0-reason"' not in body
    assert 'name="blackouts-__prefix__-reason"' in body
    assert 'name="blackouts-0-DELETE"' in body
    assert 'name="condition"' not in body  # it moves with the services and the repair action


def blackout_data(expo_set, start, end, reason="Réimpression") -> dict:
    return {
        "expo_set": expo_set.pk,
        "starts_on": start.strftime("%d/%m/%Y"),
        "ends_on": end.strftime("%d/%m/%Y"),
        "reason": reason,
    }


def test_a_maintenance_period_cannot_fall_on_a_booking(client, staff, isere):
    expo_set = ExpoSetFactory(code="CAFIA-08")
    BookingFactory(expo_set=expo_set, caf=isere, starts_on=soon(30), ends_on=soon(40))
    client.force_login(staff)
    url = reverse("admin:expo_booking_blackout_add")
    # Day 42 is a transport day after the booking.
    body = client.post(url, blackout_data(expo_set, soon(42), soon(50))).content.decode()
    assert (
        f"Le jeu CAFIA-08 est réservé par Caf de l&#x27;Isère du {soon(30):%d/%m/%Y} au "
        f"{soon(40):%d/%m/%Y} (transport compris : du {soon(28):%d/%m/%Y} au "
        f"{soon(42):%d/%m/%Y})." in body
    )
    body = client.post(url, blackout_data(expo_set, soon(-9), soon(-2))).content.decode()
    assert "Cette période est déjà passée." in body
    assert not Blackout.objects.exists()

    response = client.post(url, blackout_data(expo_set, soon(43), soon(50)))
    assert response.status_code == 302
    assert Blackout.objects.get().reason == "Réimpression"
    assert ActivityEvent.objects.filter(verb="set.blackout_created").exists()
    body = client.post(url, blackout_data(expo_set, soon(48), soon(55))).content.decode()
    assert "Le jeu CAFIA-08 est déjà indisponible" in body


def test_a_maintenance_period_is_removed_through_the_service(
    client, staff, django_capture_on_commit_callbacks
):
    expo_set = ExpoSetFactory(code="CAFIA-09")
    blackout = Blackout.objects.create(
        expo_set=expo_set, starts_on=soon(20), ends_on=soon(25), reason="Révision"
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("admin:expo_booking_blackout_delete", args=[blackout.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Blackout.objects.exists()
    assert ActivityEvent.objects.filter(verb="set.blackout_deleted").exists()
    assert callbacks  # the waitlist gets the freed set


def test_a_maintenance_period_added_on_the_set_page_goes_through_the_service(client, staff):
    expo_set = ExpoSetFactory(code="CAFIA-10")
    client.force_login(staff)
    data = {
        "code": "CAFIA-10",
        "contents": expo_set.contents,
        "panels": 9,
        "games": 4,
        "kit_version": "1.0",
        "home_caf": expo_set.home_caf_id,
        "location": expo_set.location_id,
        "log-TOTAL_FORMS": "0",
        "log-INITIAL_FORMS": "0",
        "log-MIN_NUM_FORMS": "0",
        "log-MAX_NUM_FORMS": "1000",
        "blackouts-TOTAL_FORMS": "1",
        "blackouts-INITIAL_FORMS": "0",
        "blackouts-MIN_NUM_FORMS": "0",
        "blackouts-MAX_NUM_FORMS": "1000",
        "blackouts-0-starts_on": soon(60).strftime("%d/%m/%Y"),
        "blackouts-0-ends_on": soon(64).strftime("%d/%m/%Y"),
        "blackouts-0-reason": "Mise à jour des panneaux",
    }
    response = client.post(reverse("admin:expo_booking_exposet_change", args=[expo_set.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert expo_set.blackouts.get().reason == "Mise à jour des panneaux"
    assert ActivityEvent.objects.filter(verb="set.blackout_created").exists()


# The kit -------------------------------------------------------------------------------------
def test_a_kit_version_is_checked_and_recorded_with_its_uploader(client, staff):
    resource = KitResourceFactory()
    client.force_login(staff)
    url = reverse("admin:expo_booking_kitversion_add")
    fake = SimpleUploadedFile("support.pdf", b"MZ\x90\x00binaire", content_type="application/pdf")
    response = client.post(url, {"resource": resource.pk, "version": "3.0", "file": fake})
    assert "Ce type de fichier n&#x27;est pas accepté." in response.content.decode()
    upload = SimpleUploadedFile("support-v3.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url, {"resource": resource.pk, "version": "3.0", "file": upload, "notes": "Nouveautés"}
    )
    assert response.status_code == 302
    version = KitVersion.objects.get(version="3.0")
    assert (version.name, version.size, version.content_type, version.uploaded_by) == (
        "support-v3.pdf",
        len(PDF),
        "application/pdf",
        staff,
    )
    assert ActivityEvent.objects.filter(verb="kit.version_added").exists()
    change = client.get(reverse("admin:expo_booking_kitversion_change", args=[version.pk]))
    assert "/media/" not in change.content.decode()  # served by a permission-checking view
    again = SimpleUploadedFile("support-v3.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"resource": resource.pk, "version": "3.0", "file": again})
    assert response.status_code == 200  # the same version twice is refused on the form
    assert KitVersion.objects.filter(version="3.0").count() == 1


def test_a_version_added_on_the_resource_page_goes_through_the_service(client, staff):
    resource = KitResourceFactory(title="Guide d'animation")
    client.force_login(staff)
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("admin:expo_booking_kitresource_change", args=[resource.pk]),
        {
            "title": "Guide d'animation",
            "kind": "guide",
            "description": "Pour animer les ateliers.",
            "position": 3,
            "is_published": "on",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-version": "1.0",
            "versions-0-file": upload,
            "versions-0-notes": "Première version",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    version = resource.versions.get()
    assert (version.name, version.uploaded_by, version.notes) == (
        "guide.pdf",
        staff,
        "Première version",
    )
    assert ActivityEvent.objects.filter(verb="kit.version_added").exists()


def test_the_kit_resource_counts_its_versions_and_downloads(client, staff, world):
    client.force_login(staff)
    response = client.get(changelist("kitresource"), {"q": "générative"})
    (resource,) = response.context["cl"].result_list
    assert (resource._versions, resource._downloads, resource._latest) == (1, 1, "2.0")


# Exports -------------------------------------------------------------------------------------
BOOKING_HEADER = [
    "Jeu",
    "Caf d'accueil",
    "N° de Caf",
    "Région",
    "Saison",
    "Du",
    "Au",
    "Jours",
    "Statut",
    "Type d'usage",
    "Lieu d'exposition",
    "Visiteurs attendus",
    "Visiteurs (retour)",
    "Satisfaction (retour)",
    "Demandée le",
    "Confirmée le",
    "Annulée le",
]


def test_booking_export_has_the_caf_the_set_the_dates_and_the_visitors(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("booking"), {"action": "export_csv", "_selected_action": [world.pk]}
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="reservations-cafia.csv"'
    )
    header, row = csv_rows(response)
    assert header == BOOKING_HEADER
    assert row[:14] == [
        "CAFIA-01",
        "Caf de l'Isère",
        "38",
        "Auvergne-Rhône-Alpes",
        "Saison de test",
        f"{soon(30):%d/%m/%Y}",
        f"{soon(43):%d/%m/%Y}",
        "14",
        "Sur place",
        "Circulation libre",
        "Hall d'accueil du siège",
        "120",
        "340",
        "5",
    ]
    assert row[15]  # confirmed


def test_booking_export_in_xlsx(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("booking"),
        {
            "action": "export_xlsx",
            "_selected_action": list(Booking.objects.values_list("pk", flat=True)),
        },
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == BOOKING_HEADER
    by_caf = {row[1]: row for row in rows[1:]}
    assert set(by_caf) == {"Caf de l'Isère", "Caf du Finistère"}
    assert by_caf["Caf du Finistère"][12] == 80
    assert isinstance(by_caf["Caf de l'Isère"][5], datetime.datetime | datetime.date)


def test_a_booking_without_feedback_exports_empty_visitors(client, staff, isere):
    booking = BookingFactory(caf=isere)
    client.force_login(staff)
    response = client.post(
        changelist("booking"), {"action": "export_csv", "_selected_action": [booking.pk]}
    )
    _header, row = csv_rows(response)
    assert row[12:14] == ["", ""]


def test_feedback_export(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("feedback"),
        {"action": "export_csv", "_selected_action": [world.feedback.pk]},
    )
    header, row = csv_rows(response)
    assert header == [
        "Jeu",
        "Caf d'accueil",
        "N° de Caf",
        "Du",
        "Au",
        "Type d'usage",
        "Visiteurs",
        "Agents sensibilisés",
        "Séances animées",
        "Satisfaction (1 à 5)",
        "Commentaires",
        "Le",
    ]
    assert row[:11] == [
        "CAFIA-01",
        "Caf de l'Isère",
        "38",
        f"{soon(30):%d/%m/%Y}",
        f"{soon(43):%d/%m/%Y}",
        "Circulation libre",
        "340",
        "210",
        "6",
        "5",
        "Le bar à prompts a eu un grand succès.",
    ]


def test_downloads_are_counted_per_caf(client, staff, world):
    isere_version = KitDownload.objects.get(caf__number="38").version
    for _n in range(2):
        KitDownload.objects.create(version=isere_version, caf=caf("38"))
    KitDownload.objects.create(version=isere_version, caf=None)  # the CafLab's own
    client.force_login(staff)
    url = changelist("kitdownload")
    response = client.get(url, {"q": "isère"})
    assert {d._caf_total for d in response.context["cl"].result_list} == {3}
    response = client.post(
        url,
        {
            "action": "export_per_caf_csv",
            "_selected_action": list(KitDownload.objects.values_list("pk", flat=True)),
        },
    )
    header, *rows = csv_rows(response)
    assert header == ["Caf", "N° de Caf", "Région", "Téléchargements", "Dernier téléchargement"]
    assert [row[:4] for row in rows] == [
        ["Caf du Finistère", "29", "Bretagne", "1"],
        ["Caf de l'Isère", "38", "Auvergne-Rhône-Alpes", "3"],
        ["Sans Caf (équipe CafLab)", "", "", "1"],
    ]


def test_download_export_lists_each_download(client, staff, world):
    client.force_login(staff)
    response = client.post(
        changelist("kitdownload"),
        {
            "action": "export_xlsx",
            "_selected_action": list(KitDownload.objects.values_list("pk", flat=True)),
        },
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Le", "Caf", "N° de Caf", "Région", "Ressource", "Version")
    assert {row[1] for row in rows[1:]} == {"Caf de l'Isère", "Caf du Finistère"}


# Read-only history ---------------------------------------------------------------------------
WRITTEN_ELSEWHERE = [
    "conditionentry",
    "conditionphoto",
    "handover",
    "waitlistentry",
    "feedback",
    "kitdownload",
    "kitversion",
]


@pytest.mark.parametrize("model", WRITTEN_ELSEWHERE)
def test_what_the_services_write_is_not_edited_here(client, staff, world, model):
    client.force_login(staff)
    obj = client.get(changelist(model)).context["cl"].result_list[0]
    url = reverse(f"admin:expo_booking_{model}_change", args=[obj.pk])
    response = client.post(url, {})
    assert response.status_code == 403
    assert (
        client.get(reverse(f"admin:expo_booking_{model}_delete", args=[obj.pk])).status_code == 403
    )


# Query counts --------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 20])
def test_booking_changelist_queries_do_not_grow(client, staff, n, django_assert_num_queries):
    for expo_set in ExpoSetFactory.create_batch(n):
        BookingFactory(expo_set=expo_set, caf=caf("38"))
    client.force_login(staff)
    # session, user, permissions (2), filters (seasons, sets, regions), counts (2), page of
    # bookings with set, Caf, season and feedback, date hierarchy (2)
    with django_assert_num_queries(12):
        assert client.get(changelist("booking")).status_code == 200


@pytest.mark.parametrize("n", [1, 20])
def test_set_changelist_queries_do_not_grow(client, staff, n, django_assert_num_queries):
    for expo_set in ExpoSetFactory.create_batch(n):
        BookingFactory(expo_set=expo_set, caf=caf("38"))
    client.force_login(staff)
    # session, user, permissions (2), filters (regions, locations), counts (2), page of sets
    # with their Cafs and next booking
    with django_assert_num_queries(9):
        assert client.get(changelist("exposet")).status_code == 200
