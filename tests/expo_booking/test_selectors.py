"""The reads of the Caf'IA bookings: the calendar, the free sets, a year's statistics."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from expo_booking import selectors
from expo_booking.models import Blackout, Booking, ExpoSet, Feedback, KitDownload
from tests.caflab.factories import caf
from tests.expo_booking.factories import (
    BookingFactory,
    ExpoSetFactory,
    KitVersionFactory,
    policy,
    season,
    soon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules_of_the_tests(db):
    policy()
    season()


def test_the_calendar_shows_bookings_transport_days_and_maintenance():
    first = ExpoSetFactory(code="CAFIA-01")
    second = ExpoSetFactory(code="CAFIA-02")
    ExpoSetFactory(code="CAFIA-03", condition=ExpoSet.Condition.DAMAGED)
    booking = BookingFactory(expo_set=first, starts_on=soon(10), ends_on=soon(12))
    Blackout.objects.create(expo_set=second, starts_on=soon(9), ends_on=soon(9), reason="Révision")
    BookingFactory(expo_set=second, starts_on=soon(5), ends_on=soon(7), status="annulee")

    rows = selectors.calendar(start=soon(7), end=soon(15))

    states = {row.expo_set.code: [cell.state for cell in row.cells] for row in rows}
    # Day 7…15: blocked 8…14 (2 days before, 2 after).
    assert states["CAFIA-01"] == [
        "libre",
        "transport",
        "transport",
        "reserve",
        "reserve",
        "reserve",
        "transport",
        "transport",
        "libre",
    ]
    assert states["CAFIA-02"] == ["libre", "libre", "maintenance"] + ["libre"] * 6
    assert set(states["CAFIA-03"]) == {"indisponible"}
    assert rows[0].cells[3].booking == booking
    assert rows[1].free_days == 8


def test_free_sets_leave_out_the_busy_the_maintained_and_the_damaged():
    busy = ExpoSetFactory(code="CAFIA-01")
    free = ExpoSetFactory(code="CAFIA-02")
    maintained = ExpoSetFactory(code="CAFIA-03")
    ExpoSetFactory(code="CAFIA-04", condition=ExpoSet.Condition.INCOMPLETE)
    BookingFactory(expo_set=busy, starts_on=soon(20), ends_on=soon(30))
    Blackout.objects.create(expo_set=maintained, starts_on=soon(44), ends_on=soon(46), reason="x")

    # 33…40, blocked 31…42: the busy set is blocked until 32.
    assert selectors.free_sets(starts_on=soon(33), ends_on=soon(40)) == [free, maintained]
    assert selectors.free_sets(starts_on=soon(35), ends_on=soon(43)) == [busy, free]


def test_the_year_s_statistics_come_from_the_bookings_and_the_feedback():
    expo_set = ExpoSetFactory()
    hosted = [
        BookingFactory(
            expo_set=expo_set,
            caf=caf(number),
            starts_on=start,
            ends_on=start + timedelta(days=9),
            status=status,
        )
        for number, start, status in [
            ("38", date(2025, 2, 3), Booking.Status.RETURNED),
            ("29", date(2025, 3, 3), Booking.Status.RETURNED),
            ("38", date(2025, 9, 8), Booking.Status.ON_SITE),
        ]
    ]
    BookingFactory(
        expo_set=expo_set,
        caf=caf("56"),
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 12),
        status=Booking.Status.CONFIRMED,
    )
    BookingFactory(
        expo_set=expo_set,
        caf=caf("22"),
        starts_on=date(2025, 12, 1),
        ends_on=date(2025, 12, 10),
        status=Booking.Status.CANCELLED,
    )
    BookingFactory(
        expo_set=expo_set,
        caf=caf("35"),
        starts_on=date(2024, 10, 1),
        ends_on=date(2024, 10, 10),
        status=Booking.Status.RETURNED,
    )
    for booking, visitors, satisfaction in zip(hosted[:2], (300, 120), (5, 4), strict=True):
        Feedback.objects.create(
            booking=booking,
            visitors=visitors,
            agents_reached=visitors // 2,
            sessions_run=3,
            satisfaction=satisfaction,
        )
    version = KitVersionFactory()
    KitDownload.objects.create(
        version=version, caf=caf("38"), at=timezone.make_aware(timezone.datetime(2025, 5, 2, 9))
    )
    KitDownload.objects.create(
        version=version, caf=caf("29"), at=timezone.make_aware(timezone.datetime(2024, 6, 1, 10, 0))
    )

    stats = selectors.year_stats(year=2025)

    assert stats.bookings == 4  # the cancelled one does not count
    assert stats.host_cafs == 2  # Isère twice, Finistère; Morbihan has not hosted it yet
    assert (stats.visitors, stats.agents_reached, stats.sessions_run) == (420, 210, 6)
    assert stats.satisfaction == 4.5
    assert stats.host_share == round(100 * 2 / stats.caf_count)
    assert dict(stats.by_month)["février"] == 1
    assert selectors.year_stats(year=2024).host_cafs == 1
    assert stats.kit_downloads == 1


def test_kit_resources_count_downloads_per_version():
    version = KitVersionFactory()
    KitDownload.objects.create(version=version, caf=caf("38"))
    KitDownload.objects.create(version=version, caf=caf("38"))

    [resource] = selectors.kit_resources()

    assert resource.download_count == 2
    assert resource.versions.all()[0].download_count == 2
