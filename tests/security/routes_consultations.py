"""« La Caf à votre écoute »: the public pages, the answer form, the results, the staff pages
(verbatims, access codes, exports) and the API.

The demo data has a public consultation open now, public ones with published results, an
internal one for the agents of every Caf (« Tous aidants »), a partners' one answered with
access codes (socle commun) and a draft. A consultation the role may not see is a 404, the
same answer as one that does not exist; the staff pages are for the CafLab team.
"""

from __future__ import annotations

import re

from tests.security.matrix import (
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    PARTNERS,
    REDIRECT,
    ROLES,
    Role,
    Route,
    everyone,
)

BAD_REQUEST = 400

AGENTS = (Role.AGENT_A, Role.AGENT_B, Role.FACILITATOR, Role.REFERENT)
NOT_STAFF = tuple(role for role in ROLES if role is not Role.STAFF)


def _consultation(world, key: str, **filters):
    from consultations.models import Consultation

    return world.get(
        f"consultation:{key}",
        lambda: Consultation.objects.filter(**filters).order_by("-opens_at").first(),
    )


def _open_public(world):
    from consultations.models import Consultation

    return _consultation(
        world,
        "ouverte-publique",
        audience=Consultation.Audience.PUBLIC,
        status__in=("programmee", "ouverte"),
        requires_access_code=False,
    )


def _internal(world):
    """An internal consultation (Caf agents only), with published results."""
    from consultations.models import Consultation

    return _consultation(
        world,
        "interne",
        audience=Consultation.Audience.PRIVATE,
        status=Consultation.Status.RESULTS,
        restitution__published_at__isnull=False,
    )


def _public_results(world):
    from consultations.models import Consultation

    return _consultation(
        world,
        "resultats-publics",
        audience=Consultation.Audience.PUBLIC,
        status=Consultation.Status.RESULTS,
        restitution__published_at__isnull=False,
    )


def _partners(world):
    from consultations.models import Consultation

    return _consultation(
        world,
        "partenaires",
        audience=Consultation.Audience.PARTNERS,
        requires_access_code=True,
    )


def _draft(world):
    from consultations.models import Consultation

    return _consultation(world, "brouillon", status=Consultation.Status.DRAFT)


def slug(pick):
    return lambda w: {"slug": pick(w).slug}


def for_agents(status: int = OK, *, staff: int = OK, agents: int | None = None) -> dict:
    """An internal consultation: its agents and the team; partners and visitors get a 404."""
    statuses = dict.fromkeys(ROLES, NOT_FOUND)
    statuses.update(dict.fromkeys(AGENTS, status if agents is None else agents))
    statuses[Role.STAFF] = staff
    return statuses


def staff_page(*, partners: int = FORBIDDEN, status: int = OK) -> dict:
    """A staff page of a consultation: login first, then the CafLab team only."""
    statuses = dict.fromkeys(ROLES, FORBIDDEN)
    statuses[Role.ANONYMOUS] = REDIRECT
    statuses.update(dict.fromkeys(PARTNERS, partners))
    statuses[Role.STAFF] = status
    return statuses


def staff_only_object(status: int = OK) -> dict:
    """A draft, or results not yet published: the team sees it, nobody else knows of it."""
    return {**dict.fromkeys(NOT_STAFF, NOT_FOUND), Role.STAFF: status}


def _hidden_in_lists(world) -> dict:
    """An internal consultation never shows to visitors or partners; a draft only to the
    team."""
    draft, internal = _draft(world).title, _internal(world).title
    hidden = {role: [draft] for role in NOT_STAFF}
    for role in (Role.ANONYMOUS, *PARTNERS):
        hidden[role].append(internal)
    return hidden


