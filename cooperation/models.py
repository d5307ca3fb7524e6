"""COOPération: the action plans of the Conventions territoriales globales (CTG) and of the
Schémas départementaux des services aux familles (SDSF), shared by a Caf and its partners.

A plan's roadmap: axes → objectives → actions → steps (jalons). « En retard » and « bientôt
échue » are derived from the dates, never stored. Progress rolls up from actions to objectives,
axes and the plan with weights (cooperation.selectors.plan_progress).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Organisation, StoredFile

SOON_DAYS = 30  # « bientôt échue »: due within this many days


class AxisTheme(models.Model):
    """The configurable list of strategic themes (petite enfance, parentalité…)."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème d'axe")
        verbose_name_plural = _("thèmes d'axes")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PlanTemplate(models.Model):
    """A typical roadmap a plan can start from: {"axes": [{"theme", "title", "objectives":
    [{"title", "actions": [{"title", "months"}]}]}]}."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    kind = models.CharField(
        _("type de plan"), max_length=4, choices=[("ctg", "CTG"), ("sdsf", "SDSF")]
    )
    description = models.TextField(_("description"), blank=True)
    structure = models.JSONField(_("structure"), default=dict)

    class Meta:
        verbose_name = _("modèle de plan")
        verbose_name_plural = _("modèles de plan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    class Kind(models.TextChoices):
        CTG = "ctg", _("Convention territoriale globale (CTG)")
        SDSF = "sdsf", _("Schéma départemental des services aux familles (SDSF)")

    class Status(models.TextChoices):
        PREPARING = "preparation", _("En préparation")
        ACTIVE = "en_cours", _("En cours")
        CLOSED = "cloture", _("Clôturé")

    kind = models.CharField(_("type"), max_length=4, choices=Kind.choices, default=Kind.CTG)
    title = models.CharField(_("titre"), max_length=200)
    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf pilote"), on_delete=models.PROTECT, related_name="plans"
    )
    territory = models.CharField(
        _("territoire"), max_length=200, help_text=_("Communes, EPCI ou département couverts.")
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PREPARING
    )
    signatories = models.ManyToManyField(
        Organisation, verbose_name=_("signataires"), related_name="signed_plans", blank=True
    )
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("créé à partir du modèle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    baseline_frozen_at = models.DateTimeField(
        _("planning de référence figé le"), null=True, blank=True
    )
    pilot_since = models.DateField(_("utilise COOPération depuis"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")
        ordering = ["caf__number", "-starts_on"]
        indexes = [
            models.Index(fields=["caf", "status"]),
            # The plan lists: filtered by type and status, by Caf and sorted by start
            models.Index(fields=["kind", "status"], name="coop_plan_kind_status"),
            models.Index(fields=["caf", "-starts_on"], name="coop_plan_caf_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="plan_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cooperation:plan-detail", kwargs={"pk": self.pk})


class PlanMember(models.Model):
    class Role(models.TextChoices):
        PILOT = "pilote", _("Pilote")
        CONTRIBUTOR = "contributeur", _("Contributeur")
        READER = "lecteur", _("Lecteur")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="plan_memberships",
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR
    )
    added_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("membre du plan")
        verbose_name_plural = _("membres du plan")
        ordering = ["plan", "role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="plan_member_once")]
        indexes = [
            models.Index(fields=["user", "plan"]),
            models.Index(fields=["plan", "role"], name="coop_member_plan_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Axis(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="axes"
    )
    theme = models.ForeignKey(
        AxisTheme,
        verbose_name=_("thème"),
        on_delete=models.PROTECT,
        related_name="axes",
        null=True,
        blank=True,
    )
    title = models.CharField(_("intitulé"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)

    class Meta:
        verbose_name = _("axe stratégique")
        verbose_name_plural = _("axes stratégiques")
        ordering = ["plan", "position", "id"]
        indexes = [models.Index(fields=["plan", "position"], name="coop_axis_plan_position")]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="axis_weight_positive")
        ]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("intitulé"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["axis", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="objective_weight_positive")
        ]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        TO_START = "a_lancer", _("À lancer")
        IN_PROGRESS = "en_cours", _("En cours")
        DONE = "realisee", _("Réalisée")
        ABANDONED = "abandonnee", _("Abandonnée")

    class Priority(models.TextChoices):
        HIGH = "haute", _("Haute")
        MEDIUM = "moyenne", _("Moyenne")
        LOW = "basse", _("Basse")

    class ProgressMode(models.TextChoices):
        ENTERED = "saisi", _("Saisi")
        STEPS = "jalons", _("Calculé à partir des jalons")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions"
    )
    objective = models.ForeignKey(
        Objective, verbose_name=_("objectif"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    pilot_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("pilote"),
        on_delete=models.PROTECT,
        related_name="piloted_actions",
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partenaires"), related_name="partner_actions", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    starts_on = models.DateField(_("début"))
    due_on = models.DateField(_("échéance"))
    baseline_starts_on = models.DateField(_("début prévu (référence)"), null=True, blank=True)
    baseline_due_on = models.DateField(_("échéance prévue (référence)"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.TO_START
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    progress_mode = models.CharField(
        _("calcul de l'avancement"),
        max_length=8,
        choices=ProgressMode.choices,
        default=ProgressMode.ENTERED,
    )
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    budget = models.DecimalField(
        _("budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    priority = models.CharField(
        _("priorité"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    completed_on = models.DateField(_("réalisée le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    last_reminder_on = models.DateField(
        _("dernier rappel d'échéance"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifiée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "objective__axis__position", "objective__position", "position", "id"]
        indexes = [
            models.Index(fields=["plan", "status", "due_on"]),
            models.Index(fields=["due_on", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="action_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="action_progress_at_most_100"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="action_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in (self.Status.TO_START, self.Status.IN_PROGRESS) and self.due_on < today
        )

    def is_due_soon(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in (
            self.Status.TO_START,
            self.Status.IN_PROGRESS,
        ) and today <= self.due_on <= today + timedelta(days=SOON_DAYS)

    def display_status(self, today=None) -> str:
        """The status a person reads: « En retard » is derived from the dates."""
        if self.is_late(today):
            return str(_("En retard"))
        return self.get_status_display()


class Step(models.Model):
    """A milestone (jalon) of an action."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    due_on = models.DateField(_("échéance"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["action", "due_on", "position", "id"]
        indexes = [models.Index(fields=["action", "due_on"], name="coop_step_action_due")]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = "hausse", _("À la hausse")
        DOWN = "baisse", _("À la baisse")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objectif"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    name = models.CharField(_("nom"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)
    direction = models.CharField(
        _("sens"), max_length=8, choices=Direction.choices, default=Direction.UP
    )

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["plan", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")),
                name="indicator_target_differs_from_baseline",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="values"
    )
    period = models.DateField(_("période"), help_text=_("Date de la mesure (fin de période)."))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="indicator_value_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.period:%m/%Y} : {self.value}"


