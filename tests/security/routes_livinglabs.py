"""The living labs: public pages, the work of the labs (workshops, contributions, calendars,
evaluation), the members' personal data, the solicitations, and the API.

A lab's public page and list are open to everyone; its work to the network's agents, the
CafLab team and its facilitators; its members' personal data (names, contacts) to its
facilitators only — not the CafLab team, not the facilitators of another lab (404, as for a
lab without a members page). The lab here is the one the facilitator leads; the agent of Isère
leads another one (the lab of Isère).
"""

from __future__ import annotations

from tests.security.matrix import (
    AGENT_A,
    AGENT_B,
    ANONYMOUS,
    FACILITATOR,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    OK,
    PARTNERS,
    REDIRECT,
    REFERENT,
    STAFF,
    UNAUTHORIZED,
    Role,
    Route,
    World,
    everyone,
    only,
)
from tests.security.world import CAF_A


# The objects ----------------------------------------------------------------------------------
def lab(w: World):
    """The lab the facilitator leads."""
    return w.get("labs.lab", lambda: w.users[FACILITATOR].facilitated_labs.order_by("pk").first())


def lab_a(w: World):
    """The lab of Isère, led by the agent of Isère (not by the facilitator)."""
    from livinglabs.models import Lab

    return w.get(
        "labs.lab_a",
        lambda: (
            Lab.objects.filter(caf__number=CAF_A, facilitators=w.users[AGENT_A])
            .exclude(facilitators=w.users[FACILITATOR])
            .order_by("pk")
            .first()
        ),
    )


def workshop(w: World):
    """A workshop of the lab, with invited members who have an address."""
    from livinglabs.models import Workshop

    return w.get(
        "labs.workshop",
        lambda: (
            Workshop.objects.filter(lab=lab(w), invitations__member__email__gt="")
            .order_by("pk")
            .first()
        ),
    )


def workshop_a(w: World):
    """A workshop of the lab of Isère."""
    from livinglabs.models import Workshop

    return w.get(
        "labs.workshop_a",
        lambda: Workshop.objects.filter(lab=lab_a(w)).order_by("pk").first(),
    )


def member(w: World):
    """A member of the lab, invited to the workshop, with a name, an address and a phone."""
    from livinglabs.models import Member

    return w.get(
        "labs.member",
        lambda: (
            Member.objects.filter(
                invitations__workshop=workshop(w), left_on__isnull=True, anonymised_at__isnull=True
            )
            .exclude(email="")
            .exclude(last_name="")
            .exclude(phone="")
            .order_by("pk")
            .first()
        ),
    )


def member_a(w: World):
    """A member of the lab of Isère, with a name and an address."""
    from livinglabs.models import Member

    return w.get(
        "labs.member_a",
        lambda: (
            Member.objects.filter(lab=lab_a(w), left_on__isnull=True)
            .exclude(email="")
            .exclude(last_name="")
            .order_by("pk")
            .first()
        ),
    )


def contribution(w: World):
    from livinglabs.models import Contribution

    return w.get(
        "labs.contribution",
        lambda: (
            Contribution.objects.filter(workshop__lab=lab(w), eurekaf_idea_id__isnull=True)
            .order_by("pk")
            .first()
        ),
    )


def solicitation(w: World):
    """A solicitation addressed to the facilitator's lab, not to the lab of Isère."""
    from livinglabs.models import Solicitation

    return w.get(
        "labs.solicitation",
        lambda: (
            Solicitation.objects.filter(labs=lab(w)).exclude(labs=lab_a(w)).order_by("pk").first()
        ),
    )


def solicitation_a(w: World):
    """A solicitation addressed to the lab of Isère, not to the facilitator's lab."""
    from livinglabs.models import Solicitation

    return w.get(
        "labs.solicitation_a",
        lambda: (
            Solicitation.objects.filter(labs=lab_a(w)).exclude(labs=lab(w)).order_by("pk").first()
        ),
    )


def shown(text: str) -> str:
    """The longest run of a title without the characters a page escapes (an apostrophe becomes
    &#x27;): what a page that leaked the title would contain, as it is written there."""
    parts = text.replace('"', "'").replace("&", "'").replace("<", "'").split("'")
    return max(parts, key=len).strip()


def personal_data(person) -> list[str]:
    """What identifies a member: their full name, address and phone (the pseudonym does not)."""
    return [
        text
        for text in (f"{person.first_name} {person.last_name}", person.email, person.phone)
        if text
    ]


def hide_members(*, but: tuple[Role, ...] = ()):
    """Nobody but `but` reads the personal data of the lab's members; nobody at all, on a page
    of this lab, those of another lab's members."""

    def hidden(w: World) -> dict[Role, list[str]]:
        texts, others = personal_data(member(w)), personal_data(member_a(w))
        return {role: others if role in but else texts + others for role in Role}

    return hidden


def hide_members_of_both(w: World) -> dict[Role, list[str]]:
    """The personal data of the members of both labs, nowhere for anyone."""
    texts = personal_data(member(w)) + personal_data(member_a(w))
    return {role: list(texts) for role in Role}


