"""Every write of the Caf'IA bookings, in transactions; emails leave after commit.

Availability is checked after locking the set's row (an UPDATE, which locks on PostgreSQL and
takes SQLite's write lock), and PostgreSQL's exclusion constraint « booking_no_overlap » refuses
what a check could still miss: two agents booking the last free set at the same moment get one
booking and one clear refusal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import activity, files, fragments, notifications
from caflab.models import Caf, User
from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ConditionPhoto,
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

logger = logging.getLogger(__name__)


def _updated() -> None:
    """After a write made with queryset update(), which sends no signal: what was computed from
    the exhibition's data (the calendar's cached pages, the availability) is computed again.
    Saves and deletes bump the same scope through the model signals (caflab.fragments)."""
    fragments.bump("expo_booking")


SCOPE = "expo_booking"
PHOTOS = (files.PNG, files.JPEG)  # the photos of a condition report
# Statuses a requester may still cancel.
CANCELLABLE = (Booking.Status.OFFERED, Booking.Status.REQUESTED, Booking.Status.CONFIRMED)


class BookingError(ValidationError):
    """A booking rule refuses the request; the message is for the user."""


class NoSetFree(BookingError):
    """No set is free for the period: the agent may join the waitlist."""


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


@dataclass(frozen=True)
class Request:
    """What an agent asks for; the same for a booking and a waitlist entry."""

    starts_on: date
    ends_on: date
    use: str
    expected_visitors: int
    venue: str
    contact_name: str
    contact_phone: str
    contact_email: str
    delivery_address: str

    def fields(self) -> dict:
        return {
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "use": self.use,
            "expected_visitors": self.expected_visitors,
            "venue": self.venue.strip(),
            "contact_name": self.contact_name.strip(),
            "contact_phone": self.contact_phone.strip(),
            "contact_email": self.contact_email.strip().lower(),
            "delivery_address": self.delivery_address.strip(),
        }


# Rules ------------------------------------------------------------------------------------
def blocked_range(starts_on: date, ends_on: date, policy: Policy) -> tuple[date, date]:
    return (
        starts_on - timedelta(days=policy.transport_days_before),
        ends_on + timedelta(days=policy.transport_days_after),
    )


def season_for(starts_on: date, ends_on: date) -> Season:
    season = Season.objects.filter(starts_on__lte=starts_on, ends_on__gte=ends_on).first()
    if season is None:
        raise BookingError(
            _("Ces dates ne sont pas dans une saison de circulation de l'exposition.")
        )
    return season


def check_request(*, request: Request, policy: Policy, today: date | None = None) -> Season:
    """The rules that do not depend on a set: dates, durations, notice, season."""
    today = today or timezone.localdate()
    if request.ends_on < request.starts_on:
        raise BookingError(_("La date de fin précède la date de début."))
    days = (request.ends_on - request.starts_on).days + 1
    if days < policy.min_days:
        raise BookingError(
            _("L'exposition se réserve pour %(n)s jours au moins.") % {"n": policy.min_days}
        )
    if days > policy.max_days:
        raise BookingError(
            _("L'exposition se réserve pour %(n)s jours au plus : d'autres Caf l'attendent.")
            % {"n": policy.max_days}
        )
    if request.starts_on < today + timedelta(days=policy.notice_days):
        first = today + timedelta(days=policy.notice_days)
        raise BookingError(
            _("Réservez au moins %(n)s jours à l'avance : au plus tôt le %(date)s.")
            % {"n": policy.notice_days, "date": first.strftime("%d/%m/%Y")}
        )
    if request.expected_visitors is None or request.expected_visitors < 1:
        raise BookingError(_("Indiquez le nombre de visiteurs attendus."))
    return season_for(request.starts_on, request.ends_on)


def check_quota(*, caf: Caf, season: Season, exclude: Booking | None = None) -> None:
    used = Booking.objects.filter(caf=caf, season=season, status__in=Booking.HOLDING)
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    if used.count() >= season.quota_per_caf:
        raise BookingError(
            _("Votre Caf a déjà %(n)s réservations pour la saison %(season)s : c'est le maximum.")
            % {"n": season.quota_per_caf, "season": season.name}
        )


def conflicts(expo_set: ExpoSet, blocked_from: date, blocked_until: date, *, exclude=None):
    """Why the set is not free over these blocked days (or None when it is)."""
    if not expo_set.is_bookable:
        return _("Le jeu %(code)s est indisponible (%(state)s).") % {
            "code": expo_set.code,
            "state": expo_set.get_condition_display().lower(),
        }
    if Blackout.objects.filter(
        expo_set=expo_set, starts_on__lte=blocked_until, ends_on__gte=blocked_from
    ).exists():
        return _("Le jeu %(code)s est en maintenance sur cette période.") % {"code": expo_set.code}
    taken = Booking.objects.filter(
        expo_set=expo_set,
        status__in=Booking.HOLDING,
        blocked_from__lte=blocked_until,
        blocked_until__gte=blocked_from,
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        return _("Le jeu %(code)s est déjà réservé sur cette période, transport compris.") % {
            "code": expo_set.code
        }
    return None


def _lock(expo_set: ExpoSet) -> None:
    """Serialise the bookings of one set: PostgreSQL locks the row, SQLite the database."""
    ExpoSet.objects.filter(pk=expo_set.pk).update(version=F("version") + 1)
    expo_set.refresh_from_db(fields=["condition", "location", "version"])


def _where_before(expo_set: ExpoSet, blocked_from: date) -> tuple[int, date | None]:
    """Where the set will be just before these dates: the Caf of the previous booking, or
    where it is now; and when it becomes free there."""
    previous = (
        Booking.objects.filter(
            expo_set=expo_set, status__in=Booking.HOLDING, blocked_until__lt=blocked_from
        )
        .order_by("-blocked_until")
        .values_list("caf_id", "blocked_until")
        .first()
    )
    if previous:
        return previous
    return expo_set.location_id, None


def allocation_order(*, caf: Caf, starts_on: date, ends_on: date, policy: Policy) -> list[ExpoSet]:
    """The free sets for these dates, nearest first: one already in the Caf (or whose previous
    booking ends there), then one in the same region, then the others; among equals, the one
    that waits least before (it stays idle the shortest time), then by code."""
    blocked_from, blocked_until = blocked_range(starts_on, ends_on, policy)
    region_of = dict(Caf.objects.values_list("pk", "region_id"))
    ranked = []
    for expo_set in ExpoSet.objects.filter(condition=ExpoSet.Condition.GOOD).order_by("code"):
        if conflicts(expo_set, blocked_from, blocked_until):
            continue
        where, free_from = _where_before(expo_set, blocked_from)
        if where == caf.pk:
            distance = 0
        elif region_of.get(where) == caf.region_id:
            distance = 1
        else:
            distance = 2
        idle = (blocked_from - free_from).days if free_from else 10_000
        ranked.append(((distance, idle, expo_set.code), expo_set))
    return [expo_set for _key, expo_set in sorted(ranked, key=lambda pair: pair[0])]


# Bookings ---------------------------------------------------------------------------------
def _create(
    *,
    expo_set: ExpoSet,
    caf: Caf,
    season: Season,
    by,
    request: Request,
    policy: Policy,
    status: str,
    offer_expires_at: datetime | None = None,
) -> Booking:
    """Insert a booking of a locked, checked set; the exclusion constraint is the last word."""
    booking = Booking(
        expo_set=expo_set,
        caf=caf,
        season=season,
        requested_by=by,
        days_before=policy.transport_days_before,
        days_after=policy.transport_days_after,
        status=status,
        offer_expires_at=offer_expires_at,
        **request.fields(),
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise BookingError(
            _("Le jeu %(code)s vient d'être réservé par une autre Caf sur ces dates.")
            % {"code": expo_set.code}
        ) from None
    return booking


@transaction.atomic
def booking_request(*, by, caf: Caf, request: Request, expo_set: ExpoSet | None = None) -> Booking:
    """Ask for a set (or « any set »: the nearest free one) over a period."""
    _require(by, "expo_booking.book_for", caf)
    policy = Policy.current()
    season = check_request(request=request, policy=policy)
    Caf.objects.select_for_update().filter(pk=caf.pk).first()  # one request of a Caf at a time
    check_quota(caf=caf, season=season)
    blocked_from, blocked_until = blocked_range(request.starts_on, request.ends_on, policy)
    candidates = (
        [expo_set]
        if expo_set is not None
        else allocation_order(
            caf=caf, starts_on=request.starts_on, ends_on=request.ends_on, policy=policy
        )
    )
    status = Booking.Status.CONFIRMED if policy.auto_confirm else Booking.Status.REQUESTED
    last_reason = None
    for candidate in candidates:
        _lock(candidate)
        last_reason = conflicts(candidate, blocked_from, blocked_until)
        if last_reason:
            continue
        try:
            booking = _create(
                expo_set=candidate,
                caf=caf,
                season=season,
                by=by,
                request=request,
                policy=policy,
                status=status,
            )
        except BookingError as error:
            last_reason = error.message
            continue
        if status == Booking.Status.CONFIRMED:
            booking.confirmed_at = timezone.now()
            booking.save(update_fields=["confirmed_at"])
            rechain(expo_set=candidate)
            _notify_confirmed(booking)
        activity.record(actor=by, verb="booking.requested", obj=booking, scope=SCOPE)
        return booking
    if expo_set is not None:
        raise BookingError(last_reason or _("Ce jeu n'est pas disponible sur cette période."))
    raise NoSetFree(
        _(
            "Aucun jeu n'est libre du %(start)s au %(end)s, transport compris. "
            "Inscrivez-vous sur la liste d'attente : une place vous sera proposée dès qu'un jeu "
            "se libère."
        )
        % {
            "start": request.starts_on.strftime("%d/%m/%Y"),
            "end": request.ends_on.strftime("%d/%m/%Y"),
        }
    )


def _notify_confirmed(booking: Booking) -> None:
    if booking.requested_by_id:
        notifications.notify(
            users=[booking.requested_by],
            template="expo_booking/emails/booking_confirmed",
            context=_email_context(booking),
        )


def _email_context(booking: Booking) -> dict:
    return {
        "code": booking.expo_set.code,
        "caf": booking.caf.name,
        "starts_on": booking.starts_on.strftime("%d/%m/%Y"),
        "ends_on": booking.ends_on.strftime("%d/%m/%Y"),
        "url": booking.get_absolute_url(),
    }


@transaction.atomic
def booking_confirm(*, booking: Booking, by) -> Booking:
    _require(by, "expo_booking.confirm_booking", booking)
    booking = (
        Booking.objects.select_for_update().select_related("expo_set", "caf").get(pk=booking.pk)
    )
    if booking.status != Booking.Status.REQUESTED:
        raise BookingError(_("Seule une réservation demandée peut être confirmée."))
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at, booking.confirmed_by = timezone.now(), by
    booking.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    rechain(expo_set=booking.expo_set)
    _notify_confirmed(booking)
    activity.record(actor=by, verb="booking.confirmed", obj=booking, scope=SCOPE)
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by, reason: str = "") -> Booking:
    """Cancel a booking that has not left yet; the freed slot goes to the waitlist."""
    _require(by, "expo_booking.manage_booking", booking)
    booking = (
        Booking.objects.select_for_update().select_related("expo_set", "caf").get(pk=booking.pk)
    )
    if booking.status not in CANCELLABLE:
        raise BookingError(
            _("Le jeu est déjà parti vers votre Caf : contactez l'équipe du CafLab pour annuler.")
        )
    booking.status = Booking.Status.CANCELLED
    booking.cancel_reason = reason.strip()[:300]
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    HandOver.objects.filter(booking=booking, shipped_at__isnull=True).delete()
    WaitlistEntry.objects.filter(
        offered_booking=booking, status=WaitlistEntry.Status.OFFERED
    ).update(status=WaitlistEntry.Status.WITHDRAWN)
    _updated()
    rechain(expo_set=booking.expo_set)
    activity.record(actor=by, verb="booking.cancelled", obj=booking, scope=SCOPE)
    from expo_booking.tasks import offer_freed_slot

    transaction.on_commit(lambda: offer_freed_slot.delay(set_id=booking.expo_set_id))
    return booking


@transaction.atomic
def booking_return(*, booking: Booking, by) -> Booking:
    """The last host sends the set back to its home Caf (end of a circulation)."""
    _require(by, "expo_booking.confirm_booking", booking)
    booking = Booking.objects.select_for_update().select_related("expo_set").get(pk=booking.pk)
    if booking.status != Booking.Status.ON_SITE:
        raise BookingError(_("Seul un jeu sur place peut être renvoyé."))
    booking.status, booking.returned_home = Booking.Status.RETURNED, True
    booking.save(update_fields=["status", "returned_home"])
    ExpoSet.objects.filter(pk=booking.expo_set_id).update(location=booking.expo_set.home_caf_id)
    _updated()
    booking.expo_set.location_id = booking.expo_set.home_caf_id
    rechain(expo_set=booking.expo_set)  # the next host now receives it from home
    activity.record(actor=by, verb="booking.returned", obj=booking, scope=SCOPE)
    return booking


# Hand-overs -------------------------------------------------------------------------------
def rechain(*, expo_set: ExpoSet) -> None:
    """Recompute the hand-overs still to ship of a set: each confirmed booking is served by the
    previous one (or from where the set is), shipped on its first transport day."""
    chain = (
        Booking.objects.filter(
            expo_set=expo_set,
            status__in=[
                Booking.Status.CONFIRMED,
                Booking.Status.IN_TRANSIT,
                Booking.Status.ON_SITE,
                Booking.Status.RETURNED,
            ],
        )
        .select_related("handover")
        .order_by("starts_on")
    )
    previous = None
    for booking in chain:
        handover = getattr(booking, "handover", None)
        if booking.status == Booking.Status.CONFIRMED and not (handover and handover.shipped_at):
            _link(booking, handover, previous, expo_set)
        previous = booking


def _link(booking: Booking, handover: HandOver | None, previous: Booking | None, expo_set) -> None:
    if previous is not None and previous.returned_home:
        previous = None  # the set went home in between: it leaves from there
        from_caf_id = expo_set.home_caf_id
    else:
        from_caf_id = previous.caf_id if previous else expo_set.location_id
    wanted = (previous.pk if previous else None, from_caf_id, booking.blocked_from)
    if handover and (handover.from_booking_id, handover.from_caf_id, handover.ship_on) == wanted:
        return
    if previous is not None:
        # A booking now comes in between: the previous one serves it, no longer the next.
        HandOver.objects.filter(from_booking=previous).exclude(booking=booking).update(
            from_booking=None
        )
        _updated()
    HandOver.objects.update_or_create(
        booking=booking,
        defaults={
            "from_booking": previous,
            "from_caf_id": from_caf_id,
            "ship_on": booking.blocked_from,
        },
    )


@transaction.atomic
def handover_ship(
    *,
    handover: HandOver,
    by,
    carrier: str,
    tracking: str = "",
    condition: str = ExpoSet.Condition.GOOD,
    notes: str = "",
    missing_items: str = "",
) -> HandOver:
    """The sender checks the set and ships it: the next booking is in transit, the previous
    one is over."""
    _require(by, "expo_booking.ship_handover", handover)
    handover = (
        HandOver.objects.select_for_update(of=("self",))
        .select_related("booking__expo_set", "from_booking")
        .get(pk=handover.pk)
    )
    booking = handover.booking
    if handover.shipped_at:
        raise BookingError(_("Ce jeu est déjà expédié."))
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError(_("Seul un jeu dont la réservation est confirmée peut être expédié."))
    if not carrier.strip():
        raise BookingError(_("Indiquez le transporteur."))
    previous = handover.from_booking
    if previous is not None and previous.status not in (
        Booking.Status.ON_SITE,
        Booking.Status.RETURNED,
    ):
        raise BookingError(_("Le jeu n'est pas encore arrivé chez la Caf précédente."))
    handover.carrier, handover.tracking = carrier.strip(), tracking.strip()
    handover.shipped_at = timezone.now()
    handover.save(update_fields=["carrier", "tracking", "shipped_at"])
    ConditionEntry.objects.create(
        expo_set=booking.expo_set,
        kind=ConditionEntry.Kind.DEPARTURE,
        condition=condition,
        notes=notes.strip(),
        missing_items=missing_items.strip(),
        booking=booking,
        caf_id=handover.from_caf_id,
        by=by,
    )
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.IN_TRANSIT)
    if previous is not None:
        Booking.objects.filter(pk=previous.pk).update(status=Booking.Status.RETURNED)
    _updated()
    if condition != ExpoSet.Condition.GOOD:
        _flag(booking.expo_set, condition, by=by)
    activity.record(actor=by, verb="handover.shipped", obj=booking, scope=SCOPE)
    return handover


@transaction.atomic
def handover_receive(
    *,
    handover: HandOver,
    by,
    arrival: str,
    notes: str = "",
    missing_items: str = "",
    photos=(),
) -> HandOver:
    """The host checks the set on arrival; a damaged or incomplete set is flagged and blocked
    for new bookings until the CafLab repairs it."""
    _require(by, "expo_booking.receive_handover", handover.booking)
    handover = (
        HandOver.objects.select_for_update().select_related("booking__expo_set").get(pk=handover.pk)
    )
    booking = handover.booking
    if not handover.shipped_at:
        raise BookingError(_("Le jeu n'a pas encore été expédié."))
    if handover.received_at:
        raise BookingError(_("L'arrivée de ce jeu est déjà enregistrée."))
    if arrival not in HandOver.Arrival.values:
        raise BookingError(_("Indiquez l'état du jeu à son arrivée."))
    if arrival != HandOver.Arrival.GOOD and not (notes.strip() or missing_items.strip()):
        raise BookingError(_("Décrivez le dommage ou les éléments manquants."))
    checked = [files.validate_upload(photo, allowed=PHOTOS) for photo in photos]
    handover.arrival, handover.notes = arrival, notes.strip()
    handover.received_at = timezone.now()
    handover.save(update_fields=["arrival", "notes", "received_at"])
    entry = ConditionEntry.objects.create(
        expo_set=booking.expo_set,
        kind=ConditionEntry.Kind.ARRIVAL,
        condition=arrival,
        notes=notes.strip(),
        missing_items=missing_items.strip(),
        booking=booking,
        caf_id=booking.caf_id,
        by=by,
    )
    for photo, kind in zip(photos, checked, strict=True):
        ConditionPhoto.objects.create(
            entry=entry,
            file=photo,
            name=photo.name[:200],
            size=photo.size,
            content_type=kind.content_type,
            uploaded_by=by,
        )
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ON_SITE)
    ExpoSet.objects.filter(pk=booking.expo_set_id).update(location=booking.caf_id)
    _updated()
    if arrival != HandOver.Arrival.GOOD:
        _flag(booking.expo_set, arrival, by=by)
    activity.record(actor=by, verb="handover.received", obj=booking, scope=SCOPE)
    return handover


def _flag(expo_set: ExpoSet, condition: str, *, by) -> None:
    ExpoSet.objects.filter(pk=expo_set.pk).update(condition=condition)
    _updated()
    staff = User.objects.filter(role=User.Role.CAFLAB, is_active=True)
    notifications.notify(
        users=staff,
        template="expo_booking/emails/set_flagged",
        context={"code": expo_set.code, "condition": ExpoSet.Condition(condition).label},
    )


@transaction.atomic
def report_damage(
    *, expo_set: ExpoSet, by, condition: str, notes: str, missing_items: str = "", photos=()
) -> ConditionEntry:
    _require(by, "expo_booking.report_damage", expo_set)
    if condition not in (ExpoSet.Condition.DAMAGED, ExpoSet.Condition.INCOMPLETE):
        raise BookingError(_("Précisez s'il s'agit d'un dommage ou d'éléments manquants."))
    if not (notes.strip() or missing_items.strip()):
        raise BookingError(_("Décrivez le dommage ou les éléments manquants."))
    checked = [files.validate_upload(photo, allowed=PHOTOS) for photo in photos]
    entry = ConditionEntry.objects.create(
        expo_set=expo_set,
        kind=ConditionEntry.Kind.DAMAGE,
        condition=condition,
        notes=notes.strip(),
        missing_items=missing_items.strip(),
        caf_id=expo_set.location_id,
        by=by,
    )
    for photo, kind in zip(photos, checked, strict=True):
        ConditionPhoto.objects.create(
            entry=entry,
            file=photo,
            name=photo.name[:200],
            size=photo.size,
            content_type=kind.content_type,
            uploaded_by=by,
        )
    _flag(expo_set, condition, by=by)
    activity.record(actor=by, verb="set.flagged", obj=expo_set, scope=SCOPE)
    return entry


@transaction.atomic
def repair(*, expo_set: ExpoSet, by, notes: str) -> ConditionEntry:
    _require(by, "expo_booking.repair_set", expo_set)
    if expo_set.condition not in (ExpoSet.Condition.DAMAGED, ExpoSet.Condition.INCOMPLETE):
        # A retired set stays out of circulation; a set in good condition has nothing to repair.
        raise BookingError(
            _("Le jeu %(code)s n'est pas signalé à réparer.") % {"code": expo_set.code}
        )
    if not notes.strip():
        raise BookingError(_("Dites ce qui a été remis en état."))
    ExpoSet.objects.filter(pk=expo_set.pk).update(condition=ExpoSet.Condition.GOOD)
    _updated()
    expo_set.condition = ExpoSet.Condition.GOOD
    activity.record(actor=by, verb="set.repaired", obj=expo_set, scope=SCOPE)
    from expo_booking.tasks import offer_freed_slot as task

    # Bookable again: the waitlist gets the first offer.
    transaction.on_commit(lambda: task.delay(set_id=expo_set.pk))
    return ConditionEntry.objects.create(
        expo_set=expo_set,
        kind=ConditionEntry.Kind.REPAIR,
        condition=ExpoSet.Condition.GOOD,
        notes=notes.strip(),
        caf_id=expo_set.location_id,
        by=by,
    )


# Maintenance periods ---------------------------------------------------------------------
@transaction.atomic
def blackout_create(*, expo_set: ExpoSet, by, starts_on, ends_on, reason: str) -> Blackout:
    """A maintenance period on a set, refused over a booking's blocked days (transport
    included): the set's row is locked first, as the booking service does."""
    _require(by, "expo_booking.repair_set", expo_set)
    _lock(expo_set)
    if ends_on < timezone.localdate():
        raise BookingError(_("Cette période est déjà passée."))
    booking = (
        Booking.objects.filter(
            expo_set=expo_set,
            status__in=Booking.HOLDING,
            blocked_from__lte=ends_on,
            blocked_until__gte=starts_on,
        )
        .select_related("caf")
        .order_by("blocked_from")
        .first()
    )
    if booking is not None:
        raise BookingError(
            _(
                "Le jeu %(code)s est réservé par %(caf)s du %(start)s au %(end)s (transport "
                "compris : du %(from)s au %(until)s). Choisissez d'autres dates, ou annulez "
                "d'abord cette réservation."
            )
            % {
                "code": expo_set.code,
                "caf": booking.caf.name,
                "start": booking.starts_on.strftime("%d/%m/%Y"),
                "end": booking.ends_on.strftime("%d/%m/%Y"),
                "from": booking.blocked_from.strftime("%d/%m/%Y"),
                "until": booking.blocked_until.strftime("%d/%m/%Y"),
            }
        )
    other = Blackout.objects.filter(
        expo_set=expo_set, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if other is not None:
        raise BookingError(
            _("Le jeu %(code)s est déjà indisponible du %(start)s au %(end)s (%(reason)s).")
            % {
                "code": expo_set.code,
                "start": other.starts_on.strftime("%d/%m/%Y"),
                "end": other.ends_on.strftime("%d/%m/%Y"),
                "reason": other.reason,
            }
        )
    blackout = Blackout.objects.create(
        expo_set=expo_set, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()
    )
    activity.record(actor=by, verb="set.blackout_created", obj=expo_set, scope=SCOPE)
    return blackout


@transaction.atomic
def blackout_delete(*, blackout: Blackout, by) -> None:
    """End a maintenance period: the set is free again, the waitlist gets the first offer."""
    _require(by, "expo_booking.repair_set", blackout.expo_set)
    set_id = blackout.expo_set_id
    activity.record(actor=by, verb="set.blackout_deleted", obj=blackout.expo_set, scope=SCOPE)
    blackout.delete()
    from expo_booking.tasks import offer_freed_slot as task

    transaction.on_commit(lambda: task.delay(set_id=set_id))


# Waitlist ---------------------------------------------------------------------------------
@transaction.atomic
def waitlist_join(*, by, caf: Caf, request: Request) -> WaitlistEntry:
    _require(by, "expo_booking.book_for", caf)
    policy = Policy.current()
    season = check_request(request=request, policy=policy)
    check_quota(caf=caf, season=season)
    if allocation_order(
        caf=caf, starts_on=request.starts_on, ends_on=request.ends_on, policy=policy
    ):
        raise BookingError(_("Un jeu est libre sur ces dates : réservez-le directement."))
    if WaitlistEntry.objects.filter(
        caf=caf,
        status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
        starts_on__lte=request.ends_on,
        ends_on__gte=request.starts_on,
    ).exists():
        raise BookingError(_("Votre Caf attend déjà un jeu sur des dates qui se chevauchent."))
    entry = WaitlistEntry.objects.create(caf=caf, requested_by=by, **request.fields())
    activity.record(actor=by, verb="waitlist.joined", obj=entry, scope=SCOPE)
    return entry


def _request_of(entry: WaitlistEntry) -> Request:
    return Request(
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        use=entry.use,
        expected_visitors=entry.expected_visitors,
        venue=entry.venue,
        contact_name=entry.contact_name,
        contact_phone=entry.contact_phone,
        contact_email=entry.contact_email,
        delivery_address=entry.delivery_address,
    )


def offer_freed_slot(*, expo_set: ExpoSet, now: datetime | None = None) -> WaitlistEntry | None:
    """Offer a set that became free to the first waiting request it can serve; the offer holds
    the set for the policy's hours (48 by default)."""
    now = now or timezone.now()
    policy = Policy.current()
    today = timezone.localdate(now)
    waiting = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.WAITING, starts_on__gte=today
    ).select_related("caf", "requested_by")
    for entry in waiting.order_by("created_at", "pk"):
        with transaction.atomic():
            _lock(expo_set)
            entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
            if entry.status != WaitlistEntry.Status.WAITING:
                continue
            blocked_from, blocked_until = blocked_range(entry.starts_on, entry.ends_on, policy)
            if conflicts(expo_set, blocked_from, blocked_until):
                continue
            try:
                season = season_for(entry.starts_on, entry.ends_on)
                check_quota(caf=entry.caf, season=season)  # a Caf at its quota is skipped
                booking = _create(
                    expo_set=expo_set,
                    caf=entry.caf,
                    season=season,
                    by=entry.requested_by,
                    request=_request_of(entry),
                    policy=policy,
                    status=Booking.Status.OFFERED,
                    offer_expires_at=now + timedelta(hours=policy.offer_hours),
                )
            except BookingError:
                continue
            entry.status, entry.offered_booking = WaitlistEntry.Status.OFFERED, booking
            entry.save(update_fields=["status", "offered_booking"])
            notifications.notify(
                users=[entry.requested_by] if entry.requested_by_id else [],
                template="expo_booking/emails/slot_offered",
                context={
                    **_email_context(booking),
                    "expires_at": timezone.localtime(booking.offer_expires_at).strftime(
                        "%d/%m/%Y à %H:%M"
                    ),
                },
            )
            return entry
    return None


