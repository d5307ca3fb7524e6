"""What the calendar and booking pages of the Caf'IA exhibition share: who must log in, who may
see the exhibition at all (agents and the CafLab; partners get a 403), the booking a user may
see (404 otherwise), and small helpers of the views and templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

import rules
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View

from caflab.rules import is_agent, is_referent
from caflab.view_tools import (  # shared by every app's views
    error_text as error_text,
    paginate as paginate,
    related_or_none as related_or_none,
    require as require,
    serve as serve,
)
from expo_booking.models import Booking

# The states of a day in the calendar (selectors.Cell.state): the word, the letter shown in a
# narrow cell, and the CSS class; the letter and the pattern say it without the colour.
STATES = {
    "libre": (gettext_lazy("libre"), "", "cafia-jour--libre"),
    "transport": (gettext_lazy("transport"), "T", "cafia-jour--transport"),
    "reserve": (gettext_lazy("réservé"), "R", "cafia-jour--reserve"),
    "maintenance": (gettext_lazy("maintenance"), "M", "cafia-jour--maintenance"),
    "indisponible": (gettext_lazy("indisponible"), "×", "cafia-jour--indisponible"),
}


class ExpoView(View):
    """A page of the exhibition: anonymous visitors go to the login page, those who may not
    see the calendar (partners, accounts without a Caf) get a 403. `referents`: the page is
    also open to the regional referents (a booking of their région), with or without a Caf."""

    perm = "expo_booking.view_calendar"
    referents = False

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.perm and not (self.referents and is_referent(user)):
            require(user, self.perm)
        self.prepare(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request: HttpRequest, *args, **kwargs) -> None:
        """Load what the page is about (404) and check the right to act on it (403)."""


def can_book(user) -> bool:
    """The CafLab books for any Caf, an agent (or a referent working in a Caf) for their own."""
    return bool(user.is_caflab_staff or is_agent(user))


def nav(user, section: str) -> dict:
    """The tabs of the Caf'IA pages this user may open (the templates' includes/nav.html)."""
    # The rules alone: without an object, user.has_perm would also ask the database backend
    # (two queries) for what only the rules decide.
    return {
        "section": section,
        "can_book": can_book(user),
        "can_follow": rules.has_perm("expo_booking.confirm_booking", user),
        "can_see_statistics": rules.has_perm("expo_booking.view_statistics", user),
    }


def day_label(day: date) -> str:
    return date_format(day, "l j F Y")


def period_text(start: date, end: date) -> str:
    """« du lundi 2 au dimanche 15 mars 2026 », or one day « le lundi 2 mars 2026 »."""
    if start == end:
        return _("le %(day)s") % {"day": day_label(start)}
    if start.year != end.year:
        first = date_format(start, "l j F Y")
    elif start.month != end.month:
        first = date_format(start, "l j F")
    else:
        first = date_format(start, "l j")
    return _("du %(start)s au %(end)s") % {"start": first, "end": day_label(end)}


# Periods: consecutive days of one set in the same state --------------------------------------
@dataclass
class Period:
    start: date
    end: date
    state: str
    booking: Booking | None
    label: str  # the reason of a maintenance

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def text(self) -> str:
        return period_text(self.start, self.end)

    @property
    def state_label(self) -> str:
        return STATES[self.state][0]

    @property
    def css(self) -> str:
        return STATES[self.state][2]


def periods(cells) -> list[Period]:
    """The calendar row of a set as periods: « libre du … au … », « réservé du … au … »."""
    found = []
    key = lambda cell: (cell.state, cell.booking.pk if cell.booking else None, cell.label)  # noqa: E731
    for (state, _pk, label), run in groupby(cells, key=key):
        run = list(run)
        found.append(
            Period(
                start=run[0].day,
                end=run[-1].day,
                state=state,
                booking=run[0].booking,
                label=label,
            )
        )
    return found


def booking_view_rights(user, bookings) -> dict[int, bool]:
    """Which bookings of the calendar the user may open (their Caf's, their région's for a
    referent, all for the CafLab): a dict by id, no query per booking."""
    seen: dict[int, bool] = {}
    for booking in bookings:
        if booking.pk not in seen:
            seen[booking.pk] = user.has_perm("expo_booking.view_booking", booking)
    return seen


def months_ahead(start: date, months: int) -> date:
    """The last day of the `months`-th month from start's (start's month counts as the first)."""
    year, month = start.year, start.month + months
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)
