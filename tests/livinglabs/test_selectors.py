"""The evaluation of a lab and of the collective, computed by hand."""

import datetime

import pytest
from django.utils import timezone

from livinglabs import selectors
from livinglabs.models import Invitation, Lab
from tests.livinglabs.factories import (
    ContributionFactory,
    LabFactory,
    MemberFactory,
    SolicitationFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def at(y, m, d):
    return datetime.datetime(y, m, d, 18, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def lab():
    """5 members: 4 joined more than 6 months ago (1 of them left), 1 joined last month.
    3 workshops (Jan, Jan, Mar); 6 attendances recorded, 4 present.
    Contributions: 2 irritants (1 taken into account), 1 idea. 2 solicitations, 1 answered."""
    lab = LabFactory()
    old = [MemberFactory(lab=lab, joined_on=datetime.date(2025, 1, 1)) for _ in range(4)]
    old[0].left_on = datetime.date(2026, 2, 1)
    old[0].save()
    MemberFactory(lab=lab, joined_on=datetime.date(2026, 6, 1))
    w1 = WorkshopFactory(
        lab=lab, starts_at=at(2026, 1, 8), ends_at=at(2026, 1, 8) + datetime.timedelta(hours=2)
    )
    w2 = WorkshopFactory(
        lab=lab, starts_at=at(2026, 1, 22), ends_at=at(2026, 1, 22) + datetime.timedelta(hours=2)
    )
    w3 = WorkshopFactory(
        lab=lab, starts_at=at(2026, 3, 5), ends_at=at(2026, 3, 5) + datetime.timedelta(hours=2)
    )
    for workshop, attended in ((w1, [True, True, False]), (w2, [True, False]), (w3, [True])):
        for member, present in zip(old, attended, strict=False):
            Invitation.objects.create(workshop=workshop, member=member, attended=present)
    Invitation.objects.create(workshop=w3, member=old[3], attended=None)  # not recorded yet
    ContributionFactory(workshop=w1, kind="irritant", status="prise_en_compte")
    ContributionFactory(workshop=w1, kind="irritant")
    ContributionFactory(workshop=w2, kind="idee")
    SolicitationFactory(labs=[lab], status="repondue")
    SolicitationFactory(labs=[lab])
    return lab


def test_evaluation_by_hand(lab):
    figures = selectors.evaluation(labs=Lab.objects.filter(pk=lab.pk), today=TODAY)
    assert figures.active_members == 4
    assert figures.members_ever == 5
    assert figures.retention == 75.0  # 3 of the 4 who joined 6+ months ago are still there
    assert figures.workshops == 3
    assert [(month.month, n) for month, n in figures.workshops_per_month] == [(1, 2), (3, 1)]
    assert (figures.invitations, figures.attendances) == (6, 4)
    assert figures.attendance_rate == 66.7
    assert figures.contributions_by_kind == {"irritant": 2, "idee": 1}
    assert figures.contributions_by_status == {"prise_en_compte": 1, "transmise": 2}
    assert (figures.solicitations, figures.solicitations_answered) == (2, 1)


def test_collective_adds_the_labs_up(lab):
    other = LabFactory()
    MemberFactory(lab=other)
    figures = selectors.evaluation(labs=Lab.objects.all(), today=TODAY)
    assert figures.active_members == 5


@pytest.mark.parametrize("n", [1, 25])
def test_evaluation_queries_are_constant(n, django_assert_num_queries):
    lab = LabFactory()
    for _ in range(n):
        ContributionFactory(workshop=WorkshopFactory(lab=lab))
        MemberFactory(lab=lab)
    # members, workshops per month, attendance, contributions by kind, by status, solicitations
    with django_assert_num_queries(6):
        selectors.evaluation(labs=Lab.objects.filter(pk=lab.pk))


@pytest.mark.parametrize("n", [1, 25])
def test_lab_list_is_one_query(n, django_assert_num_queries):
    for _ in range(n):
        MemberFactory(lab=LabFactory())
    with django_assert_num_queries(1):
        labs = list(selectors.lab_list())
    assert all(lab.member_count == 1 for lab in labs)
