"""Who may see what of a living lab.

Everyone (no account needed) sees a lab's public page. Agents of the network and CafLab staff
see the workshops and contributions. Members' personal data — names, contacts — are for the
lab's facilitators only, and nobody else, not even the facilitators of another lab.
"""

from __future__ import annotations

import rules

from caflab.rules import is_agent, is_caflab_staff


def facilitated_lab_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_facilitated_lab_ids", None)
    if cached is None:
        cached = set(user.facilitated_labs.values_list("pk", flat=True))
        user._facilitated_lab_ids = cached
    return cached


def _lab_id(obj) -> int | None:
    """A lab, or anything of a lab: member, workshop, contribution, invitation."""
    from livinglabs.models import Lab

    if obj is None:
        return None
    if isinstance(obj, Lab):
        return obj.pk
    if hasattr(obj, "lab_id"):
        return obj.lab_id
    for parent in ("workshop", "member"):
        if hasattr(obj, f"{parent}_id"):
            return _lab_id(getattr(obj, parent))
    raise TypeError(f"{type(obj).__name__} does not belong to a lab")


@rules.predicate
def facilitates(user, obj) -> bool:
    lab_id = _lab_id(obj)
    return lab_id is not None and lab_id in facilitated_lab_ids(user)


@rules.predicate
def facilitates_a_solicited_lab(user, solicitation) -> bool:
    if solicitation is None:
        return False
    solicited = {lab.pk for lab in solicitation.labs.all()}
    return bool(solicited & facilitated_lab_ids(user))


@rules.predicate
def is_facilitator(user) -> bool:
    return bool(facilitated_lab_ids(user))


rules.add_perm("livinglabs.view_lab", rules.always_allow)
rules.add_perm("livinglabs.view_lab_work", is_caflab_staff | is_agent | facilitates)
rules.add_perm("livinglabs.view_members", facilitates)
rules.add_perm("livinglabs.manage_lab", facilitates)
rules.add_perm("livinglabs.view_lab_dashboard", is_caflab_staff | facilitates)
rules.add_perm("livinglabs.view_collective", is_caflab_staff | is_facilitator)
rules.add_perm("livinglabs.manage_solicitations", is_caflab_staff)
rules.add_perm("livinglabs.view_solicitation", is_caflab_staff | facilitates_a_solicited_lab)
