"""Eurekaf, the idea box: pages and API.

Agents see their Caf's box and the national box; a box's managers (here the referent for the
Caf d'Ille-et-Vilaine, the CafLab team for every box) answer its ideas. Partners are refused
(403) and visitors sent to the login page. An idea of a box the user may not see is a 404, the
same answer as an idea that does not exist; an action the user may not take on an idea they
see is a 403.
"""

from __future__ import annotations

import re

from tests.security.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    PARTNERS,
    REDIRECT,
    ROLES,
    UNAUTHORIZED,
    Role,
    Route,
)

BAD_REQUEST = 400

OTHER_AGENTS = (Role.AGENT_B, Role.FACILITATOR, Role.REFERENT)  # none of them sees Isère's box
AGENTS = (Role.AGENT_A, *OTHER_AGENTS)
NOT_STAFF = tuple(role for role in ROLES if role is not Role.STAFF)


def page(
    *,
    agent_a: int = OK,
    others: int | None = None,
    agent_b: int | None = None,
    facilitator: int | None = None,
    referent: int | None = None,
    staff: int = OK,
    partners: int = FORBIDDEN,
    api: bool = False,
) -> dict:
    """The statuses of one Eurekaf page or endpoint; `others` for the agents of other Cafs."""
    others = agent_a if others is None else others
    return {
        Role.ANONYMOUS: UNAUTHORIZED if api else REDIRECT,
        Role.AGENT_A: agent_a,
        Role.AGENT_B: others if agent_b is None else agent_b,
        Role.FACILITATOR: others if facilitator is None else facilitator,
        Role.REFERENT: others if referent is None else referent,
        Role.STAFF: staff,
        **dict.fromkeys(PARTNERS, partners),
    }


def on_isere_idea(*, agent_a: int, staff: int, api: bool = False) -> dict:
    """An action on an idea of Isère's box: the other agents do not see it (404)."""
    return page(
        agent_a=agent_a,
        others=NOT_FOUND,
        staff=staff,
        partners=NOT_FOUND if api else FORBIDDEN,
        api=api,
    )


def shown(text: str) -> str:
    """The longest part of a text that HTML shows as it is (between characters it escapes)."""
    return max(re.split(r"[&<>\"']", text), key=len)[:60]


# The demo data ---------------------------------------------------------------------------------
def _agent_a(world):
    return world.users[Role.AGENT_A]


def _own_title(ideas):
    """The first of these ideas whose title is not part of an idea of another box (the demo
    data reuses some titles from one Caf to another)."""
    from eurekaf.models import Idea

    for idea in ideas:
        if not Idea.objects.exclude(box=idea.box).filter(title__icontains=idea.title).exists():
            return idea
    return None


def isere_idea(world):
    """A visible idea of Isère's box, posted by another agent of Isère."""
    from eurekaf.models import Idea

    return world.get(
        "eurekaf:idee-isere",
        lambda: _own_title(
            Idea.objects.filter(box__caf__number="38", is_hidden=False)
            .exclude(author=_agent_a(world))
            .exclude(status=Idea.Status.MERGED)
            .order_by("-created_at")
        ),
    )


def own_idea(world):
    """An idea of Agent A with a comment hidden by the moderation and an internal note."""
    from eurekaf.models import Idea

    return world.get(
        "eurekaf:idee-agent-a",
        lambda: (
            Idea.objects.filter(
                author=_agent_a(world), comments__is_hidden=True, notes__isnull=False
            )
            .distinct()
            .order_by("pk")
            .first()
        ),
    )


def finistere_idea(world):
    from eurekaf.models import Idea

    return world.get(
        "eurekaf:idee-finistere",
        lambda: _own_title(
            Idea.objects.filter(box__caf__number="29", is_hidden=False)
            .exclude(status=Idea.Status.MERGED)
            .order_by("-created_at")
        ),
    )


def national_idea(world):
    from eurekaf.models import Idea

    return world.get(
        "eurekaf:idee-nationale",
        lambda: (
            Idea.objects.filter(box__caf__isnull=True, is_hidden=False)
            .exclude(author=_agent_a(world))
            .exclude(status=Idea.Status.MERGED)
            .order_by("-created_at")
            .first()
        ),
    )


def hidden_idea(world):
    """An idea hidden by the moderation, in a box none of the agents of the matrix manages."""
    from eurekaf.models import Idea

    return world.get(
        "eurekaf:idee-masquee", lambda: Idea.objects.filter(is_hidden=True).order_by("pk").first()
    )


def isere_campaign(world):
    from eurekaf.models import Campaign

    return world.get(
        "eurekaf:campagne-isere",
        lambda: Campaign.objects.filter(box__caf__number="38").order_by("-starts_on").first(),
    )


