"""Factories of the projects' space: projects of the FIPE and the Défi petite enfance."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from projects.models import (
    Application,
    Call,
    ChangeStep,
    Cohort,
    CreativitySession,
    Criterion,
    Helper,
    Indicator,
    JuryAssignment,
    Module,
    ModuleSession,
    Need,
    Period,
    Programme,
    Project,
    ProjectMember,
    StageChange,
    Theme,
    Trainee,
    Training,
    TrainingSession,
)
from tests.caflab.factories import AgentFactory, OrganisationFactory, caf, region


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Innovation sociale territoriale {n}")
    slug = factory.Sequence(lambda n: f"innovation-sociale-territoriale-{n}")
    summary = "Le programme de recherche et développement de la fiche COG n°14."
    pilot = "Karine Richard"
    started_on = date(2024, 1, 1)


class ProjectFactory(DjangoModelFactory):
    """A published FIPE project of the Caf de l'Isère, in incubation since January 2025;
    `carriers=[user]` names its carriers, `cafs=[caf]` its Cafs."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Crèche à horaires atypiques n°{n}")
    slug = factory.Sequence(lambda n: f"creche-horaires-atypiques-{n}")
    summary = "Un accueil de 5 h à 23 h pour les parents qui travaillent en horaires décalés."
    programme = factory.SubFactory(ProgrammeFactory)
    kind = Project.Kind.FIPE
    theme = Theme.CARE_SOLUTIONS
    stage = Project.Stage.INCUBATION
    stage_changed_on = date(2025, 1, 6)
    started_on = date(2025, 1, 6)
    is_published = True

    @factory.post_generation
    def cafs(self, create, extracted, **kwargs):
        if create:
            self.cafs.set(extracted if extracted is not None else [caf("38")])

    @factory.post_generation
    def carriers(self, create, extracted, **kwargs):
        if create and extracted:
            for user in extracted:
                ProjectMember.objects.create(project=self, user=user)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            StageChange.objects.create(
                project=self, from_stage="", to_stage=self.stage, changed_on=self.stage_changed_on
            )


class CallFactory(DjangoModelFactory):
    """The Défi « Lutter contre la pénurie de personnel de la petite enfance », open today,
    with a grid of three criteria (innovation ×2, impact ×2, réplicabilité ×1, out of 5)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Défi petite enfance n°{n}")
    slug = factory.Sequence(lambda n: f"defi-petite-enfance-{n}")
    kind = Call.Kind.CHALLENGE
    summary = "Lutter contre la pénurie de personnel dans le secteur de la petite enfance."
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = Call.Status.OPEN
    winners_count = 5
    project_kind = Project.Kind.CHALLENGE
    project_theme = Theme.CHILDCARE_STAFF
    programme = factory.SubFactory(ProgrammeFactory)

    @factory.post_generation
    def grid(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for position, (name, weight) in enumerate(
                [("Caractère innovant", 2), ("Impact sur les territoires", 2), ("Réplicabilité", 1)]
            ):
                Criterion.objects.create(
                    call=self, name=name, weight=weight, max_score=5, position=position
                )


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    title = factory.Sequence(lambda n: f"Campus des métiers de la petite enfance n°{n}")
    team_name = factory.Sequence(lambda n: f"Équipe régionale n°{n}")
    summary = "Un campus qui forme et loge les futurs professionnels de l'accueil du jeune enfant."
    region = factory.LazyFunction(lambda: region("84"))
    caf = factory.LazyFunction(lambda: caf("38"))
    contact = factory.SubFactory(AgentFactory)


class JuryAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = JuryAssignment

    application = factory.SubFactory(ApplicationFactory)
    juror = factory.SubFactory(AgentFactory)


class CohortFactory(DjangoModelFactory):
    """A cohort whose track has the report's four modules, one session each."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Promotion Défi petite enfance {n}")
    slug = factory.Sequence(lambda n: f"promotion-defi-{n}")
    starts_on = date(2025, 2, 3)
    programme = factory.SubFactory(ProgrammeFactory)

    @factory.post_generation
    def track(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for position, (title, kind, deliverable) in enumerate(
            [
                ("Deux journées de préparation", Module.Kind.PREPARATION, ""),
                ("Modèle économique", Module.Kind.BUSINESS_MODEL, "Canevas du modèle économique"),
                ("Financements", Module.Kind.FUNDING, "Plan de financement"),
                ("Évaluation d'impact", Module.Kind.IMPACT, ""),
            ]
        ):
            module = Module.objects.create(
                cohort=self, title=title, kind=kind, position=position, deliverable=deliverable
            )
            start = timezone.make_aware(timezone.datetime(2025, 2 + position, 10, 9, 30))
            ModuleSession.objects.create(
                module=module,
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                place="CafLab, Paris",
                facilitator="Équipe incubation du CafLab",
            )


class ChangeStepFactory(DjangoModelFactory):
    class Meta:
        model = ChangeStep

    project = factory.SubFactory(ProjectFactory)
    level = ChangeStep.Level.IMPACT
    text = "Les parents en horaires décalés gardent leur emploi"


class IndicatorFactory(DjangoModelFactory):
    """Places d'accueil ouvertes en horaires atypiques: from 0 to 40."""

    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = "Places ouvertes en horaires atypiques"
    unit = "places"
    baseline = Decimal("0")
    target = Decimal("40")


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = Period

    indicator = factory.SubFactory(IndicatorFactory)
    starts_on = date(2025, 1, 1)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=180))
    value = Decimal("12")
    status = Period.Status.DRAFT


class NeedFactory(DjangoModelFactory):
    class Meta:
        model = Need

    project = factory.SubFactory(ProjectFactory)
    kind = Need.Kind.FUNDING
    title = "Trouver un cofinancement pour la deuxième année"


class HelperFactory(DjangoModelFactory):
    class Meta:
        model = Helper

    organisation = factory.SubFactory(OrganisationFactory)
    kinds = factory.LazyFunction(lambda: [Need.Kind.FUNDING, Need.Kind.EXPERTISE])
    description = "Accompagne les projets d'économie sociale et solidaire vers des financements."


class CreativitySessionFactory(DjangoModelFactory):
    class Meta:
        model = CreativitySession

    held_on = date(2025, 3, 12)
    caf = factory.LazyFunction(lambda: caf("38"))
    topic = "Mieux accueillir les parents séparés au guichet"
    method = CreativitySession.Method.DESIGN_THINKING
    audience = CreativitySession.Audience.AGENTS
    participants = 12


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training
        django_get_or_create = ("title",)

    title = "Design thinking"
    kind = Training.Kind.DESIGN_THINKING
    description = "Les clés d'animation de séances d'idéation et de coconstruction."
    audience = "Agents des Caf"
    duration_hours = Decimal("14")


class TrainingSessionFactory(DjangoModelFactory):
    class Meta:
        model = TrainingSession

    training = factory.SubFactory(TrainingFactory)
    starts_on = date(2025, 4, 8)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=1))
    place = "Caf de l'Isère, Grenoble"
    trainers = "Référents innovation Auvergne-Rhône-Alpes"


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"stagiaire{n}@caf.test")
    caf = factory.LazyFunction(lambda: caf("38"))