@transaction.atomic
def offer_accept(*, entry: WaitlistEntry, by) -> Booking:
    _require(by, "expo_booking.manage_booking", entry)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    booking = entry.offered_booking
    expired = _("La proposition a expiré : la place a été proposée à une autre Caf.")
    if entry.status == WaitlistEntry.Status.EXPIRED:
        raise BookingError(expired)
    if entry.status != WaitlistEntry.Status.OFFERED or booking is None:
        raise BookingError(_("Aucune place n'est proposée à cette demande."))
    booking = (
        Booking.objects.select_for_update().select_related("expo_set", "caf").get(pk=booking.pk)
    )
    if booking.status != Booking.Status.OFFERED or booking.offer_expires_at < timezone.now():
        raise BookingError(expired)
    check_quota(caf=booking.caf, season=booking.season, exclude=booking)
    policy = Policy.current()
    booking.status = Booking.Status.CONFIRMED if policy.auto_confirm else Booking.Status.REQUESTED
    booking.offer_expires_at = None
    booking.requested_by = by
    booking.save(update_fields=["status", "offer_expires_at", "requested_by"])
    entry.status = WaitlistEntry.Status.ACCEPTED
    entry.save(update_fields=["status"])
    if booking.status == Booking.Status.CONFIRMED:
        booking.confirmed_at = timezone.now()
        booking.save(update_fields=["confirmed_at"])
        rechain(expo_set=booking.expo_set)
        _notify_confirmed(booking)
    activity.record(actor=by, verb="waitlist.accepted", obj=booking, scope=SCOPE)
    return booking


