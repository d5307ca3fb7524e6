"""The availability calendar of the 15 sets (a month, a week, or a list to read as text) and
the page of one set: its contents, where it is, its coming months, its condition log, and the
damage reports and repairs.

Another Caf's booking shows as « réservé » with the Caf's name, never its contacts: the
templates read only the booking's dates, Caf and (when the user may open it) status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from expo_booking import selectors, services
from expo_booking.forms.booking import DamageForm, RepairForm
from expo_booking.models import Booking, ConditionPhoto, ExpoSet
from expo_booking.views.booking_common import (
    STATES,
    ExpoView,
    booking_view_rights,
    can_book,
    error_text,
    months_ahead,
    nav,
    period_text,
    periods,
    require,
    serve,
)

VIEWS = ("mois", "semaine", "liste")
SET_MONTHS = 6  # the set's page shows its availability over this many months


# The calendar ---------------------------------------------------------------------------------
@dataclass
class Column:
    day: date
    today: bool

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def label(self) -> str:
        return date_format(self.day, "l j F")


@dataclass
class DayCell:
    """One day of one set as the page shows it."""

    state: str
    text: str  # the full words, for everyone (visible in the week, read aloud in the month)
    url: str = ""  # the booking's page, on the first day of a booking the user may open
    own: bool = False  # a booking of the user's Caf

    @property
    def letter(self) -> str:
        if self.own and self.state == "reserve":
            return "V"  # « votre Caf », in the legend
        return STATES[self.state][1]

    @property
    def css(self) -> str:
        if self.own and self.state == "reserve":
            return f"{STATES[self.state][2]} cafia-jour--votre"
        return STATES[self.state][2]


@dataclass
class Row:
    expo_set: ExpoSet
    cells: list[DayCell]
    items: list = field(default_factory=list)  # the list view's lines


@dataclass
class Line:
    """A line of the list view: a free period, a booking or a maintenance."""

    start: date
    state: str
    text: str
    url: str = ""

    @property
    def state_label(self) -> str:
        return STATES[self.state][0]

    @property
    def css(self) -> str:
        return STATES[self.state][2]


def asked_day(request: HttpRequest) -> date:
    value = request.GET.get("date", "")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()
    return day if 2000 <= day.year <= 2100 else timezone.localdate()


def shown_period(view: str, day: date) -> tuple[date, date, date, date]:
    """(start, end, previous, next): the month or the week (from Monday) around `day`."""
    if view == "semaine":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6), start - timedelta(days=7), start + timedelta(7)
    start = day.replace(day=1)
    end = months_ahead(start, 1)
    return start, end, (start - timedelta(days=1)).replace(day=1), end + timedelta(days=1)


def holder(user, booking: Booking, visible: bool) -> str:
    """« Caf du Finistère », « votre Caf »; for a booking the user may open, its status too."""
    name = _("votre Caf") if booking.caf_id == user.caf_id else booking.caf.name
    if visible:
        return _("%(caf)s, %(status)s") % {
            "caf": name,
            "status": booking.get_status_display().lower(),
        }
    return name


def booking_text(user, booking: Booking, visible: bool, *, state: str) -> str:
    """« réservé — Caf du Finistère »."""
    return _("%(state)s — %(who)s") % {
        "state": STATES[state][0],
        "who": holder(user, booking, visible),
    }


def day_cells(user, row, rights: dict[int, bool]) -> list[DayCell]:
    """The row of a set; a booking the user may open links to its page once, from its first
    day of exhibition shown (or its first transport day, when no exhibition day is shown)."""
    cells = []
    anchors: dict[int, int] = {}  # booking id → index of the cell that links to it
    for index, cell in enumerate(row.cells):
        booking = cell.booking
        if booking is not None:
            visible = rights[booking.pk]
            if visible and (
                booking.pk not in anchors
                or (cell.state == "reserve" and cells[anchors[booking.pk]].state != "reserve")
            ):
                anchors[booking.pk] = index
            cells.append(
                DayCell(
                    state=cell.state,
                    text=booking_text(user, booking, visible, state=cell.state),
                    own=booking.caf_id == user.caf_id,
                )
            )
        elif cell.state == "maintenance":
            cells.append(
                DayCell(state=cell.state, text=_("maintenance — %(why)s") % {"why": cell.label})
            )
        elif cell.state == "indisponible":
            cells.append(
                DayCell(
                    state=cell.state,
                    text=_("indisponible — %(condition)s")
                    % {"condition": row.expo_set.get_condition_display().lower()},
                )
            )
        else:
            cells.append(DayCell(state=cell.state, text=STATES[cell.state][0]))
    for index in anchors.values():
        cells[index].url = row.cells[index].booking.get_absolute_url()
    return cells


def list_lines(user, row, rights: dict[int, bool]) -> list[Line]:
    """The list view of one set: its free periods, bookings and maintenance, in date order."""
    lines = []
    for period in periods(row.cells):
        if period.state == "libre":
            lines.append(Line(start=period.start, state="libre", text=period.text))
        elif period.state == "indisponible":
            lines.append(
                Line(
                    start=period.start,
                    state="indisponible",
                    text=_("%(period)s (%(condition)s)")
                    % {
                        "period": period.text,
                        "condition": row.expo_set.get_condition_display().lower(),
                    },
                )
            )
    for booking in row.bookings:
        visible = rights[booking.pk]
        lines.append(
            Line(
                start=booking.starts_on,
                state="reserve",
                text=_("%(period)s — %(who)s (transport compris : %(blocked)s)")
                % {
                    "period": period_text(booking.starts_on, booking.ends_on),
                    "who": holder(user, booking, visible),
                    "blocked": period_text(booking.blocked_from, booking.blocked_until),
                },
                url=booking.get_absolute_url() if visible else "",
            )
        )
    lines.extend(
        Line(
            start=blackout.starts_on,
            state="maintenance",
            text=_("%(period)s : %(why)s")
            % {"period": period_text(blackout.starts_on, blackout.ends_on), "why": blackout.reason},
        )
        for blackout in row.blackouts
    )
    return sorted(lines, key=lambda line: line.start)


class CalendarView(ExpoView):
    """/expo/: one row per set, one cell per day; `?vue=semaine` a week, `?vue=liste` the same
    month as text; `?date=` any day of the period to show."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        view = request.GET.get("vue", "mois")
        if view not in VIEWS:
            view = "mois"
        start, end, previous, following = shown_period(view, asked_day(request))
        today = timezone.localdate()
        set_rows = selectors.calendar(start=start, end=end)
        rights = booking_view_rights(user, (b for row in set_rows for b in row.bookings))
        title = self.title(view, start, end)
        rows = []
        for set_row in set_rows:
            row = Row(expo_set=set_row.expo_set, cells=[])
            if view == "liste":
                row.items = list_lines(user, set_row, rights)
            else:
                row.cells = day_cells(user, set_row, rights)
            rows.append(row)
        context = {
            "view": view,
            "start": start,
            "end": end,
            "rows": rows,
            "columns": [
                Column(day=start + timedelta(days=n), today=start + timedelta(days=n) == today)
                for n in range((end - start).days + 1)
            ],
            "title": title,
            "period_label": title.lower(),
            "previous_url": self.address(view, previous),
            "next_url": self.address(view, following),
            "today_url": self.address(view, today),
            "view_urls": {name: self.address(name, start) for name in VIEWS},
            **nav(user, "calendar"),
            "legend": [(state, *STATES[state]) for state in STATES],
        }
        return render(request, "expo_booking/calendar/calendar.html", context)

    @staticmethod
    def title(view: str, start: date, end: date) -> str:
        if view == "semaine":
            return _("Semaine %(period)s") % {"period": period_text(start, end)}
        return date_format(start, "F Y").capitalize()

    @staticmethod
    def address(view: str, day: date) -> str:
        query = {"date": day.isoformat()}
        if view != "mois":
            query["vue"] = view
        return f"{reverse('expo_booking:calendar')}?{urlencode(query)}"