def finistere_campaign(world):
    from eurekaf.models import Campaign

    return world.get(
        "eurekaf:campagne-finistere",
        lambda: Campaign.objects.filter(box__caf__number="29").order_by("-starts_on").first(),
    )


def isere_comment(world):
    from eurekaf.models import Comment

    return world.get(
        "eurekaf:commentaire-isere",
        lambda: (
            Comment.objects.filter(idea=isere_idea(world), is_hidden=False).first()
            or Comment.objects.filter(idea__box__caf__number="38", is_hidden=False)
            .order_by("pk")
            .first()
        ),
    )


def isere_report(world):
    from eurekaf.models import Report

    return world.get(
        "eurekaf:signalement-isere",
        lambda: (
            Report.objects.filter(idea__box__caf__number="38", resolved_at=None)
            .order_by("pk")
            .first()
        ),
    )


def pk(pick):
    return lambda w: {"pk": pick(w).pk}


def _hidden_comment(world) -> str:
    return shown(own_idea(world).comments.filter(is_hidden=True).first().text)


def _internal_note(world) -> str:
    return shown(own_idea(world).notes.first().text)


# What each role must never see -----------------------------------------------------------------
def scopes(world) -> dict:
    """Isère's ideas and campaigns for the agents of other Cafs, Finistère's for Agent A, and
    the ideas hidden by the moderation for everyone but the team."""
    # A campaign's title is often shared by several Cafs: its slug is its own.
    isere = [shown(isere_idea(world).title), isere_campaign(world).slug]
    finistere = [
        shown(finistere_idea(world).title),
        finistere_campaign(world).slug,
    ]
    hidden = [shown(hidden_idea(world).title)]
    result = {role: [*isere, *finistere, *hidden] for role in (Role.ANONYMOUS, *PARTNERS)}
    result[Role.AGENT_A] = [*finistere, *hidden]
    for role in OTHER_AGENTS:
        result[role] = [*isere, *hidden]
    return result


def moderated(world) -> dict:
    """On Agent A's idea: the hidden comment and the managers' internal note are not for the
    agents (Agent A is the idea's author, not the comment's)."""
    texts = [_hidden_comment(world), _internal_note(world)]
    return dict.fromkeys(NOT_STAFF, texts)


def reported_idea(world):
    return isere_report(world).idea


def report_reason(world) -> dict:
    """An open report is for the box's managers: the agents never read its reason."""
    return dict.fromkeys(NOT_STAFF, (shown(isere_report(world).reason),))


def isere_idea_scope(world) -> dict:
    """The idea's author's email is never shown; nor anything of it to those who may not see
    it."""
    idea = isere_idea(world)
    result = {role: [idea.author.email] for role in ROLES}
    for role in (Role.ANONYMOUS, *PARTNERS, *OTHER_AGENTS):
        result[role].append(shown(idea.title))
    return result


