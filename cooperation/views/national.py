"""Across plans: the evaluation library and the national dashboard of the CafLab team."""

from __future__ import annotations

import posixpath

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _

from caflab import charts, files, fragments
from cooperation import scopes, selectors
from cooperation.forms import ResourceFilterForm
from cooperation.models import Action, AxisTheme, Plan, PlanMember, Resource
from cooperation.views.common import CooperationView, paginate, query_without, require

RESOURCE_PAGE_SIZE = 20
NATIONAL_PAGE_SIZE = 50


class ResourceView(CooperationView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, "cooperation.view_resources", None)
        return super().dispatch(request, *args, **kwargs)


class ResourceListView(ResourceView):
    def get(self, request: HttpRequest) -> HttpResponse:
        themes = list(AxisTheme.objects.all())
        form = ResourceFilterForm(request.GET or None, themes=themes)
        filters = form.filters()
        resources = Resource.objects.filter(is_published=True).prefetch_related("themes")
        if kind := filters.get("kind"):
            resources = resources.filter(kind=kind)
        if theme := filters.get("theme"):
            resources = resources.filter(themes__slug=theme)
        page = paginate(request, resources.distinct(), RESOURCE_PAGE_SIZE)
        return render(
            request,
            "cooperation/resource_list.html",
            {
                "form": form,
                "filtered": bool(filters),
                "page_obj": page,
                "resources": page.object_list,
                "query": query_without(request, "page"),
            },
        )


class ResourceDownloadView(ResourceView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = Resource.objects.filter(pk=pk, is_published=True).exclude(file="").first()
        if resource is None:
            raise Http404
        try:
            return files.protected_file_response(
                resource.file, filename=posixpath.basename(resource.file.name)
            )
        except FileNotFoundError:  # the row outlived its file: nothing to serve
            raise Http404 from None


class NationalDashboardView(CooperationView):
    """Deployment, progress and activity of every Caf's plans, for the CafLab team."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, "cooperation.view_national_dashboard", None)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        """Cached under the version of every plan (any write of COOPération bumps it) and of
        the names they show, by day, language and page: the same for every CafLab staff
        member, and no form in it."""
        today = timezone.localdate()
        try:
            number = max(int(request.GET.get("page") or 1), 1)
        except ValueError:
            number = 1
        body = fragments.cached(
            "cooperation-national",
            fragments.version_key("cooperation", scopes.REFERENCES),
            lambda: national_body(number, today),
            vary=(today.isoformat(), get_language(), number),
        )
        return render(
            request,
            "cooperation/national_dashboard.html",
            {"body": mark_safe(body)},  # noqa: S308 - rendered by national_body
        )


def national_body(number: int, today) -> str:
    summary = national_summary(today)
    page = Paginator(range(summary["plan_count"]), NATIONAL_PAGE_SIZE).get_page(number)
    offset = (page.number - 1) * NATIONAL_PAGE_SIZE
    page.object_list = national_rows(offset, NATIONAL_PAGE_SIZE, today)
    totals, regions = summary["totals"], summary["regions"]
    by_status = [(Action.Status(s).label, totals[s]) for s in Action.Status.values]
    by_status.insert(2, (_("En retard"), totals["late"]))
    return render_to_string(
        "cooperation/includes/national_body.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "plan_count": summary["plan_count"],
            "caf_count": sum(region["cafs"] for region in regions),
            "action_count": totals["total"],
            "by_status": by_status,
            "region_chart": charts.bar_chart(
                title=_("Plans d'action par région"),
                labels=[region["caf__region__name"] for region in regions],
                values=[region["plans"] for region in regions],
            ),
        },
    )


def national_summary(today) -> dict:
    """The national figures: plans, actions by status (late apart), plans and Cafs by region."""
    late = Q(status__in=selectors.LIVE, due_on__lt=today)
    totals = Action.objects.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=late),
        **{status: Count("pk", filter=Q(status=status) & ~late) for status in Action.Status.values},
    )
    regions = list(
        Plan.objects.values("caf__region__name")
        .annotate(plans=Count("pk"), cafs=Count("caf", distinct=True))
        .order_by("caf__region__name")
    )
    return {
        "plan_count": sum(region["plans"] for region in regions),
        "totals": totals,
        "regions": regions,
    }


def national_rows(offset: int, limit: int, today) -> list[Plan]:
    """One page of plans, Caf by Caf, then the figures of these plans only (two grouped
    queries) rather than counting every action of every plan to show fifty."""
    plans = list(
        Plan.objects.select_related("caf", "caf__region").order_by("caf__number", "pk")[
            offset : offset + limit
        ]
    )
    ids = [plan.pk for plan in plans]
    late = Q(status__in=selectors.LIVE, due_on__lt=today)
    counts = {
        row["plan_id"]: row
        for row in Action.objects.filter(plan_id__in=ids)
        .order_by()
        .values("plan_id")
        .annotate(
            action_count=Count("pk"),
            done_count=Count("pk", filter=Q(status=Action.Status.DONE)),
            late_count=Count("pk", filter=late),
            last_change=Max("updated_at"),
        )
    }
    members = dict(
        PlanMember.objects.filter(plan_id__in=ids)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values_list("plan_id", "n")
    )
    for plan in plans:
        row = counts.get(plan.pk, {})
        plan.action_count = row.get("action_count", 0)
        plan.done_count = row.get("done_count", 0)
        plan.late_count = row.get("late_count", 0)
        plan.last_change = row.get("last_change")
        plan.member_count = members.get(plan.pk, 0)
    return plans
