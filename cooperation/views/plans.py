"""Plans: the list, a new plan, the dashboard with its roadmap, the roadmap's structure and the
retro-planning."""

from __future__ import annotations

import hashlib
from datetime import date

import rules
from django.contrib import messages
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _

from caflab import charts, fragments
from caflab.models import Caf, Organisation
from caflab.rules import is_caflab_staff
from cooperation import scopes, selectors, services
from cooperation.forms import (
    LATE,
    ROADMAP_STATUSES,
    ActionCreateForm,
    AxisForm,
    ObjectiveForm,
    PlanCreateForm,
    PlanFilterForm,
    RoadmapFilterForm,
)
from cooperation.models import Action, Axis, Objective, Plan
from cooperation.views.common import (
    CooperationView,
    PlanView,
    error_text,
    paginate,
    query_without,
    require,
    rights,
)

PAGE_SIZE = 20
SHORT_LIST = 10  # late actions and upcoming deadlines shown on the dashboard
LIGHT_HELP = {
    selectors.ON_TRACK: _(
        "L'avancement suit le temps écoulé et peu d'actions sont en retard (une sur dix au plus)."
    ),
    selectors.AT_RISK: _(
        "L'avancement a plus de 10 points de retard sur le temps écoulé, ou plus d'une action "
        "sur dix est en retard."
    ),
    selectors.OFF_TRACK: _(
        "L'avancement a plus de 25 points de retard sur le temps écoulé, ou plus d'une action "
        "sur quatre est en retard."
    ),
}


def light(dashboard: selectors.Dashboard) -> dict:
    """The status light as text: never conveyed by its colour alone."""
    return light_of(dashboard.light)


def light_of(key: str) -> dict:
    return {"key": key, "label": charts.STATUS_LABELS[key], "help": LIGHT_HELP[key]}


def _overviews(plans: list[Plan], today: date) -> dict[int, dict]:
    """Each plan's dashboard figures from three queries for all of them, whatever their number
    of actions."""
    actions = Action.objects.only("pk", "objective_id", "status", "progress", "weight", "due_on")
    objectives = Objective.objects.only("pk", "axis_id", "weight", "position").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    axes = Axis.objects.only("pk", "plan_id", "weight", "position").prefetch_related(
        Prefetch("objectives", queryset=objectives)
    )
    prefetch_related_objects(plans, Prefetch("axes", queryset=axes))
    result = {}
    for plan in plans:
        dashboard = selectors.plan_dashboard(plan, today)
        result[plan.pk] = {
            "progress": dashboard.progress["plan"],
            "expected": dashboard.expected,
            "light": dashboard.light,
            "late": len(dashboard.late),
            "actions": dashboard.action_count,
        }
    return result


def with_overview(plans: list[Plan]) -> list[Plan]:
    """Each plan with its dashboard figures (`overview`: weighted progress, time elapsed,
    late and all actions; `light`, `late_count`), cached under the versions of these plans and
    the day: two cache reads and no query when cached, three queries for all of them otherwise."""
    if not plans:
        return plans
    today = timezone.localdate()
    ids = [plan.pk for plan in plans]
    versions = fragments.version_key(*(scopes.plan_scope(pk) for pk in ids))
    overviews = fragments.cached(
        "cooperation-plan-overviews",
        hashlib.blake2b(versions.encode(), digest_size=16).hexdigest(),
        lambda: _overviews(plans, today),
        vary=(today.isoformat(), ids),
    )
    for plan in plans:
        plan.overview = overviews[plan.pk]
        plan.light = light_of(plan.overview["light"])
        plan.late_count = plan.overview["late"]
    return plans


def plan_rows(plans: list[Plan]) -> str:
    """The rows of a page of the plan list, cached under the versions of these plans and of
    the names they show, by day and language: the same for whoever may see these plans."""
    if not plans:
        return ""
    today = timezone.localdate()
    ids = [plan.pk for plan in plans]
    versions = fragments.version_key(scopes.REFERENCES, *(scopes.plan_scope(pk) for pk in ids))
    return fragments.cached(
        "cooperation-plan-rows",
        hashlib.blake2b(versions.encode(), digest_size=16).hexdigest(),
        lambda: render_to_string(
            "cooperation/includes/plan_rows.html", {"plans": with_overview(plans)}
        ),
        vary=(today.isoformat(), get_language(), ids),
    )


