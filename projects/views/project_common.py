"""What every page of a project shares: who must log in, the project the user may see (404
otherwise), the right to act on it (403 otherwise), and small helpers of the templates."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from caflab.view_tools import (  # shared by every app's views
    error_text as error_text,
    paginate as paginate,
    query_without as query_without,
    related_or_none as related_or_none,
    require as require,
)
from projects.models import Project
from projects.selectors import visible_projects


class ProjectsView(View):
    """A page of the portfolio: anonymous visitors go to the login page."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


class ProjectActionView(ProjectsView):
    """A form or an action on one project, found by its address: 404 when the user may not
    see the project (as for one that does not exist), 403 without `perm` on it."""

    perm = "projects.change_project"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            self.project = project_or_404(request.user, kwargs["slug"])
            if self.perm:
                require(request.user, self.perm, self.project)
        return super().dispatch(request, *args, **kwargs)

    def back(self, anchor: str = "") -> HttpResponse:
        return redirect(project_url(self.project, anchor))


def project_or_404(user, slug: str) -> Project:
    """The project alone (no page prefetch): what an action needs."""
    project = (
        visible_projects(user=user)
        .select_related("programme", "region", "cohort")
        .filter(slug=slug)
        .first()
    )
    if project is None:
        raise Http404
    return project


def rights(user, project: Project) -> dict:
    """What the templates show or hide about one project: one check per right, not per row."""
    return {
        "can_see_internal": user.has_perm("projects.view_project_internal", project),
        "can_change": user.has_perm("projects.change_project", project),
        "can_change_stage": user.has_perm("projects.change_stage", project),
        "can_report": user.has_perm("projects.report_indicator", project),
        "can_review": user.has_perm("projects.review_indicator", project),
        "can_publish_assessment": user.has_perm("projects.publish_assessment", project),
        "is_staff": bool(user.is_caflab_staff),
    }


def project_url(project: Project, anchor: str = "") -> str:
    url = reverse("projects:project-detail", kwargs={"slug": project.slug})
    return f"{url}#{anchor}" if anchor else url


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back after an action posted from another page (the review list)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
