"""Caf'IA: the calendar and the sets, the booking flow and a booking's actions, the malette
numérique, the waitlist, the CafLab's follow-up, the statistics and exports, each Caf's iCal
feed (a signed token, no login) and the API `expo-*`.

The booking of the rows is Isère's coming one: AGENT_A's Caf hosts it; its contact, phone and
delivery address are for Isère's agents and the CafLab only (the referent of the rows is
Bretagne's, not Isère's région). Partners have no part in the exhibition: 403 everywhere.
"""

from tests.security import matrix
from tests.security.matrix import (
    CREATED,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    PARTNERS,
    REDIRECT,
    UNAUTHORIZED,
    Role,
    Route,
    everyone,
)
from tests.security.world import CAF_A, CAF_B

NO_SUCH_PHOTO = 999_999  # the demo data has no photo in the condition log

AGENTS = (Role.AGENT_A, Role.AGENT_B, Role.FACILITATOR, Role.REFERENT)
CALENDAR = (*AGENTS, Role.STAFF)  # who sees the calendar: the Cafs' agents and the CafLab
ISERE = (Role.AGENT_A, Role.STAFF)
OTHER_AGENTS = (Role.AGENT_B, Role.FACILITATOR, Role.REFERENT)
NOT_ISERE = tuple(role for role in Role if role not in ISERE)
NOT_STAFF = tuple(role for role in Role if role is not Role.STAFF)


def roles(allowed, status=OK, *, others=FORBIDDEN, anonymous=REDIRECT, **special):
    """As matrix.roles, but partners get a 403 unless allowed: the exhibition is not theirs."""
    partners = {role.name: FORBIDDEN for role in PARTNERS if role not in allowed}
    return matrix.roles(
        allowed, status, others=others, anonymous=anonymous, **{**partners, **special}
    )


def api(allowed, status=OK, *, others=FORBIDDEN, **special):
    return roles(allowed, status, others=others, anonymous=UNAUTHORIZED, **special)


# The objects of the rows ------------------------------------------------------------------------
def booking(w):
    """Isère's coming booking (the set is still to be shipped to it)."""
    from expo_booking.models import Booking

    return w.get(
        "expo.booking_a",
        lambda: (
            Booking.objects.filter(caf__number=CAF_A, handover__shipped_at__isnull=True)
            .select_related("expo_set")
            .order_by("-starts_on")
            .first()
        ),
    )


def b(w):
    return {"pk": booking(w).pk}


def booking_b(w):
    """A booking of the Finistère: its agents, Bretagne's referent and the CafLab see it."""
    from expo_booking.models import Booking

    return w.get(
        "expo.booking_b",
        lambda: Booking.objects.filter(caf__number=CAF_B).order_by("-starts_on").first(),
    )


def finistere_texts(w):
    item = booking_b(w)
    return tuple(text for text in (item.contact_name, item.contact_email) if text)


def hide_finistere(w):
    shown = (Role.AGENT_B, Role.REFERENT, Role.STAFF)
    return {role: finistere_texts(w) for role in Role if role not in shown}


def handover(w):
    return w.get("expo.handover_a", lambda: booking(w).handover)


def isere_texts(w):
    """The contacts and delivery addresses of Isère's bookings."""
    from expo_booking.models import Booking

    def texts():
        found = []
        for item in Booking.objects.filter(caf__number=CAF_A):
            street = [line for line in item.delivery_address.splitlines() if line[:1].isdigit()]
            found += [item.contact_name, item.contact_email, item.contact_phone, *street]
        return [text for text in found if text]

    return w.get("expo.isere_texts", texts)


def isere_venues(w):
    from expo_booking.models import Booking

    return w.get(
        "expo.isere_venues",
        lambda: sorted(
            set(Booking.objects.filter(caf__number=CAF_A).values_list("venue", flat=True))
        ),
    )


def hide_isere(w):
    """Another Caf's booking is « réservé »: neither its contacts nor its details."""
    return dict.fromkeys(NOT_ISERE, (*isere_texts(w), *isere_venues(w)))


def hide_isere_from_referent(w):
    """The export of a referent holds their régions' bookings, without contacts."""
    return {**hide_contacts(w), Role.REFERENT: [*isere_texts(w), *isere_venues(w)]}


