"""What the malette, waitlist, follow-up and statistics pages of Caf'IA share: login, the right
to open the page (403 otherwise), the tabs each user sees, pagination and error texts."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from caflab import files
from caflab.models import Caf
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


def require(user, perm: str, obj=None) -> None:
    """A missing right on something the user sees: 403."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def tabs(user, current: str) -> dict:
    """The tabs of the Caf'IA pages this user may open, for the template's navigation."""
    return {
        "section": current,
        "can_follow": user.has_perm("expo_booking.confirm_booking"),
        "can_see_statistics": user.has_perm("expo_booking.view_statistics"),
    }


def paginate(request: HttpRequest, items, per_page: int, *, param: str = "page") -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_without(request: HttpRequest, *params: str) -> str:
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def asked_year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


def serve(stored) -> HttpResponse:
    """A stored file, after the caller checked the right to it; 404 if the file is gone."""
    try:
        return files.protected_file_response(
            stored.file, filename=stored.name, content_type=stored.content_type
        )
    except FileNotFoundError:  # the row outlived its file: nothing to serve
        raise Http404 from None


def feed_url(caf: Caf) -> str:
    """The address of a Caf's iCal feed (its signed token inside), for its agents' pages."""
    return reverse(
        "expo_booking:caf-feed", kwargs={"number": caf.number, "token": feeds.feed_token(caf)}
    )
