"""Programmes and projects of the CafLab: the projects it carries and those it accompanies,
calls for projects and challenges (Défi) with their jury, incubation tracks, impact indicators,
essaimage, creativity sessions and trainings.

A project moves through stages (idéation → … → pérennisé / arrêté) and every move is dated in
`StageChange`. Indicator values are reported per period by the project's team and approved by the
CafLab, after which the period is locked (Akvo RSR's results framework, in small).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Organisation, Region, StoredFile

# The fixed pages under /projets/ that a project's address must not hide.
RESERVED_SLUGS = {
    "programmes",
    "appels",
    "jury",
    "incubation",
    "besoins",
    "creativite",
    "formations",
    "nouveau",
    "export",
    "suivi",
}


def validate_project_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("Cette adresse est réservée par le portail : choisissez-en une autre.")
        )


class Theme(models.TextChoices):
    """The themes of the portfolio; the four first are the FIPE's criteria."""

    CARE_SOLUTIONS = "solutions_accueil", _("Diversification des solutions d'accueil")
    FAMILY_SUPPORT = "information_familles", _("Accompagnement et information des familles")
    CARE_QUALITY = "qualite_accueil", _("Qualité d'accueil")
    INDIVIDUAL_CARE = "accueil_individuel", _("Soutien à l'accueil individuel")
    CHILDCARE_STAFF = "metiers_petite_enfance", _("Métiers de la petite enfance")
    ECOLOGY = "ecologie", _("Écologie solidaire")
    FOOD = "alimentation", _("Alimentation solidaire et durable")
    HOUSING = "logement", _("Logement")
    SOCIAL_LIFE = "vie_sociale", _("Animation de la vie sociale")
    RIGHTS = "acces_aux_droits", _("Accès aux droits")
    PARTNERS = "relation_partenaires", _("Relation aux partenaires")
    WORKPLACE = "qualite_vie_travail", _("Qualité de vie au travail")
    OTHER = "autre", _("Autre")


FIPE_THEMES = (
    Theme.CARE_SOLUTIONS,
    Theme.FAMILY_SUPPORT,
    Theme.CARE_QUALITY,
    Theme.INDIVIDUAL_CARE,
)


