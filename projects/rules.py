"""Who may see and do what in the projects' space.

Everyone logged in reads the published portfolio, the calls and the training catalogue. A
project's team (its carriers) edits it, reports its indicators and hands in its deliverables;
the CafLab decides: stages, approval of indicator values, selection of a call's winners. A jury
member sees only the applications assigned to them. The names of the people trained are for the
CafLab staff only.
"""

from __future__ import annotations

import rules

from caflab.rules import (
    is_agent,
    is_authenticated,
    is_caflab_staff,
    is_referent,
    referent_region_ids,
)


def team_project_ids(user) -> set[int]:
    """The projects whose team the user belongs to, read once per request object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_team_project_ids", None)
    if cached is None:
        cached = set(user.project_memberships.order_by().values_list("project_id", flat=True))
        user._team_project_ids = cached
    return cached


def juror_application_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_juror_application_ids", None)
    if cached is None:
        cached = set(user.jury_assignments.order_by().values_list("application_id", flat=True))
        user._juror_application_ids = cached
    return cached


def _project_id(obj) -> int | None:
    """A project, or anything of a project: indicator, period, need, kit, deliverable…"""
    from projects.models import Project

    if obj is None:
        return None
    if isinstance(obj, Project):
        return obj.pk
    if hasattr(obj, "project_id"):
        return obj.project_id
    for parent in ("indicator", "period", "need", "kit"):
        if hasattr(obj, f"{parent}_id"):
            return _project_id(getattr(obj, parent))
    raise TypeError(f"{type(obj).__name__} does not belong to a project")


def _project(obj):
    from projects.models import Project

    if obj is None or isinstance(obj, Project):
        return obj
    for parent in ("project", "indicator", "period", "need", "kit"):
        if hasattr(obj, f"{parent}_id"):
            return _project(getattr(obj, parent))
    raise TypeError(f"{type(obj).__name__} does not belong to a project")


@rules.predicate
def is_team(user, obj) -> bool:
    project_id = _project_id(obj)
    return project_id is not None and project_id in team_project_ids(user)


@rules.predicate
def is_published(user, obj) -> bool:
    project = _project(obj)
    return bool(project is not None and project.is_published)


@rules.predicate
def is_juror_of(user, application) -> bool:
    return application is not None and application.pk in juror_application_ids(user)


@rules.predicate
def is_contact_of(user, application) -> bool:
    return bool(
        application is not None and user.is_authenticated and application.contact_id == user.pk
    )


@rules.predicate
def is_open_call(user, call) -> bool:
    return call is not None and call.status != "brouillon"


@rules.predicate
def is_agent_of_replicating_caf(user, obj) -> bool:
    """For a replication: an agent of its Caf; for a Caf: an agent of it."""
    from caflab.models import Caf

    caf_id = obj.pk if isinstance(obj, Caf) else getattr(obj, "caf_id", None)
    return bool(caf_id is not None and is_agent(user) and user.caf_id == caf_id)


@rules.predicate
def is_referent_of_session(user, session) -> bool:
    """A referent records the creativity sessions of their region's Cafs (or a new one)."""
    if not is_referent(user):
        return False
    if session is None:
        return True
    return session.caf_id is not None and session.caf.region_id in referent_region_ids(user)


rules.add_perm("projects.view_portfolio", is_authenticated)
rules.add_perm(
    "projects.view_project", is_caflab_staff | is_team | (is_authenticated & is_published)
)
rules.add_perm("projects.view_project_internal", is_caflab_staff | is_team)
rules.add_perm("projects.create_project", is_caflab_staff)
rules.add_perm("projects.change_project", is_caflab_staff | is_team)
rules.add_perm("projects.change_stage", is_caflab_staff)
rules.add_perm("projects.report_indicator", is_caflab_staff | is_team)
rules.add_perm("projects.review_indicator", is_caflab_staff)
rules.add_perm("projects.publish_assessment", is_caflab_staff)
# Calls for projects and the jury
rules.add_perm("projects.manage_calls", is_caflab_staff)
rules.add_perm("projects.view_call", is_caflab_staff | (is_authenticated & is_open_call))
rules.add_perm("projects.apply", is_authenticated & is_open_call)
rules.add_perm("projects.view_application", is_caflab_staff | is_juror_of | is_contact_of)
rules.add_perm("projects.score_application", is_juror_of)
# Incubation and partner search
rules.add_perm("projects.view_cohort", is_authenticated)
rules.add_perm("projects.manage_cohort", is_caflab_staff)
rules.add_perm("projects.submit_deliverable", is_team)
rules.add_perm("projects.review_deliverable", is_caflab_staff)
rules.add_perm("projects.view_deliverable", is_caflab_staff | is_team)
rules.add_perm("projects.view_needs", is_authenticated)
rules.add_perm("projects.record_match", is_caflab_staff)
# Essaimage
rules.add_perm("projects.declare_replication", is_caflab_staff | is_agent_of_replicating_caf)
rules.add_perm("projects.change_replication", is_caflab_staff | is_agent_of_replicating_caf)
# Creativity sessions and trainings
rules.add_perm("projects.view_creativity", is_caflab_staff | is_agent)
rules.add_perm("projects.record_creativity", is_caflab_staff | is_referent_of_session)
rules.add_perm("projects.view_trainings", is_authenticated)
rules.add_perm("projects.view_trainees", is_caflab_staff)
rules.add_perm("projects.manage_trainings", is_caflab_staff)
