"""The demo data of Caf'IA: the exhibition « déployée dans plus de la moitié des Caf » in 2025,
15 sets whose bookings never share a blocked day, hand-overs chained from host to host, the
bookings to come, the waitlist and the malette numérique; and a seeder that is idempotent and
deterministic and creates no account."""

import hashlib
import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone

from caflab.demo import AGENT_EMAIL
from caflab.models import Caf, User
from caflab.seeding import SeedContext, seed_all
from expo_booking import demo, report, services
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ExpoSet,
    Feedback,
    HandOver,
    KitDownload,
    KitResource,
    KitVersion,
    Policy,
    Season,
    WaitlistEntry,
)
from expo_booking.selectors import year_stats

pytestmark = pytest.mark.django_db

CODES = demo.CODES
TITLES = [spec.title for spec in demo.KIT]
S = Booking.Status
HOSTED = (S.ON_SITE, S.RETURNED)
CHAINED = (S.CONFIRMED, S.IN_TRANSIT, S.ON_SITE, S.RETURNED)  # as services.rechain
FICTION_PHONES = ("01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49")


def _seed(*apps: str) -> None:
    seed_all(SeedContext(log=lambda _message: None), only=set(apps))


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it. The malette's files go to a temporary media folder."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        _seed("caflab")
        users = User.objects.count()
        _seed("expo_booking")
        connection.check_constraints()
        yield {"users_before": users}
        transaction.set_rollback(True)


def _bookings(**filters):
    return Booking.objects.filter(expo_set__code__in=CODES, **filters)


def _of_2025(**filters):
    return _bookings(starts_on__year=2025, **filters)


def _snapshot() -> dict:
    return {
        "policies": Policy.objects.count(),
        "seasons": Season.objects.count(),
        "sets": ExpoSet.objects.filter(code__in=CODES).count(),
        "bookings": _bookings().count(),
        "handovers": HandOver.objects.filter(booking__expo_set__code__in=CODES).count(),
        "log": ConditionEntry.objects.filter(expo_set__code__in=CODES).count(),
        "feedback": Feedback.objects.filter(booking__expo_set__code__in=CODES).count(),
        "blackouts": Blackout.objects.filter(expo_set__code__in=CODES).count(),
        "waitlist": WaitlistEntry.objects.count(),
        "resources": KitResource.objects.filter(title__in=TITLES).count(),
        "versions": KitVersion.objects.filter(resource__title__in=TITLES).count(),
        "downloads": KitDownload.objects.filter(version__resource__title__in=TITLES).count(),
        "users": User.objects.count(),
    }


