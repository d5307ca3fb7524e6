import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cooperation.models import Action, Axis, Objective, Plan, PlanMember
from tests.caflab.factories import caf


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    kind = Plan.Kind.CTG
    title = factory.Sequence(lambda n: f"CTG Grenoble-Alpes Métropole 2024-2028 ({n})")
    caf = factory.LazyFunction(lambda: caf("38"))
    territory = "Grenoble-Alpes Métropole"
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2028, 12, 31)
    status = Plan.Status.ACTIVE


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Petite enfance {n}")
    position = factory.Sequence(lambda n: n)


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    axis = factory.SubFactory(AxisFactory)
    title = factory.Sequence(lambda n: f"Développer l'offre d'accueil du jeune enfant {n}")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    plan = factory.LazyAttribute(lambda o: o.objective.axis.plan)
    title = factory.Sequence(lambda n: f"Ouvrir une micro-crèche à horaires atypiques n°{n}")
    starts_on = datetime.date(2020, 1, 1)
    # Relative to today, so that a default action never turns late as the calendar moves.
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=400))


def member(plan: Plan, user, role: str = PlanMember.Role.CONTRIBUTOR) -> PlanMember:
    return PlanMember.objects.create(plan=plan, user=user, role=role)
