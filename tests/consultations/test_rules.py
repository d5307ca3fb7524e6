"""Every permission of the consultations for every role, for each audience."""

import pytest
from django.contrib.auth.models import AnonymousUser

from consultations.models import Consultation
from tests.caflab.factories import AgentFactory, OrganisationFactory, PartnerFactory, caf
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "agent", "other_caf_agent", "partner", "other_partner", "referent", "staff"]
PERMS = ["view_consultation", "answer_consultation", "view_results", "manage_consultation"]


@pytest.fixture
def users(agent, other_caf_agent, partner, referent, staff):
    return {
        "anonymous": AnonymousUser(),
        "agent": agent,  # Caf 38
        "other_caf_agent": other_caf_agent,  # Caf 29
        "partner": partner,
        "other_partner": PartnerFactory(organisation=OrganisationFactory(name="Autre commune")),
        "referent": referent,  # Caf 35
        "staff": staff,
    }


def make(kind: str, users) -> Consultation:
    if kind == "public":
        return ConsultationFactory(audience=Consultation.Audience.PUBLIC)
    if kind == "private_38":
        c = ConsultationFactory(audience=Consultation.Audience.PRIVATE)
        c.restricted_cafs.set([caf("38")])
        return c
    if kind == "private_all":
        return ConsultationFactory(audience=Consultation.Audience.PRIVATE)
    if kind == "partners_invited":
        c = ConsultationFactory(audience=Consultation.Audience.PARTNERS)
        c.invited_organisations.set([users["partner"].organisation])
        return c
    if kind == "partners_code":
        return ConsultationFactory(
            audience=Consultation.Audience.PARTNERS, requires_access_code=True
        )
    if kind == "draft":
        return ConsultationFactory(status=Consultation.Status.DRAFT)
    if kind == "results":
        return ConsultationFactory(status=Consultation.Status.RESULTS)
    raise ValueError(kind)


EVERYONE = set(ROLES)
AGENTS = {"agent", "other_caf_agent", "referent", "staff"}
EXPECTED = {
    # consultation kind: {perm: roles}
    "public": {
        "view_consultation": EVERYONE,
        "answer_consultation": EVERYONE,
        "view_results": {"staff"},
    },
    "private_38": {
        "view_consultation": {"agent", "staff"},
        "answer_consultation": {"agent", "staff"},
        "view_results": {"staff"},
    },
    "private_all": {
        "view_consultation": AGENTS,
        "answer_consultation": AGENTS,
        "view_results": {"staff"},
    },
    "partners_invited": {
        "view_consultation": {"partner", "staff"},
        "answer_consultation": {"partner"},
        "view_results": {"staff"},
    },
    "partners_code": {
        "view_consultation": EVERYONE,
        "answer_consultation": EVERYONE,
        "view_results": {"staff"},
    },
    "draft": {
        "view_consultation": {"staff"},
        "answer_consultation": set(),
        "view_results": {"staff"},
    },
    "results": {
        "view_consultation": EVERYONE,
        "answer_consultation": EVERYONE,
        "view_results": EVERYONE,
    },
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permissions(users, kind, role):
    consultation = make(kind, users)
    user = users[role]
    for perm in PERMS:
        expected = (
            role == "staff" if perm == "manage_consultation" else role in EXPECTED[kind][perm]
        )
        assert user.has_perm(f"consultations.{perm}", consultation) is expected, (kind, role, perm)


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_what_may_be_viewed(users, role):
    from consultations.selectors import consultation_list

    made = {kind: make(kind, users) for kind in EXPECTED}
    visible = set(consultation_list(user=users[role]).values_list("pk", flat=True))
    expected = {
        c.pk
        for kind, c in made.items()
        if users[role].has_perm("consultations.view_consultation", c)
    }
    assert visible == expected


def test_an_agent_of_a_caf_outside_the_restriction_sees_a_404(client, users):
    consultation = make("private_38", users)
    client.force_login(users["other_caf_agent"])
    assert client.get(consultation.get_absolute_url()).status_code == 404
    client.force_login(AgentFactory(caf=caf("38")))
    assert client.get(consultation.get_absolute_url()).status_code == 200