def roadmap_filters(query: QueryDict) -> dict:
    """The roadmap filters of the address, for selectors.plan_get: an unknown value is ignored
    (an axis of another plan simply matches nothing)."""
    filters: dict = {}
    for key in ("axis", "pilot"):
        try:
            value = int(query.get(key) or 0)
        except ValueError:
            value = 0
        if value > 0:
            filters[key] = value
    if (status := query.get("status", "")) in dict(ROADMAP_STATUSES):
        filters["status"] = status
    return filters


def hides_late(filters: dict) -> bool:
    """« À lancer » and « En cours » are read as « and on time »: a late action shows as « En
    retard » (selectors.plan_get filters on the stored status, which late actions keep)."""
    return filters.get("status") in selectors.LIVE


def gauge_html(value: float | None) -> str:
    """includes/gauge.html, for the rows of a long table (an include per row costs)."""
    if value is None:
        return format_html('<span class="meta">{}</span>', _("non comptée"))
    return format_html(
        '<svg class="coop-jauge" viewBox="0 0 100 1" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect class="coop-jauge__remplie" width="{}" '
        'height="1"/></svg> {}&nbsp;%',
        floatformat(value, "0u"),
        floatformat(value, "-1"),
    )


def status_html(action: Action) -> str:
    """includes/status.html: the status in words, and the « bientôt échue » flag."""
    html = format_html(
        '<span class="etiquette coop-statut coop-statut--{}">{}</span>',
        action.status_key,
        action.status_text,
    )
    if action.soon:
        html += format_html(
            ' <span class="etiquette coop-statut coop-statut--bientot">{}</span>',
            _("Bientôt échue"),
        )
    return mark_safe(html)  # noqa: S308 - two format_html results


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def row_html(action: Action, *, baseline: bool) -> str:
    """One row of the roadmap's tables (a template row per action costs ten times more)."""
    cells = [
        format_html('<th scope="row"><a href="{}">{}</a></th>', action.url, action.title),
        format_html("<td>{}</td>", status_html(action)),
        format_html('<td class="coop-cellule-jauge">{}</td>', gauge_html(action.progress_value)),
        format_html("<td>{}</td>", _day(action.due_on)),
    ]
    if baseline:
        planned = action.baseline_due_on
        if planned is None:
            cells.append(format_html('<td><span class="meta">{}</span></td>', _("ajoutée depuis")))
        elif planned == action.due_on:
            cells.append(format_html("<td>{}</td>", _day(planned)))
        else:
            moved = _("(repoussée)") if action.due_on > planned else _("(avancée)")
            cells.append(
                format_html('<td>{} <span class="coop-ecart">{}</span></td>', _day(planned), moved)
            )
    pilot = action.pilot_organisation
    owner = action.owner
    cells.append(format_html("<td>{}</td>", pilot.name if pilot else "—"))
    cells.append(
        format_html("<td>{}</td>", (owner.get_full_name() or owner.email) if owner else "—")
    )
    return mark_safe("<tr>" + "".join(cells) + "</tr>\n")  # noqa: S308 - format_html cells


def decorate_roadmap(
    plan: Plan, progress: dict, today: date, *, hide_late: bool = False, rows: bool = True
) -> int:
    """What each row of the roadmap shows, computed once (`rows`: its HTML too); returns the
    number of actions shown."""
    count = 0
    base = plan.get_absolute_url()
    baseline = plan.baseline_frozen_at is not None
    for axis in plan.axes.all():
        axis.progress_value = progress["axes"].get(axis.pk)
        axis.gauge = gauge_html(axis.progress_value)
        axis.shown_actions = 0
        for objective in axis.objectives.all():
            objective.progress_value = progress["objectives"].get(objective.pk)
            objective.shown = []
            for action in objective.actions.all():
                action.late = action.is_late(today)
                action.soon = action.is_due_soon(today)
                action.status_key = LATE if action.late else action.status
                action.status_text = action.display_status(today)
                action.progress_value = selectors.action_progress(action)
                action.url = f"{base}actions/{action.pk}/"
                if not (hide_late and action.late):
                    if rows:
                        action.row = row_html(action, baseline=baseline)
                    objective.shown.append(action)
            objective.shown_actions = len(objective.shown)
            axis.shown_actions += objective.shown_actions
        count += axis.shown_actions
    return count


