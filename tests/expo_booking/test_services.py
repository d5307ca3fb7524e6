"""The booking rules of the Caf'IA exhibition: durations, notice, quota, overlap with the
transport days, allocation of « any set », the waitlist, the hand-over chain, damage."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from expo_booking import services
from expo_booking.models import (
    Blackout,
    Booking,
    ExpoSet,
    HandOver,
    KitDownload,
    Season,
    WaitlistEntry,
)
from expo_booking.services import BookingError, NoSetFree, Request
from tests.caflab.factories import AgentFactory, CafLabStaffFactory, caf
from tests.expo_booking.factories import (
    BookingFactory,
    ExpoSetFactory,
    KitVersionFactory,
    policy,
    season,
    soon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service and run what it leaves for after the commit (emails, tasks)."""

    def run(service, /, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture(autouse=True)
def rules_of_the_tests(db):
    policy()
    season()


def ask(start, days=14, **values):
    fields = {
        "starts_on": start,
        "ends_on": start + timedelta(days=days - 1),
        "use": "animations",
        "expected_visitors": 200,
        "venue": "Espace d'accueil, 3 rue des Alliés",
        "contact_name": "Claire Martin",
        "contact_phone": "04 76 20 60 00",
        "contact_email": "claire.martin@caf38.test",
        "delivery_address": "3 rue des Alliés, 38000 Grenoble",
    }
    fields.update(values)
    return Request(**fields)


class TestRules:
    def test_durations_notice_and_season(self, agent, isere):
        ExpoSetFactory()
        with pytest.raises(BookingError, match="5 jours au moins"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(30), days=3))
        with pytest.raises(BookingError, match="28 jours au plus"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(30), days=29))
        with pytest.raises(BookingError, match="14 jours à l'avance"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(10)))
        with pytest.raises(BookingError, match="saison"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(400)))
        booking = services.booking_request(by=agent, caf=isere, request=ask(soon(30)))
        assert booking.status == Booking.Status.REQUESTED
        assert (booking.blocked_from, booking.blocked_until) == (soon(28), soon(30 + 13 + 2))

    def test_a_caf_has_a_quota_per_season(self, agent, isere):
        ExpoSetFactory.create_batch(3)
        services.booking_request(by=agent, caf=isere, request=ask(soon(20)))
        cancelled = services.booking_request(by=agent, caf=isere, request=ask(soon(60)))
        with pytest.raises(BookingError, match="déjà 2 réservations"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(100)))
        services.booking_cancel(booking=cancelled, by=agent)  # a cancelled one frees the quota
        services.booking_request(by=agent, caf=isere, request=ask(soon(100)))

    def test_an_agent_books_for_their_own_caf_only(self, agent, other_caf_agent, isere, partner):
        ExpoSetFactory()
        for outsider in (other_caf_agent, partner):
            with pytest.raises(PermissionDenied):
                services.booking_request(by=outsider, caf=isere, request=ask(soon(30)))

    def test_automatic_confirmation_by_setting(self, agent, isere, committed):
        policy(auto_confirm=True)
        expo_set = ExpoSetFactory()
        booking = committed(services.booking_request, by=agent, caf=isere, request=ask(soon(30)))
        assert booking.status == Booking.Status.CONFIRMED
        assert booking.handover.from_caf == expo_set.location
        assert "confirmée" in mail.outbox[0].subject


