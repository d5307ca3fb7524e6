"""Factories of the Caf'IA bookings: sets stored in Caf 75, bookings in the 2026 season."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from expo_booking.models import Booking, ExpoSet, KitResource, KitVersion, Policy, Season
from tests.caflab.factories import AgentFactory, caf


def policy(**values) -> Policy:
    """The booking rules of the tests: 5 to 28 days, 14 days' notice, 2 + 2 transport days."""
    current = Policy.current()
    defaults = {
        "min_days": 5,
        "max_days": 28,
        "notice_days": 14,
        "transport_days_before": 2,
        "transport_days_after": 2,
        "auto_confirm": False,
        "offer_hours": 48,
        "reminder_days": 7,
    }
    for name, value in {**defaults, **values}.items():
        setattr(current, name, value)
    current.save()
    return current


def season(**values) -> Season:
    """The season around today: from 60 days ago to a year ahead, 2 bookings per Caf."""
    today = timezone.localdate()
    defaults = {
        "starts_on": today - timedelta(days=60),
        "ends_on": today + timedelta(days=365),
        "quota_per_caf": 2,
    }
    defaults.update(values)
    obj, _created = Season.objects.get_or_create(name="Saison de test", defaults=defaults)
    return obj


def soon(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)


class ExpoSetFactory(DjangoModelFactory):
    class Meta:
        model = ExpoSet
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAFIA-{n + 1:02d}")
    home_caf = factory.LazyFunction(lambda: caf("75"))
    location = factory.LazyFunction(lambda: caf("75"))
    contents = "9 panneaux triptyques, bar à prompts, jeu des controverses, escape card"


class BookingFactory(DjangoModelFactory):
    """A requested booking of the Caf de l'Isère, 14 days from 30 days ahead."""

    class Meta:
        model = Booking

    expo_set = factory.SubFactory(ExpoSetFactory)
    caf = factory.LazyFunction(lambda: caf("38"))
    season = factory.LazyFunction(season)
    requested_by = factory.SubFactory(AgentFactory)
    starts_on = factory.LazyFunction(lambda: soon(30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=13))
    days_before = 2
    days_after = 2
    use = Booking.Use.FREE
    expected_visitors = 120
    venue = "Hall d'accueil du siège"
    contact_name = "Claire Martin"
    contact_phone = "04 76 20 60 00"
    contact_email = "claire.martin@caf38.test"
    delivery_address = "3 rue des Alliés, 38000 Grenoble"
    status = Booking.Status.REQUESTED


class KitResourceFactory(DjangoModelFactory):
    class Meta:
        model = KitResource

    title = factory.Sequence(lambda n: f"Support complet de l'exposition n°{n}")
    kind = KitResource.Kind.SLIDES
    description = "Le support de l'exposition au format PowerPoint, à projeter ou à imprimer."


class KitVersionFactory(DjangoModelFactory):
    class Meta:
        model = KitVersion

    resource = factory.SubFactory(KitResourceFactory)
    version = factory.Sequence(lambda n: f"1.{n}")
    file = factory.django.FileField(filename="support.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "support.pdf"
    size = 15
    content_type = "application/pdf"