ROUTES = [
    # Ideas: list, similar, posting ----------------------------------------------------------
    Route("eurekaf:idea-list", page(), hidden=scopes),
    Route(
        "eurekaf:idea-list",
        page(),
        query="boite=caf-38&caf=38&tri=soutenues",
        hidden=scopes,
        id="GET idea-list (boîte de l'Isère)",
    ),
    Route(
        "eurekaf:idea-list",
        page(),
        query="statut=masquee&tri=recentes",
        hidden=scopes,
        id="GET idea-list (filtres)",
    ),
    # Changing the status of several ideas at once: for the boxes' managers (no idea checked:
    # « Cochez au moins une idée. »).
    Route(
        "eurekaf:idea-list",
        page(agent_a=FORBIDDEN, referent=BAD_REQUEST, staff=BAD_REQUEST),
        method="post",
        data=lambda w: {"to_status": "en_etude"},
        id="POST idea-list (changement groupé)",
    ),
    Route(
        "eurekaf:idea-similar",
        page(),
        query="titre=horaires%20accueil%20dossiers%20demande%20parents%20agents",
        hidden=scopes,
    ),
    # Typing the words of an idea of Isère (in another order: the page repeats what was
    # typed): only those who see Isère's box are shown the idea.
    Route(
        "eurekaf:idea-similar",
        page(),
        data=lambda w: {"titre": " ".join(reversed(isere_idea(w).title.split()))},
        hidden=scopes,
        id="GET idea-similar (titre d'une idée de l'Isère)",
    ),
    # Ideas are posted by agents; the team answers them but does not post.
    Route("eurekaf:idea-create", page(staff=FORBIDDEN)),
    Route(
        "eurekaf:idea-create",
        page(agent_a=BAD_REQUEST, staff=FORBIDDEN),
        method="post",
        data=lambda w: {"title": "", "description": ""},
        id="POST idea-create",
    ),
    # One idea ---------------------------------------------------------------------------------
    Route(
        "eurekaf:idea-detail",
        on_isere_idea(agent_a=OK, staff=OK),
        kwargs=pk(isere_idea),
        hidden=isere_idea_scope,
    ),
    Route(
        "eurekaf:idea-detail",
        on_isere_idea(agent_a=OK, staff=OK),
        kwargs=pk(own_idea),
        hidden=moderated,
        id="GET idea-detail (idée de l'agent A, commentaire masqué)",
    ),
    Route(
        "eurekaf:idea-detail",
        on_isere_idea(agent_a=OK, staff=OK),
        kwargs=pk(reported_idea),
        hidden=report_reason,
        id="GET idea-detail (idée signalée)",
    ),
    Route(
        "eurekaf:idea-detail",
        page(),
        kwargs=pk(national_idea),
        id="GET idea-detail (boîte nationale)",
    ),
    Route(
        "eurekaf:idea-detail",
        page(agent_a=NOT_FOUND),
        kwargs=pk(hidden_idea),
        id="GET idea-detail (idée masquée)",
    ),
    Route(
        "eurekaf:idea-detail",
        page(agent_a=NOT_FOUND, agent_b=OK),
        kwargs=pk(finistere_idea),
        id="GET idea-detail (Finistère)",
    ),
    # Only its author edits an idea, before any reaction.
    Route(
        "eurekaf:idea-edit",
        on_isere_idea(agent_a=FORBIDDEN, staff=FORBIDDEN),
        kwargs=pk(isere_idea),
    ),
    Route(
        "eurekaf:idea-edit",
        on_isere_idea(agent_a=FORBIDDEN, staff=FORBIDDEN),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"title": "Titre remplacé", "description": "Description remplacée."},
        id="POST idea-edit",
    ),
    # Reactions of the agents who see the idea (the team does not support ideas).
    Route(
        "eurekaf:idea-support",
        on_isere_idea(agent_a=REDIRECT, staff=FORBIDDEN),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"soutien": "1"},
    ),
    Route(
        "eurekaf:idea-follow",
        on_isere_idea(agent_a=REDIRECT, staff=REDIRECT),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"suivi": "1"},
    ),
    Route(
        "eurekaf:idea-comment",
        on_isere_idea(agent_a=BAD_REQUEST, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"text": ""},
    ),
    # An empty reason: « Dites en quelques mots pourquoi… », back to the idea.
    Route(
        "eurekaf:idea-report",
        on_isere_idea(agent_a=REDIRECT, staff=FORBIDDEN),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"reason": ""},
    ),
    # The managers' follow-up (here the team; the referent manages another box).
    Route(
        "eurekaf:idea-status",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"to_status": "", "answer": ""},
    ),
    Route(
        "eurekaf:idea-assign",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"assignee": "0", "due_on": "pas une date"},
    ),
    Route(
        "eurekaf:idea-note",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"text": ""},
    ),
    Route(
        "eurekaf:idea-merge",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"into": ""},
    ),
    Route(
        "eurekaf:idea-escalate",
        on_isere_idea(agent_a=FORBIDDEN, staff=REDIRECT),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"answer": "Cette idée intéresse tout le réseau."},
    ),
    Route(
        "eurekaf:idea-hide",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"reason": ""},
    ),
    # Moderation of comments and reports: the box's managers.
    Route(
        "eurekaf:comment-hide",
        on_isere_idea(agent_a=FORBIDDEN, staff=REDIRECT),
        kwargs=pk(isere_comment),
        method="post",
        data=lambda w: {"reason": "Propos hors charte."},
    ),
    Route(
        "eurekaf:report-resolve",
        on_isere_idea(agent_a=FORBIDDEN, staff=REDIRECT),
        kwargs=pk(isere_report),
        method="post",
    ),
    # No attachment in the demo data: one that does not exist is a 404 for all who may ask.
    Route(
        "eurekaf:attachment-download",
        page(agent_a=NOT_FOUND, staff=NOT_FOUND),
        kwargs=lambda w: {"pk": 999999},
    ),
    # Campaigns --------------------------------------------------------------------------------
    Route("eurekaf:campaign-list", page(), hidden=scopes),
    Route(
        "eurekaf:campaign-detail",
        on_isere_idea(agent_a=OK, staff=OK),
        kwargs=lambda w: {"slug": isere_campaign(w).slug},
        hidden=lambda w: {
            role: [shown(finistere_idea(w).title), shown(hidden_idea(w).title)]
            for role in (Role.AGENT_A, Role.STAFF)
        },
    ),
    # Campaigns are launched by a box's managers (the referent for his Caf) and by the team.
    Route("eurekaf:campaign-create", page(agent_a=FORBIDDEN, referent=OK)),
    Route(
        "eurekaf:campaign-create",
        page(agent_a=FORBIDDEN, referent=BAD_REQUEST, staff=BAD_REQUEST),
        method="post",
        data=lambda w: {"title": "", "slug": ""},
        id="POST campaign-create",
    ),
    # Statistics: a box the user sees; the national view and the exports for the managers.
    Route("eurekaf:statistics", page()),
    Route(
        "eurekaf:statistics",
        page(others=NOT_FOUND),
        query="boite=caf-38",
        id="GET statistics (boîte de l'Isère)",
    ),
    *[
        Route(
            "eurekaf:statistics-export",
            page(agent_a=FORBIDDEN, referent=OK),
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
            id=f"GET statistics-export ({fmt})",
        )
        for fmt in ("csv", "xlsx")
    ],
    Route(
        "eurekaf:statistics-export",
        page(agent_a=FORBIDDEN, others=NOT_FOUND),
        kwargs=lambda w: {"fmt": "csv"},
        query="boite=caf-38",
        id="GET statistics-export (csv, boîte de l'Isère)",
    ),
    # API ------------------------------------------------------------------------------------
    # Partners may call the API: the list of ideas is empty for them.
    Route("eurekaf-idea-list", page(partners=OK, api=True), api=True, hidden=scopes),
    Route(
        "eurekaf-idea-list",
        page(partners=OK, api=True),
        query="boite=caf-38&caf=38",
        api=True,
        hidden=scopes,
        id="GET eurekaf-idea-list (boîte de l'Isère)",
    ),
    Route(
        "eurekaf-idea-list",
        page(partners=OK, api=True),
        data=lambda w: {"q": isere_idea(w).title},
        api=True,
        hidden=scopes,
        id="GET eurekaf-idea-list (recherche d'une idée de l'Isère)",
    ),
    Route(
        "eurekaf-idea-list",
        page(agent_a=BAD_REQUEST, staff=FORBIDDEN, api=True),
        method="post",
        data=lambda w: {"titre": "", "description": ""},
        api=True,
        id="POST eurekaf-idea-list (déposer)",
    ),
    Route(
        "eurekaf-idea-detail",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(isere_idea),
        api=True,
        hidden=isere_idea_scope,
    ),
    Route(
        "eurekaf-idea-detail",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(own_idea),
        api=True,
        hidden=moderated,
        id="GET eurekaf-idea-detail (idée de l'agent A, commentaire masqué)",
    ),
    Route(
        "eurekaf-idea-detail",
        page(agent_a=NOT_FOUND, partners=NOT_FOUND, api=True),
        kwargs=pk(hidden_idea),
        api=True,
        id="GET eurekaf-idea-detail (idée masquée)",
    ),
    Route(
        "eurekaf-idea-detail",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(reported_idea),
        api=True,
        hidden=report_reason,
        id="GET eurekaf-idea-detail (idée signalée)",
    ),
    Route(
        "eurekaf-idea-comments",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(own_idea),
        api=True,
        hidden=lambda w: {role: [_hidden_comment(w)] for role in NOT_STAFF},
    ),
    Route(
        "eurekaf-idea-comments",
        on_isere_idea(agent_a=BAD_REQUEST, staff=BAD_REQUEST, api=True),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"text": ""},
        api=True,
        id="POST eurekaf-idea-comments",
    ),
    Route(
        "eurekaf-idea-change-status",
        on_isere_idea(agent_a=FORBIDDEN, staff=BAD_REQUEST, api=True),
        kwargs=pk(isere_idea),
        method="post",
        data=lambda w: {"to_status": "mise_en_oeuvre"},
        api=True,
    ),
    Route(
        "eurekaf-idea-follow",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(isere_idea),
        method="post",
        api=True,
    ),
    Route(
        "eurekaf-idea-follow",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(isere_idea),
        method="delete",
        api=True,
        id="DELETE eurekaf-idea-follow",
    ),
    Route(
        "eurekaf-idea-support",
        on_isere_idea(agent_a=OK, staff=FORBIDDEN, api=True),
        kwargs=pk(isere_idea),
        method="post",
        api=True,
    ),
    Route(
        "eurekaf-idea-support",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=pk(isere_idea),
        method="delete",
        api=True,
        id="DELETE eurekaf-idea-support",
    ),
    Route("eurekaf-campaign-list", page(partners=OK, api=True), api=True, hidden=scopes),
    Route(
        "eurekaf-campaign-detail",
        on_isere_idea(agent_a=OK, staff=OK, api=True),
        kwargs=lambda w: {"slug": isere_campaign(w).slug},
        api=True,
    ),
    Route("eurekaf-idea-statistics", page(api=True), api=True),
    Route(
        "eurekaf-idea-statistics",
        page(others=NOT_FOUND, partners=NOT_FOUND, api=True),
        query="boite=caf-38",
        api=True,
        id="GET eurekaf-idea-statistics (boîte de l'Isère)",
    ),
]