def _checksum() -> str:
    """Everything but the primary keys."""
    querysets = [
        Policy.objects.values_list(*demo.POLICY),
        Season.objects.values_list("name", "starts_on", "ends_on", "quota_per_caf").order_by(
            "name"
        ),
        ExpoSet.objects.filter(code__in=CODES)
        .values_list("code", "home_caf__number", "location__number", "condition", "panels", "games")
        .order_by("code"),
        _bookings()
        .values_list(
            "expo_set__code",
            "caf__number",
            "season__name",
            "requested_by__email",
            "starts_on",
            "ends_on",
            "blocked_from",
            "blocked_until",
            "use",
            "expected_visitors",
            "venue",
            "contact_name",
            "contact_phone",
            "contact_email",
            "delivery_address",
            "status",
            "offer_expires_at",
            "cancel_reason",
            "created_at",
            "confirmed_at",
            "confirmed_by__email",
        )
        .order_by("expo_set__code", "starts_on", "created_at"),
        HandOver.objects.filter(booking__expo_set__code__in=CODES)
        .values_list(
            "booking__expo_set__code",
            "booking__starts_on",
            "booking__caf__number",
            "from_booking__caf__number",
            "from_caf__number",
            "ship_on",
            "carrier",
            "tracking",
            "shipped_at",
            "received_at",
            "arrival",
            "notes",
        )
        .order_by("booking__expo_set__code", "booking__starts_on"),
        ConditionEntry.objects.filter(expo_set__code__in=CODES)
        .values_list(
            "expo_set__code",
            "kind",
            "condition",
            "missing_items",
            "notes",
            "booking__starts_on",
            "caf__number",
            "by__email",
            "created_at",
        )
        .order_by("expo_set__code", "created_at", "kind"),
        Feedback.objects.filter(booking__expo_set__code__in=CODES)
        .values_list(
            "booking__expo_set__code",
            "booking__starts_on",
            "visitors",
            "agents_reached",
            "sessions_run",
            "satisfaction",
            "comments",
            "created_at",
            "by__email",
        )
        .order_by("booking__expo_set__code", "booking__starts_on"),
        Blackout.objects.values_list("expo_set__code", "starts_on", "ends_on", "reason"),
        WaitlistEntry.objects.values_list(
            "caf__number",
            "requested_by__email",
            "starts_on",
            "ends_on",
            "use",
            "venue",
            "contact_email",
            "status",
            "offered_booking__caf__number",
            "offered_booking__starts_on",
            "created_at",
        ).order_by("created_at"),
        KitVersion.objects.filter(resource__title__in=TITLES)
        .values_list(
            "resource__title",
            "resource__kind",
            "resource__position",
            "version",
            "file",
            "size",
            "uploaded_by__email",
            "created_at",
        )
        .order_by("resource__position", "version"),
        KitDownload.objects.filter(version__resource__title__in=TITLES)
        .values_list("version__resource__title", "version__version", "caf__number", "at")
        .order_by("at", "version__resource__title", "caf__number"),
    ]
    parts = [repr(row) for qs in querysets for row in qs]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _chains():
    """Each set's bookings in the order the hand-overs serve them (as services.rechain)."""
    chains: dict[str, list[Booking]] = {}
    for booking in (
        _bookings(status__in=CHAINED)
        .select_related("expo_set__home_caf", "caf", "handover__from_caf")
        .order_by("expo_set__code", "starts_on")
    ):
        chains.setdefault(booking.expo_set.code, []).append(booking)
    return chains


# The rules and the collection --------------------------------------------------------------------
def test_the_booking_rules_and_the_seasons():
    policy = Policy.current()
    assert (policy.min_days, policy.max_days, policy.notice_days) == (5, 28, 14)
    assert (policy.transport_days_before, policy.transport_days_after) == (2, 2)
    assert (policy.auto_confirm, policy.offer_hours) == (False, 48)
    seasons = {s.name: s for s in Season.objects.all()}
    assert (seasons["Saison 2025"].starts_on, seasons["Saison 2025"].ends_on) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert seasons["Saison 2026"].starts_on == date(2026, 1, 1)
    assert {s.quota_per_caf for s in seasons.values()} == {2}
    for season in seasons.values():  # one calendar year each
        assert (season.starts_on.year, season.ends_on) == (
            int(season.name.split()[-1]),
            date(season.starts_on.year, 12, 31),
        )


def test_fifteen_sets_stored_across_france():
    sets = ExpoSet.objects.filter(code__in=CODES).select_related("home_caf__region")
    assert [s.code for s in sets] == [f"CAFIA-{n:02d}" for n in range(1, 16)]
    assert {(s.panels, s.games) for s in sets} == {(9, 4)}
    for text in ("bar à prompts", "jeu des controverses", "images générées", "escape card"):
        assert all(text in s.contents for s in sets), text
    assert len({s.home_caf_id for s in sets}) == 15
    assert len({s.home_caf.region_id for s in sets}) >= 12
    assert sets.get(code="CAFIA-01").home_caf.number == "69"


def test_one_set_is_incomplete_and_its_log_says_why():
    incomplete = ExpoSet.objects.get(condition=ExpoSet.Condition.INCOMPLETE)
    assert (
        not ExpoSet.objects.filter(code__in=CODES)
        .exclude(condition__in=[ExpoSet.Condition.GOOD, ExpoSet.Condition.INCOMPLETE])
        .exists()
    )
    arrival = incomplete.log.get(kind=ConditionEntry.Kind.ARRIVAL, condition="incomplet")
    assert "cadenas" in arrival.missing_items
    assert arrival.booking.handover.arrival == HandOver.Arrival.INCOMPLETE
    assert arrival.caf == incomplete.location == arrival.booking.caf
    # Nothing is booked on a set that cannot travel.
    assert not incomplete.bookings.filter(starts_on__gt=arrival.booking.starts_on).exists()


