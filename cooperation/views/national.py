"""Across plans: the evaluation library and the national dashboard of the CafLab team."""

from __future__ import annotations

import posixpath

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import charts, files
from cooperation import selectors
from cooperation.forms import ResourceFilterForm
from cooperation.models import Action, AxisTheme, Plan, Resource
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
        today = timezone.localdate()
        page = paginate(request, selectors.national_overview(today), NATIONAL_PAGE_SIZE)
        late = Q(status__in=selectors.LIVE, due_on__lt=today)
        totals = Action.objects.aggregate(
            total=Count("pk"),
            late=Count("pk", filter=late),
            **{
                status: Count("pk", filter=Q(status=status) & ~late)
                for status in Action.Status.values
            },
        )
        regions = list(
            Plan.objects.values("caf__region__name")
            .annotate(plans=Count("pk"), cafs=Count("caf", distinct=True))
            .order_by("caf__region__name")
        )
        by_status = [(Action.Status(s).label, totals[s]) for s in Action.Status.values]
        by_status.insert(2, (_("En retard"), totals["late"]))
        return render(
            request,
            "cooperation/national_dashboard.html",
            {
                "page_obj": page,
                "rows": page.object_list,
                "plan_count": page.paginator.count,
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