class TestOverlap:
    """Booking A holds 30…43 plus 2 days before and after: blocked 28…45."""

    @pytest.fixture
    def first(self, agent, isere):
        self.expo_set = ExpoSetFactory()
        return services.booking_request(
            by=agent, caf=isere, request=ask(soon(30)), expo_set=self.expo_set
        )

    def test_the_gap_is_the_first_s_days_after_plus_the_second_s_days_before(self, first):
        other = AgentFactory(caf=caf("29"))
        # Ends 43; 2 days after + 2 days before: the next one may start on day 48, not 47.
        with pytest.raises(BookingError, match="déjà réservé"):
            services.booking_request(
                by=other, caf=caf("29"), request=ask(soon(47)), expo_set=self.expo_set
            )
        booking = services.booking_request(
            by=other, caf=caf("29"), request=ask(soon(48)), expo_set=self.expo_set
        )
        assert booking.blocked_from == first.blocked_until + timedelta(days=1)

    def test_nor_before_it(self, first):
        other = AgentFactory(caf=caf("29"))
        # Ends on day 13 + 2 days after = 15; the first is blocked from 28: ok up to a start
        # 14 days earlier? A 5-day booking starting on day 19 ends on 23, blocked until 25.
        services.booking_request(
            by=other, caf=caf("29"), request=ask(soon(19), days=5), expo_set=self.expo_set
        )
        with pytest.raises(BookingError):
            services.booking_request(
                by=AgentFactory(caf=caf("56")),
                caf=caf("56"),
                request=ask(soon(22), days=5),  # blocked 20…28: meets the first's day 28
                expo_set=self.expo_set,
            )

    def test_a_maintenance_period_and_a_damaged_set_are_not_bookable(self, agent, isere):
        in_maintenance = ExpoSetFactory()
        Blackout.objects.create(
            expo_set=in_maintenance, starts_on=soon(40), ends_on=soon(50), reason="Réimpression"
        )
        with pytest.raises(BookingError, match="maintenance"):
            services.booking_request(
                by=agent, caf=isere, request=ask(soon(30)), expo_set=in_maintenance
            )
        damaged = ExpoSetFactory(condition=ExpoSet.Condition.DAMAGED)
        with pytest.raises(BookingError, match="indisponible"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(30)), expo_set=damaged)
        with pytest.raises(NoSetFree, match="liste d'attente"):
            services.booking_request(by=agent, caf=isere, request=ask(soon(30)))

    @pytest.mark.postgres
    def test_the_database_refuses_an_overlap_the_service_would_not_see(self, first):
        clash = Booking(
            expo_set=first.expo_set,
            caf=caf("29"),
            season=first.season,
            starts_on=first.ends_on + timedelta(days=3),
            ends_on=first.ends_on + timedelta(days=10),
            days_before=2,
            days_after=2,
            use="evenement",
            expected_visitors=10,
            venue="Salle",
            contact_name="X",
            contact_phone="0",
            contact_email="x@caf.test",
            delivery_address="Quimper",
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            clash.save()
        # A cancelled booking holds nothing.
        first.status = Booking.Status.CANCELLED
        first.save()
        clash.save()


class TestAllocation:
    def test_any_set_prefers_one_already_in_the_caf_then_in_the_region(self, agent, isere):
        ExpoSetFactory(code="CAFIA-01", location=caf("29"))  # Bretagne
        ExpoSetFactory(code="CAFIA-02", location=caf("69"))  # Auvergne-Rhône-Alpes
        ExpoSetFactory(code="CAFIA-03", location=caf("38"))  # already in Isère

        booking = services.booking_request(by=agent, caf=isere, request=ask(soon(30)))
        assert booking.expo_set.code == "CAFIA-03"

        drome = AgentFactory(caf=caf("26"))  # same region as the Rhône
        booking = services.booking_request(by=drome, caf=caf("26"), request=ask(soon(30)))
        assert booking.expo_set.code == "CAFIA-02"

    def test_where_the_previous_booking_ends_counts(self, agent, isere):
        in_paris = ExpoSetFactory(code="CAFIA-01", location=caf("75"))
        ExpoSetFactory(code="CAFIA-02", location=caf("29"))
        # CAFIA-01 will be in Savoie (same region as Isère) just before.
        BookingFactory(expo_set=in_paris, caf=caf("73"), starts_on=soon(20), ends_on=soon(29))

        booking = services.booking_request(by=agent, caf=isere, request=ask(soon(40)))

        assert booking.expo_set == in_paris

    def test_two_agents_booking_the_last_set_get_one_success_one_refusal(self, agent, isere):
        ExpoSetFactory()
        services.booking_request(by=agent, caf=isere, request=ask(soon(30)))
        with pytest.raises(NoSetFree):
            services.booking_request(
                by=AgentFactory(caf=caf("29")), caf=caf("29"), request=ask(soon(35))
            )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_the_last_free_set(isere):
    """Two agents, two connections, the same instant: one booking, one clear refusal."""
    policy()
    season()
    ExpoSetFactory()
    agents = [AgentFactory(caf=isere), AgentFactory(caf=caf("29"))]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def book(index):
        try:
            barrier.wait(timeout=10)
            results[index] = services.booking_request(
                by=agents[index], caf=agents[index].caf, request=ask(soon(30 + index))
            )
        except BookingError as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    bookings = [r for r in results if isinstance(r, Booking)]
    refusals = [r for r in results if isinstance(r, BookingError)]
    assert len(bookings) == 1
    assert len(refusals) == 1
    assert "Aucun jeu n'est libre" in refusals[0].message or "vient d'être réservé" in (
        refusals[0].message
    )
    assert Booking.objects.count() == 1


class TestStatusesAndHandOvers:
    def test_the_chain_from_storage_to_caf_to_caf(self, isere, staff):
        expo_set = ExpoSetFactory(location=caf("75"))
        isere_agent, finistere_agent = AgentFactory(caf=isere), AgentFactory(caf=caf("29"))
        first = services.booking_request(
            by=isere_agent, caf=isere, request=ask(soon(30)), expo_set=expo_set
        )
        second = services.booking_request(
            by=finistere_agent, caf=caf("29"), request=ask(soon(50)), expo_set=expo_set
        )
        services.booking_confirm(booking=second, by=staff)
        services.booking_confirm(booking=first, by=staff)  # confirmed in any order

        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.handover.from_booking, first.handover.from_caf) == (None, caf("75"))
        assert (second.handover.from_booking, second.handover.from_caf) == (first, isere)
        assert second.handover.ship_on == second.blocked_from

        # Finistère cannot ship what Isère holds; Isère cannot ship before receiving it.
        with pytest.raises(PermissionDenied):
            services.handover_ship(handover=first.handover, by=finistere_agent, carrier="X")
        with pytest.raises(BookingError, match="pas encore arrivé"):
            services.handover_ship(handover=second.handover, by=isere_agent, carrier="Geodis")

        services.handover_ship(
            handover=first.handover, by=staff, carrier="Geodis", tracking="GD123456"
        )
        first.refresh_from_db()
        assert first.status == Booking.Status.IN_TRANSIT
        services.handover_receive(handover=first.handover, by=isere_agent, arrival="bon")
        first.refresh_from_db()
        expo_set.refresh_from_db()
        assert first.status == Booking.Status.ON_SITE
        assert expo_set.location == isere

        services.handover_ship(
            handover=second.handover, by=isere_agent, carrier="La Poste Colissimo"
        )
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == ("retournee", "en_transit")
        assert expo_set.log.filter(kind="depart").count() == 2

    def test_after_a_return_home_the_next_host_receives_it_from_home(self, isere, staff):
        expo_set = ExpoSetFactory(home_caf=caf("75"), location=caf("75"))
        first = BookingFactory(expo_set=expo_set, caf=isere, starts_on=soon(20), ends_on=soon(26))
        second = BookingFactory(
            expo_set=expo_set, caf=caf("29"), starts_on=soon(60), ends_on=soon(70)
        )
        for booking in (first, second):
            services.booking_confirm(booking=booking, by=staff)
        services.handover_ship(handover=first.handover, by=staff, carrier="Geodis")
        services.handover_receive(handover=first.handover, by=staff, arrival="bon")
        first.refresh_from_db()

        services.booking_return(booking=first, by=staff)

        second.refresh_from_db()
        expo_set.refresh_from_db()
        assert expo_set.location == caf("75")
        assert (second.handover.from_booking, second.handover.from_caf) == (None, caf("75"))

    def test_a_booking_in_between_is_chained_in(self, isere, staff):
        expo_set = ExpoSetFactory()
        early = BookingFactory(expo_set=expo_set, starts_on=soon(20), ends_on=soon(26))
        late = BookingFactory(
            expo_set=expo_set, caf=caf("29"), starts_on=soon(60), ends_on=soon(70)
        )
        for booking in (early, late):
            services.booking_confirm(booking=booking, by=staff)
        middle = BookingFactory(
            expo_set=expo_set, caf=caf("56"), starts_on=soon(35), ends_on=soon(45)
        )
        services.booking_confirm(booking=middle, by=staff)

        late.refresh_from_db()
        middle.refresh_from_db()
        assert middle.handover.from_booking == early
        assert late.handover.from_booking == middle
        assert late.handover.from_caf == caf("56")

        services.booking_cancel(booking=middle, by=staff)
        late.refresh_from_db()
        assert late.handover.from_booking == early
        assert not HandOver.objects.filter(booking=middle).exists()

    def test_a_damaged_arrival_flags_the_set_until_repaired(self, isere, staff, agent, committed):
        expo_set = ExpoSetFactory()
        booking = BookingFactory(expo_set=expo_set, caf=isere)
        services.booking_confirm(booking=booking, by=staff)
        services.handover_ship(handover=booking.handover, by=staff, carrier="Geodis")
        with pytest.raises(BookingError, match="Décrivez"):
            services.handover_receive(handover=booking.handover, by=agent, arrival="endommage")
        committed(
            services.handover_receive,
            handover=booking.handover,
            by=agent,
            arrival="incomplet",
            missing_items="Les cartes du jeu des controverses",
        )
        expo_set.refresh_from_db()
        assert expo_set.condition == ExpoSet.Condition.INCOMPLETE
        assert "incomplet" in mail.outbox[-1].subject.lower()
        with pytest.raises(BookingError, match="indisponible"):
            services.booking_request(
                by=AgentFactory(caf=caf("29")),
                caf=caf("29"),
                request=ask(soon(80)),
                expo_set=expo_set,
            )
        with pytest.raises(PermissionDenied):
            services.repair(expo_set=expo_set, by=agent, notes="Cartes réimprimées")
        services.repair(expo_set=expo_set, by=staff, notes="Cartes réimprimées")
        expo_set.refresh_from_db()
        assert expo_set.is_bookable

    def test_the_caf_holding_the_set_reports_damage(self, isere, agent, other_caf_agent):
        expo_set = ExpoSetFactory(location=isere)
        with pytest.raises(PermissionDenied):
            services.report_damage(
                expo_set=expo_set, by=other_caf_agent, condition="endommage", notes="Panneau plié"
            )
        services.report_damage(
            expo_set=expo_set, by=agent, condition="endommage", notes="Panneau 4 plié"
        )
        expo_set.refresh_from_db()
        assert expo_set.condition == "endommage"

    def test_a_booking_that_left_cannot_be_cancelled_by_the_caf(self, isere, staff, agent):
        booking = BookingFactory(caf=isere)
        services.booking_confirm(booking=booking, by=staff)
        services.handover_ship(handover=booking.handover, by=staff, carrier="Geodis")
        with pytest.raises(BookingError, match="déjà parti"):
            services.booking_cancel(booking=booking, by=agent)

    def test_only_a_requested_booking_is_confirmed_and_by_the_caflab(self, isere, agent, staff):
        booking = BookingFactory(caf=isere)
        with pytest.raises(PermissionDenied):
            services.booking_confirm(booking=booking, by=agent)
        services.booking_confirm(booking=booking, by=staff)
        with pytest.raises(BookingError):
            services.booking_confirm(booking=booking, by=staff)