class Programme(models.Model):
    """A programme of the CafLab (Innovation sociale territoriale, Écologie solidaire…)."""

    name = models.CharField(_("nom"), max_length=160, unique=True)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    summary = models.TextField(_("présentation"))
    pilot = models.CharField(_("pilote"), max_length=160, blank=True)
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("copilotes et partenaires"), related_name="+", blank=True
    )
    started_on = models.DateField(_("lancé le"), null=True, blank=True)
    is_active = models.BooleanField(_("en cours"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:programme-detail", kwargs={"slug": self.slug})


class Project(models.Model):
    class Kind(models.TextChoices):
        CARRIED = "porte", _("Porté par le CafLab")
        ACCOMPANIED = "accompagne", _("Accompagné par le CafLab")
        FIPE = "fipe", _("Projet FIPE")
        CHALLENGE = "defi", _("Lauréat d'un défi")
        EXPERIMENT = "experimentation", _("Expérimentation territoriale")

    class Stage(models.TextChoices):
        IDEATION = "ideation", _("Idéation")
        SELECTION = "selection", _("Sélection")
        INCUBATION = "incubation", _("Incubation")
        EXPERIMENT = "experimentation", _("Expérimentation")
        SPREADING = "essaimage", _("Essaimage")
        SUSTAINED = "perennise", _("Pérennisé")
        STOPPED = "arrete", _("Arrêté")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(
        _("adresse"), max_length=90, unique=True, validators=[validate_project_slug]
    )
    summary = models.TextField(_("présentation"))
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    theme = models.CharField(_("thème"), max_length=24, choices=Theme.choices)
    stage = models.CharField(
        _("étape"), max_length=16, choices=Stage.choices, default=Stage.IDEATION
    )
    stage_changed_on = models.DateField(_("étape atteinte le"), default=timezone.localdate)
    cafs = models.ManyToManyField(
        Caf, verbose_name=_("Caf porteuses"), related_name="carried_projects", blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
        help_text=_("Pour un projet porté à l'échelle d'une région."),
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partenaires"), related_name="projects", blank=True
    )
    territories = models.CharField(
        _("territoires"),
        max_length=300,
        blank=True,
        help_text=_("Communes, quartiers ou départements où le projet se déroule."),
    )
    sponsor = models.CharField(
        _("direction commanditaire"),
        max_length=160,
        blank=True,
        help_text=_("Pour un projet accompagné : la direction métier qui le porte."),
    )
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    is_published = models.BooleanField(
        _("publié"),
        default=True,
        help_text=_("Un projet publié est visible de tout le réseau ; sinon de son équipe."),
    )
    application = models.OneToOneField(
        "Application",
        verbose_name=_("candidature d'origine"),
        on_delete=models.SET_NULL,
        related_name="project",
        null=True,
        blank=True,
    )
    cohort = models.ForeignKey(
        "Cohort",
        verbose_name=_("promotion d'incubation"),
        on_delete=models.SET_NULL,
        related_name="projects",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["kind", "stage"]),
            models.Index(fields=["theme"]),
            models.Index(fields=["started_on", "ended_on"]),
            models.Index(fields=["-updated_at"]),
            # The portfolio's order (title, then pk for a stable page).
            models.Index(fields=["title", "id"], name="projects_project_title_page"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", kwargs={"slug": self.slug})

    @property
    def is_closed(self) -> bool:
        return self.stage in {self.Stage.SUSTAINED, self.Stage.STOPPED}


STAGE_ORDER = [stage for stage, _label in Project.Stage.choices]


class ProjectMember(models.Model):
    """The project's team: the carriers edit the project; contacts are named on its page."""

    class Role(models.TextChoices):
        CARRIER = "porteur", _("Porteur")
        MEMBER = "membre", _("Membre de l'équipe")
        CAFLAB = "caflab", _("Chef de projet CafLab")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="project_memberships",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.CARRIER)

    class Meta:
        verbose_name = _("membre de l'équipe projet")
        verbose_name_plural = _("équipe projet")
        ordering = ["project", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class StageChange(models.Model):
    """One dated step of a project's life."""

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(
        _("étape précédente"), max_length=16, choices=Project.Stage.choices, blank=True
    )
    to_stage = models.CharField(_("nouvelle étape"), max_length=16, choices=Project.Stage.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("commentaire"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("historique des étapes")
        ordering = ["project", "changed_on", "id"]
        indexes = [models.Index(fields=["to_stage", "changed_on"])]

    def __str__(self) -> str:
        return f"{self.project} : {self.get_to_stage_display()} ({self.changed_on:%d/%m/%Y})"


class Funding(models.Model):
    class Source(models.TextChoices):
        FIPE = "fipe", _("Fonds d'innovation petite enfance (FIPE)")
        FNAS = "fnas", _("Fonds national d'action sociale")
        CAF = "caf", _("Fonds locaux de la Caf")
        MSA = "msa", _("MSA")
        STATE = "etat", _("État")
        LOCAL = "collectivite", _("Collectivité territoriale")
        EUROPE = "europe", _("Fonds européens")
        PRIVATE = "prive", _("Mécénat ou fondation")
        OTHER = "autre", _("Autre")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="fundings"
    )
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    funder = models.CharField(_("financeur"), max_length=160, blank=True)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    year = models.PositiveSmallIntegerField(_("année"))

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["project", "year", "source"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.year}"


class ProjectDocument(StoredFile):
    file = models.FileField(_("fichier"), upload_to="projets/documents/%Y/%m/", max_length=255)
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titre"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("document du projet")
        verbose_name_plural = _("documents du projet")
        ordering = ["-created_at"]


# Calls for projects and challenges ---------------------------------------------------------------
class Call(models.Model):
    """An appel à projets or a défi: teams apply, a jury scores, the CafLab selects."""

    class Kind(models.TextChoices):
        CALL = "appel", _("Appel à projets")
        CHALLENGE = "defi", _("Défi")

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("En préparation")
        OPEN = "ouvert", _("Candidatures ouvertes")
        JURY = "jury", _("Évaluation par le jury")
        DECIDED = "decide", _("Lauréats désignés")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="calls",
        null=True,
        blank=True,
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=90, unique=True)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    summary = models.TextField(_("présentation"))
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partenaires"), related_name="+", blank=True
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture des candidatures"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    winners_count = models.PositiveSmallIntegerField(
        _("nombre de lauréats prévu"), default=1, validators=[MinValueValidator(1)]
    )
    project_kind = models.CharField(
        _("type des projets lauréats"),
        max_length=16,
        choices=Project.Kind.choices,
        default=Project.Kind.CHALLENGE,
    )
    project_theme = models.CharField(
        _("thème des projets lauréats"), max_length=24, choices=Theme.choices
    )
    decided_on = models.DateField(_("décision le"), null=True, blank=True)

    class Meta:
        verbose_name = _("appel à projets ou défi")
        verbose_name_plural = _("appels à projets et défis")
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:call-detail", kwargs={"slug": self.slug})


class Criterion(models.Model):
    """One line of the call's scoring grid; a score is 0…max_score, weighted in the total."""

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("critère"), max_length=120)
    description = models.TextField(_("ce que le jury regarde"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("coefficient"), default=1, validators=[MinValueValidator(1)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("note maximale"), default=5, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère de la grille")
        verbose_name_plural = _("grille d'évaluation")
        ordering = ["call", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A team's application to a call (for the Défi: a regional team)."""

    class Status(models.TextChoices):
        SUBMITTED = "deposee", _("Déposée")
        SELECTED = "laureate", _("Lauréate")
        REJECTED = "non_retenue", _("Non retenue")

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="applications"
    )
    title = models.CharField(_("titre du projet"), max_length=200)
    team_name = models.CharField(_("équipe"), max_length=160)
    summary = models.TextField(_("le projet en quelques lignes"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf porteuse"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partenaires de l'équipe"), related_name="+", blank=True
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact de l'équipe"),
        on_delete=models.PROTECT,
        related_name="project_applications",
    )
    submitted_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    decision_note = models.TextField(_("motif de la décision"), blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["call", "team_name"]
        indexes = [models.Index(fields=["call", "status"])]
        constraints = [
            models.UniqueConstraint(
                "call", Lower("team_name"), name="application_one_per_team_and_call"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.team_name})"


class JuryAssignment(models.Model):
    """A jury member is asked to score one application: they see only those."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre du jury"),
        on_delete=models.CASCADE,
        related_name="jury_assignments",
    )
    comment = models.TextField(_("avis du juré"), blank=True)
    completed_at = models.DateTimeField(_("évaluation terminée le"), null=True, blank=True)
    reminded_on = models.DateField(_("dernière relance le"), null=True, blank=True)

    class Meta:
        verbose_name = _("affectation au jury")
        verbose_name_plural = _("affectations au jury")
        ordering = ["application", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="jury_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.application}"


class Score(models.Model):
    assignment = models.ForeignKey(
        JuryAssignment,
        verbose_name=_("affectation"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("critère"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("note"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.value}"


# Incubation -------------------------------------------------------------------------------------
class Cohort(models.Model):
    """A promotion of incubated projects following the same track of modules."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="cohorts",
        null=True,
        blank=True,
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("appel d'origine"),
        on_delete=models.SET_NULL,
        related_name="cohorts",
        null=True,
        blank=True,
    )
    name = models.CharField(_("nom"), max_length=160)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("promotion d'incubation")
        verbose_name_plural = _("promotions d'incubation")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:cohort-detail", kwargs={"slug": self.slug})


class Module(models.Model):
    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Préparation et mise en valeur")
        BUSINESS_MODEL = "modele_economique", _("Modèle économique")
        FUNDING = "financements", _("Financements")
        IMPACT = "evaluation_impact", _("Évaluation d'impact")
        OTHER = "autre", _("Autre")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("promotion"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("titre"), max_length=160)
    kind = models.CharField(_("type"), max_length=18, choices=Kind.choices)
    description = models.TextField(_("contenu"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    deliverable = models.CharField(
        _("livrable attendu"),
        max_length=200,
        blank=True,
        help_text=_("Laissez vide si le module ne demande pas de livrable."),
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["cohort", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ModuleSession(models.Model):
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu ou visio"), max_length=200)
    facilitator = models.CharField(_("intervenant"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("séance de module")
        verbose_name_plural = _("séances de module")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="module_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} — {timezone.localtime(self.starts_at):%d/%m/%Y}"


class SessionAttendance(models.Model):
    """Whether a project of the cohort came to a session, and with how many people."""

    session = models.ForeignKey(
        ModuleSession,
        verbose_name=_("séance"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("présent"), default=True)
    attendees = models.PositiveSmallIntegerField(_("personnes présentes"), default=1)

    class Meta:
        verbose_name = _("présence à une séance")
        verbose_name_plural = _("présences aux séances")
        constraints = [
            models.UniqueConstraint(fields=["session", "project"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.session}"


class Deliverable(StoredFile):
    """What a project hands in for a module (a business model canvas, a funding plan…)."""

    class Status(models.TextChoices):
        SUBMITTED = "remis", _("Remis")
        ACCEPTED = "valide", _("Validé")
        RETURNED = "a_reprendre", _("À reprendre")

    file = models.FileField(_("fichier"), upload_to="projets/livrables/%Y/%m/", max_length=255)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="deliverables"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="deliverables"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    feedback = models.TextField(_("retour du CafLab"), blank=True)

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["module", "project"], name="deliverable_once"),
        ]


class Need(models.Model):
    """A need a project publishes to find a partner (financing, expertise, a territory…)."""

    class Kind(models.TextChoices):
        FUNDING = "financement", _("Financement")
        EXPERTISE = "expertise", _("Expertise")
        TERRITORY = "terrain", _("Terrain d'expérimentation")
        NETWORK = "reseau", _("Mise en réseau")
        EVALUATION = "evaluation", _("Évaluation")

    class Status(models.TextChoices):
        OPEN = "ouvert", _("Recherche en cours")
        MATCHED = "pourvu", _("Partenaire trouvé")
        CLOSED = "clos", _("Abandonné")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="needs"
    )
    kind = models.CharField(_("type de besoin"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("besoin"), max_length=200)
    description = models.TextField(_("précisions"), blank=True)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    published_at = models.DateTimeField(_("publié le"), default=timezone.now)

    class Meta:
        verbose_name = _("besoin de partenaire")
        verbose_name_plural = _("besoins de partenaires")
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.title


class Helper(models.Model):
    """An organisation the CafLab knows can help projects, and with what."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="project_helper",
    )
    kinds = models.JSONField(
        _("peut aider en"),
        default=list,
        help_text=_("Types de besoin : financement, expertise, terrain, reseau, evaluation."),
    )
    description = models.TextField(_("ce qu'elle propose"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Vide : intervient partout en France."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation ressource")
        verbose_name_plural = _("organisations ressources")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        unknown = set(self.kinds or []) - set(Need.Kind.values)
        if unknown:
            raise ValidationError({"kinds": _("Type de besoin inconnu : %s") % ", ".join(unknown)})


class Match(models.Model):
    """A need put in touch with an organisation that can help."""

    class Status(models.TextChoices):
        PROPOSED = "proposee", _("Mise en relation proposée")
        CONTACTED = "en_contact", _("En contact")
        AGREED = "conclue", _("Partenariat conclu")
        DECLINED = "sans_suite", _("Sans suite")

    need = models.ForeignKey(
        Need, verbose_name=_("besoin"), on_delete=models.CASCADE, related_name="matches"
    )
    helper = models.ForeignKey(
        Helper, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="matches"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    note = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "helper"], name="match_once"),
        ]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.helper}"


# Impact -----------------------------------------------------------------------------------------
class ChangeStep(models.Model):
    """One box of the project's theory of change."""

    class Level(models.TextChoices):
        OBJECTIVE = "objectif", _("Objectif")
        ACTION = "action", _("Action")
        STAKEHOLDER = "partie_prenante", _("Partie prenante")
        IMPACT = "impact", _("Impact attendu")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="change_steps"
    )
    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    text = models.CharField(_("énoncé"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("élément de la théorie du changement")
        verbose_name_plural = _("théorie du changement")
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} : {self.text}"


LEVEL_ORDER = [level for level, _label in ChangeStep.Level.choices]


class Indicator(models.Model):
    class Direction(models.TextChoices):
        INCREASE = "hausse", _("À augmenter")
        DECREASE = "baisse", _("À diminuer")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="indicators"
    )
    impact = models.ForeignKey(
        ChangeStep,
        verbose_name=_("impact mesuré"),
        on_delete=models.SET_NULL,
        related_name="indicators",
        null=True,
        blank=True,
    )
    name = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    description = models.TextField(_("définition et mode de calcul"), blank=True)
    direction = models.CharField(
        _("sens"), max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=2)
    baseline_on = models.DateField(_("mesurée le"), null=True, blank=True)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)
    target_on = models.DateField(_("échéance de la cible"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("indicateur d'impact")
        verbose_name_plural = _("indicateurs d'impact")
        ordering = ["project", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A measured value of an indicator over a period, reported then approved by the CafLab."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        SUBMITTED = "soumise", _("Soumise au CafLab")
        APPROVED = "validee", _("Validée")
        RETURNED = "a_reprendre", _("Renvoyée pour correction")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="periods"
    )
    starts_on = models.DateField(_("début de période"))
    ends_on = models.DateField(_("fin de période"))
    value = models.DecimalField(
        _("valeur mesurée"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("commentaire du porteur"), blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.TextField(_("retour du CafLab"), blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("soumise par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_on = models.DateField(_("dernière relance le"), null=True, blank=True)

    class Meta:
        verbose_name = _("période de mesure")
        verbose_name_plural = _("périodes de mesure")
        ordering = ["indicator", "starts_on"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "starts_on"], name="period_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="brouillon") | Q(value__isnull=False),
                name="period_reported_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class Evidence(StoredFile):
    file = models.FileField(_("fichier"), upload_to="projets/preuves/%Y/%m/", max_length=255)
    period = models.ForeignKey(
        Period, verbose_name=_("période"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["created_at"]


class Assessment(models.Model):
    """The documented final assessment (bilan) of a project."""

    project = models.OneToOneField(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="assessment"
    )
    summary = models.TextField(_("synthèse"))
    results = models.TextField(_("résultats obtenus"))
    lessons = models.TextField(_("enseignements"), blank=True)
    recommendations = models.TextField(_("recommandations pour essaimer"), blank=True)
    is_published = models.BooleanField(_("publié"), default=False)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rédigé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bilan")
        verbose_name_plural = _("bilans")

    def __str__(self) -> str:
        return str(self.project)


# Essaimage --------------------------------------------------------------------------------------
class DeploymentKit(models.Model):
    """What another Caf needs to reproduce the project."""

    project = models.OneToOneField(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="kit"
    )
    version = models.CharField(_("version"), max_length=20, default="1.0")
    summary = models.TextField(_("présentation"))
    steps = models.TextField(_("étapes"), help_text=_("Une étape par ligne."))
    attention_points = models.TextField(_("points d'attention"), blank=True)
    good_practices = models.TextField(_("bonnes pratiques"), blank=True)
    is_published = models.BooleanField(_("publié"), default=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("kit de déploiement")
        verbose_name_plural = _("kits de déploiement")

    def __str__(self) -> str:
        return f"{self.project} — v{self.version}"

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class KitDocument(StoredFile):
    file = models.FileField(_("fichier"), upload_to="projets/kits/%Y/%m/", max_length=255)
    kit = models.ForeignKey(
        DeploymentKit, verbose_name=_("kit"), on_delete=models.CASCADE, related_name="documents"
    )

    class Meta:
        verbose_name = _("document du kit")
        verbose_name_plural = _("documents du kit")
        ordering = ["name"]


class Replication(models.Model):
    """A Caf that reproduces a project."""

    class Status(models.TextChoices):
        INTERESTED = "interessee", _("Intéressée")
        PREPARING = "preparation", _("En préparation")
        DEPLOYED = "deployee", _("Déployé")
        STOPPED = "abandon", _("Abandonné")

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="replications"
    )
    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf"), on_delete=models.PROTECT, related_name="replications"
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.INTERESTED
    )
    started_on = models.DateField(_("depuis le"), default=timezone.localdate)
    note = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("essaimage dans une Caf")
        verbose_name_plural = _("essaimages")
        ordering = ["project", "caf__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "caf"], name="replication_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.caf}"


# Creativity sessions and trainings -------------------------------------------------------------
class CreativitySession(models.Model):
    class Method(models.TextChoices):
        DESIGN_THINKING = "design_thinking", _("Design thinking")
        LEGO = "lego_serious_play", _("LEGO® SERIOUS PLAY®")
        WORLD_CAFE = "world_cafe", _("World café")
        FOCUS_GROUP = "focus_group", _("Focus groupe")
        HACKATHON = "hackathon", _("Hackathon")
        COCREATION = "cocreation", _("Atelier de coconstruction")
        OTHER = "autre", _("Autre")

    class Audience(models.TextChoices):
        AGENTS = "agents", _("Agents de Caf")
        PUBLIC = "habitants", _("Habitants et allocataires")
        PARTNERS = "partenaires", _("Partenaires")
        MIXED = "mixte", _("Public mixte")

    held_on = models.DateField(_("date"))
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf"),
        on_delete=models.PROTECT,
        related_name="creativity_sessions",
        null=True,
        blank=True,
        help_text=_("Vide : séance organisée au CafLab."),
    )
    topic = models.CharField(_("sujet"), max_length=200)
    method = models.CharField(_("méthode"), max_length=20, choices=Method.choices)
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices)
    participants = models.PositiveSmallIntegerField(_("participants"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet lié"),
        on_delete=models.SET_NULL,
        related_name="creativity_sessions",
        null=True,
        blank=True,
    )
    # A consultation of « La Caf à votre écoute », by id: the apps stay independent.
    consultation_id = models.PositiveBigIntegerField(_("consultation liée"), null=True, blank=True)
    outcome = models.TextField(_("ce qui en est sorti"), blank=True)

    class Meta:
        verbose_name = _("séance de créativité")
        verbose_name_plural = _("séances de créativité")
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=1), name="creativity_has_participants"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%d/%m/%Y})"


class Training(models.Model):
    """An offer of the CafLab's training catalogue (design thinking, maîtrise d'usage…)."""

    class Kind(models.TextChoices):
        DESIGN_THINKING = "design_thinking", _("Design thinking")
        USAGE = "maitrise_usage", _("Maîtrise d'usage")
        LEADERSHIP = "leadership", _("L'innovation, une posture de leadership")
        IMPACT = "evaluation_impact", _("Évaluation d'impact")
        OTHER = "autre", _("Autre")

    title = models.CharField(_("intitulé"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=18, choices=Kind.choices)
    description = models.TextField(_("objectifs et contenu"))
    audience = models.CharField(_("public visé"), max_length=200)
    duration_hours = models.DecimalField(
        _("durée (heures)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    is_active = models.BooleanField(_("au catalogue"), default=True)

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:training-detail", kwargs={"pk": self.pk})


class TrainingSession(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("formation"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    place = models.CharField(_("lieu ou visio"), max_length=200)
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf d'accueil"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    trainers = models.CharField(_("formateurs"), max_length=200)

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="training_session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training} — {self.starts_on:%d/%m/%Y}"


class Trainee(models.Model):
    """A person trained, named once however many sessions they follow: « people trained »
    counts these, not the seats. Personal data: erased by `services.trainee_anonymise`."""

    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80)
    email = models.EmailField(_("adresse électronique"), blank=True)
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    organisation = models.CharField(
        _("organisme"), max_length=160, blank=True, help_text=_("Cnaf, EN3S, partenaire…")
    )
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte du portail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainee",
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne formée")
        verbose_name_plural = _("personnes formées")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="trainee_unique_email"
            ),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return _("Personne anonymisée n° %(pk)s") % {"pk": self.pk}
        return f"{self.first_name} {self.last_name}"


class Enrolment(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    trainee = models.ForeignKey(
        Trainee, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="enrolments"
    )
    attended = models.BooleanField(_("a suivi la session"), default=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["session", "trainee__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="enrolment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} — {self.session}"
