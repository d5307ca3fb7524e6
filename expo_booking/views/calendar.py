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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext as _

from caflab import fragments
from expo_booking import selectors, services
from expo_booking.forms.booking import DamageForm, RepairForm
from expo_booking.models import Booking, ConditionPhoto, ExpoSet
from expo_booking.rules import visibility_key
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
SETS_PAGE = 20  # the calendar shows this many sets a page (the whole network's sets: 15 to 200)
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

    def html(self, view: str) -> str:
        """The cell's <td>: the week spells the words, the month shows the letter (the words
        in its title and read aloud). Built here rather than in the template: a page has
        hundreds of cells, most of them alike (see CellRenderer)."""
        words = capfirst(self.text)
        if view == "semaine":
            inner = escape(words)
            attrs = ""
        else:
            inner = (
                f'<span aria-hidden="true">{escape(self.letter)}</span>'
                f'<span class="visuellement-cache">{escape(self.text)}</span>'
            )
            attrs = f' title="{escape(words)}"'
        if self.url:
            inner = f'<a href="{escape(self.url)}">{inner}</a>'
        return f'<td class="cafia-jour {escape(self.css)}"{attrs}>{inner}</td>'


class CellRenderer:
    """The cells of a page as HTML, each distinct cell built once (a free day, a day of the same
    booking in transport…)."""

    def __init__(self, view: str) -> None:
        self.view = view
        self.built: dict[tuple, str] = {}

    def __call__(self, cells: list[DayCell]) -> str:
        parts = []
        for cell in cells:
            key = (cell.state, cell.text, cell.url, cell.own)
            found = self.built.get(key)
            if found is None:
                found = self.built[key] = cell.html(self.view)
            parts.append(found)
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped in DayCell.html


@dataclass
class Row:
    expo_set: ExpoSet
    cells: list[DayCell]
    items: list = field(default_factory=list)  # the list view's lines
    cells_html: str = ""


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
    """The day asked by `?date=`; today for anything that is not a date of 2000…2100."""
    value = request.GET.get("date", "")
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        return timezone.localdate()
    return day