# One set ----------------------------------------------------------------------------------------
def render_set(request: HttpRequest, code: str, *, status: int = 200, **forms) -> HttpResponse:
    """The set's page; `forms` are bound forms to show with their errors (status 400)."""
    user = request.user
    expo_set = selectors.set_get(code=code)
    today = timezone.localdate()
    end = months_ahead(today, SET_MONTHS)
    row = next(
        row for row in selectors.calendar(start=today, end=end) if row.expo_set.pk == expo_set.pk
    )
    rights = booking_view_rights(user, row.bookings)
    coming = []
    for period in periods(row.cells):
        text, url = "", ""
        if period.booking is not None:
            visible = rights[period.booking.pk]
            text = holder(user, period.booking, visible)
            if visible and period.state == "reserve":
                url = period.booking.get_absolute_url()
        elif period.state == "maintenance":
            text = period.label
        elif period.state == "indisponible":
            text = expo_set.get_condition_display().lower()
        coming.append({"period": period, "text": text, "url": url})
    can_report = user.has_perm("expo_booking.report_damage", expo_set)
    can_repair = user.has_perm("expo_booking.repair_set", expo_set)
    context = {
        "expo_set": row.expo_set,
        "coming": coming,
        "until": end,
        "log": selectors.condition_log(expo_set=expo_set),
        **nav(user, "calendar"),
        "can_book_set": can_book(user) and expo_set.is_bookable,
        "book_url": f"{reverse('expo_booking:booking-create')}?{urlencode({'expo_set': code})}",
        "has_errors": status >= 400,
        "is_staff": user.is_caflab_staff,
    }
    if can_report:
        context["damage_form"] = forms.get("damage_form") or DamageForm()
    if can_repair and (expo_set.condition != ExpoSet.Condition.GOOD or "repair_form" in forms):
        context["repair_form"] = forms.get("repair_form") or RepairForm()
    return render(request, "expo_booking/set/set_detail.html", context, status=status)


