"""Every living-lab permission for every role; facilitators of lab A see nothing personal of B."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.livinglabs.factories import LabFactory, MemberFactory, SolicitationFactory, facilitator

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "host", "other_host", "agent", "other_caf_agent", "partner", "staff"]


@pytest.fixture
def world(agent, other_caf_agent, partner, staff):
    lab, other_lab = LabFactory(), LabFactory()
    return lab, {
        "anonymous": AnonymousUser(),
        "host": facilitator(lab),
        "other_host": facilitator(other_lab),
        "agent": agent,
        "other_caf_agent": other_caf_agent,
        "partner": partner,
        "staff": staff,
    }


EXPECTED = {
    "view_lab": set(ROLES),
    "view_lab_work": {"host", "other_host", "agent", "other_caf_agent", "staff"},
    "view_members": {"host"},
    "manage_lab": {"host"},
    "view_lab_dashboard": {"host", "staff"},
}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_on_a_lab_and_its_members(world, role):
    lab, users = world
    member = MemberFactory(lab=lab)
    for perm, holders in EXPECTED.items():
        assert users[role].has_perm(f"livinglabs.{perm}", lab) is (role in holders), (role, perm)
    assert users[role].has_perm("livinglabs.view_members", member) is (role == "host")


@pytest.mark.parametrize("role", ROLES)
def test_collective_and_solicitations(world, role):
    lab, users = world
    solicitation = SolicitationFactory(labs=[lab])
    assert users[role].has_perm("livinglabs.view_collective") is (
        role in {"host", "other_host", "staff"}
    )
    assert users[role].has_perm("livinglabs.manage_solicitations") is (role == "staff")
    assert users[role].has_perm("livinglabs.view_solicitation", solicitation) is (
        role in {"host", "staff"}
    )


def test_members_selector_refuses_other_labs_facilitators(world):
    from django.http import Http404

    from livinglabs.selectors import lab_members

    lab, users = world
    MemberFactory(lab=lab)
    assert lab_members(user=users["host"], lab=lab).count() == 1
    for role in ("other_host", "agent", "staff"):
        with pytest.raises(Http404):
            lab_members(user=users[role], lab=lab)