@transaction.atomic
def waitlist_withdraw(*, entry: WaitlistEntry, by) -> WaitlistEntry:
    _require(by, "expo_booking.manage_booking", entry)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status not in (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED):
        raise BookingError(_("Cette demande n'est plus en attente."))
    offered = entry.offered_booking if entry.status == WaitlistEntry.Status.OFFERED else None
    entry.status = WaitlistEntry.Status.WITHDRAWN
    entry.save(update_fields=["status"])
    if offered is not None and offered.status == Booking.Status.OFFERED:
        Booking.objects.filter(pk=offered.pk).update(
            status=Booking.Status.CANCELLED,
            cancel_reason=_("Proposition déclinée"),
            cancelled_at=timezone.now(),
        )
        _updated()
        from expo_booking.tasks import offer_freed_slot as task

        transaction.on_commit(lambda: task.delay(set_id=offered.expo_set_id))
    return entry


def expire_offers(*, now: datetime | None = None) -> int:
    """Cancel the offers not accepted in time and pass each slot on to the next in line."""
    now = now or timezone.now()
    expired = 0
    for booking in Booking.objects.filter(
        status=Booking.Status.OFFERED, offer_expires_at__lt=now
    ).select_related("expo_set"):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, status=Booking.Status.OFFERED).update(
                status=Booking.Status.CANCELLED,
                cancel_reason=_("Proposition expirée"),
                cancelled_at=now,
            )
            if not claimed:
                continue
            WaitlistEntry.objects.filter(offered_booking=booking).update(
                status=WaitlistEntry.Status.EXPIRED
            )
            _updated()
        expired += 1
        offer_freed_slot(expo_set=booking.expo_set, now=now)
    return expired


