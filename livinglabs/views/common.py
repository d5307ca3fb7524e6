"""What every living lab page shares: who must log in, the lab or workshop the user may see
(404 otherwise), the right to act on it (403 otherwise), and small helpers of the templates."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views import View

from caflab import charts
from caflab.view_tools import (  # shared by every app's views
    error_text as error_text,
    paginate as paginate,
    query_without as query_without,
    require as require,
)
from livinglabs import selectors
from livinglabs.models import Contribution, Lab, Workshop


class LabsView(View):
    """A page of the living labs. Every page but the public ones sends anonymous visitors to the
    login page."""

    public = False

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.public and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


def rights(user, lab: Lab) -> dict:
    """What the templates show or hide about one lab: one check per right, not one per row."""
    return {
        "can_view_work": user.has_perm("livinglabs.view_lab_work", lab),
        "can_manage": user.has_perm("livinglabs.manage_lab", lab),
        "can_see_members": user.has_perm("livinglabs.view_members", lab),
        "can_see_dashboard": user.has_perm("livinglabs.view_lab_dashboard", lab),
    }


def lab_with_counts(slug: str) -> Lab:
    """The lab of a public page, with its counts of active members and workshops (lab_list's
    annotations) and its facilitators: two queries."""
    lab = selectors.lab_list().filter(slug=slug).prefetch_related("facilitators").first()
    if lab is None:
        raise Http404
    return lab


def workshop_or_404(user, pk: int) -> Workshop:
    """A workshop, for whoever may see its lab's work: 404 for everyone else, as for a workshop
    that does not exist."""
    workshop = selectors.workshop_get(pk=pk)
    if not user.has_perm("livinglabs.view_lab_work", workshop):
        raise Http404
    return workshop


def contribution_or_404(user, pk: int) -> Contribution:
    contribution = selectors.contribution_list().filter(pk=pk).first()
    if contribution is None or not user.has_perm("livinglabs.view_lab_work", contribution):
        raise Http404
    return contribution


def can_follow_up(user, obj) -> bool:
    """The lab's facilitators and the CafLab team record what became of a contribution (the
    rule of services.contribution_set_status)."""
    return user.has_perm("livinglabs.manage_lab", obj) or bool(
        user.is_authenticated and user.is_caflab_staff
    )


def by_month(workshops) -> list[Workshop]:
    """Each workshop with the first day of its month, in the portal's time zone, for
    {% regroup %}."""
    workshops = list(workshops)
    for workshop in workshops:
        workshop.month = timezone.localtime(workshop.starts_at).date().replace(day=1)
    return workshops


def month_label(month) -> str:
    """« janv. 2025 »: the charts' abbreviations, so that the axis stays short."""
    return f"{str(charts.MONTHS).split()[month.month - 1]} {month.year}"