def test_one_set_is_in_maintenance_over_the_weeks_to_come():
    blackout = Blackout.objects.get()
    assert blackout.expo_set.code == demo.MAINTAINED_SET
    assert blackout.ends_on > timezone.localdate()
    assert "panneaux" in blackout.reason
    assert not blackout.expo_set.bookings.filter(
        status__in=Booking.HOLDING,
        blocked_from__lte=blackout.ends_on,
        blocked_until__gte=blackout.starts_on,
    ).exists()


def test_a_damaged_set_was_repaired():
    damaged = HandOver.objects.get(arrival=HandOver.Arrival.DAMAGED)
    expo_set = damaged.booking.expo_set
    assert expo_set.condition == ExpoSet.Condition.GOOD
    repair = expo_set.log.get(kind=ConditionEntry.Kind.REPAIR)
    assert repair.created_at > damaged.received_at
    assert repair.by.email == demo.LEAD


# The 2025 circulation ----------------------------------------------------------------------------
def test_more_than_half_of_the_cafs_hosted_the_exhibition_in_2025():
    hosts = set(_of_2025(status__in=HOSTED).values_list("caf", flat=True))
    assert len(hosts) >= 51
    assert len(hosts) > Caf.objects.count() / 2
    stats = year_stats(year=2025)
    assert stats.host_cafs == len(hosts) == 60  # as the demo's docstring says
    assert stats.host_share > 50
    assert stats.bookings >= 70
    assert stats.visitors > 5000
    assert 3.5 <= stats.satisfaction <= 4.7


def test_the_rhone_opens_the_circulation():
    first = _of_2025(status__in=HOSTED).order_by("starts_on").first()
    assert first.starts_on == demo.LAUNCH
    rhone = _of_2025(caf__number="69").order_by("starts_on").first()
    assert (rhone.starts_on, rhone.expo_set.code) == (demo.LAUNCH, "CAFIA-01")
    assert rhone.status == S.RETURNED


def test_the_circulation_runs_from_may_to_the_holidays():
    bookings = _of_2025(status__in=HOSTED)
    assert set(bookings.values_list("starts_on__month", flat=True)) == set(range(5, 13))
    assert not bookings.filter(ends_on__gt=demo.SEASON_CLOSES).exists()
    assert not bookings.filter(starts_on__gte=demo.SUMMER[0], starts_on__lt=demo.SUMMER[1]).exists()
    per_set = dict(bookings.values_list("expo_set__code").annotate(n=Count("pk")).order_by())
    assert set(per_set) == set(CODES)
    assert min(per_set.values()) >= 3


def test_no_two_bookings_of_a_set_share_a_blocked_day():
    for code in CODES:
        holding = list(
            _bookings(expo_set__code=code, status__in=Booking.HOLDING).order_by("blocked_from")
        )
        assert holding, code
        for booking in holding:
            assert booking.blocked_from == booking.starts_on - timedelta(days=booking.days_before)
            assert booking.blocked_until == booking.ends_on + timedelta(days=booking.days_after)
            assert (booking.days_before, booking.days_after) == (2, 2)
        for before, after in pairwise(holding):
            assert before.blocked_until < after.blocked_from, (code, before, after)


