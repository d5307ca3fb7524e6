"""Every core permission for every role, including another Caf's agent and anonymous."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.caflab.factories import caf, region

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "agent", "other_caf_agent", "partner", "referent", "staff"]


@pytest.fixture
def users(agent, other_caf_agent, partner, referent, staff):
    return {
        "anonymous": AnonymousUser(),
        "agent": agent,
        "other_caf_agent": other_caf_agent,
        "partner": partner,
        "referent": referent,
        "staff": staff,
    }


EXPECTED = {
    # permission: roles that hold it
    "caflab.view_caf": {"agent", "other_caf_agent", "partner", "referent", "staff"},
    "caflab.view_region": {"agent", "other_caf_agent", "partner", "referent", "staff"},
    "caflab.view_organisation": {"agent", "other_caf_agent", "partner", "referent", "staff"},
    "caflab.access_staff_pages": {"staff"},
    "caflab.join_innovators": {"agent", "other_caf_agent", "referent", "staff"},
    "caflab.use_api_token": {"agent", "other_caf_agent", "partner", "referent", "staff"},
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_core_permissions(users, perm, role):
    assert users[role].has_perm(perm) is (role in EXPECTED[perm])


@pytest.mark.parametrize("role", ROLES)
def test_is_agent_of_isere(users, role):
    from caflab.rules import is_agent_of

    assert is_agent_of(users[role], caf("38")) is (role == "agent")


@pytest.mark.parametrize("role", ROLES)
def test_is_referent_for_bretagne(users, role):
    from caflab.rules import is_referent_for

    assert is_referent_for(users[role], region("53")) is (role == "referent")
    assert is_referent_for(users[role], region("84")) is False


def test_inactive_staff_loses_staff_rights(staff):
    staff.is_active = False
    assert not staff.has_perm("caflab.access_staff_pages")
