"""What every page of a project shares: who must log in, the project the user may see (404
otherwise), the right to act on it (403 otherwise), and small helpers of the templates."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

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


def require(user, perm: str, obj=None) -> None:
    """A missing right on something the user sees: 403."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


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


def optional_url(name: str, **kwargs) -> str:
    """The address of a page another part of the portal serves, or "" while it does not."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def related_or_none(obj, name: str):
    """A reverse one-to-one (kit, bilan) read by select_related: None when there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back after an action posted from another page (the review list)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def paginate(request: HttpRequest, items, per_page: int, *, param: str = "page") -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_without(request: HttpRequest, *params: str) -> str:
    query = request.GET.copy()
    for param in params:
        query.pop(param, None)
    return query.urlencode()


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)