def hide_contacts(w):
    """Contacts are for the host Caf and the CafLab; a referent reads their région's bookings
    without them (and nothing of Isère)."""
    return dict.fromkeys(NOT_STAFF, isere_texts(w))


def set_of(w, key, **filters):
    from expo_booking.models import ExpoSet

    return w.get(
        f"expo.set_{key}", lambda: ExpoSet.objects.filter(**filters).order_by("pk").first()
    )


def caf_b_set(w):
    """A set kept in the Finistère: AGENT_B's Caf reports its damage."""
    return set_of(w, "b", location__number=CAF_B)


def flagged_set(w):
    return set_of(w, "flagged", condition__in=("endommage", "incomplet"))


def waitlist_entry(w):
    """A waiting request of a Caf none of the roles works in."""
    from expo_booking.models import WaitlistEntry

    cafs = [u.caf_id for u in w.users.values() if u is not None and u.caf_id]
    return w.get(
        "expo.waitlist",
        lambda: WaitlistEntry.objects.exclude(caf_id__in=cafs).order_by("-pk").first(),
    )


def hide_waitlist(w):
    entry = waitlist_entry(w)
    texts = [entry.caf.name]
    if entry.requested_by:
        texts += [entry.requested_by.get_full_name(), entry.requested_by.email]
    return dict.fromkeys(NOT_STAFF, texts)


def kit_version(w):
    from expo_booking.models import KitVersion

    return w.get(
        "expo.kit_version",
        lambda: KitVersion.objects.filter(resource__is_published=True).order_by("pk").first(),
    )


def blackout(w):
    from expo_booking.models import Blackout

    return w.get("expo.blackout", lambda: Blackout.objects.order_by("pk").first())


def feed(w, *, number=CAF_A, token_of=CAF_A):
    from caflab.models import Caf
    from expo_booking.feeds import feed_token

    return {"number": number, "token": feed_token(Caf.objects.get(number=token_of))}


def isere_request(w):
    """A valid booking request for Isère, months ahead: Isère's agents and the CafLab may
    send it; nobody books for another Caf."""
    return {
        "caf": CAF_A,
        "starts_on": "2027-09-06",
        "ends_on": "2027-09-17",
        "use": "circulation_libre",
        "expected_visitors": 120,
        "venue": "Hall d'accueil, Grenoble",
        "contact_name": "Contact de la matrice",
        "contact_phone": "04 00 00 00 00",
        "contact_email": "matrice@caf38.exemple.fr",
        "delivery_address": "1 rue de la Matrice\n38000 Grenoble",
    }


def code(w, expo_set):
    return {"code": expo_set.code}