def asked_page(request: HttpRequest) -> int:
    """The page of sets asked by `?page=`: the first for anything that is not a page number (a
    number past the last page shows the last)."""
    value = request.GET.get("page", "")
    if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) >= 1:
        return int(value)
    return 1


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
    words = {state: str(STATES[state][0]) for state in STATES}  # translated once per row
    texts: dict[tuple[int, str], str] = {}  # (booking id, state) → its words, built once
    for index, cell in enumerate(row.cells):
        booking = cell.booking
        if booking is not None:
            visible = rights[booking.pk]
            if visible and (
                booking.pk not in anchors
                or (cell.state == "reserve" and cells[anchors[booking.pk]].state != "reserve")
            ):
                anchors[booking.pk] = index
            key = (booking.pk, cell.state)
            if key not in texts:
                texts[key] = booking_text(user, booking, visible, state=cell.state)
            cells.append(
                DayCell(state=cell.state, text=texts[key], own=booking.caf_id == user.caf_id)
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
            cells.append(DayCell(state=cell.state, text=words[cell.state]))
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


@dataclass(frozen=True)
class CalendarWindow:
    """What the calendar shows: a view, a month or a week, a page of sets."""

    view: str
    start: date
    end: date
    page: int
    today: date

    def address(self, *, view: str | None = None, day: date | None = None, page=None) -> str:
        view = view or self.view
        query = {"date": (day or self.start).isoformat()}
        if view != "mois":
            query["vue"] = view
        page = self.page if page is None else page
        if page > 1:
            query["page"] = page
        return f"{reverse('expo_booking:calendar')}?{urlencode(query)}"


class CalendarView(ExpoView):
    """/expo/: one row per set, one cell per day; `?vue=semaine` a week, `?vue=liste` the same
    month as text; `?date=` any day of the period to show; `?page=` the page of sets (SETS_PAGE
    sets a page). A bad value shows the current period, or the first page, never an error.

    The grid (or the list) is the same for every user who gets the same `visibility_key`: it is
    cached under the versions of the exhibition's data and of the Cafs (their names), the
    window and that key; the buttons, the tabs and the legend stay outside."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        view = request.GET.get("vue", "mois")
        if view not in VIEWS:
            view = "mois"
        start, end, previous, following = shown_period(view, asked_day(request))
        today = timezone.localdate()
        window = CalendarWindow(
            view=view, start=start, end=end, page=asked_page(request), today=today
        )
        title = self.title(view, start, end)
        grid = fragments.cached(
            "expo-calendar",
            fragments.version_key("expo_booking", "caflab"),
            lambda: self.grid(user, window, title),
            vary=(
                view,
                start.isoformat(),
                window.page,
                today.isoformat(),
                get_language(),
                visibility_key(user),
            ),
        )
        context = {
            "view": view,
            "start": start,
            "end": end,
            "set_count": grid["count"],
            "grid": mark_safe(grid["html"]),  # noqa: S308 - rendered by a template, escaped
            "title": title,
            "period_label": title.lower(),
            "previous_url": window.address(day=previous),
            "next_url": window.address(day=following),
            "today_url": window.address(day=today),
            "view_urls": {name: window.address(view=name) for name in VIEWS},
            **nav(user, "calendar"),
            "legend": [(state, *STATES[state]) for state in STATES],
        }
        return render(request, "expo_booking/calendar/calendar.html", context)

    @staticmethod
    def grid(user, window: CalendarWindow, title: str) -> dict:
        """The page of sets over the window as HTML (a table, or the list), and the number of
        sets: what the cache keeps."""
        view = window.view
        sets, total, number = selectors.sets_page(number=window.page, size=SETS_PAGE)
        set_rows = selectors.calendar(start=window.start, end=window.end, sets=sets)
        rights = booking_view_rights(user, (b for row in set_rows for b in row.bookings))
        cells_html = CellRenderer(view)
        rows = []
        for set_row in set_rows:
            row = Row(expo_set=set_row.expo_set, cells=[])
            if view == "liste":
                row.items = list_lines(user, set_row, rights)
            else:
                row.cells_html = cells_html(day_cells(user, set_row, rights))
            rows.append(row)
        columns = [
            Column(day=day, today=day == window.today)
            for day in (
                window.start + timedelta(days=n)
                for n in range((window.end - window.start).days + 1)
            )
        ]
        pages = None
        last_page = max(1, -(-total // SETS_PAGE))
        if last_page > 1:
            pages = {
                "number": number,
                "count": last_page,
                "first": (number - 1) * SETS_PAGE + 1,
                "last": (number - 1) * SETS_PAGE + len(sets),
                "previous_url": window.address(page=number - 1) if number > 1 else "",
                "next_url": window.address(page=number + 1) if number < last_page else "",
            }
        html = render_to_string(
            "expo_booking/calendar/includes/grid.html",
            {
                "view": view,
                "rows": rows,
                "columns": columns,
                "set_count": total,
                "pages": pages,
                "period_label": title.lower(),
                "list_url": window.address(view="liste"),
            },
        )
        return {"html": str(html), "count": total}

    @staticmethod
    def title(view: str, start: date, end: date) -> str:
        if view == "semaine":
            return _("Semaine %(period)s") % {"period": period_text(start, end)}
        return date_format(start, "F Y").capitalize()


# One set ----------------------------------------------------------------------------------------
def set_history(user, expo_set: ExpoSet, today: date) -> dict[str, str]:
    """The set's coming months and its condition log, as HTML: the same for every user with the
    same rights (visibility_key), cached until the next write (render_set)."""
    end = months_ahead(today, SET_MONTHS)
    (row,) = selectors.calendar(start=today, end=end, sets=[expo_set])
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
    log = selectors.condition_log(expo_set=expo_set)
    return {
        "coming": str(
            render_to_string(
                "expo_booking/set/includes/coming.html",
                {"expo_set": expo_set, "coming": coming, "until": end},
            )
        ),
        "log": str(
            render_to_string(
                "expo_booking/set/includes/log.html",
                {"expo_set": expo_set, "log": log, "is_staff": user.is_caflab_staff},
            )
        ),
    }


def render_set(request: HttpRequest, code: str, *, status: int = 200, **forms) -> HttpResponse:
    """The set's page; `forms` are bound forms to show with their errors (status 400). Its coming
    months and its log are kept between requests (set_history); the forms stay outside."""
    user = request.user
    expo_set = selectors.set_get(code=code)
    today = timezone.localdate()
    history = fragments.cached(
        "expo-set-history",
        fragments.version_key("expo_booking", "caflab"),
        lambda: set_history(user, expo_set, today),
        vary=(expo_set.pk, today.isoformat(), get_language(), visibility_key(user)),
    )
    can_report = user.has_perm("expo_booking.report_damage", expo_set)
    can_repair = user.has_perm("expo_booking.repair_set", expo_set)
    context = {
        "expo_set": expo_set,
        # Rendered by templates, every value escaped there.
        "history": {name: mark_safe(part) for name, part in history.items()},  # noqa: S308
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
