"""The evaluation dashboard, of one lab (its facilitators, the CafLab team) and of the
collective: figures, SVG charts and their data tables."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from caflab import charts, fragments
from livinglabs import selectors
from livinglabs.models import Contribution, Lab
from livinglabs.views.common import LabsView, month_label, require, rights


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def workshops_chart(evaluation: selectors.Evaluation) -> charts.Chart:
    """One point per month from the first workshop to the last, months without any at 0."""
    counts = {
        timezone.localtime(month).date().replace(day=1) if hasattr(month, "tzinfo") else month: n
        for month, n in evaluation.workshops_per_month
    }
    months = months_between(min(counts), max(counts)) if counts else []
    return charts.line_chart(
        title=_("Ateliers par mois"),
        labels=[month_label(month) for month in months],
        series={_("Ateliers"): [counts.get(month, 0) for month in months]},
    )


def evaluation_context(evaluation: selectors.Evaluation) -> dict:
    by_kind, by_status = evaluation.contributions_by_kind, evaluation.contributions_by_status
    return {
        "evaluation": evaluation,
        "contribution_total": sum(by_kind.values()),
        "workshops_chart": workshops_chart(evaluation),
        "kind_chart": charts.bar_chart(
            title=_("Contributions par nature"),
            labels=Contribution.Kind.labels,
            values=[by_kind.get(kind, 0) for kind in Contribution.Kind.values],
        ),
        "status_chart": charts.bar_chart(
            title=_("Contributions par suite donnée"),
            labels=Contribution.Status.labels,
            values=[by_status.get(status, 0) for status in Contribution.Status.values],
        ),
    }


def cached_evaluation(labs_key, labs) -> selectors.Evaluation:
    """The figures of one lab (`labs_key`: its pk) or of the collective (`labs_key`: "all"),
    computed once per version of the living labs' data and per day."""
    today = timezone.localdate()
    return fragments.cached(
        "livinglabs-evaluation",
        fragments.version_key("livinglabs"),
        lambda: selectors.evaluation(labs=labs, today=today),
        vary=(labs_key, today),
    )


class LabDashboardView(LabsView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        lab = selectors.lab_get(slug=slug)
        require(request.user, "livinglabs.view_lab_dashboard", lab)
        evaluation = cached_evaluation(lab.pk, Lab.objects.filter(pk=lab.pk))
        return render(
            request,
            "livinglabs/lab_dashboard.html",
            {
                "lab": lab,
                "current": "dashboard",
                **evaluation_context(evaluation),
                **rights(request.user, lab),
            },
        )


class CollectiveDashboardView(LabsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        require(request.user, "livinglabs.view_collective")
        # The same page for everyone who may open it: figures and table cached as one
        # fragment (the template), computed only when it is not in the cache.
        context = SimpleLazyObject(
            lambda: {
                "labs": list(selectors.lab_list()),
                **evaluation_context(cached_evaluation("all", Lab.objects.all())),
            }
        )
        return render(
            request,
            "livinglabs/collective_dashboard.html",
            {
                "cache_version": fragments.version_key("livinglabs", "caflab"),
                "today": timezone.localdate().isoformat(),
                "page": context,
            },
        )
