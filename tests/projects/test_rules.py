"""Who may do what in the projects' space, role by role (anonymous and another Caf's agent
included): the team edits its project, the CafLab decides, the jury sees only its share."""

import pytest
from django.contrib.auth.models import AnonymousUser

from projects.models import CreativitySession, Replication
from tests.caflab.factories import AgentFactory, caf
from tests.projects.factories import (
    ApplicationFactory,
    CallFactory,
    CreativitySessionFactory,
    JuryAssignmentFactory,
    PeriodFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "agent", "other_caf_agent", "partner", "referent", "staff", "carrier"]


@pytest.fixture
def people(agent, other_caf_agent, partner, referent, staff):
    return {
        "anonymous": AnonymousUser(),
        "agent": agent,
        "other_caf_agent": other_caf_agent,
        "partner": partner,
        "referent": referent,
        "staff": staff,
        "carrier": AgentFactory(caf=caf("38")),
    }


def _can(people, perm, obj=None):
    return {role for role in ROLES if people[role].has_perm(perm, obj)}


EVERYONE_LOGGED_IN = set(ROLES) - {"anonymous"}


def test_a_published_project_is_read_by_everyone_logged_in_and_edited_by_its_team(people):
    project = ProjectFactory(carriers=[people["carrier"]])

    assert _can(people, "projects.view_project", project) == EVERYONE_LOGGED_IN
    assert _can(people, "projects.change_project", project) == {"staff", "carrier"}
    assert _can(people, "projects.view_project_internal", project) == {"staff", "carrier"}
    assert _can(people, "projects.change_stage", project) == {"staff"}
    assert _can(people, "projects.create_project") == {"staff"}


def test_an_unpublished_project_is_seen_by_its_team_and_the_caflab_only(people):
    project = ProjectFactory(carriers=[people["carrier"]], is_published=False)

    assert _can(people, "projects.view_project", project) == {"staff", "carrier"}


def test_the_team_reports_indicator_values_and_the_caflab_approves_them(people):
    project = ProjectFactory(carriers=[people["carrier"]])
    period = PeriodFactory(indicator__project=project)

    assert _can(people, "projects.report_indicator", period) == {"staff", "carrier"}
    assert _can(people, "projects.review_indicator", period) == {"staff"}
    assert _can(people, "projects.publish_assessment", project) == {"staff"}


def test_a_jury_member_sees_and_scores_only_the_applications_assigned_to_them(people):
    call = CallFactory()
    mine = ApplicationFactory(call=call)
    other = ApplicationFactory(call=call)
    JuryAssignmentFactory(application=mine, juror=people["agent"])

    assert _can(people, "projects.view_application", mine) == {"staff", "agent"}
    assert _can(people, "projects.score_application", mine) == {"agent"}
    assert _can(people, "projects.view_application", other) == {"staff"}
    assert _can(people, "projects.score_application", other) == set()


def test_the_team_contact_sees_its_own_application(people):
    application = ApplicationFactory(contact=people["carrier"])

    assert "carrier" in _can(people, "projects.view_application", application)


def test_a_call_in_preparation_is_for_the_caflab_only(people):
    draft = CallFactory(status="brouillon")
    open_call = CallFactory()

    assert _can(people, "projects.view_call", draft) == {"staff"}
    assert _can(people, "projects.apply", draft) == set()
    assert _can(people, "projects.view_call", open_call) == EVERYONE_LOGGED_IN
    assert _can(people, "projects.apply", open_call) == EVERYONE_LOGGED_IN
    assert _can(people, "projects.manage_calls", open_call) == {"staff"}


def test_a_caf_declares_a_replication_through_its_own_agents(people):
    isere, finistere = caf("38"), caf("29")
    # The referent fixture works in a Caf of their own: count them among its agents.
    assert {"agent", "carrier", "staff"} <= _can(people, "projects.declare_replication", isere)
    assert "other_caf_agent" not in _can(people, "projects.declare_replication", isere)
    assert "other_caf_agent" in _can(people, "projects.declare_replication", finistere)
    assert "partner" not in _can(people, "projects.declare_replication", finistere)
    replication = Replication(project=ProjectFactory(), caf=isere)
    assert "other_caf_agent" not in _can(people, "projects.change_replication", replication)
    assert "agent" in _can(people, "projects.change_replication", replication)


def test_creativity_sessions_are_recorded_by_the_caflab_and_the_region_s_referent(people):
    referent = people["referent"]
    own_region_caf = referent.regions.first().cafs.first()
    in_region = CreativitySessionFactory(caf=own_region_caf)
    elsewhere = CreativitySession(
        caf=caf("974") if own_region_caf.number != "974" else caf("38"),
        held_on=in_region.held_on,
        topic="Autre",
        method="autre",
        audience="agents",
        participants=3,
    )

    assert "referent" in _can(people, "projects.record_creativity", in_region)
    assert _can(people, "projects.record_creativity", elsewhere) == {"staff"}
    assert _can(people, "projects.view_creativity") == {
        "agent",
        "other_caf_agent",
        "referent",
        "staff",
        "carrier",
    }


def test_the_names_of_the_people_trained_are_for_the_caflab_only(people):
    assert _can(people, "projects.view_trainings") == EVERYONE_LOGGED_IN
    assert _can(people, "projects.view_trainees") == {"staff"}
    assert _can(people, "projects.manage_trainings") == {"staff"}