# After the exhibition, the digital kit ----------------------------------------------------
@transaction.atomic
def feedback_submit(
    *,
    booking: Booking,
    by,
    visitors: int,
    agents_reached: int,
    sessions_run: int,
    satisfaction: int,
    comments: str = "",
) -> Feedback:
    _require(by, "expo_booking.manage_booking", booking)
    if booking.status not in (Booking.Status.ON_SITE, Booking.Status.RETURNED):
        raise BookingError(_("Le retour se donne une fois l'exposition accueillie."))
    if not 1 <= satisfaction <= 5:
        raise BookingError(_("La satisfaction se note de 1 à 5."))
    if min(visitors, agents_reached, sessions_run) < 0:
        raise BookingError(_("Les nombres ne peuvent pas être négatifs."))
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                booking=booking,
                visitors=visitors,
                agents_reached=agents_reached,
                sessions_run=sessions_run,
                satisfaction=satisfaction,
                comments=comments.strip(),
                by=by,
            )
    except IntegrityError:
        raise BookingError(_("Le retour de cette exposition est déjà enregistré.")) from None
    activity.record(actor=by, verb="booking.feedback", obj=booking, scope=SCOPE)
    return feedback


# The malette numérique: one transaction each, the file checked by its content first.
@transaction.atomic
def kit_version_add(*, resource: KitResource, by, version: str, notes: str, upload) -> KitVersion:
    _require(by, "expo_booking.manage_kit", resource)
    kind = files.validate_upload(upload)
    version = version.strip()
    duplicate = ValidationError(
        {
            "version": _("La version %(version)s de « %(title)s » existe déjà.")
            % {"version": version, "title": resource.title}
        }
    )
    if KitVersion.objects.filter(resource=resource, version=version).exists():
        raise duplicate
    try:
        with transaction.atomic():
            created = KitVersion.objects.create(
                resource=resource,
                version=version,
                notes=notes.strip(),
                file=upload,
                name=upload.name[:200],
                size=upload.size,
                content_type=kind.content_type,
                uploaded_by=by,
            )
    except IntegrityError:  # the same version sent twice at once
        raise duplicate from None
    activity.record(actor=by, verb="kit.version_added", obj=created, scope=SCOPE)
    return created


