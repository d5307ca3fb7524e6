"""The iCal feed of a Caf's Caf'IA bookings. A calendar application cannot log in, so the
feed's address carries a signed token of the Caf: whoever has the link reads that Caf's
bookings (dates, set, venue), nothing else; renewing the salt revokes every link."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _

from caflab import ics
from caflab.models import Caf
from expo_booking.models import Booking

SALT = "expo_booking.feed.v1"


def feed_token(caf: Caf) -> str:
    return signing.Signer(salt=SALT).sign(caf.number).split(":", 1)[1]


def caf_for_token(number: str, token: str) -> Caf | None:
    try:
        signing.Signer(salt=SALT).unsign(f"{number}:{token}")
    except signing.BadSignature:
        return None
    return Caf.objects.filter(number=number).first()


def _event(booking: Booking) -> ics.Event:
    return ics.Event(
        uid=f"cafia-reservation-{booking.pk}",
        summary=_("Exposition Caf'IA (%(code)s) : %(status)s")
        % {"code": booking.expo_set.code, "status": booking.get_status_display().lower()},
        start=booking.starts_on,
        end=booking.ends_on,
        location=booking.venue,
        description=_("Jeu %(code)s, %(use)s, %(visitors)s visiteurs attendus.")
        % {
            "code": booking.expo_set.code,
            "use": booking.get_use_display().lower(),
            "visitors": booking.expected_visitors,
        },
        cancelled=booking.status == Booking.Status.CANCELLED,
    )


def caf_feed(caf: Caf) -> str:
    bookings = (
        Booking.objects.filter(caf=caf)
        .exclude(status=Booking.Status.OFFERED)
        .select_related("expo_set")
        .order_by("starts_on")
    )
    events = [_event(booking) for booking in bookings]
    return ics.calendar(events, name=_("Caf'IA — %(caf)s") % {"caf": caf.name})