def status_chart(plan: Plan, dashboard: selectors.Dashboard) -> charts.Chart:
    categories = [axis.title for axis, _counts in dashboard.by_axis]
    series = {
        str(label): [counts.get(key, 0) for _axis, counts in dashboard.by_axis]
        for key, label in ROADMAP_STATUSES
    }
    return charts.stacked_bar_chart(
        title=_("Actions par statut et par axe"), categories=categories, series=series
    )


# List and creation ----------------------------------------------------------------------------
def plan_filters(query: list[tuple[str, list[str]]], *, staff: bool) -> tuple[dict, str]:
    """The filters of the plan list read from the address, and the fields of their form."""
    cafs = list(Caf.objects.order_by("number").values_list("number", "name")) if staff else None
    data = QueryDict(mutable=True)
    for key, values in query:
        data.setlist(key, values)
    form = PlanFilterForm(data or None, cafs=cafs)
    fields = render_to_string("cooperation/includes/filter_fields.html", {"form": form})
    return form.filters(), fields


class PlanListView(CooperationView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        staff = is_caflab_staff(user)
        # The filters read and their fields (a long list of Cafs for the staff): a GET form,
        # no token in it, validated once per query.
        query = sorted((key, request.GET.getlist(key)) for key in ("kind", "status", "caf"))
        filters, filter_fields = fragments.cached(
            "cooperation-plan-list-filters",
            fragments.version_key(scopes.REFERENCES),
            lambda: plan_filters(query, staff=staff),
            vary=(staff, get_language(), query),
        )
        page = paginate(
            request, selectors.plan_list(user=user, filters=filters, counted=False), PAGE_SIZE
        )
        plans = list(page.object_list)
        return render(
            request,
            "cooperation/plan_list.html",
            {
                "filter_fields": mark_safe(filter_fields),  # noqa: S308 - by plan_filters
                "page_obj": page,
                "plans": plans,
                "rows": mark_safe(plan_rows(plans)),  # noqa: S308 - rendered by plan_rows
                "query": query_without(request, "page"),
                "filtered": bool(filters),
                # The rules alone (cooperation.rules): the model backend's permission tables
                # grant none of these, and reading them would cost two queries.
                "can_create": rules.has_perm("cooperation.create_plan", user),
                "can_see_national": rules.has_perm("cooperation.view_national_dashboard", user),
                "can_see_resources": rules.has_perm("cooperation.view_resources", user),
            },
        )


class PlanCreateView(CooperationView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        require(request.user, "cooperation.create_plan", None)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, PlanCreateForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PlanCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    caf=data["caf"],
                    kind=data["kind"],
                    title=data["title"],
                    territory=data["territory"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    template=data["template"],
                    by=request.user,
                )
            except services.PlanError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Le plan « %(title)s » est créé : vous en êtes le pilote.")
                    % {"title": plan.title},
                )
                return redirect(plan)
        return self.render_form(request, form, status=400)

    def render_form(self, request, form, status: int = 200) -> HttpResponse:
        return render(request, "cooperation/plan_form.html", {"form": form}, status=status)


# The plan's dashboard and roadmap -------------------------------------------------------------
def plan_page_parts(plan: Plan, filters: dict, today: date, page_rights: dict) -> dict:
    """The heavy parts of a plan's page, the same for every member who may see the plan (their
    rights aside): its identity card, its dashboard and its roadmap, as HTML without any form
    token. Computed from a fixed number of queries; cached by PlanDetailView."""
    full = selectors.plan_roadmap(plan.pk, card=True)
    dashboard = selectors.plan_dashboard(full, today)
    roadmap = selectors.plan_roadmap(plan.pk, filters) if filters else full
    shown = decorate_roadmap(roadmap, dashboard.progress, today, hide_late=hides_late(filters))
    if filters:
        decorate_roadmap(full, dashboard.progress, today, rows=False)  # the dashboard's lists
    pilots = sorted(
        {
            a.pilot_organisation
            for a in selectors.plan_actions(full)
            if a.pilot_organisation_id is not None
        },
        key=lambda org: org.name,
    )
    context = {
        "plan": full,
        "roadmap": roadmap,
        "shown_count": shown,
        "filters": filters,
        "filter_form": RoadmapFilterForm(initial=filters, axes=full.axes.all(), pilots=pilots),
        "dashboard": dashboard,
        "light": light(dashboard),
        "progress_chart": charts.progress_bar(
            title=_("Avancement global du plan"),
            value=dashboard.progress["plan"] or 0,
            status=dashboard.light,
        ),
        "status_chart": status_chart(full, dashboard),
        "late": dashboard.late[:SHORT_LIST],
        "upcoming": dashboard.upcoming[:SHORT_LIST],
        **page_rights,
    }
    return {
        "card": render_to_string("cooperation/includes/plan_card.html", context),
        "dashboard": render_to_string("cooperation/includes/plan_dashboard.html", context),
        "roadmap": render_to_string("cooperation/includes/roadmap.html", context),
    }


def page_vary(filters: dict, today: date, page_rights: dict) -> tuple:
    """What a cached part of a plan's page depends on besides the plan's version: the day (late
    and due-soon actions, time elapsed), the language, the filters and the viewer's rights."""
    return (today.isoformat(), get_language(), sorted(filters.items()), sorted(page_rights.items()))


class PlanDetailView(PlanView):
    """The dashboard (whole plan) and the roadmap (filtered by axis, pilot, status).

    The plan's identity card, dashboard and roadmap are cached under the plan's version
    (cooperation.scopes: every write to the plan bumps it), by day, filters and rights; the
    buttons and forms of the viewer are rendered around them on every request."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, today = self.plan, timezone.localdate()
        filters = roadmap_filters(request.GET)
        page_rights = rights(request.user, plan)
        parts = fragments.cached(
            "cooperation-plan-page",
            scopes.plan_version(plan.pk),
            lambda: plan_page_parts(plan, filters, today, page_rights),
            vary=page_vary(filters, today, page_rights),
        )
        if request.htmx and request.htmx.target == "feuille-de-route":
            return HttpResponse(parts["roadmap"])
        context = {
            "plan": plan,
            "parts": {name: mark_safe(html) for name, html in parts.items()},  # noqa: S308
            "current": "detail",
            **page_rights,
        }
        return render(request, "cooperation/plan_detail.html", context)


class PlanFreezeView(PlanView):
    """« Figer le planning de référence »: today's dates become the planned ones."""

    write_perm = "cooperation.manage_plan"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        count = services.plan_freeze_baseline(plan=self.plan, by=request.user)
        messages.success(
            request,
            _(
                "Le planning de référence est figé (%(n)s actions) : la feuille de route compare "
                "désormais les échéances prévues et actuelles."
            )
            % {"n": count},
        )
        return redirect(self.plan)


class PlanStructureView(PlanView):
    """The pilots build the roadmap: axes, objectives, actions, on one page."""

    plan_perm = "cooperation.manage_plan"
    FORMS = {"axe": "axis_form", "objectif": "objective_form", "action": "action_form"}

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, user = self.plan, request.user
        which = request.POST.get("formulaire")
        try:
            if which == "axe":
                form = AxisForm(request.POST)
                if form.is_valid():
                    axis = services.axis_create(plan=plan, by=user, **form.cleaned_data)
                    messages.success(request, _("Axe « %(t)s » ajouté.") % {"t": axis.title})
                    return redirect("cooperation:plan-structure", pk=plan.pk)
            elif which == "objectif":
                form = ObjectiveForm(request.POST, plan=plan)
                if form.is_valid():
                    objective = services.objective_create(by=user, **form.cleaned_data)
                    messages.success(
                        request, _("Objectif « %(t)s » ajouté.") % {"t": objective.title}
                    )
                    return redirect("cooperation:plan-structure", pk=plan.pk)
            elif which == "action":
                form = ActionCreateForm(request.POST, plan=plan)
                if form.is_valid():
                    action = services.action_create(by=user, **form.cleaned_data)
                    messages.success(request, _("Action « %(t)s » ajoutée.") % {"t": action.title})
                    return redirect("cooperation:plan-structure", pk=plan.pk)
            else:
                messages.error(request, _("Ce formulaire est inconnu."))
                return redirect("cooperation:plan-structure", pk=plan.pk)
        except services.PlanError as exc:
            form.add_error(None, error_text(exc))
        return self.render_page(request, status=400, **{self.FORMS[which]: form})

    def render_page(self, request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
        plan = self.plan
        axes = (
            Axis.objects.filter(plan=plan)
            .select_related("theme")
            .prefetch_related(
                Prefetch(
                    "objectives",
                    queryset=Objective.objects.annotate(action_count=Count("actions")),
                )
            )
        )
        context = {
            "plan": plan,
            "axes": axes,
            "axis_form": forms.get("axis_form") or AxisForm(),
            "objective_form": forms.get("objective_form") or ObjectiveForm(plan=plan),
            "action_form": forms.get("action_form") or ActionCreateForm(plan=plan),
            "current": "structure",
            **rights(request.user, plan),
        }
        return render(request, "cooperation/plan_structure.html", context, status=status)


# Retro-planning -------------------------------------------------------------------------------
def gantt_rows(plan: Plan, today: date, *, hide_late: bool = False) -> list[charts.GanttRow]:
    """One row per action, then its milestones; late in red, due soon in orange."""
    rows = []
    for action in selectors.plan_actions(plan):
        if hide_late and action.is_late(today):
            continue
        status = "off_track" if action.is_late(today) else ""
        if not status and action.is_due_soon(today):
            status = "at_risk"
        label = action.title
        if action.status == Action.Status.ABANDONED:
            label = _("%(title)s (abandonnée)") % {"title": action.title}
        rows.append(
            charts.GanttRow(
                label=label,
                start=action.starts_on,
                end=action.due_on,
                progress=selectors.action_progress(action) or 0,
                status=status,
            )
        )
        for step in action.steps.all():
            template = _("Jalon atteint : %(title)s") if step.done_on else _("Jalon : %(title)s")
            late = not step.done_on and step.due_on < today
            rows.append(
                charts.GanttRow(
                    label=template % {"title": step.title},
                    start=step.due_on,
                    end=step.due_on,
                    milestone=True,
                    status="off_track" if late else "",
                )
            )
    return rows


def gantt_part(plan: Plan, filters: dict, today: date) -> str:
    """The retro-planning with its filters, as HTML without any form token (cached by
    PlanGanttView)."""
    roadmap = selectors.plan_roadmap(plan.pk, filters, steps=True)
    pilots = Organisation.objects.filter(piloted_actions__plan=plan).distinct().order_by("name")
    rows = gantt_rows(roadmap, today, hide_late=hides_late(filters))
    chart = charts.gantt_chart(
        title=_("Rétroplanning : %(title)s") % {"title": plan.title},
        start=plan.starts_on,
        end=plan.ends_on,
        rows=rows,
        today=today,
        width=960,
    )
    context = {
        "plan": plan,
        "chart": chart,
        "row_count": len(rows),
        "filters": filters,
        "filter_form": RoadmapFilterForm(initial=filters, axes=roadmap.axes.all(), pilots=pilots),
    }
    return render_to_string("cooperation/includes/gantt.html", context)


class PlanGanttView(PlanView):
    """The retro-planning: its chart and filters are cached under the plan's version, by day,
    filters and language (the same for every member who may see the plan)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, today = self.plan, timezone.localdate()
        filters = roadmap_filters(request.GET)
        html = mark_safe(  # noqa: S308 - rendered by gantt_part
            fragments.cached(
                "cooperation-plan-gantt",
                scopes.plan_version(plan.pk),
                lambda: gantt_part(plan, filters, today),
                vary=(today.isoformat(), get_language(), sorted(filters.items())),
            )
        )
        if request.htmx and request.htmx.target == "retroplanning":
            return HttpResponse(html)
        context = {"plan": plan, "gantt": html, "current": "gantt", **rights(request.user, plan)}
        return render(request, "cooperation/plan_gantt.html", context)