def slug(w: World) -> dict:
    return {"slug": lab(w).slug}


def slug_a(w: World) -> dict:
    return {"slug": lab_a(w).slug}


def workshop_pk(w: World) -> dict:
    return {"pk": workshop(w).pk}


def contribution_pk(w: World) -> dict:
    return {"pk": contribution(w).pk}


# Who gets what --------------------------------------------------------------------------------
AGENTS_AND_STAFF = (AGENT_A, AGENT_B, FACILITATOR, REFERENT, STAFF)
COLLECTIVE = (AGENT_A, FACILITATOR, STAFF)  # the facilitators of a lab, and the CafLab team

# The lab's work: the agents of the network, the CafLab team, the facilitators; a partner
# does not see that a workshop or a contribution exists.
LAB_WORK = only(AGENTS_AND_STAFF, others=NOT_FOUND)


def manage(status: int, *, staff: int = FORBIDDEN) -> dict[Role, int]:
    """A write on the lab's work: the lab's facilitator; a 403 for the agents who see the work
    but do not lead the lab, a 404 for the partners who do not see it."""
    return {
        **LAB_WORK,
        AGENT_A: FORBIDDEN,
        AGENT_B: FORBIDDEN,
        REFERENT: FORBIDDEN,
        STAFF: staff,
        FACILITATOR: status,
    }


def members_page(status: int, *, facilitator: Role = FACILITATOR) -> dict[Role, int]:
    """The members' personal data: the lab's facilitator, a 404 for everyone else."""
    return {**dict.fromkeys(Role, NOT_FOUND), ANONYMOUS: REDIRECT, facilitator: status}


def api(expect: dict[Role, int]) -> dict[Role, int]:
    return {**expect, ANONYMOUS: UNAUTHORIZED}


