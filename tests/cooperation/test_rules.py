"""Every COOPération permission for every role — a plan of the Caf 38 and its members."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.caflab.factories import AgentFactory, PartnerFactory, caf
from tests.cooperation.factories import ActionFactory, PlanFactory, member

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "pilot",
    "contributor",
    "reader",
    "partner_in_plan",
    "partner_not_in_plan",
    "agent_same_caf",
    "other_caf_agent",
    "staff",
]
PERMS = [
    "view_plan",
    "manage_plan",
    "change_action",
    "post_message",
    "upload_document",
    "record_indicator",
]


@pytest.fixture
def plan_and_users(other_caf_agent, staff):
    plan = PlanFactory()
    users = {
        "anonymous": AnonymousUser(),
        "pilot": AgentFactory(caf=caf("38")),
        "contributor": AgentFactory(caf=caf("38")),
        "reader": AgentFactory(caf=caf("38")),
        "partner_in_plan": PartnerFactory(),
        "partner_not_in_plan": PartnerFactory(),
        "agent_same_caf": AgentFactory(caf=caf("38")),
        "other_caf_agent": other_caf_agent,
        "staff": staff,
    }
    member(plan, users["pilot"], "pilote")
    member(plan, users["contributor"], "contributeur")
    member(plan, users["reader"], "lecteur")
    member(plan, users["partner_in_plan"], "contributeur")
    return plan, users


EXPECTED = {
    "view_plan": {"pilot", "contributor", "reader", "partner_in_plan", "staff"},
    "manage_plan": {"pilot", "staff"},
    "change_action": {"pilot", "contributor", "partner_in_plan", "staff"},
    "post_message": {"pilot", "contributor", "partner_in_plan", "staff"},
    "upload_document": {"pilot", "contributor", "partner_in_plan", "staff"},
    "record_indicator": {"pilot", "contributor", "partner_in_plan", "staff"},
}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_on_the_plan_and_its_actions(plan_and_users, role):
    plan, users = plan_and_users
    action = ActionFactory(objective__axis__plan=plan)
    for perm in PERMS:
        expected = role in EXPECTED[perm]
        assert users[role].has_perm(f"cooperation.{perm}", plan) is expected, (role, perm, "plan")
        assert users[role].has_perm(f"cooperation.{perm}", action) is expected, (
            role,
            perm,
            "action",
        )


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_the_plans_one_belongs_to(plan_and_users, role):
    from cooperation.selectors import plan_list

    plan, users = plan_and_users
    other = PlanFactory(caf=caf("29"))
    if role == "anonymous":
        return
    visible = set(plan_list(user=users[role]).values_list("pk", flat=True))
    expected = {p.pk for p in (plan, other) if users[role].has_perm("cooperation.view_plan", p)}
    assert visible == expected


@pytest.mark.parametrize("role", ROLES)
def test_national_dashboard_for_staff(plan_and_users, role):
    _plan, users = plan_and_users
    assert users[role].has_perm("cooperation.view_national_dashboard") is (role == "staff")