class TestWaitlist:
    @pytest.fixture
    def full(self, isere):
        """The only set is booked by Finistère; Isère waits for the same dates."""
        self.expo_set = ExpoSetFactory()
        self.finistere = AgentFactory(caf=caf("29"))
        self.taken = services.booking_request(
            by=self.finistere, caf=caf("29"), request=ask(soon(30))
        )
        self.isere_agent = AgentFactory(caf=isere)
        return services.waitlist_join(by=self.isere_agent, caf=isere, request=ask(soon(32)))

    def test_a_free_set_is_booked_not_waited_for(self, agent, isere):
        ExpoSetFactory()
        with pytest.raises(BookingError, match="réservez-le"):
            services.waitlist_join(by=agent, caf=isere, request=ask(soon(30)))

    def test_a_cancellation_offers_the_slot_to_the_first_in_line_for_48_hours(
        self, full, isere, committed
    ):
        later = services.waitlist_join(
            by=AgentFactory(caf=caf("56")), caf=caf("56"), request=ask(soon(31))
        )
        mail.outbox.clear()

        committed(services.booking_cancel, booking=self.taken, by=self.finistere)  # eager Celery

        full.refresh_from_db()
        later.refresh_from_db()
        assert full.status == WaitlistEntry.Status.OFFERED
        assert later.status == WaitlistEntry.Status.WAITING
        offer = full.offered_booking
        assert offer.status == Booking.Status.OFFERED
        assert offer.expo_set == self.expo_set
        hours = (offer.offer_expires_at - timezone.now()).total_seconds() / 3600
        assert 47.9 < hours <= 48
        assert mail.outbox[0].to == [self.isere_agent.email]
        assert "se libère" in mail.outbox[0].subject

        booking = services.offer_accept(entry=full, by=self.isere_agent)
        assert booking.status == Booking.Status.REQUESTED
        full.refresh_from_db()
        assert full.status == WaitlistEntry.Status.ACCEPTED

    def test_an_offer_not_accepted_in_time_goes_to_the_next(self, full, committed):
        later = services.waitlist_join(
            by=AgentFactory(caf=caf("56")), caf=caf("56"), request=ask(soon(31))
        )
        committed(services.booking_cancel, booking=self.taken, by=self.finistere)
        full.refresh_from_db()
        offer = full.offered_booking

        assert services.expire_offers(now=timezone.now() + timedelta(hours=47)) == 0
        assert services.expire_offers(now=timezone.now() + timedelta(hours=49)) == 1

        full.refresh_from_db()
        later.refresh_from_db()
        offer.refresh_from_db()
        assert full.status == WaitlistEntry.Status.EXPIRED
        assert offer.status == Booking.Status.CANCELLED
        assert later.status == WaitlistEntry.Status.OFFERED
        with pytest.raises(BookingError, match="expiré"):
            services.offer_accept(entry=full, by=self.isere_agent)

    def test_withdrawing_an_offer_passes_it_on(self, full, committed):
        later = services.waitlist_join(
            by=AgentFactory(caf=caf("56")), caf=caf("56"), request=ask(soon(31))
        )
        committed(services.booking_cancel, booking=self.taken, by=self.finistere)
        full.refresh_from_db()
        committed(services.waitlist_withdraw, entry=full, by=self.isere_agent)
        later.refresh_from_db()
        assert later.status == WaitlistEntry.Status.OFFERED


