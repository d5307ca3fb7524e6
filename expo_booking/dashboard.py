"""The home page panel « Exposition Caf'IA »: for an agent, their Caf's bookings under way (to
accept, confirm, receive, give feedback on); for the CafLab team, the requests to confirm and the
sets to repair. One query for an agent, two for the CafLab, whatever the number of bookings; no
panel when nothing is under way."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from caflab import dashboard

LIMIT = 5
FEEDBACK_DAYS = 60  # a feedback is asked for this long after the exhibition


def expo_panel(user) -> dict | None:
    from django.db.models import Q
    from django.utils import timezone

    from caflab.rules import is_agent
    from expo_booking.models import Booking, ExpoSet

    if user.is_caflab_staff:
        to_confirm = Booking.objects.filter(status=Booking.Status.REQUESTED).count()
        to_repair = ExpoSet.objects.exclude(
            condition__in=[ExpoSet.Condition.GOOD, ExpoSet.Condition.RETIRED]
        ).count()
        if not (to_confirm or to_repair):
            return None
        return {"staff": True, "to_confirm": to_confirm, "to_repair": to_repair}
    if not is_agent(user):
        return None
    today = timezone.localdate()
    hosted = [Booking.Status.ON_SITE, Booking.Status.RETURNED]
    bookings = list(
        Booking.objects.filter(caf_id=user.caf_id)
        .exclude(status=Booking.Status.CANCELLED)
        .filter(
            Q(blocked_until__gte=today)
            | Q(
                status__in=hosted,
                feedback__isnull=True,
                ends_on__gte=today - timedelta(days=FEEDBACK_DAYS),
            )
        )
        .select_related("expo_set", "handover", "feedback")
        .order_by("starts_on", "pk")[:LIMIT]
    )
    if not bookings:
        return None
    for booking in bookings:
        booking.feedback_due = (
            booking.status in hosted
            and booking.ends_on <= today
            and getattr(booking, "feedback", None) is None
        )
    return {"staff": False, "bookings": bookings}


dashboard.register(
    dashboard.Panel(
        order=50,
        title=_("Exposition Caf'IA"),
        template_name="expo_booking/booking/includes/dashboard.html",
        get_context=expo_panel,
    )
)
