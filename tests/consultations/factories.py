from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from consultations import services
from consultations.models import Choice, Consultation, Question, Section, Theme


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = "Parentalité"
    slug = "parentalite"


class ConsultationFactory(DjangoModelFactory):
    """An open public consultation (scheduled, dates around now)."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Votre avis sur l'accueil des familles n°{n}")
    slug = factory.Sequence(lambda n: f"accueil-des-familles-{n}")
    summary = "Comment la Caf peut-elle mieux accueillir les familles ?"
    commissioned_by = "Direction des politiques familiales et sociales"
    theme = factory.SubFactory(ThemeFactory)
    audience = Consultation.Audience.PUBLIC
    status = Consultation.Status.SCHEDULED
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=25))
    is_anonymous = True


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Partie {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    consultation = factory.LazyAttribute(lambda o: o.section.consultation)
    kind = Question.Kind.SINGLE
    label = factory.Sequence(lambda n: f"Question {n}")
    position = factory.Sequence(lambda n: n)
    required = True


def add_question(section: Section, kind: str, label: str, choices=(), **extra) -> Question:
    """A question with its choices; yes/no and profile questions get their usual ones."""
    question = QuestionFactory(section=section, kind=kind, label=label, **extra)
    for position, choice in enumerate(choices):
        is_other = choice.startswith("Autre")
        Choice.objects.create(question=question, label=choice, position=position, is_other=is_other)
    services.question_ensure_choices(question=question)
    return question


def choice(question: Question, label: str) -> Choice:
    return question.choices.get(label=label)
