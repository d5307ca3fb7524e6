"""What the malette, waitlist, follow-up and statistics pages of Caf'IA share: login, the right
to open the page (403 otherwise), the tabs each user sees, pagination and error texts."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from caflab.models import Caf
from caflab.view_tools import (  # shared by every app's views
    error_text as error_text,
    paginate as paginate,
    query_without as query_without,
    require as require,
    serve as serve,
)
from expo_booking import feeds


class ExpoView(LoginRequiredMixin, View):
    """A logged-in page; anonymous visitors go to the login page. `permission`: a right the
    page needs whatever the object (403 without it)."""

    permission: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission:
            require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


def tabs(user, current: str) -> dict:
    """The tabs of the Caf'IA pages this user may open, for the template's navigation."""
    return {
        "section": current,
        "can_follow": user.has_perm("expo_booking.confirm_booking"),
        "can_see_statistics": user.has_perm("expo_booking.view_statistics"),
    }


def asked_year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def feed_url(caf: Caf) -> str:
    """The address of a Caf's iCal feed (its signed token inside), for its agents' pages."""
    return reverse(
        "expo_booking:caf-feed", kwargs={"number": caf.number, "token": feeds.feed_token(caf)}
    )