ROUTES = [
    # Public ------------------------------------------------------------------------------------
    Route("livinglabs:lab-list", everyone(OK), hidden=hide_members_of_both),
    Route("livinglabs:lab-detail", everyone(OK), kwargs=slug, hidden=hide_members()),
    # The lab's work --------------------------------------------------------------------------
    Route(
        "livinglabs:lab-calendar",
        only(AGENTS_AND_STAFF),
        kwargs=slug,
        hidden=hide_members(),
    ),
    Route("livinglabs:lab-dashboard", only((FACILITATOR, STAFF)), kwargs=slug),
    Route(
        "livinglabs:lab-dashboard",
        only((AGENT_A, STAFF)),
        kwargs=slug_a,
        id="GET livinglabs:lab-dashboard (lab de l'Isère)",
    ),
    Route("livinglabs:calendar", only(COLLECTIVE), hidden=hide_members_of_both),
    Route("livinglabs:collective-dashboard", only(COLLECTIVE), hidden=hide_members_of_both),
    Route(
        "livinglabs:workshop-create",
        only((FACILITATOR,)),
        kwargs=slug,
    ),
    Route(
        "livinglabs:workshop-create",
        only((FACILITATOR,), status=INVALID),
        kwargs=slug,
        method="post",
        data=lambda w: {"topic": ""},
    ),
    # The workshop's page shows who was invited by pseudonym; the names and contacts are for
    # the facilitator only (the checkboxes of the invitation form).
    Route(
        "livinglabs:workshop-detail",
        LAB_WORK,
        kwargs=workshop_pk,
        hidden=hide_members(but=(FACILITATOR,)),
    ),
    Route(
        "livinglabs:workshop-ics",
        LAB_WORK,
        kwargs=workshop_pk,
        hidden=hide_members(),
    ),
    Route(
        "livinglabs:workshop-invite",
        manage(INVALID),
        kwargs=workshop_pk,
        method="post",
        data=lambda w: {"members": [str(member_a(w).pk)]},  # a member of another lab
    ),
    Route(
        "livinglabs:workshop-attendance",
        manage(REDIRECT),
        kwargs=workshop_pk,
        method="post",
        data=lambda w: {"members": [str(member(w).pk)]},
    ),
    Route(
        "livinglabs:workshop-attendance",
        manage(INVALID),
        kwargs=workshop_pk,
        method="post",
        id="POST livinglabs:workshop-attendance (membre d'un autre lab)",
        data=lambda w: {"members": [str(member_a(w).pk)]},
    ),
    Route(
        "livinglabs:workshop-minutes",
        manage(REDIRECT),
        kwargs=workshop_pk,
        method="post",
        data=lambda w: {"minutes": "Échanges riches sur l'accès aux droits."},
    ),
    Route(
        "livinglabs:contribution-create",
        manage(INVALID),
        kwargs=workshop_pk,
        method="post",
        data=lambda w: {"kind": "idee", "text": ""},
    ),
    # The follow-up of a contribution: the lab's facilitator and the CafLab team.
    Route(
        "livinglabs:contribution-status",
        manage(INVALID, staff=INVALID),
        kwargs=contribution_pk,
        method="post",
        data=lambda w: {"status": "non_retenue", "reason": ""},
    ),
    Route(
        "livinglabs:contribution-consultation",
        manage(REDIRECT),
        kwargs=contribution_pk,
        method="post",
        data=lambda w: {"consultation": ""},
    ),
    Route(
        "livinglabs:contribution-project",
        manage(REDIRECT),
        kwargs=contribution_pk,
        method="post",
        data=lambda w: {"project": ""},
    ),
    Route(
        "livinglabs:contribution-eurekaf",
        manage(REDIRECT),
        kwargs=contribution_pk,
        method="post",
    ),
    # The members: the lab's facilitator only -------------------------------------------------
    Route(
        "livinglabs:lab-members",
        members_page(OK),
        kwargs=slug,
        hidden=hide_members(but=(FACILITATOR,)),
    ),
    Route(
        "livinglabs:lab-members",
        members_page(OK, facilitator=AGENT_A),
        kwargs=slug_a,
        id="GET livinglabs:lab-members (lab de l'Isère)",
        hidden=lambda w: {role: personal_data(member_a(w)) for role in Role if role is not AGENT_A},
    ),
    Route(
        "livinglabs:lab-members",
        members_page(INVALID),
        kwargs=slug,
        method="post",
        data=lambda w: {"pseudonym": ""},
    ),
    Route(
        "livinglabs:member-leave",
        members_page(REDIRECT),
        kwargs=lambda w: {"slug": lab(w).slug, "pk": member(w).pk},
        method="post",
    ),
    # A member of another lab, under the address of the facilitator's lab: nobody.
    Route(
        "livinglabs:member-leave",
        members_page(NOT_FOUND),
        kwargs=lambda w: {"slug": lab(w).slug, "pk": member_a(w).pk},
        method="post",
        id="POST livinglabs:member-leave (membre d'un autre lab)",
    ),
    Route(
        "livinglabs:member-anonymise",
        members_page(OK),
        kwargs=lambda w: {"slug": lab(w).slug, "pk": member(w).pk},
        hidden=hide_members(but=(FACILITATOR,)),
    ),
    Route(
        "livinglabs:member-anonymise",
        members_page(REDIRECT),
        kwargs=lambda w: {"slug": lab(w).slug, "pk": member(w).pk},
        method="post",
    ),
    # Solicitations: the CafLab team, and the facilitators of the labs solicited --------------
    Route(
        "livinglabs:solicitation-list",
        only(COLLECTIVE),
        hidden=lambda w: {
            FACILITATOR: [shown(solicitation_a(w).title)],
            AGENT_A: [shown(solicitation(w).title)],
        },
    ),
    Route("livinglabs:solicitation-create", only((STAFF,))),
    Route(
        "livinglabs:solicitation-create",
        only((STAFF,), status=INVALID),
        method="post",
        data=lambda w: {"title": ""},
    ),
    Route(
        "livinglabs:solicitation-detail",
        only((FACILITATOR, STAFF), others=NOT_FOUND),
        kwargs=lambda w: {"pk": solicitation(w).pk},
        hidden=lambda w: {
            role: [shown(solicitation(w).title)] for role in (AGENT_A, AGENT_B, REFERENT, *PARTNERS)
        },
    ),
    Route(
        "livinglabs:solicitation-detail",
        {**only((STAFF,), status=INVALID, others=NOT_FOUND), FACILITATOR: FORBIDDEN},
        kwargs=lambda w: {"pk": solicitation(w).pk},
        method="post",
        data=lambda w: {"synthesis": ""},
    ),
    # The API -------------------------------------------------------------------------------
    Route("livinglabs-lab-list", everyone(OK), api=True, hidden=hide_members_of_both),
    Route("livinglabs-lab-detail", everyone(OK), kwargs=slug, api=True, hidden=hide_members()),
    Route(
        "livinglabs-lab-workshops",
        api(only(AGENTS_AND_STAFF)),
        kwargs=slug,
        api=True,
        hidden=hide_members(),
    ),
    Route(
        "livinglabs-lab-contributions",
        api(only(AGENTS_AND_STAFF)),
        kwargs=slug,
        api=True,
        hidden=hide_members(),
    ),
    Route(
        "livinglabs-lab-contributions",
        api(only((FACILITATOR,), status=INVALID)),
        kwargs=slug,
        method="post",
        api=True,
        data=lambda w: {"kind": "idee", "text": ""},
    ),
    # A contribution for a workshop of another lab, posted to this lab: refused.
    Route(
        "livinglabs-lab-contributions",
        api(only((FACILITATOR,), status=INVALID)),
        kwargs=slug,
        method="post",
        api=True,
        id="POST livinglabs-lab-contributions (atelier d'un autre lab)",
        data=lambda w: {
            "workshop": workshop_a(w).pk,
            "kind": "idee",
            "text": "Simplifier le formulaire de demande.",
        },
    ),
]