class SetDetailView(ExpoView):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return render_set(request, code)


class SetActionView(ExpoView):
    """A form posted from the set's page: 404 for a set that does not exist, 403 without the
    right on it."""

    action_perm = ""

    def prepare(self, request: HttpRequest, *args, **kwargs) -> None:
        self.expo_set = selectors.set_get(code=kwargs["code"])
        require(request.user, self.action_perm, self.expo_set)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return redirect(self.expo_set)


class DamageReportView(SetActionView):
    action_perm = "expo_booking.report_damage"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = DamageForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_damage(
                    expo_set=self.expo_set,
                    by=request.user,
                    condition=data["condition"],
                    notes=data["notes"],
                    missing_items=data["missing_items"],
                    photos=data["photos"],
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Votre signalement est enregistré : le jeu %(code)s n'est plus proposé "
                        "à la réservation jusqu'à sa remise en état, et l'équipe du CafLab est "
                        "prévenue."
                    )
                    % {"code": self.expo_set.code},
                )
                return redirect(f"{self.expo_set.get_absolute_url()}#carnet")
        return render_set(request, code, status=400, damage_form=form)


class RepairView(SetActionView):
    action_perm = "expo_booking.repair_set"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = RepairForm(request.POST)
        if form.is_valid():
            try:
                services.repair(
                    expo_set=self.expo_set, by=request.user, notes=form.cleaned_data["notes"]
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le jeu %(code)s est remis en état : il peut de nouveau être réservé.")
                    % {"code": self.expo_set.code},
                )
                return redirect(f"{self.expo_set.get_absolute_url()}#carnet")
        return render_set(request, code, status=400, repair_form=form)


class PhotoView(ExpoView):
    """A photo of the condition log, for whoever sees the calendar (never a public address)."""

    def get(self, request: HttpRequest, code: str, pk: int) -> HttpResponse:
        photo = ConditionPhoto.objects.filter(pk=pk, entry__expo_set__code=code).first()
        if photo is None:
            raise Http404
        return serve(photo)
