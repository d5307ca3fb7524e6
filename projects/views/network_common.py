"""What every network page of the projects' space shares: login, the right to open the page
(403 otherwise), pagination, error texts, and the partner search's suggestions."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.views import View

from caflab.view_tools import (  # shared by every app's views
    error_text as error_text,
    paginate as paginate,
    query_without as query_without,
    require as require,
)
from projects import selectors
from projects.models import Helper, Need


class NetworkView(LoginRequiredMixin, View):
    """A logged-in page; anonymous visitors go to the login page. `permission`: a right the
    page needs whatever the object (403 without it)."""

    permission: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission:
            require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


def suggestions(needs: list[Need], helpers: list[Helper]) -> None:
    """Give each need of a page its suggested organisations (`need.suggested`, nearest first,
    see selectors.rank_helpers) and the others (`need.others`), from helpers read once."""
    for need in needs:
        ranked = selectors.rank_helpers(helpers, regions=selectors.regions_of(need.project))
        need.suggested = [h for h in ranked if need.kind in (h.kinds or [])]
        need.others = [h for h in ranked if need.kind not in (h.kinds or [])]