def test_the_2025_bookings_follow_the_rules():
    bookings = _of_2025()
    assert set(bookings.values_list("status", flat=True)) == {S.RETURNED, S.CANCELLED}
    assert set(bookings.values_list("use", flat=True)) == set(Booking.Use.values)
    assert not bookings.exclude(season__name="Saison 2025").exists()
    from_offers = set(
        WaitlistEntry.objects.exclude(offered_booking=None).values_list(
            "offered_booking", flat=True
        )
    )
    for booking in bookings:
        assert 5 <= booking.days <= 28, booking
        assert booking.starts_on.weekday() == 0, booking  # Monday to Friday
        assert booking.ends_on.weekday() == 4, booking
        if booking.pk not in from_offers:  # an offer skips the notice
            notice = booking.starts_on - timezone.localdate(booking.created_at)
            assert notice >= timedelta(days=14), booking
        assert booking.created_at.date() >= demo.BOOKING_OPENS
        if booking.confirmed_at:
            assert booking.confirmed_at > booking.created_at
            assert booking.confirmed_by.email == demo.LEAD
    quota = (
        _bookings(status__in=Booking.HOLDING)
        .values("caf", "season")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert max(row["n"] for row in quota) <= 2


def test_hand_overs_chain_the_hosts_of_each_set():
    for code, chain in _chains().items():
        previous = None
        for booking in chain:
            handover = booking.handover
            if previous is None:
                assert handover.from_booking_id is None, code
                assert handover.from_caf == booking.expo_set.home_caf, code
            else:
                assert handover.from_booking_id == previous.pk, code
                assert handover.from_caf_id == previous.caf_id, code
            assert handover.ship_on == booking.blocked_from
            previous = booking
    assert not HandOver.objects.filter(booking__status__in=[S.CANCELLED, S.REQUESTED]).exists()


def test_past_hand_overs_were_shipped_received_and_checked():
    returned = HandOver.objects.filter(booking__status=S.RETURNED).select_related("booking")
    assert returned.count() == _bookings(status=S.RETURNED).count()
    carriers = set()
    for handover in returned:
        booking = handover.booking
        assert booking.blocked_from <= handover.shipped_at.date() <= booking.starts_on
        assert handover.shipped_at < handover.received_at
        assert timezone.localdate(handover.received_at) < booking.starts_on
        assert handover.arrival in HandOver.Arrival.values
        if handover.from_caf_id == booking.caf_id:  # from the set's own storage
            assert handover.carrier == ""
        else:
            carriers.add(handover.carrier)
            if not handover.carrier.startswith("Navette"):
                assert handover.tracking, handover
        kinds = sorted(booking.checks.values_list("kind", "caf"))
        assert ("arrivee", booking.caf_id) in kinds
        assert ("depart", handover.from_caf_id) in kinds
    assert {"Geodis", "DB Schenker", "La Poste Colissimo"} <= carriers


def test_sets_are_where_their_last_host_left_them():
    for expo_set in ExpoSet.objects.filter(code__in=CODES):
        last = expo_set.bookings.filter(status__in=HOSTED).order_by("starts_on").last()
        assert expo_set.location_id == last.caf_id, expo_set
    # Five sets ended the season at home.
    at_home = ExpoSet.objects.filter(code__in=CODES, location=F("home_caf"))
    assert set(at_home.values_list("code", flat=True)) == demo.ENDS_AT_HOME


def test_the_service_would_plan_the_same_hand_overs():
    def planned():
        return list(
            HandOver.objects.filter(booking__expo_set__code__in=CODES)
            .order_by("pk")
            .values_list("booking", "from_booking", "from_caf", "ship_on", "shipped_at")
        )

    before = planned()
    for expo_set in ExpoSet.objects.filter(code__in=CODES):
        services.rechain(expo_set=expo_set)
    assert planned() == before


def test_hosts_gave_their_feedback():
    hosted = _of_2025(status__in=HOSTED)
    feedback = Feedback.objects.filter(booking__in=hosted).select_related("booking")
    assert feedback.count() >= 0.75 * hosted.count()
    assert not feedback.filter(agents_reached__gt=F("visitors")).exists()
    assert not feedback.exclude(satisfaction__range=(1, 5)).exists()
    assert not feedback.exclude(by=F("booking__requested_by")).exists()
    assert feedback.exclude(comments="").count() >= 0.7 * feedback.count()
    for answer in feedback:
        assert timezone.localdate(answer.created_at) > answer.booking.ends_on
    animated = feedback.filter(booking__use=Booking.Use.SESSIONS)
    assert min(animated.values_list("sessions_run", flat=True)) >= 4


def test_contacts_and_addresses_are_fictional_and_plausible():
    for booking in _bookings().select_related("caf"):
        number = booking.caf.number.lower()
        assert re.fullmatch(rf"[a-z-]+\.[a-z-]+@caf{number}\.exemple\.fr", booking.contact_email)
        assert booking.contact_phone[:8] in FICTION_PHONES, booking.contact_phone
        assert booking.caf.city in booking.delivery_address
        assert booking.delivery_address.startswith(booking.caf.name)
        assert booking.venue
    text = " ".join(_bookings().values_list("venue", flat=True)).lower()
    assert "lorem" not in text


def test_cancellations_and_the_waitlist_of_2025():
    cancelled = _of_2025(status=S.CANCELLED)
    assert cancelled.count() >= 4
    assert not cancelled.filter(cancel_reason="").exists()
    accepted = WaitlistEntry.objects.get(status=WaitlistEntry.Status.ACCEPTED)
    booking = accepted.offered_booking
    assert (booking.caf, booking.starts_on, booking.ends_on, booking.status) == (
        accepted.caf,
        accepted.starts_on,
        accepted.ends_on,
        S.RETURNED,
    )
    # The slot it got was freed by a cancellation.
    assert cancelled.filter(
        expo_set=booking.expo_set, starts_on=booking.starts_on, created_at__lt=accepted.created_at
    ).exists()
    expired = WaitlistEntry.objects.get(status=WaitlistEntry.Status.EXPIRED)
    offer = expired.offered_booking
    assert (offer.status, offer.cancel_reason) == (S.CANCELLED, "Proposition expirée")
    assert offer.offer_expires_at == offer.created_at + timedelta(hours=48)
    assert offer.confirmed_at is None


# The bookings to come ----------------------------------------------------------------------------
def test_bookings_to_come_after_the_day_of_seeding():
    today = timezone.localdate()
    coming = _bookings(status__in=[S.REQUESTED, S.CONFIRMED]).select_related("season")
    assert coming.filter(status=S.REQUESTED).exists()
    assert coming.filter(status=S.CONFIRMED).exists()
    assert not _bookings(starts_on__gt=today, status__in=[*HOSTED, S.IN_TRANSIT]).exists()
    for booking in coming:
        assert booking.starts_on >= today + timedelta(days=14)
        assert timezone.localdate(booking.created_at) < today
        assert booking.season.starts_on <= booking.starts_on
        assert booking.ends_on <= booking.season.ends_on
    for booking in coming.filter(status=S.CONFIRMED):
        assert booking.handover.shipped_at is None
        assert booking.handover.carrier == ""
    mine = coming.get(requested_by__email=AGENT_EMAIL)
    assert (mine.caf.number, mine.status) == ("38", S.CONFIRMED)


def test_a_caf_waits_for_weeks_when_no_set_is_free():
    entry = WaitlistEntry.objects.get(status=WaitlistEntry.Status.WAITING)
    assert entry.starts_on > timezone.localdate()
    assert entry.requested_by.caf == entry.caf
    assert not _of_2025(caf=entry.caf).exclude(status=S.CANCELLED).exists()
    free = services.allocation_order(
        caf=entry.caf, starts_on=entry.starts_on, ends_on=entry.ends_on, policy=Policy.current()
    )
    assert free == []


@pytest.mark.parametrize(
    ("today", "season"),
    [
        (date(2026, 2, 2), 2026),
        (date(2026, 6, 15), 2026),
        (date(2026, 11, 30), 2027),
        (date(2026, 12, 28), 2027),
    ],
)
def test_the_bookings_to_come_stay_within_one_season(today, season):
    cafs = {caf.number: caf for caf in Caf.objects.select_related("region")}
    plan = demo.build_plan(SeedContext(log=lambda _m: None), cafs, today=today)
    coming = [s for s in plan.stays if s.starts_on > today]
    assert len(coming) >= 13
    assert {s.season for s in coming} == {f"Saison {season}"}
    assert {s.starts_on.year for s in coming} == {s.ends_on.year for s in coming} == {season}
    assert min(s.starts_on for s in coming) >= today + timedelta(days=28)
    again = demo.build_plan(SeedContext(log=lambda _m: None), cafs, today=today)
    assert [(s.code, s.host, s.starts_on, s.status) for s in again.stays] == [
        (s.code, s.host, s.starts_on, s.status) for s in plan.stays
    ]


# The requesters ----------------------------------------------------------------------------------
def test_bookings_are_requested_by_the_core_demo_agents(seeded):
    assert User.objects.count() == seeded["users_before"]
    bookings = _bookings().select_related("requested_by", "caf")
    assert not bookings.filter(requested_by=None).exists()
    for booking in bookings:
        assert booking.requested_by.role == User.Role.AGENT
        assert booking.requested_by.caf_id == booking.caf_id
    assert set(bookings.filter(caf__number="38").values_list("requested_by__email", flat=True)) == {
        AGENT_EMAIL
    }


# The malette numérique ---------------------------------------------------------------------------
def test_the_malette_numerique():
    resources = KitResource.objects.filter(title__in=TITLES)
    assert set(resources.values_list("kind", flat=True)) == set(KitResource.Kind.values)
    assert resources.filter(kind=KitResource.Kind.GAME).count() == 4
    assert resources.filter(title__startswith="Support complet").exists()
    for version in KitVersion.objects.filter(resource__in=resources):
        assert default_storage.exists(version.file.name)
        assert version.size == default_storage.size(version.file.name)
        assert version.file.name.startswith("expo/malette/demo/")
    assert KitVersion.objects.filter(resource__in=resources, version="1.1").count() == 2


def test_the_malette_was_downloaded_through_2025():
    downloads = KitDownload.objects.filter(version__resource__title__in=TITLES)
    of_2025 = downloads.filter(at__year=2025)
    assert of_2025.count() == downloads.count() == year_stats(year=2025).kit_downloads
    months = set(of_2025.values_list("at__month", flat=True))
    assert months == set(range(5, 13))
    assert not downloads.filter(at__lt=F("version__created_at")).exists()
    # A download uses the version current on its day.
    assert not downloads.filter(
        Q(version__resource__versions__created_at__gt=F("version__created_at"))
        & Q(version__resource__versions__created_at__lte=F("at"))
    ).exists()
    # Overseas Cafs, where no set travels, use the malette.
    assert downloads.filter(caf__number__in=["971", "972", "973", "974", "976"]).count() >= 20
    hosts = set(_of_2025(status__in=HOSTED).values_list("caf", flat=True))
    assert downloads.exclude(caf__in=hosts).count() > downloads.filter(caf__in=hosts).count()


def test_the_report_section_of_the_demo():
    section = report.expo_section(2025)
    figures = {figure.key: figure.value for figure in section.figures}
    assert (figures["expo_sets"], figures["expo_panels"], figures["expo_games"]) == (15, 9, 4)
    assert figures["expo_host_cafs"] >= 51
    assert figures["expo_host_share"] > 50
    assert figures["expo_kit_resources"] == 10
    assert "Première exposition de l'année : Caf du Rhône, à partir du 12 mai 2025." in (
        section.highlights
    )


# The seeder itself -------------------------------------------------------------------------------
def test_a_second_run_changes_nothing():
    before, checksum = _snapshot(), _checksum()
    _seed("expo_booking")
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_data():
    before, checksum = _snapshot(), _checksum()
    WaitlistEntry.objects.all().delete()
    _bookings().delete()  # and their hand-overs and feedback
    ExpoSet.objects.filter(code__in=CODES).delete()  # and their log and maintenance
    KitResource.objects.filter(title__in=TITLES).delete()  # and versions and downloads
    Season.objects.all().delete()
    Policy.objects.all().delete()
    assert _snapshot()["bookings"] == 0
    _seed("expo_booking")
    assert _snapshot() == before
    assert _checksum() == checksum


def test_a_missing_set_comes_back_alone():
    before, checksum = _snapshot(), _checksum()
    expo_set = ExpoSet.objects.get(code="CAFIA-09")
    WaitlistEntry.objects.filter(offered_booking__expo_set=expo_set).delete()
    expo_set.bookings.all().delete()
    expo_set.delete()
    _seed("expo_booking")
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    stats = year_stats(year=2025)
    visitors, downloads = (f"{n:,}".replace(",", "\u202f") for n in (stats.visitors, 1165))
    assert lines == [
        f"  15 jeux d'exposition, {stats.bookings} réservations en 2025 : {stats.host_cafs} Caf "
        f"d'accueil sur 101 ({stats.host_share} %), {visitors} visiteurs ; "
        f"{_bookings(status__in=[S.REQUESTED, S.CONFIRMED]).count()} réservations à venir, "
        f"{downloads} téléchargements de la malette"
    ]
    assert stats.kit_downloads == sum(spec.downloads for spec in demo.KIT) == 1165
