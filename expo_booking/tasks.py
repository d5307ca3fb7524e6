"""Background work of the Caf'IA bookings: the waitlist and the daily reminders."""

from celery import shared_task

from expo_booking import services
from expo_booking.models import ExpoSet


@shared_task(acks_late=True)
def offer_freed_slot(*, set_id: int) -> int | None:
    """A set became free: offer it to the first waiting request it can serve."""
    expo_set = ExpoSet.objects.filter(pk=set_id).first()
    if expo_set is None:
        return None
    entry = services.offer_freed_slot(expo_set=expo_set)
    return entry.pk if entry else None


@shared_task
def expire_offers() -> int:
    """Hourly: the offers not accepted within 48 hours go to the next in line."""
    return services.expire_offers()


@shared_task
def send_reminders() -> dict:
    """Daily: before a booking starts, before a hand-over ships, overdue returns."""
    return services.reminders()
