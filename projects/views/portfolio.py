"""The portfolio: every project the user may see, filtered like a faceted search (each value
with its number of projects), searched, paginated, charted by stage and exported."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _, gettext_lazy

from caflab import charts, exports, fragments
from projects import selectors
from projects.forms.project import portfolio_filters
from projects.models import Project
from projects.views.project_common import ProjectsView, query_without

PAGE_SIZE = 24
MAX_SEARCH = 100
FACET_LABELS = {
    "programme": gettext_lazy("Programme"),
    "kind": gettext_lazy("Type"),
    "stage": gettext_lazy("Étape"),
    "theme": gettext_lazy("Thème"),
    "region": gettext_lazy("Région"),
    "year": gettext_lazy("Année"),
}
FACET_ALL = {
    "programme": gettext_lazy("Tous les programmes"),
    "kind": gettext_lazy("Tous les types"),
    "stage": gettext_lazy("Toutes les étapes"),
    "theme": gettext_lazy("Tous les thèmes"),
    "region": gettext_lazy("Toutes les régions"),
    "year": gettext_lazy("Toutes les années"),
}


def search_text(request: HttpRequest) -> str:
    return " ".join((request.GET.get("q") or "").split())[:MAX_SEARCH]


def facet_rows(facets: list[selectors.Facet], filters: dict) -> list[dict]:
    """Each filter for the template: its values with their number of projects (the values
    without any project are left out, unless chosen), and the one chosen."""
    rows = []
    for facet in facets:
        chosen = filters.get(facet.name, "")
        options = [
            {"value": value, "label": label, "count": count, "selected": value == chosen}
            for value, label, count in facet.options
            if count or value == chosen
        ]
        rows.append(
            {
                "name": facet.name,
                "label": FACET_LABELS[facet.name],
                "all_label": FACET_ALL[facet.name],
                "options": options,
                "chosen": chosen,
            }
        )
    return rows


def active_filters(request: HttpRequest, rows: list[dict], search: str) -> list[dict]:
    """The filters in use, each with the address of the portfolio without it (the others
    kept): « Étape : Incubation ✕ »."""
    active = []
    for row in rows:
        if not row["chosen"]:
            continue
        label = next((o["label"] for o in row["options"] if o["selected"]), row["chosen"])
        active.append(
            {
                "label": row["label"],
                "value": label,
                "query": query_without(request, row["name"], "page"),
            }
        )
    if search:
        active.append(
            {"label": _("Recherche"), "value": search, "query": query_without(request, "q", "page")}
        )
    return active


def with_format(query: str, fmt: str) -> str:
    return f"{query}&format={fmt}" if query else f"format={fmt}"


def stage_chart(counts: dict) -> charts.Chart:
    """Projects per stage for the current filters and search (selectors.portfolio_counts)."""
    return charts.bar_chart(
        title=_("Projets par étape"),
        labels=Project.Stage.labels,
        values=[counts.get(stage, 0) for stage in Project.Stage.values],
    )


def once(compute):
    """A value computed on first use only (inside a cached fragment: not at all when the
    fragment is in the cache)."""
    return SimpleLazyObject(compute)


class ProjectListView(ProjectsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        filters, search = portfolio_filters(request.GET), search_text(request)
        visibility = selectors.visibility_key(user)
        counts = selectors.portfolio_counts(user=user, filters=filters, search=search)
        projects = selectors.project_list(user=user, filters=filters, search=search)
        # The number of projects is the chart's total: no count query of its own.
        paginator = Paginator(projects, PAGE_SIZE)
        paginator.count = sum(counts["chart"].values())
        page = paginator.get_page(request.GET.get("page"))
        rows = once(
            lambda: facet_rows(
                selectors.portfolio_facets(
                    user=user, filters=filters, search=search, counts=counts
                ),
                filters,
            )
        )
        export_query = query_without(request, "page", "format")
        return render(
            request,
            "projects/portfolio.html",
            {
                "cache_version": fragments.version_key("projects", "caflab"),
                "cache_vary": repr(
                    (visibility, sorted(request.GET.lists()), page.number, timezone.localdate())
                ),
                "page_obj": page,
                "projects": page.object_list,
                "facets": rows,
                "active_filters": once(lambda: active_filters(request, rows, search)),
                "search": search,
                "filtered": bool(filters or search),
                "query": query_without(request, "page"),
                "csv_query": with_format(export_query, "csv"),
                "xlsx_query": with_format(export_query, "xlsx"),
                "stage_chart": once(lambda: stage_chart(counts["chart"])),
                "can_create": user.has_perm("projects.create_project"),
                "can_review": user.has_perm("projects.review_indicator"),
            },
        )


def export_columns(request: HttpRequest) -> list[exports.Column]:
    def cafs(project: Project) -> str:
        return ", ".join(f"{caf.name} ({caf.number})" for caf in project.cafs.all())

    return exports.columns_from(
        [
            (_("Titre"), "title"),
            (_("Programme"), "programme__name"),
            (_("Type"), "get_kind_display"),
            (_("Thème"), "get_theme_display"),
            (_("Étape"), "get_stage_display"),
            (_("Étape atteinte le"), "stage_changed_on"),
            (_("Caf porteuses"), cafs),
            (_("Région"), "region__name"),
            (_("Territoires"), "territories"),
            (_("Direction commanditaire"), "sponsor"),
            (_("Début"), "started_on"),
            (_("Fin"), "ended_on"),
            (_("Publié"), "is_published"),
            (_("Page du projet"), lambda p: request.build_absolute_uri(p.get_absolute_url())),
        ]
    )


class ProjectExportView(ProjectsView):
    """The filtered portfolio as CSV or XLSX (`?format=csv|xlsx`, the other filters kept)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        projects = selectors.project_list(
            user=request.user,
            filters=portfolio_filters(request.GET),
            search=search_text(request),
        )
        return exports.export_response(
            fmt=request.GET.get("format", "csv"),
            filename_stem=f"portefeuille-projets-{timezone.localdate():%Y-%m-%d}",
            rows=projects,
            columns=export_columns(request),
            sheet_title=_("Portefeuille"),
        )