class TestAfterwards:
    def test_feedback_once_the_exhibition_was_hosted(self, isere, agent, staff):
        booking = BookingFactory(caf=isere)
        with pytest.raises(BookingError, match="accueillie"):
            services.feedback_submit(
                booking=booking,
                by=agent,
                visitors=10,
                agents_reached=8,
                sessions_run=1,
                satisfaction=4,
            )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ON_SITE)
        booking.refresh_from_db()
        with pytest.raises(BookingError, match="1 à 5"):
            services.feedback_submit(
                booking=booking,
                by=agent,
                visitors=10,
                agents_reached=8,
                sessions_run=1,
                satisfaction=6,
            )
        services.feedback_submit(
            booking=booking,
            by=agent,
            visitors=340,
            agents_reached=210,
            sessions_run=6,
            satisfaction=5,
            comments="Le bar à prompts a eu un grand succès.",
        )
        with pytest.raises(BookingError, match="déjà enregistré"):
            services.feedback_submit(
                booking=booking,
                by=agent,
                visitors=1,
                agents_reached=1,
                sessions_run=1,
                satisfaction=1,
            )

    def test_kit_downloads_count_per_caf_without_the_person(self, agent, partner):
        version = KitVersionFactory()
        services.kit_download(version=version, by=agent)
        with pytest.raises(PermissionDenied):
            services.kit_download(version=version, by=partner)
        download = KitDownload.objects.get()
        assert download.caf == agent.caf
        assert not hasattr(download, "user")


