"""Every non-trivial read of COOPération: visibility, the roadmap with its roll-ups, the
dashboards."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from caflab.models import ActivityEvent
from caflab.rules import is_caflab_staff
from cooperation.models import (
    Action,
    Axis,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    Step,
)
from cooperation.rules import memberships

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
LIVE = (Action.Status.TO_START, Action.Status.IN_PROGRESS)


def plan_list(*, user, filters: dict | None = None, counted: bool = True) -> QuerySet[Plan]:
    """The plans this user may see: all for CafLab staff, their memberships for everyone else.
    `counted`: with each plan's action and late counts (the API); the pages read them from
    each plan's cached overview instead (views.plans.with_overview)."""
    filters = filters or {}
    qs = Plan.objects.select_related("caf", "caf__region")
    if not is_caflab_staff(user):
        qs = qs.filter(pk__in=list(memberships(user)))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if caf := filters.get("caf"):
        qs = qs.filter(caf__number=caf)
    if counted:
        today = timezone.localdate()
        qs = qs.annotate(
            action_count=Count("actions", distinct=True),
            late_count=Count(
                "actions",
                filter=Q(actions__status__in=LIVE, actions__due_on__lt=today),
                distinct=True,
            ),
        )
    return qs.order_by("caf__number", "-starts_on", "pk")


def _roadmap_prefetch(filters: dict, *, steps: bool, partners: bool) -> Prefetch:
    """The axes → objectives → actions of a plan, actions filtered by the roadmap filters;
    `steps`, `partners`: load them too (a page that does not show them skips their cost)."""
    actions = Action.objects.select_related("pilot_organisation", "owner")
    if partners:
        actions = actions.prefetch_related("partners")
    if steps:
        actions = actions.prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("due_on", "position"))
        )
    if axis := filters.get("axis"):
        actions = actions.filter(objective__axis_id=axis)
    if pilot := filters.get("pilot"):
        actions = actions.filter(pilot_organisation_id=pilot)
    if status := filters.get("status"):
        today = timezone.localdate()
        if status == "en_retard":
            actions = actions.filter(status__in=LIVE, due_on__lt=today)
        elif status in LIVE:  # a late action is shown « en retard », not under its status
            actions = actions.filter(status=status, due_on__gte=today)
        else:
            actions = actions.filter(status=status)
    objectives = Objective.objects.prefetch_related(Prefetch("actions", queryset=actions))
    return Prefetch(
        "axes",
        queryset=Axis.objects.select_related("theme").prefetch_related(
            Prefetch("objectives", queryset=objectives)
        ),
    )


