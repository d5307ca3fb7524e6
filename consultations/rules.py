"""Who may see, answer and read the results of a consultation."""

from __future__ import annotations

import rules

from caflab.rules import is_agent, is_caflab_staff, is_partner


@rules.predicate
def is_published(user, consultation) -> bool:
    return consultation is not None and consultation.status != consultation.Status.DRAFT


@rules.predicate
def is_public(user, consultation) -> bool:
    return consultation is not None and consultation.audience == consultation.Audience.PUBLIC


@rules.predicate
def opens_with_a_code(user, consultation) -> bool:
    """Whoever holds a code may answer: living-lab members and partners often have no account."""
    return consultation is not None and consultation.requires_access_code


@rules.predicate
def is_in_private_audience(user, consultation) -> bool:
    if consultation is None or consultation.audience != consultation.Audience.PRIVATE:
        return False
    if not is_agent(user) and not is_caflab_staff(user):
        return False
    if is_caflab_staff(user):
        return True
    restricted = _ids(consultation, "restricted_cafs")
    return not restricted or user.caf_id in restricted


@rules.predicate
def is_invited_partner(user, consultation) -> bool:
    if consultation is None or consultation.audience != consultation.Audience.PARTNERS:
        return False
    if not is_partner(user):
        return False
    invited = _ids(consultation, "invited_organisations")
    return not invited or user.organisation_id in invited


@rules.predicate
def results_are_published(user, consultation) -> bool:
    return consultation is not None and consultation.status == consultation.Status.RESULTS


def _ids(consultation, relation: str) -> set[int]:
    """The ids of a many-to-many, from the prefetch cache when the selector filled it."""
    cache = getattr(consultation, "_prefetched_objects_cache", {})
    if relation in cache:
        return {obj.pk for obj in cache[relation]}
    return set(getattr(consultation, relation).values_list("pk", flat=True))


in_audience = is_public | opens_with_a_code | is_in_private_audience | is_invited_partner
can_view = is_caflab_staff | (is_published & in_audience)

rules.add_perm("consultations.view_consultation", can_view)
rules.add_perm("consultations.answer_consultation", is_published & in_audience)
rules.add_perm("consultations.view_results", is_caflab_staff | (can_view & results_are_published))
rules.add_perm("consultations.manage_consultation", is_caflab_staff)
