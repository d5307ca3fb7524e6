"""COOPération: the plans (pages, exports, documents, the evaluation library, the national
dashboard) and their API.

A plan is for its members and the CafLab team: to anyone else it is a 404, the same answer as a
plan that does not exist. The plan of Isère is the one the partner of the plan belongs to (the
agent of Isère pilots it); the plan of the Finistère is piloted by the agent of that Caf and
read by the referent of Bretagne.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests.security.matrix import (
    AGENT_A,
    AGENT_B,
    ANONYMOUS,
    CREATED,
    FACILITATOR,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    OK,
    PARTNER_IN,
    PARTNER_OUT,
    REDIRECT,
    REFERENT,
    STAFF,
    UNAUTHORIZED,
    Role,
    Route,
    World,
    signed_in,
)
from tests.security.world import CAF_A, CAF_B

OUTSIDERS_A = (AGENT_B, PARTNER_OUT, FACILITATOR, REFERENT)  # no part in the plan of Isère
OUTSIDERS_B = (AGENT_A, PARTNER_IN, PARTNER_OUT, FACILITATOR)  # no part in the plan of Finistère


# The objects ----------------------------------------------------------------------------------
def plan_a(w: World):
    """The plan of Isère: the partner of the plan is a contributor, the agent of Isère a pilot."""
    from cooperation.models import Plan

    return w.get(
        "coop.plan_a",
        lambda: (
            Plan.objects.filter(caf__number=CAF_A, members__user=w.users[PARTNER_IN])
            .filter(members__user=w.users[AGENT_A], members__role="pilote")
            .order_by("pk")
            .first()
        ),
    )


def other_plan_a(w: World):
    """Another plan of Isère, of which the partner of the plan is not a member."""
    from cooperation.models import Plan

    return w.get(
        "coop.other_plan_a",
        lambda: (
            Plan.objects.filter(caf__number=CAF_A)
            .exclude(members__user=w.users[PARTNER_IN])
            .order_by("pk")
            .first()
        ),
    )


def plan_b(w: World):
    """A plan of Finistère: piloted by the agent of that Caf, read by the referent of Bretagne."""
    from cooperation.models import Plan

    return w.get(
        "coop.plan_b",
        lambda: (
            Plan.objects.filter(caf__number=CAF_B, members__user=w.users[AGENT_B])
            .filter(members__user=w.users[REFERENT], members__role="lecteur")
            .order_by("pk")
            .first()
        ),
    )


def action_a(w: World):
    from cooperation.models import Action

    return w.get(
        "coop.action_a",
        lambda: Action.objects.filter(plan=plan_a(w), steps__isnull=False).order_by("pk").first(),
    )


def action_b(w: World):
    from cooperation.models import Action

    return w.get(
        "coop.action_b", lambda: Action.objects.filter(plan=plan_b(w)).order_by("pk").first()
    )


def step_a(w: World):
    return w.get("coop.step_a", lambda: action_a(w).steps.order_by("pk").first())


def step_b(w: World):
    from cooperation.models import Step

    return w.get(
        "coop.step_b", lambda: Step.objects.filter(action__plan=plan_b(w)).order_by("pk").first()
    )


def membership_of_partner_in(w: World):
    from cooperation.models import PlanMember

    return w.get(
        "coop.member_partner_in",
        lambda: PlanMember.objects.get(plan=plan_a(w), user=w.users[PARTNER_IN]),
    )


def indicator_a(w: World):
    from cooperation.models import Indicator

    return w.get(
        "coop.indicator_a", lambda: Indicator.objects.filter(plan=plan_a(w)).order_by("pk").first()
    )


def indicator_b(w: World):
    from cooperation.models import Indicator

    return w.get(
        "coop.indicator_b", lambda: Indicator.objects.filter(plan=plan_b(w)).order_by("pk").first()
    )


def objective_b(w: World):
    from cooperation.models import Objective

    return w.get(
        "coop.objective_b",
        lambda: Objective.objects.filter(axis__plan=plan_b(w)).order_by("pk").first(),
    )


def message_a(w: World):
    from cooperation.models import Message

    return w.get(
        "coop.message_a", lambda: Message.objects.filter(plan=plan_a(w)).order_by("pk").first()
    )


def membership_in_plan_b(w: World):
    from cooperation.models import PlanMember

    return w.get(
        "coop.member_b",
        lambda: PlanMember.objects.get(plan=plan_b(w), user=w.users[REFERENT]),
    )


def document_a(w: World, *, scan: str = "sain") -> int:
    """A document of the plan of Isère, with its file. The demo has none: one is made for the
    test, in its transaction (rolled back after it), hence not cached in the world."""
    from cooperation.models import Document

    document = Document(
        plan=plan_a(w),
        name="compte-rendu-comite.txt",
        size=12,
        content_type="text/plain",
        uploaded_by=w.users[AGENT_A],
        scan=scan,
    )
    document.file.save("compte-rendu-comite.txt", ContentFile(b"Compte rendu"), save=True)
    return document.pk


def resource_with_file(w: World) -> int:
    """A published resource of the library, given a file for the test (the demo's have none)."""
    from cooperation.models import Resource

    resource = Resource.objects.filter(is_published=True).order_by("pk").first()
    resource.file.save("guide-evaluation.txt", ContentFile(b"Guide"), save=True)
    return resource.pk


def shown(text: str) -> str:
    """The longest run of a title without the characters a page escapes (an apostrophe becomes
    &#x27;): what a page that leaked the title would contain, as it is written there."""
    parts = text.replace('"', "'").replace("&", "'").replace("<", "'").split("'")
    return max(parts, key=len).strip()


# Who gets what --------------------------------------------------------------------------------
def members_a(*, allowed=(AGENT_A, PARTNER_IN, STAFF), status=OK, members=FORBIDDEN):
    """A page of the plan of Isère: `status` for the roles allowed, `members` for the other
    members of the plan (the partner, a contributor), 404 for whoever is not in the plan, the
    login page for the visitor."""
    expect = dict.fromkeys(OUTSIDERS_A, NOT_FOUND)
    for role in (AGENT_A, PARTNER_IN):
        expect[role] = status if role in allowed else members
    expect[STAFF] = status if STAFF in allowed else FORBIDDEN
    expect[ANONYMOUS] = REDIRECT
    return expect


def api(expect: dict[Role, int]) -> dict[Role, int]:
    """The same, through the API: 401 without credentials."""
    return {**expect, ANONYMOUS: UNAUTHORIZED}


def titles_a(w: World) -> list[str]:
    return [shown(plan_a(w).title), shown(other_plan_a(w).title)]


def hide_plan_a(w: World) -> dict[Role, list[str]]:
    """On a page of the plan of Isère: nothing of the plan for the outsiders, who are refused;
    nothing of their other plans for its members (the plan of Finistère, the other plan of
    Isère of which the partner is not a member)."""
    hidden = {key: [shown(plan_a(w).title), shown(action_a(w).title)] for key in OUTSIDERS_A}
    hidden[AGENT_A] = [shown(plan_b(w).title), shown(action_b(w).title)]
    hidden[PARTNER_IN] = [shown(plan_b(w).title), shown(other_plan_a(w).title)]
    return hidden


def hide_indicators_a(w: World) -> dict[Role, list[str]]:
    return {role: [shown(indicator_a(w).name)] for role in OUTSIDERS_A}


def hide_messages_a(w: World) -> dict[Role, list[str]]:
    return {role: [shown(message_a(w).text.splitlines()[0][:60])] for role in OUTSIDERS_A}


def hide_in_lists(w: World) -> dict[Role, list[str]]:
    """A list of plans shows each user their own plans only."""
    return {
        AGENT_A: [shown(plan_b(w).title)],
        AGENT_B: titles_a(w),
        PARTNER_IN: [shown(plan_b(w).title), shown(other_plan_a(w).title)],
        PARTNER_OUT: [*titles_a(w), shown(plan_b(w).title)],
        FACILITATOR: [*titles_a(w), shown(plan_b(w).title)],
        REFERENT: titles_a(w),
    }


def pk_a(w: World) -> dict:
    return {"pk": plan_a(w).pk}


def pk_b(w: World) -> dict:
    return {"pk": plan_b(w).pk}


def action_kwargs(w: World) -> dict:
    return {"pk": plan_a(w).pk, "action_pk": action_a(w).pk}


SEEN_BY_MEMBERS_A = members_a()
NOBODY = {**dict.fromkeys(Role, NOT_FOUND), ANONYMOUS: REDIRECT}
WRITERS_A = members_a()  # the agent of Isère pilots, the partner contributes
PILOTS_A = members_a(allowed=(AGENT_A, STAFF))

# The plan of Finistère: its pilot and its reader (the referent), and the CafLab team.
SEEN_BY_MEMBERS_B = {
    **dict.fromkeys(OUTSIDERS_B, NOT_FOUND),
    AGENT_B: OK,
    REFERENT: OK,
    STAFF: OK,
    ANONYMOUS: REDIRECT,
}


ROUTES = [
    # Across plans --------------------------------------------------------------------------
    Route("cooperation:plan-list", signed_in(OK), hidden=hide_in_lists),
    Route(
        "cooperation:plan-create",
        {
            **signed_in(OK),
            PARTNER_IN: FORBIDDEN,
            PARTNER_OUT: FORBIDDEN,
        },
    ),
    # A plan for Isère: its agents and the CafLab team open it; an agent of another Caf may
    # not choose Isère (the form comes back), a partner may not open a plan at all.
    Route(
        "cooperation:plan-create",
        {
            ANONYMOUS: REDIRECT,
            AGENT_A: REDIRECT,
            AGENT_B: INVALID,
            PARTNER_IN: FORBIDDEN,
            PARTNER_OUT: FORBIDDEN,
            FACILITATOR: INVALID,
            REFERENT: INVALID,
            STAFF: REDIRECT,
        },
        method="post",
        id="POST cooperation:plan-create (un plan pour l'Isère)",
        data=lambda w: {
            "kind": "ctg",
            "title": "CTG du Vercors 2026-2030",
            "territory": "Communauté de communes du massif du Vercors",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
            "caf": plan_a(w).caf_id,
            "template": "",
        },
    ),
    # The import offers only the plans one pilots: never a plan of another's.
    Route(
        "cooperation:plan-import",
        signed_in(OK),
        hidden=lambda w: {
            AGENT_B: titles_a(w),
            PARTNER_IN: titles_a(w),  # a contributor, not a pilot
            PARTNER_OUT: titles_a(w),
            FACILITATOR: titles_a(w),
            REFERENT: titles_a(w),
            AGENT_A: [shown(plan_b(w).title)],
        },
    ),
    Route(
        "cooperation:plan-import",
        signed_in(OK),
        query="modele=1",
        id="GET cooperation:plan-import (modèle)",
    ),
    # Filling the plan of Isère: only its pilot's choice is valid (no file: the form comes
    # back); for anybody else the plan is not among the choices.
    Route(
        "cooperation:plan-import",
        signed_in(INVALID),
        method="post",
        id="POST cooperation:plan-import",
        data=lambda w: {"plan": plan_a(w).pk},
    ),
    Route(
        "cooperation:national-dashboard",
        {**dict.fromkeys(Role, FORBIDDEN), ANONYMOUS: REDIRECT, STAFF: OK},
    ),
    Route("cooperation:resource-list", signed_in(OK)),
    Route(
        "cooperation:resource-download",
        signed_in(OK),
        kwargs=lambda w: {"pk": resource_with_file(w)},
    ),
    Route(
        "cooperation:document-download",
        SEEN_BY_MEMBERS_A,
        kwargs=lambda w: {"pk": document_a(w)},
    ),
    # A document the antivirus flagged is served to nobody.
    Route(
        "cooperation:document-download",
        NOBODY,
        kwargs=lambda w: {"pk": document_a(w, scan="infecte")},
        id="GET cooperation:document-download (infecté)",
    ),
    # One plan ------------------------------------------------------------------------------
    Route("cooperation:plan-detail", SEEN_BY_MEMBERS_A, kwargs=pk_a, hidden=hide_plan_a),
    Route(
        "cooperation:plan-detail",
        SEEN_BY_MEMBERS_B,
        kwargs=pk_b,
        id="GET cooperation:plan-detail (plan du Finistère)",
        hidden=lambda w: {key: [shown(plan_b(w).title)] for key in OUTSIDERS_B},
    ),
    Route("cooperation:plan-export-xlsx", SEEN_BY_MEMBERS_A, kwargs=pk_a),
    Route(
        "cooperation:plan-export-xlsx",
        SEEN_BY_MEMBERS_B,
        kwargs=pk_b,
        id="GET cooperation:plan-export-xlsx (plan du Finistère)",
    ),
    Route("cooperation:plan-export-pdf", SEEN_BY_MEMBERS_A, kwargs=pk_a),
    Route(
        "cooperation:plan-freeze",
        members_a(allowed=(AGENT_A, STAFF), status=REDIRECT),
        kwargs=pk_a,
        method="post",
    ),
    Route("cooperation:plan-structure", PILOTS_A, kwargs=pk_a, hidden=hide_plan_a),
    Route(
        "cooperation:plan-structure",
        members_a(allowed=(AGENT_A, STAFF), status=INVALID),
        kwargs=pk_a,
        method="post",
        data=lambda w: {"formulaire": "axe", "title": ""},
    ),
    Route("cooperation:plan-gantt", SEEN_BY_MEMBERS_A, kwargs=pk_a, hidden=hide_plan_a),
    Route("cooperation:plan-indicators", SEEN_BY_MEMBERS_A, kwargs=pk_a, hidden=hide_plan_a),
    # A measure of an indicator: pilots and contributors record it.
    Route(
        "cooperation:plan-indicators",
        members_a(status=REDIRECT),
        kwargs=pk_a,
        method="post",
        data=lambda w: {
            "indicator": indicator_a(w).pk,
            "period": "2026-06-30",
            "value": "12",
            "source": "Matrice des droits",
            "comment": "",
        },
    ),
    # A new indicator: for the pilots only (the contributor is refused).
    Route(
        "cooperation:plan-indicators",
        members_a(allowed=(AGENT_A, STAFF), status=INVALID),
        kwargs=pk_a,
        method="post",
        id="POST cooperation:plan-indicators (nouvel indicateur)",
        data=lambda w: {"formulaire": "indicateur", "name": ""},
    ),
    # A measure for an indicator of another plan, posted to this one: not among the choices.
    Route(
        "cooperation:plan-indicators",
        members_a(status=INVALID),
        kwargs=pk_a,
        method="post",
        id="POST cooperation:plan-indicators (indicateur d'un autre plan)",
        data=lambda w: {
            "indicator": indicator_b(w).pk,
            "period": "2026-06-30",
            "value": "12",
            "source": "Matrice des droits",
            "comment": "",
        },
    ),
    Route(
        "cooperation:plan-space",
        SEEN_BY_MEMBERS_A,
        kwargs=pk_a,
        hidden=lambda w: {**hide_plan_a(w), **hide_messages_a(w)},
    ),
    Route(
        "cooperation:message-create",
        members_a(status=REDIRECT),
        kwargs=pk_a,
        method="post",
        data=lambda w: {"text": "Le comité de pilotage est avancé au 12 mars."},
    ),
    # A lecteur reads the plan but does not write in its thread.
    Route(
        "cooperation:message-create",
        {**SEEN_BY_MEMBERS_B, AGENT_B: REDIRECT, STAFF: REDIRECT, REFERENT: FORBIDDEN},
        kwargs=pk_b,
        method="post",
        id="POST cooperation:message-create (lecteur du plan du Finistère)",
        data=lambda w: {"text": "Bonjour à tous."},
    ),
    # A message about an action of another plan, posted to this one: that action is not here.
    Route(
        "cooperation:message-create",
        members_a(status=NOT_FOUND, members=NOT_FOUND),
        kwargs=pk_a,
        method="post",
        id="POST cooperation:message-create (action d'un autre plan)",
        data=lambda w: {"text": "Un message égaré.", "action": action_b(w).pk},
    ),
    Route(
        "cooperation:document-upload",
        members_a(status=NOT_FOUND, members=NOT_FOUND),
        kwargs=pk_a,
        method="post",
        id="POST cooperation:document-upload (action d'un autre plan)",
        data=lambda w: {"action": action_b(w).pk},
    ),
    Route(
        "cooperation:document-upload",
        members_a(status=INVALID),
        kwargs=pk_a,
        method="post",
        data=lambda w: {},
    ),
    Route("cooperation:plan-members", SEEN_BY_MEMBERS_A, kwargs=pk_a, hidden=hide_plan_a),
    Route(
        "cooperation:plan-members",
        members_a(allowed=(AGENT_A, STAFF), status=INVALID),
        kwargs=pk_a,
        method="post",
        data=lambda w: {"email": "", "role": "lecteur"},
    ),
    Route(
        "cooperation:member-update",
        members_a(allowed=(AGENT_A, STAFF), status=REDIRECT),
        kwargs=lambda w: {"pk": plan_a(w).pk, "member_pk": membership_of_partner_in(w).pk},
        method="post",
        data=lambda w: {"role": "lecteur"},
    ),
    # A membership of another plan, under this plan's address: not here (the contributor may
    # not manage members at all: 403 before anything else).
    Route(
        "cooperation:member-update",
        members_a(allowed=(AGENT_A, STAFF), status=NOT_FOUND),
        kwargs=lambda w: {"pk": plan_a(w).pk, "member_pk": membership_in_plan_b(w).pk},
        method="post",
        id="POST cooperation:member-update (membre d'un autre plan)",
        data=lambda w: {"operation": "retirer"},
    ),
    # One action ----------------------------------------------------------------------------
    Route("cooperation:action-detail", SEEN_BY_MEMBERS_A, kwargs=action_kwargs, hidden=hide_plan_a),
    # An action of another plan, under the address of a plan one may see: nobody.
    Route(
        "cooperation:action-detail",
        {**dict.fromkeys(Role, NOT_FOUND), ANONYMOUS: REDIRECT},
        kwargs=lambda w: {"pk": plan_a(w).pk, "action_pk": action_b(w).pk},
        id="GET cooperation:action-detail (action d'un autre plan)",
        hidden=lambda w: {key: [shown(action_b(w).title)] for key in Role},
    ),
    Route("cooperation:action-edit", WRITERS_A, kwargs=action_kwargs, hidden=hide_plan_a),
    Route(
        "cooperation:action-edit",
        members_a(status=INVALID),
        kwargs=action_kwargs,
        method="post",
        data=lambda w: {"title": ""},
    ),
    Route(
        "cooperation:step-create",
        members_a(status=INVALID),
        kwargs=action_kwargs,
        method="post",
        data=lambda w: {"title": ""},
    ),
    Route(
        "cooperation:step-toggle",
        members_a(status=REDIRECT),
        kwargs=lambda w: {**action_kwargs(w), "step_pk": step_a(w).pk},
        method="post",
        data=lambda w: {"done": "1"},
    ),
    # A step of another plan's action, under this action's address: not here.
    Route(
        "cooperation:step-toggle",
        members_a(status=NOT_FOUND, members=NOT_FOUND),
        kwargs=lambda w: {
            **action_kwargs(w),
            "step_pk": step_b(w).pk,
        },
        method="post",
        id="POST cooperation:step-toggle (jalon d'un autre plan)",
        data=lambda w: {"done": "1"},
    ),
    # The API -------------------------------------------------------------------------------
    Route(
        "cooperation-plan-list",
        signed_in(OK, anonymous=UNAUTHORIZED),
        api=True,
        hidden=hide_in_lists,
    ),
    Route(
        "cooperation-plan-detail",
        api(SEEN_BY_MEMBERS_A),
        kwargs=pk_a,
        api=True,
        hidden=hide_plan_a,
    ),
    Route(
        "cooperation-plan-detail",
        api(SEEN_BY_MEMBERS_B),
        kwargs=pk_b,
        api=True,
        id="GET cooperation-plan-detail (plan du Finistère)",
        hidden=lambda w: {key: [shown(plan_b(w).title)] for key in OUTSIDERS_B},
    ),
    Route(
        "cooperation-plan-actions",
        api(SEEN_BY_MEMBERS_A),
        kwargs=pk_a,
        api=True,
        hidden=hide_plan_a,
    ),
    Route(
        "cooperation-plan-actions",
        api(members_a(allowed=(AGENT_A, STAFF), status=INVALID)),
        kwargs=pk_a,
        method="post",
        api=True,
        data=lambda w: {"title": ""},
    ),
    Route(
        "cooperation-plan-indicators",
        api(SEEN_BY_MEMBERS_A),
        kwargs=pk_a,
        api=True,
        hidden=hide_indicators_a,
    ),
    Route(
        "cooperation-plan-indicators",
        api(members_a(status=INVALID)),
        kwargs=pk_a,
        method="post",
        api=True,
        data=lambda w: {"indicator": indicator_a(w).pk, "period": "pas une date"},
    ),
    Route(
        "cooperation-plan-messages",
        api(SEEN_BY_MEMBERS_A),
        kwargs=pk_a,
        api=True,
        hidden=hide_messages_a,
    ),
    Route(
        "cooperation-plan-messages",
        api(members_a(status=CREATED)),
        kwargs=pk_a,
        method="post",
        api=True,
        data=lambda w: {"text": "Le comité de pilotage est avancé au 12 mars."},
    ),
    Route(
        "cooperation-plan-messages",
        api({**SEEN_BY_MEMBERS_B, AGENT_B: CREATED, STAFF: CREATED, REFERENT: FORBIDDEN}),
        kwargs=pk_b,
        method="post",
        api=True,
        id="POST cooperation-plan-messages (lecteur du plan du Finistère)",
        data=lambda w: {"text": "Bonjour à tous."},
    ),
    Route(
        "cooperation-action-detail",
        api(SEEN_BY_MEMBERS_A),
        kwargs=lambda w: {"pk": action_a(w).pk},
        api=True,
        hidden=hide_plan_a,
    ),
    Route(
        "cooperation-action-detail",
        api(members_a(status=OK)),
        kwargs=lambda w: {"pk": action_a(w).pk},
        method="patch",
        api=True,
        data=lambda w: {"version": action_a(w).version, "priority": "haute"},
    ),
    # The API refuses the objects of another plan in a write to this one (a validation error).
    Route(
        "cooperation-plan-actions",
        api(members_a(allowed=(AGENT_A, STAFF), status=INVALID)),
        kwargs=pk_a,
        method="post",
        api=True,
        id="POST cooperation-plan-actions (objectif d'un autre plan)",
        data=lambda w: {
            "objective": objective_b(w).pk,
            "title": "Une action égarée",
            "description": "",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
        },
    ),
    Route(
        "cooperation-plan-indicators",
        api(members_a(status=INVALID)),
        kwargs=pk_a,
        method="post",
        api=True,
        id="POST cooperation-plan-indicators (indicateur d'un autre plan)",
        data=lambda w: {"indicator": indicator_b(w).pk, "period": "2026-06-30", "value": "12"},
    ),
    Route(
        "cooperation-plan-messages",
        api(members_a(status=INVALID)),
        kwargs=pk_a,
        method="post",
        api=True,
        id="POST cooperation-plan-messages (action d'un autre plan)",
        data=lambda w: {"text": "Un message égaré.", "action": action_b(w).pk},
    ),
]
