"""Who may do what with the Caf'IA exhibition, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from expo_booking.models import HandOver, WaitlistEntry
from tests.caflab.factories import AgentFactory, ReferentFactory, caf, region
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory, KitVersionFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "agent",
    "other_caf_agent",
    "partner",
    "referent_of_region",
    "referent_elsewhere",
    "staff",
]


@pytest.fixture
def people(agent, other_caf_agent, partner, staff):
    return {
        "anonymous": AnonymousUser(),
        "agent": agent,  # Caf 38
        "other_caf_agent": other_caf_agent,  # Caf 29
        "partner": partner,
        # A referent of Auvergne-Rhône-Alpes working at the Caf du Rhône.
        "referent_of_region": ReferentFactory(caf=caf("69"), regions=[region("84")]),
        "referent_elsewhere": ReferentFactory(),  # Bretagne, Caf 35
        "staff": staff,
    }


def _can(people, perm, obj=None):
    return {role for role in ROLES if people[role].has_perm(perm, obj)}


AGENTS = {"agent", "other_caf_agent", "referent_of_region", "referent_elsewhere"}


def test_every_agent_sees_the_calendar_and_the_kit(people):
    assert _can(people, "expo_booking.view_calendar") == AGENTS | {"staff"}
    assert _can(people, "expo_booking.view_kit", KitVersionFactory()) == AGENTS | {"staff"}
    assert _can(people, "expo_booking.manage_kit") == {"staff"}


def test_an_agent_books_for_their_own_caf(people):
    assert _can(people, "expo_booking.book_for", caf("38")) == {"agent", "staff"}
    assert _can(people, "expo_booking.book_for", caf("29")) == {"other_caf_agent", "staff"}


def test_a_booking_s_details_are_for_its_caf_its_region_s_referents_and_the_caflab(people):
    booking = BookingFactory(caf=caf("38"))

    assert _can(people, "expo_booking.view_booking", booking) == {
        "agent",
        "referent_of_region",
        "staff",
    }
    assert _can(people, "expo_booking.manage_booking", booking) == {"agent", "staff"}
    assert _can(people, "expo_booking.confirm_booking", booking) == {"staff"}


def test_a_waitlist_entry_is_managed_by_its_caf(people):
    entry = WaitlistEntry(caf=caf("29"))
    assert _can(people, "expo_booking.manage_booking", entry) == {"other_caf_agent", "staff"}


def test_the_sender_ships_and_the_host_receives(people):
    booking = BookingFactory(caf=caf("38"))
    handover = HandOver(booking=booking, from_caf=caf("29"), ship_on=booking.blocked_from)

    assert _can(people, "expo_booking.ship_handover", handover) == {"other_caf_agent", "staff"}
    assert _can(people, "expo_booking.receive_handover", booking) == {"agent", "staff"}


def test_damage_is_reported_where_the_set_is_and_repaired_by_the_caflab(people):
    expo_set = ExpoSetFactory(location=caf("29"))

    assert _can(people, "expo_booking.report_damage", expo_set) == {"other_caf_agent", "staff"}
    assert _can(people, "expo_booking.repair_set", expo_set) == {"staff"}


def test_statistics_for_the_caflab_and_the_referents(people):
    assert _can(people, "expo_booking.view_statistics") == {
        "referent_of_region",
        "referent_elsewhere",
        "staff",
    }


def test_an_agent_of_the_host_caf_is_never_a_partner(people):
    assert not people["partner"].has_perm("expo_booking.book_for", caf("38"))
    assert AgentFactory(caf=caf("38")).has_perm("expo_booking.book_for", caf("38"))
