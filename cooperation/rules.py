"""Who may see and change a plan: its members (pilote, contributeur, lecteur) and CafLab staff.

Nobody else — not another Caf's agent, not a partner outside the plan — sees anything of it,
through the pages, the API, the exports or the documents' URLs.
"""

from __future__ import annotations

import rules

from caflab.rules import is_agent, is_caflab_staff

PILOT, CONTRIBUTOR, READER = "pilote", "contributeur", "lecteur"


def memberships(user) -> dict[int, str]:
    """{plan id: role} for this user, read once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_plan_memberships", None)
    if cached is None:
        cached = dict(user.plan_memberships.values_list("plan_id", "role"))
        user._plan_memberships = cached
    return cached


def _plan_id(obj) -> int | None:
    """Predicates accept a plan or anything of a plan: axis, objective, action, step,
    indicator, measure, message, document."""
    from cooperation.models import Plan

    if obj is None:
        return None
    if isinstance(obj, Plan):
        return obj.pk
    if hasattr(obj, "plan_id"):
        return obj.plan_id
    for parent in ("action", "indicator", "axis"):  # step, measure, objective
        if hasattr(obj, f"{parent}_id"):
            return _plan_id(getattr(obj, parent))
    raise TypeError(f"{type(obj).__name__} does not belong to a plan")


def _role(user, obj) -> str | None:
    plan_id = _plan_id(obj)
    return memberships(user).get(plan_id) if plan_id is not None else None


@rules.predicate
def is_member(user, obj) -> bool:
    return _role(user, obj) is not None


@rules.predicate
def is_pilot(user, obj) -> bool:
    return _role(user, obj) == PILOT


@rules.predicate
def is_contributor(user, obj) -> bool:
    return _role(user, obj) == CONTRIBUTOR


@rules.predicate
def is_member_of_any_plan(user) -> bool:
    return bool(memberships(user))


can_write = is_caflab_staff | is_pilot | is_contributor

rules.add_perm("cooperation.view_plan", is_caflab_staff | is_member)
rules.add_perm("cooperation.manage_plan", is_caflab_staff | is_pilot)
rules.add_perm("cooperation.change_action", can_write)
rules.add_perm("cooperation.post_message", can_write)
rules.add_perm("cooperation.upload_document", can_write)
rules.add_perm("cooperation.record_indicator", can_write)
rules.add_perm("cooperation.create_plan", is_caflab_staff | is_agent)
rules.add_perm("cooperation.view_resources", is_caflab_staff | is_agent | is_member_of_any_plan)
rules.add_perm("cooperation.view_national_dashboard", is_caflab_staff)
