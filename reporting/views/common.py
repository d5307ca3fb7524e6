"""What every page of /rapports/ shares: anonymous visitors go to the login page, whoever is
not of the CafLab team gets a 403 (`reporting.access_reports`), a year out of the report's range
is a 404; and the reads of the pages (reporting has no selectors module yet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from reporting.models import ReportRun
from reporting.services import ReportError, check_year


class ReportsView(View):
    """A page of the annual report: the CafLab team's only."""

    perm = "reporting.access_reports"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, self.perm)
        return super().dispatch(request, *args, **kwargs)


def require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def year_or_404(year: int) -> int:
    try:
        check_year(year)
    except ReportError:
        raise Http404 from None
    return year


def run_or_404(pk: int) -> ReportRun:
    return get_object_or_404(ReportRun.objects.select_related("requested_by"), pk=pk)


def run_list() -> QuerySet[ReportRun]:
    """Every build, the most recent first, with who asked for it."""
    return ReportRun.objects.select_related("requested_by").order_by("-requested_at", "-pk")


def latest_runs() -> dict[tuple[int, str], dict[str, ReportRun]]:
    """For each (year, document): its last build and its last finished one, in one query."""
    same_document = ReportRun.objects.filter(year=OuterRef("year"), kind=OuterRef("kind")).order_by(
        "-requested_at", "-pk"
    )
    last = Subquery(same_document.values("pk")[:1])
    last_done = Subquery(same_document.filter(status=ReportRun.Status.DONE).values("pk")[:1])
    runs = ReportRun.objects.filter(Q(pk=last) | Q(pk=last_done)).order_by("-requested_at", "-pk")
    latest: dict[tuple[int, str], dict[str, ReportRun]] = {}
    for run in runs:
        entry = latest.setdefault((run.year, run.kind), {})
        entry.setdefault("last", run)
        if run.status == ReportRun.Status.DONE:
            entry.setdefault("done", run)
    return latest


def paginate(request: HttpRequest, items, per_page: int, *, param: str = "page") -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


@dataclass(frozen=True)
class StepDone:
    label: str
    at: datetime | None


def steps_of(run: ReportRun) -> list[StepDone]:
    """The steps the build went through, with their local time (stored as ISO strings)."""
    steps = []
    for step in run.steps or []:
        if not isinstance(step, dict):
            continue
        at = None
        try:
            at = timezone.localtime(datetime.fromisoformat(step.get("at") or ""))
        except (TypeError, ValueError):
            at = None
        steps.append(StepDone(label=str(step.get("label") or ""), at=at))
    return steps


def inline_image_response(field_file) -> FileResponse:
    """A picture of the report for an <img> on a staff page (never a public media URL)."""
    if not field_file:
        raise Http404
    name = field_file.name.lower()
    content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