class Message(models.Model):
    """The collaborative thread of a plan or of one of its actions."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="messages"
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("message"), max_length=4000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personnes mentionnées"),
        blank=True,
        related_name="plan_mentions",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["plan", "created_at", "id"]
        indexes = [models.Index(fields=["plan", "action", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class Document(StoredFile):
    class Scan(models.TextChoices):
        PENDING = "en_attente", _("Analyse en attente")
        CLEAN = "sain", _("Sain")
        INFECTED = "infecte", _("Infecté")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="documents"
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("fichier"), upload_to="cooperation/%Y/%m/", max_length=255)
    scan = models.CharField(
        _("analyse antivirus"), max_length=12, choices=Scan.choices, default=Scan.PENDING
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["plan", "-created_at"]
        indexes = [models.Index(fields=["plan", "-created_at"], name="coop_document_plan_created")]


class Resource(models.Model):
    """The evaluation library managed by CafLab staff, open to every plan member."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide méthodologique")
        TEMPLATE = "modele", _("Modèle à réutiliser")
        SHEET = "fiche", _("Fiche pratique")
        EXAMPLE = "exemple", _("Exemple de Caf")

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    summary = models.TextField(_("présentation"))
    file = models.FileField(
        _("fichier"), upload_to="cooperation/ressources/", max_length=255, blank=True
    )
    url = models.URLField(_("lien"), blank=True)
    themes = models.ManyToManyField(AxisTheme, verbose_name=_("thèmes"), blank=True)
    is_published = models.BooleanField(_("publiée"), default=True)
    created_at = models.DateTimeField(_("ajoutée le"), default=timezone.now)

    class Meta:
        verbose_name = _("ressource d'évaluation")
        verbose_name_plural = _("ressources d'évaluation")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title