def unpublished_texts(pick):
    """The free-text answers of a consultation (testimonies, remarks): the team reads them on
    the verbatims page; they are never published with the results."""

    def hidden(world) -> dict:
        from django.db.models.functions import Length

        from consultations.models import Answer

        consultation = pick(world)

        def texts():
            return list(
                Answer.objects.filter(
                    response__consultation=consultation,
                    question__kind__in=("texte_court", "texte_long"),
                    question__publish_results=False,
                )
                .exclude(text="")
                .annotate(length=Length("text"))
                .order_by("-length")
                .values_list("text", flat=True)[:3]
            )

        found = world.get(f"consultation:{consultation.slug}:verbatims", texts)
        shown = [max(re.split(r"[&<>\"']", text), key=len)[:60] for text in found]
        return dict.fromkeys(NOT_STAFF, shown)

    return hidden


ROUTES = [
    # Lists -----------------------------------------------------------------------------------
    Route("consultations:consultation-list", everyone(OK), hidden=_hidden_in_lists),
    Route(
        "consultations:consultation-list",
        everyone(OK),
        query="phase=resultats",
        hidden=_hidden_in_lists,
        id="GET consultation-list (résultats)",
    ),
    Route(
        "consultations:consultation-list",
        everyone(OK),
        query="phase=toutes",
        hidden=_hidden_in_lists,
        id="GET consultation-list (toutes, pour l'équipe)",
    ),
    # Details ---------------------------------------------------------------------------------
    Route("consultations:consultation-detail", everyone(OK), kwargs=slug(_open_public)),
    Route(
        "consultations:consultation-detail",
        for_agents(),
        kwargs=slug(_internal),
        id="GET consultation-detail (interne)",
    ),
    # Answered with an access code: whoever holds a code reaches the page.
    Route(
        "consultations:consultation-detail",
        everyone(OK),
        kwargs=slug(_partners),
        id="GET consultation-detail (partenaires, avec code)",
    ),
    Route(
        "consultations:consultation-detail",
        staff_only_object(),
        kwargs=slug(_draft),
        id="GET consultation-detail (brouillon)",
    ),
    # Answering -------------------------------------------------------------------------------
    Route("consultations:consultation-answer", everyone(OK), kwargs=slug(_open_public)),
    # Closed: those who may see it are told it is closed (403), the others learn nothing.
    Route(
        "consultations:consultation-answer",
        for_agents(FORBIDDEN, staff=FORBIDDEN),
        kwargs=slug(_internal),
        id="GET consultation-answer (interne, close)",
    ),
    Route(
        "consultations:consultation-answer",
        for_agents(FORBIDDEN, staff=FORBIDDEN),
        kwargs=slug(_internal),
        method="post",
        data=lambda w: {"etape": "0", "action": "suivant"},
        id="POST consultation-answer (interne, close)",
    ),
    Route(
        "consultations:consultation-answer",
        staff_only_object(FORBIDDEN),
        kwargs=slug(_draft),
        id="GET consultation-answer (brouillon)",
    ),
    Route("consultations:consultation-thanks", everyone(OK), kwargs=slug(_open_public)),
    Route(
        "consultations:consultation-thanks",
        for_agents(),
        kwargs=slug(_internal),
        id="GET consultation-thanks (interne)",
    ),
    # Results ---------------------------------------------------------------------------------
    Route(
        "consultations:consultation-results",
        everyone(OK),
        kwargs=slug(_public_results),
        hidden=unpublished_texts(_public_results),
    ),
    Route(
        "consultations:consultation-results",
        for_agents(),
        kwargs=slug(_internal),
        hidden=unpublished_texts(_internal),
        id="GET consultation-results (interne)",
    ),
    Route(
        "consultations:consultation-results",
        staff_only_object(),
        kwargs=slug(_open_public),
        id="GET consultation-results (ouverte, pas encore publiés)",
    ),
    Route(
        "consultations:consultation-restitution",
        everyone(OK),
        kwargs=slug(_public_results),
        hidden=unpublished_texts(_public_results),
    ),
    Route(
        "consultations:consultation-restitution",
        for_agents(),
        kwargs=slug(_internal),
        id="GET consultation-restitution (interne)",
    ),
    # Staff pages -----------------------------------------------------------------------------
    Route(
        "consultations:consultation-verbatims",
        staff_page(),
        kwargs=slug(_public_results),
    ),
    # Of an internal consultation, partners do not even learn that it exists.
    Route(
        "consultations:consultation-verbatims",
        staff_page(partners=NOT_FOUND),
        kwargs=slug(_internal),
        id="GET consultation-verbatims (interne)",
    ),
    # Creating a tag without a name: « Donnez un nom d'étiquette… », back to the page.
    Route(
        "consultations:consultation-verbatims",
        staff_page(status=REDIRECT),
        kwargs=slug(_public_results),
        method="post",
        data=lambda w: {"action": "creer-etiquette", "name": "", "kind": "autre"},
        id="POST consultation-verbatims",
    ),
    Route("consultations:consultation-codes", staff_page(), kwargs=slug(_partners)),
    Route(
        "consultations:consultation-codes",
        staff_page(status=BAD_REQUEST),
        kwargs=slug(_partners),
        method="post",
        data=lambda w: {"count": "", "batch": ""},
        id="POST consultation-codes",
    ),
    *[
        Route(
            "consultations:consultation-export",
            staff_page(partners=NOT_FOUND),
            kwargs=lambda w, kind=kind, fmt=fmt: {
                "slug": _internal(w).slug,
                "kind": kind,
                "fmt": fmt,
            },
            id=f"GET consultation-export ({kind}.{fmt})",
        )
        for kind in ("reponses", "resultats")
        for fmt in ("csv", "xlsx")
    ],
    Route(
        "consultations:consultation-export",
        staff_page(partners=NOT_FOUND, status=NOT_FOUND),
        kwargs=lambda w: {"slug": _internal(w).slug, "kind": "reponses", "fmt": "pdf"},
        id="GET consultation-export (format inconnu)",
    ),
    # API: public consultations are open to everyone (citizens answer without an account) -----
    Route("consultation-list", everyone(OK), api=True, hidden=_hidden_in_lists),
    Route("consultation-detail", everyone(OK), kwargs=slug(_open_public), api=True),
    Route(
        "consultation-detail",
        for_agents(),
        kwargs=slug(_internal),
        api=True,
        id="GET consultation-detail (API, interne)",
    ),
    Route(
        "consultation-detail",
        staff_only_object(),
        kwargs=slug(_draft),
        api=True,
        id="GET consultation-detail (API, brouillon)",
    ),
    Route("consultation-questionnaire", everyone(OK), kwargs=slug(_open_public), api=True),
    Route(
        "consultation-questionnaire",
        for_agents(),
        kwargs=slug(_internal),
        api=True,
        id="GET consultation-questionnaire (API, interne)",
    ),
    Route(
        "consultation-results",
        everyone(OK),
        kwargs=slug(_public_results),
        api=True,
        hidden=unpublished_texts(_public_results),
    ),
    Route(
        "consultation-results",
        for_agents(),
        kwargs=slug(_internal),
        api=True,
        hidden=unpublished_texts(_internal),
        id="GET consultation-results (API, interne)",
    ),
    Route(
        "consultation-results",
        staff_only_object(),
        kwargs=slug(_open_public),
        api=True,
        id="GET consultation-results (API, pas encore publiés)",
    ),
    # An empty answer to the open public consultation: refused with the field errors.
    Route(
        "consultation-responses",
        everyone(BAD_REQUEST),
        kwargs=slug(_open_public),
        method="post",
        data=lambda w: {"answers": {}},
        api=True,
    ),
    Route(
        "consultation-responses",
        for_agents(BAD_REQUEST, staff=BAD_REQUEST),
        kwargs=slug(_internal),
        method="post",
        data=lambda w: {"answers": {}},
        api=True,
        id="POST consultation-responses (API, interne, close)",
    ),
    Route(
        "consultation-responses",
        everyone(NOT_ALLOWED),
        kwargs=slug(_open_public),
        api=True,
        id="GET consultation-responses (API)",
    ),
]
