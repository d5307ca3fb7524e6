"""The permission matrix: every page, API endpoint and export of the portal, for every role.

Each app's routes live in `routes_<app>.py` as a list `ROUTES` of `Route`. A route names a
URL (by its `namespace:name`), says how to build its arguments from the demo data, and gives
the status each role must receive. `hidden` lists, per role, the texts that must never appear
in the body that role receives (objects of another Caf, another plan, another lab…).

The world is the demo data (`seed_demo`), loaded once per test process inside a transaction
that is rolled back at the end; each test runs in its own savepoint, so a POST changes nothing
for the next one.

Roles:
- ANONYMOUS: a visitor who is not signed in — the citizen without an account who answers a
  public consultation is this visitor;
- AGENT_A: an agent of the Caf de l'Isère (38), member of the community of innovators;
- AGENT_B: an agent of another Caf (Finistère, 29), with no part in Isère's objects;
- PARTNER_IN: a partner who is a member of an Isère COOPération plan (Ville de Grenoble);
- PARTNER_OUT: a partner of an organisation that is in no plan of Isère;
- FACILITATOR: a facilitator of a living lab (an agent of that lab's Caf);
- REFERENT: an innovation referent of a region (Bretagne);
- STAFF: a member of the CafLab national team.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    ANONYMOUS = "anonyme"
    AGENT_A = "agent_caf_a"
    AGENT_B = "agent_caf_b"
    PARTNER_IN = "partenaire_du_plan"
    PARTNER_OUT = "partenaire_hors_plan"
    FACILITATOR = "animateur_living_lab"
    REFERENT = "referent"
    STAFF = "equipe_caflab"


ROLES = tuple(Role)
SIGNED_IN = tuple(role for role in Role if role is not Role.ANONYMOUS)
ANONYMOUS, AGENT_A, AGENT_B = Role.ANONYMOUS, Role.AGENT_A, Role.AGENT_B
PARTNER_IN, PARTNER_OUT = Role.PARTNER_IN, Role.PARTNER_OUT
FACILITATOR, REFERENT, STAFF = Role.FACILITATOR, Role.REFERENT, Role.STAFF
PARTNERS = (PARTNER_IN, PARTNER_OUT)

# Statuses by meaning, so that a row reads as a sentence.
OK = 200
CREATED = 201
REDIRECT = 302  # for a signed-out visitor on a page: the login page
FORBIDDEN = 403
NOT_FOUND = 404  # the object exists, but not for this role: its existence is not revealed
NOT_ALLOWED = 405
UNAUTHORIZED = 401  # the API, without credentials
INVALID = 400  # the form comes back with its French errors, or the API's validation errors


def everyone(status: int) -> dict[Role, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, *, anonymous: int = REDIRECT) -> dict[Role, int]:
    return {Role.ANONYMOUS: anonymous, **dict.fromkeys(SIGNED_IN, status)}


def only(
    allowed: Sequence[Role],
    *,
    status: int = OK,
    others: int = FORBIDDEN,
    anonymous: int = REDIRECT,
) -> dict[Role, int]:
    """`status` for the roles allowed, `others` for the signed-in rest, `anonymous` for the
    visitor (unless the visitor is among the allowed)."""
    statuses = {role: (status if role in allowed else others) for role in SIGNED_IN}
    statuses[Role.ANONYMOUS] = status if Role.ANONYMOUS in allowed else anonymous
    return statuses


def roles(allowed, status=OK, *, others=FORBIDDEN, anonymous=REDIRECT, **special):
    """`status` for `allowed`, `others` for the signed-in rest, `anonymous` for the visitor;
    `special` gives one role (by its Role name, e.g. STAFF=404) another status."""
    expect = {role: (status if role in allowed else others) for role in Role}
    expect[Role.ANONYMOUS] = status if Role.ANONYMOUS in allowed else anonymous
    for name, value in special.items():
        expect[Role[name]] = value
    return expect


@dataclass(frozen=True)
class Route:
    """One URL of the portal and what each role gets from it.

    `kwargs` builds the URL's arguments from the world (the demo data); `data` the body of a
    POST (the statuses are then those of that POST); `hidden` the texts one role must never
    see in its response; `query` a query string appended to the URL.
    """

    name: str
    expect: Mapping[Role, int]
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    hidden: Callable[[World], Mapping[Role, Sequence[str]]] | None = None
    query: str = ""
    api: bool = False
    id: str = ""  # tells two rows of one URL name apart (e.g. GET and POST)

    @property
    def label(self) -> str:
        return self.id or f"{self.method.upper()} {self.name}"


@dataclass
class World:
    """The users of each role, and the cache of objects the rows pick from the demo data."""

    users: dict[Role, Any]
    cache: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, factory: Callable[[], Any]) -> Any:
        """An object found once in the demo data and reused by every row that needs it."""
        if key not in self.cache:
            self.cache[key] = factory()
        return self.cache[key]
