"""Every non-trivial read of the Caf'IA bookings: the calendar of all sets, one set's
availability, a Caf's bookings, and the statistics of a year."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Prefetch, QuerySet, Sum, Window
from django.http import Http404

from expo_booking.models import (
    Blackout,
    Booking,
    ConditionEntry,
    ExpoSet,
    Feedback,
    KitDownload,
    KitResource,
    KitVersion,
    Policy,
    WaitlistEntry,
)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    last = calendar_module.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def bookings_between(start: date, end: date) -> QuerySet[Booking]:
    """The holding bookings whose blocked days meet [start, end] (the index
    « booking_blocked_window » on blocked_until, blocked_from finds them without a scan)."""
    return (
        Booking.objects.filter(
            status__in=Booking.HOLDING, blocked_from__lte=end, blocked_until__gte=start
        )
        .select_related("caf", "expo_set")
        .order_by("expo_set__code", "starts_on")
    )


@dataclass
class Cell:
    """One day of one set in the calendar."""

    day: date
    state: str  # "libre", "transport", "reserve", "maintenance", "indisponible"
    booking: Booking | None = None
    label: str = ""


@dataclass
class SetRow:
    expo_set: ExpoSet
    cells: list[Cell]
    bookings: list[Booking]
    blackouts: list[Blackout]

    @property
    def free_days(self) -> int:
        return sum(1 for cell in self.cells if cell.state == "libre")


def _cells(expo_set, start: date, end: date, bookings, blackouts) -> list[Cell]:
    """The days of a set from start to end: each period painted over its days once (maintenance,
    then each booking's transport days, then its exhibition days), so the work grows with the
    days shown and the set's bookings in them, not with their product."""
    count = (end - start).days + 1
    state = "libre" if expo_set.is_bookable else "indisponible"
    cells = [Cell(day=start + timedelta(days=n), state=state) for n in range(count)]

    def paint(first: date, last: date, **values) -> None:
        for index in range(max((first - start).days, 0), min((last - start).days, count - 1) + 1):
            cell = cells[index]
            for name, value in values.items():
                setattr(cell, name, value)

    for blackout in blackouts:
        paint(blackout.starts_on, blackout.ends_on, state="maintenance", label=blackout.reason)
    for booking in bookings:
        paint(booking.blocked_from, booking.blocked_until, state="transport", booking=booking)
        paint(booking.starts_on, booking.ends_on, state="reserve", booking=booking)
    return cells


def calendar(*, start: date, end: date, sets=None) -> list[SetRow]:
    """The sets (all of them, or those given: a page of the calendar, one set's page), day by
    day from start to end: three queries whatever the number of sets and bookings, and only the
    bookings and maintenance periods of these sets that meet the period."""
    if sets is None:
        sets = ExpoSet.objects.select_related("location", "home_caf").order_by("code")
    sets = list(sets)
    ids = [expo_set.pk for expo_set in sets]
    by_set: dict[int, list[Booking]] = {}
    blackouts: dict[int, list[Blackout]] = {}
    if ids:
        for booking in bookings_between(start, end).filter(expo_set_id__in=ids):
            by_set.setdefault(booking.expo_set_id, []).append(booking)
        for blackout in Blackout.objects.filter(
            expo_set_id__in=ids, starts_on__lte=end, ends_on__gte=start
        ).order_by("starts_on", "pk"):
            blackouts.setdefault(blackout.expo_set_id, []).append(blackout)
    rows = []
    for expo_set in sets:
        mine, off = by_set.get(expo_set.pk, []), blackouts.get(expo_set.pk, [])
        rows.append(
            SetRow(
                expo_set=expo_set,
                cells=_cells(expo_set, start, end, mine, off),
                bookings=mine,
                blackouts=off,
            )
        )
    return rows


def sets_page(*, number: int, size: int) -> tuple[list[ExpoSet], int, int]:
    """A page of the sets by code (with where they are): (sets, number of sets, page number).
    One query, the total counted alongside; a page past the last gives the last."""
    ordered = (
        ExpoSet.objects.select_related("location", "home_caf")
        .annotate(total=Window(Count("pk")))
        .order_by("code")
    )
    sets = list(ordered[(number - 1) * size : number * size])
    if sets:
        return sets, sets[0].total, number
    total = ExpoSet.objects.count()
    if total == 0:
        return [], 0, 1
    number = -(-total // size)
    return list(ordered[(number - 1) * size : number * size]), total, number


def set_get(*, code: str) -> ExpoSet:
    expo_set = ExpoSet.objects.select_related("location", "home_caf").filter(code=code).first()
    if expo_set is None:
        raise Http404
    return expo_set


def condition_log(*, expo_set: ExpoSet, limit: int = 50) -> list[ConditionEntry]:
    return list(
        expo_set.log.select_related("caf", "by", "booking__caf").prefetch_related("photos")[:limit]
    )


def free_sets(*, starts_on: date, ends_on: date) -> list[ExpoSet]:
    """The sets free over these dates, transport days included (a list for the form)."""
    policy = Policy.current()
    blocked_from = starts_on - timedelta(days=policy.transport_days_before)
    blocked_until = ends_on + timedelta(days=policy.transport_days_after)
    busy = set(
        Booking.objects.filter(
            status__in=Booking.HOLDING,
            blocked_from__lte=blocked_until,
            blocked_until__gte=blocked_from,
        ).values_list("expo_set_id", flat=True)
    ) | set(
        Blackout.objects.filter(
            starts_on__lte=blocked_until, ends_on__gte=blocked_from
        ).values_list("expo_set_id", flat=True)
    )
    return [
        expo_set
        for expo_set in ExpoSet.objects.filter(condition=ExpoSet.Condition.GOOD)
        .select_related("location")
        .order_by("code")
        if expo_set.pk not in busy
    ]


def caf_bookings(*, caf) -> QuerySet[Booking]:
    """A Caf's own bookings, with their hand-over and feedback."""
    return (
        Booking.objects.filter(caf=caf)
        .select_related("expo_set", "season", "handover", "handover__from_caf", "feedback")
        .order_by("-starts_on")
    )


def booking_get(*, user, pk: int) -> Booking:
    """A booking page: the host Caf, its region's referents and the CafLab see it all; other
    agents see that the set is « réservé » on the calendar, not this page."""
    booking = (
        Booking.objects.select_related(
            "expo_set",
            "caf",
            "caf__region",
            "season",
            "requested_by",
            "confirmed_by",
            "handover",
            "handover__from_caf",
            "next_handover",
            "next_handover__booking__caf",
            "feedback",
            "waitlist_entry",
        )
        .filter(pk=pk)
        .first()
    )
    if booking is None or not user.has_perm("expo_booking.view_booking", booking):
        raise Http404
    return booking


def bookings_to_confirm() -> QuerySet[Booking]:
    return (
        Booking.objects.filter(status=Booking.Status.REQUESTED)
        .select_related("expo_set", "caf", "requested_by")
        .order_by("created_at")
    )


def handovers_to_ship(*, caf=None) -> QuerySet:
    from expo_booking.models import HandOver

    qs = HandOver.objects.filter(
        shipped_at__isnull=True, booking__status=Booking.Status.CONFIRMED
    ).select_related("booking__expo_set", "booking__caf", "from_caf")
    if caf is not None:
        qs = qs.filter(from_caf=caf)
    return qs.order_by("ship_on")


def waitlist(*, caf=None) -> QuerySet[WaitlistEntry]:
    qs = WaitlistEntry.objects.select_related("caf", "requested_by", "offered_booking__expo_set")
    if caf is not None:
        qs = qs.filter(caf=caf)
    return qs.order_by("created_at", "pk")


def kit_resources() -> list[KitResource]:
    """The malette numérique: each resource with its versions (latest first) and downloads."""
    versions = KitVersion.objects.annotate(download_count=Count("downloads")).order_by(
        "-created_at", "-pk"
    )
    return list(
        KitResource.objects.filter(is_published=True)
        .prefetch_related(Prefetch("versions", queryset=versions))
        .annotate(download_count=Count("versions__downloads"))
        .order_by("position", "title")
    )


@dataclass
class YearStats:
    year: int
    bookings: int
    host_cafs: int
    caf_count: int
    visitors: int
    agents_reached: int
    sessions_run: int
    satisfaction: float | None
    kit_downloads: int
    by_month: list[tuple[str, int]]
    by_use: list[tuple[str, int]]

    @property
    def host_share(self) -> int:
        return round(100 * self.host_cafs / self.caf_count) if self.caf_count else 0


def year_stats(*, year: int) -> YearStats:
    """The year of the exhibition, from the data: Cafs that hosted it, bookings, visitors."""
    from caflab.models import Caf

    hosted = Booking.objects.filter(
        starts_on__year=year,
        status__in=[Booking.Status.ON_SITE, Booking.Status.RETURNED],
    )
    made = (
        Booking.objects.filter(starts_on__year=year)
        .exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.OFFERED])
        .order_by()
    )
    feedback = Feedback.objects.filter(booking__starts_on__year=year).aggregate(
        visitors=Sum("visitors"),
        agents=Sum("agents_reached"),
        sessions=Sum("sessions_run"),
        satisfaction_sum=Sum("satisfaction"),
        answers=Count("pk"),
    )
    months = dict(
        made.values_list("starts_on__month")
        .annotate(n=Count("pk"))
        .values_list("starts_on__month", "n")
    )
    uses = dict(made.values_list("use").annotate(n=Count("pk")).values_list("use", "n"))
    from django.utils.dates import MONTHS

    return YearStats(
        year=year,
        bookings=made.count(),
        host_cafs=hosted.values("caf").distinct().count(),
        caf_count=Caf.objects.count(),
        visitors=feedback["visitors"] or 0,
        agents_reached=feedback["agents"] or 0,
        sessions_run=feedback["sessions"] or 0,
        satisfaction=(
            round(feedback["satisfaction_sum"] / feedback["answers"], 1)
            if feedback["answers"]
            else None
        ),
        kit_downloads=KitDownload.objects.filter(at__year=year).count(),
        by_month=[(str(MONTHS[m]), months.get(m, 0)) for m in range(1, 13)],
        by_use=[(label, uses.get(value, 0)) for value, label in Booking.Use.choices],
    )