class TestReminders:
    def test_before_start_before_shipping_and_when_overdue(self, isere, staff, committed):
        requester = AgentFactory(caf=isere)
        booking = BookingFactory(
            caf=isere, requested_by=requester, starts_on=soon(16), ends_on=soon(25)
        )
        services.booking_confirm(booking=booking, by=staff)
        mail.outbox.clear()
        today = timezone.localdate()

        sent = committed(services.reminders, today=today + timedelta(days=10))
        assert sent == {"start": 1, "ship": 1, "overdue": 0}
        assert committed(services.reminders, today=today + timedelta(days=10)) == {
            "start": 0,
            "ship": 0,
            "overdue": 0,
        }
        # From storage: the CafLab ships it.
        ship = next(m for m in mail.outbox if "part le" in m.subject)
        assert staff.email in ship.to
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ON_SITE)
        assert committed(services.reminders, today=soon(28))["overdue"] == 1
        assert committed(services.reminders, today=soon(28))["overdue"] == 0
        assert committed(services.reminders, today=soon(29))["overdue"] == 1


def test_staff_factory_is_caflab():
    assert CafLabStaffFactory().is_caflab_staff


class TestMaintenanceAndKit:
    def test_a_blackout_never_covers_a_booking_s_blocked_days(self, staff, agent):
        expo_set = ExpoSetFactory()
        booking = BookingFactory(expo_set=expo_set, starts_on=soon(30), ends_on=soon(40))
        with pytest.raises(BookingError, match="réservé"):
            # The booking is blocked from day 28 (transport): day 27…28 meets it.
            services.blackout_create(
                expo_set=expo_set, by=staff, starts_on=soon(27), ends_on=soon(28), reason="x"
            )
        with pytest.raises(PermissionDenied):
            services.blackout_create(
                expo_set=expo_set, by=agent, starts_on=soon(50), ends_on=soon(52), reason="x"
            )
        blackout = services.blackout_create(
            expo_set=expo_set, by=staff, starts_on=soon(43), ends_on=soon(50), reason="Révision"
        )
        with pytest.raises(BookingError, match="déjà indisponible"):
            services.blackout_create(
                expo_set=expo_set, by=staff, starts_on=soon(49), ends_on=soon(55), reason="y"
            )
        services.blackout_delete(blackout=blackout, by=staff)
        assert not Blackout.objects.exists()
        assert booking.expo_set == expo_set

    def test_only_a_flagged_set_is_repaired(self, staff):
        good = ExpoSetFactory()
        retired = ExpoSetFactory(condition=ExpoSet.Condition.RETIRED)
        for expo_set in (good, retired):
            with pytest.raises(BookingError, match="pas signalé"):
                services.repair(expo_set=expo_set, by=staff, notes="Rien")
        retired.refresh_from_db()
        assert retired.condition == ExpoSet.Condition.RETIRED

    def test_a_new_version_of_a_kit_resource_once(self, staff, agent):
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        def pdf():
            return SimpleUploadedFile("support.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

        version = services.kit_resource_add(
            by=staff,
            data={
                "title": "Support complet de l'exposition",
                "kind": "support",
                "description": "Le support PowerPoint de l'exposition.",
                "position": 1,
                "version": "2.0",
                "notes": "Neuf thématiques",
            },
            upload=pdf(),
        )
        with pytest.raises(ValidationError, match="existe déjà"):
            services.kit_version_add(
                resource=version.resource, by=staff, version="2.0", notes="", upload=pdf()
            )
        with pytest.raises(PermissionDenied):
            services.kit_version_add(
                resource=version.resource, by=agent, version="2.1", notes="", upload=pdf()
            )


class TestWaitlistRules:
    def test_a_caf_waits_once_for_the_same_dates(self, isere):
        ExpoSetFactory()
        services.booking_request(
            by=AgentFactory(caf=caf("29")), caf=caf("29"), request=ask(soon(30))
        )
        agent = AgentFactory(caf=isere)
        services.waitlist_join(by=agent, caf=isere, request=ask(soon(31)))
        with pytest.raises(BookingError, match="chevauchent"):
            services.waitlist_join(by=agent, caf=isere, request=ask(soon(35)))

    def test_a_caf_at_its_quota_is_not_offered_a_slot(self, isere, committed):
        Season.objects.update(quota_per_caf=1)
        expo_set = ExpoSetFactory()
        finistere = AgentFactory(caf=caf("29"))
        taken = services.booking_request(by=finistere, caf=caf("29"), request=ask(soon(30)))
        agent = AgentFactory(caf=isere)
        entry = services.waitlist_join(by=agent, caf=isere, request=ask(soon(32)))
        # Meanwhile Isère booked elsewhere in the season (on a second set): at its quota.
        BookingFactory(expo_set=ExpoSetFactory(), caf=isere, starts_on=soon(33), ends_on=soon(40))
        later = services.waitlist_join(
            by=AgentFactory(caf=caf("56")), caf=caf("56"), request=ask(soon(31))
        )

        committed(services.booking_cancel, booking=taken, by=finistere)

        entry.refresh_from_db()
        later.refresh_from_db()
        assert entry.status == WaitlistEntry.Status.WAITING
        assert later.status == WaitlistEntry.Status.OFFERED
        assert later.offered_booking.expo_set == expo_set
