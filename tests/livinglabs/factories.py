"""Factories of the living labs. Members are invented people (Faker fr_FR), never real ones."""

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from livinglabs.models import Contribution, Invitation, Lab, Member, Solicitation, Workshop
from tests.caflab.factories import AgentFactory, caf


class LabFactory(DjangoModelFactory):
    """An active parenting lab of the Caf de l'Isère."""

    class Meta:
        model = Lab
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Lab parentalité n°{n}")
    slug = factory.Sequence(lambda n: f"lab-parentalite-{n}")
    caf = factory.LazyFunction(lambda: caf("38"))
    theme = Lab.Theme.PARENTING
    venue = "Centre social Chorier-Berriat"
    city = "Grenoble"
    created_on = date(2022, 9, 15)
    description = "Des parents et des agents de la Caf travaillent ensemble sur nos services."
    status = Lab.Status.ACTIVE


class MemberFactory(DjangoModelFactory):
    """A member who consented (text v2024-03) and joined a year ago."""

    class Meta:
        model = Member

    lab = factory.SubFactory(LabFactory)
    pseudonym = factory.Sequence(lambda n: f"Nadia B.{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"membre{n}@exemple.test")
    phone = factory.Sequence(lambda n: f"06 12 34 {n % 100:02d} {n // 100 % 100:02d}")
    profile = Member.Profile.PARENT
    consent_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=365))
    consent_version = "v2024-03"
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class SolicitationFactory(DjangoModelFactory):
    """An open request of a national direction; `labs=[…]` names the solicited labs."""

    class Meta:
        model = Solicitation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Relevé de dettes Aripa n°{n}")
    requester = "Direction des politiques familiales et sociales (Cnaf)"
    brief = "Comment les parents lisent-ils le relevé de dettes de pension alimentaire ?"
    deliverable = "Une liste d'irritants et des propositions de reformulation"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    status = Solicitation.Status.OPEN

    @factory.post_generation
    def labs(self, create, extracted, **kwargs):
        if create and extracted:
            self.labs.set(extracted)


class WorkshopFactory(DjangoModelFactory):
    """A two-hour on-site workshop a week ago."""

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    lab = factory.SubFactory(LabFactory)
    topic = factory.Sequence(lambda n: f"Atelier n°{n} : comprendre ses courriers")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    mode = Workshop.Mode.ONSITE
    place = "Centre social Chorier-Berriat, salle 2"
    minutes = ""


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    workshop = factory.SubFactory(WorkshopFactory)
    member = factory.SubFactory(MemberFactory, lab=factory.SelfAttribute("..workshop.lab"))
    attended = None


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    workshop = factory.SubFactory(WorkshopFactory)
    kind = Contribution.Kind.IRRITANT
    text = factory.Sequence(lambda n: f"Le courrier n°{n} ne dit pas quoi faire ensuite.")
    tags = "courrier, Aripa"
    status = Contribution.Status.SENT
    status_reason = ""


def facilitator(lab: Lab, **kwargs):
    """An agent of the lab's Caf, facilitator of the lab."""
    agent = AgentFactory(caf=lab.caf, **kwargs)
    lab.facilitators.add(agent)
    return agent