ROUTES = [
    # The calendar and the sets: another Caf's booking shows as « réservé », nothing more.
    Route("expo_booking:calendar", roles(CALENDAR), hidden=hide_isere),
    Route(
        "expo_booking:set-detail",
        roles(CALENDAR),
        kwargs=lambda w: code(w, booking(w).expo_set),
        hidden=hide_isere,
    ),
    Route(
        "expo_booking:set-report-damage",
        roles([Role.AGENT_B, Role.STAFF], 400),
        method="post",
        kwargs=lambda w: code(w, caf_b_set(w)),
    ),
    Route(
        "expo_booking:set-repair",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: code(w, flagged_set(w)),
    ),
    Route(
        "expo_booking:condition-photo",
        roles((), others=NOT_FOUND),
        kwargs=lambda w: {**code(w, booking(w).expo_set), "pk": NO_SUCH_PHOTO},
    ),
    # Booking, and the booking's page: Isère's agents and the CafLab (404 for another Caf)
    Route("expo_booking:booking-create", roles(CALENDAR)),
    Route(
        "expo_booking:booking-create",
        roles(CALENDAR, 400),
        method="post",
        id="POST expo_booking:booking-create",
    ),
    Route("expo_booking:booking-list", roles(CALENDAR), hidden=hide_isere),
    Route(
        "expo_booking:booking-detail",
        roles(ISERE, others=NOT_FOUND),
        kwargs=b,
        hidden=hide_isere,
    ),
    Route(
        "expo_booking:booking-detail",
        roles([Role.AGENT_B, Role.REFERENT, Role.STAFF], others=NOT_FOUND),
        id="GET expo_booking:booking-detail (Finistère)",
        kwargs=lambda w: {"pk": booking_b(w).pk},
        hidden=hide_finistere,
    ),
    Route(
        "expo_booking:booking-cancel",
        roles(ISERE, 400, others=NOT_FOUND),
        method="post",
        kwargs=b,
        hidden=hide_isere,
    ),
    Route(
        "expo_booking:booking-confirm",
        roles([Role.STAFF], REDIRECT, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        method="post",
        kwargs=b,
    ),
    # The set comes from another Caf: Isère receives it, it does not ship it.
    Route(
        "expo_booking:handover-ship",
        roles([Role.STAFF], 400, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        method="post",
        kwargs=b,
        data=lambda w: {"leg": "arrivee"},
    ),
    Route(
        "expo_booking:handover-receive",
        roles(ISERE, 400, others=NOT_FOUND),
        method="post",
        kwargs=b,
    ),
    Route(
        "expo_booking:booking-return",
        roles([Role.STAFF], REDIRECT, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        method="post",
        kwargs=b,
    ),
    # The exhibition is still to come: no feedback yet (back to the booking with the refusal).
    Route(
        "expo_booking:feedback-submit",
        roles(ISERE, REDIRECT, others=NOT_FOUND),
        method="post",
        kwargs=b,
    ),
    Route(
        "expo_booking:offer-accept",
        roles(ISERE, REDIRECT, others=NOT_FOUND),
        method="post",
        kwargs=b,
    ),
    # The malette numérique: every agent; the CafLab manages it.
    Route("expo_booking:kit", roles(CALENDAR)),
    Route("expo_booking:kit-download", roles(CALENDAR), kwargs=lambda w: {"pk": kit_version(w).pk}),
    # The forms live on the malette's page: a GET goes back there.
    Route("expo_booking:kit-resource-create", roles([Role.STAFF], REDIRECT)),
    Route(
        "expo_booking:kit-resource-create",
        roles([Role.STAFF], 400),
        method="post",
        id="POST expo_booking:kit-resource-create",
    ),
    Route(
        "expo_booking:kit-version-create",
        roles([Role.STAFF], REDIRECT),
        kwargs=lambda w: {"pk": kit_version(w).resource_id},
    ),
    Route(
        "expo_booking:kit-version-create",
        roles([Role.STAFF], 400),
        method="post",
        id="POST expo_booking:kit-version-create",
        kwargs=lambda w: {"pk": kit_version(w).resource_id},
    ),
    # The waitlist: each Caf its own requests, the CafLab every Caf's.
    Route("expo_booking:waitlist", roles(CALENDAR), hidden=hide_waitlist),
    Route("expo_booking:waitlist-join", roles(CALENDAR)),
    Route(
        "expo_booking:waitlist-join",
        roles(CALENDAR, 400),
        method="post",
        id="POST expo_booking:waitlist-join",
    ),
    Route(
        "expo_booking:waitlist-withdraw",
        roles([Role.STAFF], REDIRECT, others=NOT_FOUND),
        method="post",
        kwargs=lambda w: {"pk": waitlist_entry(w).pk},
    ),
    Route(
        "expo_booking:waitlist-accept",
        roles([Role.STAFF], REDIRECT, others=NOT_FOUND),
        method="post",
        kwargs=lambda w: {"pk": waitlist_entry(w).pk},
    ),
    # The CafLab's follow-up
    Route("expo_booking:staff-dashboard", roles([Role.STAFF])),
    Route(
        "expo_booking:staff-confirm",
        roles([Role.STAFF], REDIRECT),
        method="post",
        kwargs=b,
    ),
    Route(
        "expo_booking:staff-repair",
        roles([Role.STAFF], 400),
        method="post",
        kwargs=lambda w: {"pk": flagged_set(w).pk},
    ),
    Route("expo_booking:staff-blackout-create", roles([Role.STAFF], 400), method="post"),
    Route(
        "expo_booking:staff-blackout-delete",
        roles([Role.STAFF], REDIRECT),
        method="post",
        kwargs=lambda w: {"pk": blackout(w).pk},
    ),
    # Statistics and exports: the CafLab (with contacts), the referents (their régions').
    Route("expo_booking:statistics", roles([Role.STAFF, Role.REFERENT]), hidden=hide_contacts),
    *[
        Route(
            "expo_booking:bookings-export",
            roles([Role.STAFF, Role.REFERENT]),
            id=f"GET expo_booking:bookings-export.{fmt}",
            kwargs=lambda w, fmt=fmt: {"fmt": fmt},
            hidden=hide_isere_from_referent,
        )
        for fmt in ("csv", "xlsx")
    ],
    Route(
        "expo_booking:bookings-export",
        roles([Role.STAFF, Role.REFERENT], NOT_FOUND),
        id="GET expo_booking:bookings-export.pdf (unknown format)",
        kwargs=lambda w: {"fmt": "pdf"},
    ),
    # Isère's iCal feed: whoever has the link reads dates, set and venue, never a contact; the
    # token opens that Caf's feed only.
    Route("expo_booking:caf-feed", everyone(OK), kwargs=feed, hidden=hide_contacts),
    Route(
        "expo_booking:caf-feed",
        everyone(NOT_FOUND),
        id="GET expo_booking:caf-feed (another Caf with Isère's token)",
        kwargs=lambda w: feed(w, number=CAF_B),
    ),
    Route(
        "expo_booking:caf-feed",
        everyone(NOT_FOUND),
        id="GET expo_booking:caf-feed (forged token)",
        kwargs=lambda w: {"number": CAF_A, "token": "jeton-invente"},
    ),
    # The API
    Route("expo-set-list", api(CALENDAR), api=True, hidden=hide_isere),
    Route(
        "expo-set-detail",
        api(CALENDAR),
        api=True,
        kwargs=lambda w: code(w, booking(w).expo_set),
        hidden=hide_isere,
    ),
    Route(
        "expo-availability",
        api(CALENDAR),
        api=True,
        query="starts_on=2027-01-04&ends_on=2027-01-29",
        hidden=hide_isere,
    ),
    Route("expo-booking-list", api(CALENDAR), api=True, hidden=hide_isere),
    Route(
        "expo-booking-list",
        api(CALENDAR, 400),
        api=True,
        method="post",
        id="POST expo-booking-list",
    ),
    Route(
        "expo-booking-list",
        api(ISERE, CREATED),
        api=True,
        method="post",
        id="POST expo-booking-list (for Isère)",
        data=isere_request,
    ),
    Route(
        "expo-availability",
        api(CALENDAR, 400),
        api=True,
        id="GET expo-availability (no period)",
    ),
    Route(
        "expo-booking-detail",
        api(ISERE, others=NOT_FOUND),
        api=True,
        kwargs=b,
        hidden=hide_isere,
    ),
    Route(
        "expo-booking-detail",
        api([Role.AGENT_B, Role.REFERENT, Role.STAFF], others=NOT_FOUND),
        api=True,
        id="GET expo-booking-detail (Finistère)",
        kwargs=lambda w: {"pk": booking_b(w).pk},
        hidden=hide_finistere,
    ),
    Route(
        "expo-booking-cancel",
        api(ISERE, others=NOT_FOUND),
        api=True,
        method="post",
        kwargs=b,
    ),
    Route(
        "expo-booking-confirm",
        api([Role.STAFF], 400, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        api=True,
        method="post",
        kwargs=b,
    ),
    Route(
        "expo-booking-handover",
        api(ISERE, others=NOT_FOUND),
        api=True,
        kwargs=b,
        hidden=hide_isere,
    ),
    Route("expo-handover-list", api(CALENDAR), api=True, hidden=hide_isere),
    Route(
        "expo-handover-detail",
        api(ISERE, others=NOT_FOUND),
        api=True,
        kwargs=lambda w: {"pk": handover(w).pk},
        hidden=hide_isere,
    ),
    Route(
        "expo-handover-ship",
        api([Role.STAFF], 400, others=NOT_FOUND, AGENT_A=FORBIDDEN),
        api=True,
        method="post",
        kwargs=lambda w: {"pk": handover(w).pk},
    ),
    Route(
        "expo-handover-receive",
        api(ISERE, 400, others=NOT_FOUND),
        api=True,
        method="post",
        kwargs=lambda w: {"pk": handover(w).pk},
    ),
]
