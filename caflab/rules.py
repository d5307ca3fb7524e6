"""Shared permission predicates: every app's rules.py builds on these."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

if TYPE_CHECKING:
    from caflab.models import Caf, Region, User


@rules.predicate
def is_caflab_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_caflab_staff)


@rules.predicate
def is_referent(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == "referent")


@rules.predicate
def is_agent(user: User) -> bool:
    """A Caf agent; referents work in a Caf too and count as its agents."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in {"agent", "referent"}
        and user.caf_id
    )


@rules.predicate
def is_partner(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == "partenaire")


@rules.predicate
def is_agent_of(user: User, caf: Caf | None) -> bool:
    """The user is an agent of this Caf (the object is the Caf itself)."""
    return bool(caf is not None and is_agent(user) and user.caf_id == caf.pk)


@rules.predicate
def is_referent_for(user: User, region: Region | None) -> bool:
    """The user is an innovation referent of this region (the object is the Region itself)."""
    if region is None or not is_referent(user):
        return False
    return region.pk in referent_region_ids(user)


def referent_region_ids(user: User) -> set[int]:
    """The referent's regions, read once per request object."""
    cached = getattr(user, "_referent_region_ids", None)
    if cached is None:
        cached = set(user.regions.values_list("pk", flat=True))
        user._referent_region_ids = cached
    return cached


is_authenticated = rules.is_authenticated

# The reference data: everybody logged in reads it; staff change it (the admin, through groups).
rules.add_perm("caflab.view_caf", is_authenticated)
rules.add_perm("caflab.view_region", is_authenticated)
rules.add_perm("caflab.view_organisation", is_authenticated)
rules.add_perm("caflab.access_staff_pages", is_caflab_staff)
rules.add_perm("caflab.join_innovators", is_authenticated & ~is_partner)
rules.add_perm("caflab.use_api_token", is_authenticated)
