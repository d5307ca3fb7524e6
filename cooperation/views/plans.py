"""Plans: the list, a new plan, the dashboard with its roadmap, the roadmap's structure and the
retro-planning."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from caflab import charts
from caflab.models import Caf, Organisation
from caflab.rules import is_caflab_staff
from cooperation import selectors, services
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
    return {
        "key": dashboard.light,
        "label": charts.STATUS_LABELS[dashboard.light],
        "help": LIGHT_HELP[dashboard.light],
    }


def with_overview(plans: list[Plan]) -> list[Plan]:
    """Each plan with its dashboard figures (weighted progress, status light, late actions),
    from three queries for all of them, whatever their number of actions."""
    actions = Action.objects.only("pk", "objective_id", "status", "progress", "weight", "due_on")
    objectives = Objective.objects.only("pk", "axis_id", "weight", "position").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    axes = Axis.objects.only("pk", "plan_id", "weight", "position").prefetch_related(
        Prefetch("objectives", queryset=objectives)
    )
    prefetch_related_objects(plans, Prefetch("axes", queryset=axes))
    for plan in plans:
        plan.overview = selectors.plan_dashboard(plan)
        plan.light = light(plan.overview)
    return plans


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


def decorate_roadmap(plan: Plan, progress: dict, today: date, *, hide_late: bool = False) -> int:
    """What each row of the roadmap shows, computed once; returns the number of actions shown."""
    count = 0
    for axis in plan.axes.all():
        axis.progress_value = progress["axes"].get(axis.pk)
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
                if not (hide_late and action.late):
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
class PlanListView(CooperationView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        staff = is_caflab_staff(user)
        cafs = Caf.objects.order_by("number").only("number", "name") if staff else None
        form = PlanFilterForm(request.GET or None, cafs=cafs)
        page = paginate(request, selectors.plan_list(user=user, filters=form.filters()), PAGE_SIZE)
        return render(
            request,
            "cooperation/plan_list.html",
            {
                "form": form,
                "page_obj": page,
                "plans": with_overview(list(page.object_list)),
                "query": query_without(request, "page"),
                "filtered": bool(form.filters()),
                "can_create": user.has_perm("cooperation.create_plan"),
                "can_see_national": user.has_perm("cooperation.view_national_dashboard"),
                "can_see_resources": user.has_perm("cooperation.view_resources"),
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
class PlanDetailView(PlanView):
    """The dashboard (whole plan) and the roadmap (filtered by axis, pilot, status)."""

    def get_plan(self, request: HttpRequest, pk: int) -> Plan:
        return selectors.plan_get(user=request.user, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, today = self.plan, timezone.localdate()
        dashboard = selectors.plan_dashboard(plan, today)
        all_actions = selectors.plan_actions(plan)
        filters = roadmap_filters(request.GET)
        roadmap = selectors.plan_get(user=request.user, pk=pk, filters=filters) if filters else plan
        shown = decorate_roadmap(roadmap, dashboard.progress, today, hide_late=hides_late(filters))
        if filters:
            decorate_roadmap(plan, dashboard.progress, today)  # the dashboard's lists
        pilots = sorted(
            {a.pilot_organisation for a in all_actions if a.pilot_organisation_id},
            key=lambda org: org.name,
        )
        context = {
            "plan": plan,
            "roadmap": roadmap,
            "shown_count": shown,
            "filters": filters,
            "filter_form": RoadmapFilterForm(initial=filters, axes=plan.axes.all(), pilots=pilots),
            "dashboard": dashboard,
            "light": light(dashboard),
            "progress_chart": charts.progress_bar(
                title=_("Avancement global du plan"),
                value=dashboard.progress["plan"] or 0,
                status=dashboard.light,
            ),
            "status_chart": status_chart(plan, dashboard),
            "late": dashboard.late[:SHORT_LIST],
            "upcoming": dashboard.upcoming[:SHORT_LIST],
            "current": "detail",
            **rights(request.user, plan),
        }
        if request.htmx and request.htmx.target == "feuille-de-route":
            return render(request, "cooperation/includes/roadmap.html", context)
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


class PlanGanttView(PlanView):
    def get_plan(self, request: HttpRequest, pk: int) -> Plan:
        self.filters = roadmap_filters(request.GET)
        return selectors.plan_get(user=request.user, pk=pk, filters=self.filters)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan, today = self.plan, timezone.localdate()
        pilots = Organisation.objects.filter(piloted_actions__plan=plan).distinct().order_by("name")
        rows = gantt_rows(plan, today, hide_late=hides_late(self.filters))
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
            "filters": self.filters,
            "filter_form": RoadmapFilterForm(
                initial=self.filters, axes=plan.axes.all(), pilots=pilots
            ),
            "current": "gantt",
            **rights(request.user, plan),
        }
        if request.htmx and request.htmx.target == "retroplanning":
            return render(request, "cooperation/includes/gantt.html", context)
        return render(request, "cooperation/plan_gantt.html", context)
