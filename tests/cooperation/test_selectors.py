"""Roll-ups, late derivation, status light and indicator maths, computed by hand."""

import datetime
from decimal import Decimal

import pytest

from cooperation import selectors
from cooperation.models import Action, Indicator
from tests.caflab.factories import AgentFactory, caf
from tests.cooperation.factories import (
    ActionFactory,
    AxisFactory,
    ObjectiveFactory,
    PlanFactory,
    member,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 7, 1)


@pytest.fixture
def roadmap(staff):
    """Plan 2024–2028 (halfway on 2026-07-01).
    Axis A (weight 2): objective A1 (weight 1): actions 40 % (w1), done (w3) → (40+300)/4 = 85
                       objective A2 (weight 3): 20 % (w1), abandoned (ignored)  → 20
                       → A = (85×1 + 20×3)/4 = 36,25 → 36,2
    Axis B (weight 1): objective B1: 10 % late (due 2026-01-31), 0 % due 2026-07-15 (soon) → 5
    Plan = (36,2×2 + 5×1)/3 = 25,8"""
    plan = PlanFactory(starts_on=datetime.date(2024, 7, 1), ends_on=datetime.date(2028, 7, 1))
    a, b = AxisFactory(plan=plan, weight=2, title="A"), AxisFactory(plan=plan, weight=1, title="B")
    a1, a2 = ObjectiveFactory(axis=a, weight=1), ObjectiveFactory(axis=a, weight=3)
    b1 = ObjectiveFactory(axis=b)
    ActionFactory(objective=a1, progress=40, weight=1, status="en_cours")
    ActionFactory(objective=a1, progress=10, weight=3, status="realisee")
    ActionFactory(objective=a2, progress=20, status="en_cours")
    ActionFactory(objective=a2, progress=90, status="abandonnee")
    ActionFactory(
        objective=b1,
        progress=10,
        status="en_cours",
        due_on=datetime.date(2026, 1, 31),
        title="Tardive",
    )
    ActionFactory(objective=b1, progress=0, due_on=datetime.date(2026, 7, 15), title="Bientôt")
    return selectors.plan_get(user=staff, pk=plan.pk), {
        "a": a,
        "b": b,
        "a1": a1,
        "a2": a2,
        "b1": b1,
    }


def test_progress_rolls_up_with_weights(roadmap):
    plan, parts = roadmap
    progress = selectors.plan_progress(plan)
    assert progress["objectives"][parts["a1"].pk] == 85.0
    assert progress["objectives"][parts["a2"].pk] == 20.0
    assert progress["axes"][parts["a"].pk] == 36.2
    assert progress["axes"][parts["b"].pk] == 5.0
    assert progress["plan"] == 25.8


def test_dashboard(roadmap):
    plan, _parts = roadmap
    dashboard = selectors.plan_dashboard(plan, today=TODAY)
    assert dashboard.expected == 50.0
    assert [a.title for a in dashboard.late] == ["Tardive"]
    assert [a.title for a in dashboard.upcoming] == ["Bientôt"]
    counts = {axis.title: c for axis, c in dashboard.by_axis}
    assert counts["A"] == {"en_cours": 2, "realisee": 1, "abandonnee": 1}
    assert counts["B"] == {"en_retard": 1, "a_lancer": 1}
    # 25,8 % done for 50 % of the time (24 points behind), one live action in five late
    assert dashboard.light == selectors.AT_RISK


@pytest.mark.parametrize(
    ("progress", "expected", "late", "light"),
    [
        (50, 50, 0, "on_track"),
        (38, 50, 0, "at_risk"),
        (20, 50, 0, "off_track"),
        (50, 50, 0.2, "at_risk"),
        (50, 50, 0.3, "off_track"),
        (None, 50, 0, "at_risk"),
    ],
)
def test_status_light(progress, expected, late, light):
    assert selectors.status_light(progress, expected, late) == light


def test_late_is_derived_from_dates_not_stored():
    action = ActionFactory(due_on=datetime.date(2026, 1, 1), status="en_cours")
    assert action.is_late(datetime.date(2026, 6, 30))
    assert action.display_status(datetime.date(2026, 6, 30)) == "En retard"
    assert not action.is_late(datetime.date(2025, 12, 31))
    action.status = Action.Status.DONE
    assert not action.is_late(TODAY)
    assert action.display_status(TODAY) == "Réalisée"


@pytest.mark.parametrize(
    ("baseline", "target", "value", "achievement"),
    [
        (420, 480, 450, 50.0),
        (420, 480, 500, 133.3),
        (420, 480, 400, -33.3),
        (12, 6, 9, 50.0),
        (12, 6, 3, 150.0),
    ],
)
def test_indicator_achievement_both_directions(baseline, target, value, achievement):
    indicator = Indicator(baseline=Decimal(baseline), target=Decimal(target))
    assert selectors.indicator_achievement(indicator, Decimal(value)) == achievement


def test_filters_of_the_roadmap(roadmap, staff):
    plan, parts = roadmap
    late_only = selectors.plan_get(user=staff, pk=plan.pk, filters={"status": "en_retard"})
    late_now = sorted(a.title for a in selectors.plan_actions(plan) if a.is_late())
    assert sorted(a.title for a in selectors.plan_actions(late_only)) == late_now
    assert "Tardive" in late_now
    axis_b = selectors.plan_get(user=staff, pk=plan.pk, filters={"axis": parts["b"].pk})
    assert len(selectors.plan_actions(axis_b)) == 2


def test_another_cafs_agent_gets_a_404(roadmap, other_caf_agent):
    from django.http import Http404

    plan, _parts = roadmap
    with pytest.raises(Http404):
        selectors.plan_get(user=other_caf_agent, pk=plan.pk)


@pytest.mark.parametrize("n", [5, 500])
def test_plan_queries_do_not_grow_with_actions(n, django_assert_num_queries):
    plan = PlanFactory()
    pilot = AgentFactory(caf=caf("38"))
    member(plan, pilot, "pilote")
    objective = ObjectiveFactory(axis=AxisFactory(plan=plan))
    Action.objects.bulk_create(
        Action(
            plan=plan,
            objective=objective,
            title=f"Action {i}",
            starts_on=datetime.date(2025, 1, 1),
            due_on=datetime.date(2026, 1, 1),
        )
        for i in range(n)
    )
    # memberships, plan (Caf, template), signatories, members, axes, objectives, actions,
    # partners, steps
    with django_assert_num_queries(9):
        loaded = selectors.plan_get(user=pilot, pk=plan.pk)
        selectors.plan_dashboard(loaded)
    assert len(selectors.plan_actions(loaded)) == n


@pytest.mark.parametrize("n", [1, 20])
def test_plan_list_and_national_overview_queries(staff, n, django_assert_num_queries):
    for _ in range(n):
        ActionFactory()
    with django_assert_num_queries(1):
        list(selectors.plan_list(user=staff))
    with django_assert_num_queries(1):
        rows = list(selectors.national_overview())
    assert len(rows) == n