@transaction.atomic
def kit_resource_add(*, by, data: dict, upload) -> KitVersion:
    _require(by, "expo_booking.manage_kit")
    resource = KitResource.objects.create(
        title=data["title"].strip(),
        kind=data["kind"],
        description=data["description"].strip(),
        position=data["position"] or 0,
    )
    return kit_version_add(
        resource=resource, by=by, version=data["version"], notes=data["notes"], upload=upload
    )


def kit_download(*, version: KitVersion, by) -> KitDownload:
    """Count a download of the malette (per Caf, no person recorded)."""
    _require(by, "expo_booking.view_kit", version)
    return KitDownload.objects.create(version=version, caf_id=by.caf_id)


# Reminders (beat) ---------------------------------------------------------------------------
def reminders(*, today: date | None = None) -> dict[str, int]:
    """Daily: before a booking starts, before a hand-over ships, and for overdue sets."""
    today = today or timezone.localdate()
    policy = Policy.current()
    horizon = today + timedelta(days=policy.reminder_days)
    sent = {"start": 0, "ship": 0, "overdue": 0}
    for booking in Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        starts_on__gt=today,
        starts_on__lte=horizon,
        start_reminded_on__isnull=True,
        requested_by__isnull=False,
    ).select_related("expo_set", "caf", "requested_by"):
        if Booking.objects.filter(pk=booking.pk, start_reminded_on__isnull=True).update(
            start_reminded_on=today
        ):
            notifications.notify(
                users=[booking.requested_by],
                template="expo_booking/emails/start_reminder",
                context=_email_context(booking),
            )
            sent["start"] += 1
    for handover in HandOver.objects.filter(
        shipped_at__isnull=True,
        ship_on__gte=today,
        ship_on__lte=horizon,
        ship_reminded_on__isnull=True,
        booking__status=Booking.Status.CONFIRMED,
    ).select_related("from_booking__requested_by", "booking__expo_set", "booking__caf"):
        if not HandOver.objects.filter(pk=handover.pk, ship_reminded_on__isnull=True).update(
            ship_reminded_on=today
        ):
            continue
        sender = handover.from_booking.requested_by if handover.from_booking else None
        recipients = (
            [sender] if sender else list(User.objects.filter(role=User.Role.CAFLAB, is_active=True))
        )
        notifications.notify(
            users=recipients,
            template="expo_booking/emails/ship_reminder",
            context={
                **_email_context(handover.booking),
                "ship_on": handover.ship_on.strftime("%d/%m/%Y"),
            },
        )
        sent["ship"] += 1
    overdue = Booking.objects.filter(
        status=Booking.Status.ON_SITE, blocked_until__lt=today, requested_by__isnull=False
    ).filter(Q(overdue_reminded_on__isnull=True) | Q(overdue_reminded_on__lt=today))
    for booking in overdue.select_related("expo_set", "caf", "requested_by"):
        if (
            Booking.objects.filter(pk=booking.pk)
            .filter(Q(overdue_reminded_on__isnull=True) | Q(overdue_reminded_on__lt=today))
            .update(overdue_reminded_on=today)
        ):
            notifications.notify(
                users=[booking.requested_by],
                template="expo_booking/emails/overdue",
                context=_email_context(booking),
            )
            sent["overdue"] += 1
    if any(sent.values()):
        _updated()  # the reminders' dates, written with update()
    return sent
