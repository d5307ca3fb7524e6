"""Who may see and do what with the Caf'IA exhibition.

Every agent of the network sees the calendar, books for their own Caf and downloads the
malette numérique. Another Caf's booking shows as « réservé »: its contacts and details are for
that Caf's agents, the referents of its region and the CafLab. The CafLab confirms, repairs and
manages the kit. A hand-over is shipped by the Caf that holds the set and received by the next.
"""

from __future__ import annotations

import rules

from caflab.rules import is_agent, is_caflab_staff, is_referent, referent_region_ids


def _caf_id(obj) -> int | None:
    from caflab.models import Caf

    if obj is None:
        return None
    if isinstance(obj, Caf):
        return obj.pk
    return getattr(obj, "caf_id", None)


@rules.predicate
def is_agent_of_host(user, obj) -> bool:
    """An agent of the Caf of this booking or waitlist entry (or of this Caf)."""
    caf_id = _caf_id(obj)
    return bool(caf_id is not None and is_agent(user) and user.caf_id == caf_id)


@rules.predicate
def is_referent_of_host(user, obj) -> bool:
    from caflab.models import Caf

    if obj is None or not is_referent(user):
        return False
    caf = obj if isinstance(obj, Caf) else getattr(obj, "caf", None)
    return caf is not None and caf.region_id in referent_region_ids(user)


@rules.predicate
def is_agent_of_sender(user, handover) -> bool:
    return bool(handover is not None and is_agent(user) and user.caf_id == handover.from_caf_id)


def shipped_booking_ids(user) -> set[int]:
    """The bookings the user's Caf ships the set to (hand-overs still to ship), read once per
    request object."""
    cached = getattr(user, "_expo_shipped_booking_ids", None)
    if cached is None:
        from expo_booking.models import HandOver

        cached = set(
            HandOver.objects.filter(from_caf_id=user.caf_id, shipped_at__isnull=True)
            .order_by()
            .values_list("booking_id", flat=True)
        )
        user._expo_shipped_booking_ids = cached
    return cached


@rules.predicate
def is_agent_of_booking_sender(user, booking) -> bool:
    """An agent of the Caf that ships the set to this booking: they need its page (delivery
    address, contact) to ship it."""
    if booking is None or not is_agent(user) or not hasattr(booking, "expo_set_id"):
        return False
    return booking.pk in shipped_booking_ids(user)


def visibility_key(user) -> tuple:
    """What decides how the calendar and the availability show a booking to this user: which
    bookings they may open (`expo_booking.view_booking`: the CafLab all; an agent their Caf's
    and those their Caf ships a set to; a referent those of their régions) and which are
    « votre Caf ». Two users with the same key get the same cached page, whatever else
    differs between them (the data the rules read, hand-overs included, is versioned)."""
    return (
        bool(is_caflab_staff(user)),
        user.caf_id,
        bool(is_agent(user)),
        tuple(sorted(referent_region_ids(user))) if is_referent(user) else (),
    )


@rules.predicate
def is_agent_where_the_set_is(user, expo_set) -> bool:
    return bool(expo_set is not None and is_agent(user) and user.caf_id == expo_set.location_id)


rules.add_perm("expo_booking.view_calendar", is_caflab_staff | is_agent)
rules.add_perm("expo_booking.book_for", is_caflab_staff | is_agent_of_host)
rules.add_perm(
    "expo_booking.view_booking",
    is_caflab_staff | is_agent_of_host | is_referent_of_host | is_agent_of_booking_sender,
)
rules.add_perm("expo_booking.manage_booking", is_caflab_staff | is_agent_of_host)
rules.add_perm("expo_booking.confirm_booking", is_caflab_staff)
rules.add_perm("expo_booking.ship_handover", is_caflab_staff | is_agent_of_sender)
rules.add_perm("expo_booking.receive_handover", is_caflab_staff | is_agent_of_host)
rules.add_perm("expo_booking.report_damage", is_caflab_staff | is_agent_where_the_set_is)
rules.add_perm("expo_booking.repair_set", is_caflab_staff)
rules.add_perm("expo_booking.view_kit", is_caflab_staff | is_agent)
rules.add_perm("expo_booking.manage_kit", is_caflab_staff)
rules.add_perm("expo_booking.view_statistics", is_caflab_staff | is_referent)
