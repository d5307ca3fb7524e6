"""The iCal feed of a Caf's bookings: valid RFC 5545, whole days, a token per Caf."""

import pytest

from expo_booking import feeds
from expo_booking.models import Booking
from tests.caflab.factories import caf
from tests.expo_booking.factories import BookingFactory, policy, season, soon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules_of_the_tests(db):
    policy()
    season()


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_feed_is_a_valid_calendar_of_whole_days():
    booking = BookingFactory(caf=caf("38"), starts_on=soon(30), ends_on=soon(43))
    BookingFactory(caf=caf("38"), starts_on=soon(90), ends_on=soon(95), status="annulee")
    BookingFactory(caf=caf("29"), starts_on=soon(30), ends_on=soon(43))

    text = feeds.caf_feed(caf("38"))

    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines.count("BEGIN:VEVENT") == 2  # the other Caf's booking is not there
    assert f"DTSTART;VALUE=DATE:{booking.starts_on:%Y%m%d}" in lines
    # DTEND is exclusive: the day after the last day.
    assert f"DTEND;VALUE=DATE:{soon(44):%Y%m%d}" in lines
    assert "STATUS:CANCELLED" in lines
    assert any(line.startswith("SUMMARY:Exposition Caf'IA (") for line in lines)
    assert "claire.martin" not in text  # no contact in a feed


def test_a_token_opens_one_caf_s_feed_only():
    token = feeds.feed_token(caf("38"))

    assert feeds.caf_for_token("38", token) == caf("38")
    assert feeds.caf_for_token("29", token) is None
    assert feeds.caf_for_token("38", "faux") is None


def test_an_offer_is_not_yet_in_the_calendar():
    BookingFactory(
        caf=caf("38"),
        status=Booking.Status.OFFERED,
        offer_expires_at="2030-01-01T00:00:00Z",
    )
    assert "BEGIN:VEVENT" not in feeds.caf_feed(caf("38"))
