"""Every Eurekaf permission for every role, on an idea of the Caf 38 box and of the national box."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import IdeaFactory, box

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "author",
    "agent",
    "manager",
    "other_caf_agent",
    "partner",
    "referent",
    "staff",
]
PERMS = [
    "view_box",
    "view_idea",
    "edit_idea",
    "support_idea",
    "follow_idea",
    "comment_idea",
    "report_idea",
    "answer_idea",
    "escalate_idea",
    "manage_box",
    "view_statistics",
]


@pytest.fixture
def users(agent, other_caf_agent, partner, referent, staff):
    manager = AgentFactory(caf=caf("38"))
    box("38").managers.add(manager)
    return {
        "anonymous": AnonymousUser(),
        "author": AgentFactory(caf=caf("38")),
        "agent": agent,
        "manager": manager,
        "other_caf_agent": other_caf_agent,
        "partner": partner,
        "referent": referent,  # an agent of Caf 35
        "staff": staff,
    }


LOCAL = {
    # perm: roles holding it on a fresh idea of the Caf 38 box
    "view_box": {"author", "agent", "manager", "staff"},
    "view_idea": {"author", "agent", "manager", "staff"},
    "edit_idea": {"author"},
    "support_idea": {"agent", "manager"},  # agents of a Caf; CafLab staff answer instead
    "follow_idea": {"author", "agent", "manager", "staff"},
    "comment_idea": {"author", "agent", "manager", "staff"},
    "report_idea": {"author", "agent", "manager"},  # staff moderate rather than report
    "answer_idea": {"manager", "staff"},
    "escalate_idea": {"manager", "staff"},
    "manage_box": {"manager", "staff"},
    "view_statistics": {"author", "agent", "manager", "staff"},
}
AGENTS = {"author", "agent", "manager", "other_caf_agent", "referent"}
NATIONAL = {
    "view_box": AGENTS | {"staff"},
    "view_idea": AGENTS | {"staff"},
    "edit_idea": {"author"},
    "support_idea": AGENTS - {"author"},
    "follow_idea": AGENTS | {"staff"},
    "comment_idea": AGENTS | {"staff"},
    "report_idea": AGENTS,
    "answer_idea": {"staff"},
    "escalate_idea": set(),
    "manage_box": {"staff"},
    "view_statistics": AGENTS | {"staff"},
}


@pytest.mark.parametrize("role", ROLES)
def test_idea_of_a_caf_box(users, role):
    idea = IdeaFactory(author=users["author"])
    for perm in PERMS:
        expected = role in LOCAL[perm]
        assert users[role].has_perm(f"eurekaf.{perm}", idea) is expected, (role, perm)


@pytest.mark.parametrize("role", ROLES)
def test_idea_of_the_national_box(users, role):
    idea = IdeaFactory(author=users["author"], box=box(None))
    for perm in PERMS:
        expected = role in NATIONAL[perm]
        assert users[role].has_perm(f"eurekaf.{perm}", idea) is expected, (role, perm)


@pytest.mark.parametrize("role", ROLES)
def test_national_statistics_are_for_staff(users, role):
    assert users[role].has_perm("eurekaf.view_national_statistics") is (role == "staff")


def test_hidden_idea(users):
    idea = IdeaFactory(author=users["author"], is_hidden=True)
    visible = {role for role in ROLES if users[role].has_perm("eurekaf.view_idea", idea)}
    assert visible == {"author", "manager", "staff"}


def test_merged_idea_takes_no_more_support_or_comment(users):
    idea = IdeaFactory(status="fusionnee", merged_into=IdeaFactory())
    assert not users["agent"].has_perm("eurekaf.support_idea", idea)
    assert not users["agent"].has_perm("eurekaf.comment_idea", idea)
    assert users["agent"].has_perm("eurekaf.view_idea", idea)


def test_closed_box_takes_no_new_idea(users):
    closed = box("38")
    closed.is_active = False
    closed.save()
    assert not users["agent"].has_perm("eurekaf.post_idea", closed)
    assert users["agent"].has_perm("eurekaf.post_idea", box(None))


def test_list_shows_exactly_the_visible_ideas(users):
    from eurekaf.selectors import idea_list

    local = IdeaFactory(author=users["author"])
    national = IdeaFactory(author=users["author"], box=box(None))
    hidden = IdeaFactory(author=users["author"], is_hidden=True)
    finistere = IdeaFactory(box=box("29"))
    made = [local, national, hidden, finistere]
    for role in ROLES:
        user = users[role]
        listed = (
            set(idea_list(user=user).values_list("pk", flat=True)) if role != "anonymous" else set()
        )
        expected = {i.pk for i in made if user.has_perm("eurekaf.view_idea", i)}
        assert listed == expected, role