def plan_get(*, user, pk: int, filters: dict | None = None) -> Plan:
    """A plan with its whole roadmap in a fixed number of queries, or 404."""
    plan = (
        Plan.objects.select_related("caf", "template")
        .prefetch_related(
            "signatories",
            Prefetch(
                "members",
                queryset=PlanMember.objects.select_related(
                    "user", "user__organisation", "user__caf"
                ),
            ),
            _roadmap_prefetch(filters or {}, steps=True, partners=True),
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None or not user.has_perm("cooperation.view_plan", plan):
        raise Http404
    return plan


def plan_roadmap(
    pk: int, filters: dict | None = None, *, steps: bool = False, card: bool = False
) -> Plan:
    """A plan the caller already showed the user may see (views.common.plan_or_404), with its
    roadmap for a page: the steps when `steps`, its identity card (template, signatories,
    member count) when `card`. A fixed number of queries, whatever its size."""
    qs = Plan.objects.select_related(*(["caf", "template"] if card else ["caf"]))
    lookups: list = [_roadmap_prefetch(filters or {}, steps=steps, partners=False)]
    if card:
        lookups.append("signatories")
        qs = qs.annotate(member_count=Count("members", distinct=True))
    return qs.prefetch_related(*lookups).get(pk=pk)


def plan_actions(plan: Plan) -> list[Action]:
    """The actions of a plan loaded by plan_get, in roadmap order, without a query."""
    return [
        action
        for axis in plan.axes.all()
        for objective in axis.objectives.all()
        for action in objective.actions.all()
    ]


# Progress -----------------------------------------------------------------------------------
def _weighted(items: list[tuple[float | None, int]]) -> float | None:
    counted = [(value, weight) for value, weight in items if value is not None]
    total = sum(weight for _value, weight in counted)
    if not total:
        return None
    return round(sum(value * weight for value, weight in counted) / total, 1)


def action_progress(action: Action) -> float | None:
    """Abandoned actions do not count in the roll-up."""
    if action.status == Action.Status.ABANDONED:
        return None
    if action.status == Action.Status.DONE:
        return 100.0
    return float(action.progress)


def plan_progress(plan: Plan) -> dict:
    """Weighted progress of each objective, axis and of the plan (from plan_get's prefetch):
    {"plan": 42.5, "axes": {id: …}, "objectives": {id: …}}."""
    objectives, axes = {}, {}
    for axis in plan.axes.all():
        axis_items = []
        for objective in axis.objectives.all():
            value = _weighted([(action_progress(a), a.weight) for a in objective.actions.all()])
            objectives[objective.pk] = value
            axis_items.append((value, objective.weight))
        axes[axis.pk] = _weighted(axis_items)
    plan_value = _weighted([(axes[a.pk], a.weight) for a in plan.axes.all()])
    return {"plan": plan_value, "axes": axes, "objectives": objectives}


def expected_progress(plan: Plan, today: date | None = None) -> float:
    """Share of the plan's period already elapsed, in %."""
    today = today or timezone.localdate()
    span = (plan.ends_on - plan.starts_on).days or 1
    elapsed = min(max((today - plan.starts_on).days, 0), span)
    return round(100 * elapsed / span, 1)


def status_light(progress: float | None, expected: float, late_share: float) -> str:
    """On track, at risk or off track: progress against the time elapsed, and late actions."""
    if progress is None:
        return AT_RISK
    gap = expected - progress
    if gap > 25 or late_share > 0.25:
        return OFF_TRACK
    if gap > 10 or late_share > 0.10:
        return AT_RISK
    return ON_TRACK


@dataclass
class Dashboard:
    progress: dict
    expected: float
    light: str
    by_axis: list[tuple[Axis, dict[str, int]]] = field(default_factory=list)
    late: list[Action] = field(default_factory=list)
    upcoming: list[Action] = field(default_factory=list)
    action_count: int = 0


def plan_dashboard(plan: Plan, today: date | None = None) -> Dashboard:
    """Everything the plan's dashboard shows, from plan_get's prefetch (no query)."""
    today = today or timezone.localdate()
    actions = plan_actions(plan)
    by_axis = []
    for axis in plan.axes.all():
        counts: dict[str, int] = defaultdict(int)
        for objective in axis.objectives.all():
            for action in objective.actions.all():
                counts["en_retard" if action.is_late(today) else action.status] += 1
        by_axis.append((axis, dict(counts)))
    late = sorted((a for a in actions if a.is_late(today)), key=lambda a: a.due_on)
    upcoming = sorted((a for a in actions if a.is_due_soon(today)), key=lambda a: a.due_on)
    live = [a for a in actions if a.status != Action.Status.ABANDONED]
    progress = plan_progress(plan)
    expected = expected_progress(plan, today)
    late_share = len(late) / len(live) if live else 0
    return Dashboard(
        progress=progress,
        expected=expected,
        light=status_light(progress["plan"], expected, late_share),
        by_axis=by_axis,
        late=late,
        upcoming=upcoming,
        action_count=len(actions),
    )


# Indicators, messages, activity ---------------------------------------------------------------
def plan_indicators(plan: Plan) -> list[Indicator]:
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .select_related("objective", "action")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("period")))
    )
    for indicator in indicators:
        values = list(indicator.values.all())
        indicator.latest = values[-1] if values else None
        latest_value = indicator.latest.value if indicator.latest else None
        indicator.achievement = indicator_achievement(indicator, latest_value)
    return indicators


def indicator_achievement(indicator: Indicator, value) -> float | None:
    """How far the value has gone from the baseline towards the target, in % (above 100 past
    the target, negative when it moved the wrong way)."""
    if value is None or indicator.target == indicator.baseline:
        return None
    share = (value - indicator.baseline) / (indicator.target - indicator.baseline)
    return round(float(share * 100), 1)


def plan_messages(plan: Plan, action: Action | None = None) -> QuerySet[Message]:
    qs = Message.objects.filter(plan=plan).select_related(
        "author", "author__organisation", "action"
    )
    return qs.filter(action=action) if action is not None else qs


def plan_activity(plan: Plan) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(scope=f"cooperation.plan:{plan.pk}").select_related("actor")


# National dashboard ---------------------------------------------------------------------------
def national_overview(today: date | None = None) -> QuerySet[Plan]:
    """One row per plan across every Caf: actions, done, late, members, last change (one query)."""
    today = today or timezone.localdate()
    return (
        Plan.objects.select_related("caf", "caf__region")
        .annotate(
            action_count=Count("actions", distinct=True),
            done_count=Count(
                "actions", filter=Q(actions__status=Action.Status.DONE), distinct=True
            ),
            late_count=Count(
                "actions",
                filter=Q(actions__status__in=LIVE, actions__due_on__lt=today),
                distinct=True,
            ),
            member_count=Count("members", distinct=True),
            last_change=Max("actions__updated_at"),
        )
        .order_by("caf__number")
    )
