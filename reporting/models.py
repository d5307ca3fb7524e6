"""The annual activity report: what the CafLab team writes for a year (edito, highlights,
team, external indicators) and each build of the PDF, with its progress and its provenance.

Every figure of the report is computed from the apps' data (reporting.sections); only the
indicators the portal cannot know — LinkedIn followers, site visits — are typed by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEAR_VALIDATORS = [MinValueValidator(2020), MaxValueValidator(2100)]


class Edito(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True, validators=YEAR_VALIDATORS)
    author = models.CharField(_("signé par"), max_length=120)
    author_title = models.CharField(_("fonction"), max_length=160)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    text = models.TextField(_("texte"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("édito")
        verbose_name_plural = _("éditos")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{_('Édito')} {self.year}"


class Highlight(models.Model):
    """A « temps fort » of a month."""

    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(
        _("mois"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), blank=True)
    image = models.ImageField(
        _("image"), upload_to="rapports/temps-forts/%Y/", max_length=255, blank=True
    )
    image_alt = models.CharField(
        _("description de l'image"),
        max_length=200,
        blank=True,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."),
    )
    position = models.PositiveSmallIntegerField(_("ordre dans le mois"), default=0)

    class Meta:
        verbose_name = _("temps fort")
        verbose_name_plural = _("temps forts")
        ordering = ["year", "month", "position", "pk"]
        indexes = [models.Index(fields=["year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="highlight_month_1_12"
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="highlight_image_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TeamMember(models.Model):
    """A person of the CafLab team, as the report presents it that year."""

    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("nom"), max_length=120)
    role = models.CharField(_("fonction"), max_length=200)
    pole = models.CharField(
        _("pôle"), max_length=120, blank=True, help_text=_("Direction, facilitation, projets…")
    )
    photo = models.ImageField(_("photo"), upload_to="rapports/equipe/", max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("équipe du rapport")
        ordering = ["year", "position", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class ExternalIndicator(models.Model):
    """A figure the portal cannot compute, typed by staff for a year."""

    class Key(models.TextChoices):
        LINKEDIN_FOLLOWERS = "linkedin_followers", _("Abonnés à la page LinkedIn du CafLab")
        LINKEDIN_GROWTH = "linkedin_growth", _("Nouveaux abonnés LinkedIn dans l'année")
        SITE_VISITS = "site_visits", _("Visites de la page innovation de caf.fr")
        INTRANET_VISITS = "intranet_visits", _("Visites de la page CafLab de l'intranet")
        CAFCOM_ARTICLES = "cafcom_articles", _("Articles publiés sur CafCom")
        NEWSLETTERS = "newsletters", _("Lettres d'information envoyées")
        EVENTS = "events", _("Interventions et événements")

    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    key = models.CharField(_("indicateur"), max_length=20, choices=Key.choices)
    value = models.PositiveIntegerField(_("valeur"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("D'où vient le chiffre, et à quelle date."),
    )

    class Meta:
        verbose_name = _("indicateur externe")
        verbose_name_plural = _("indicateurs externes")
        ordering = ["-year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="external_indicator_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.year}"


class ReportRun(models.Model):
    """One build of a year's report. Its progress lives here (the task updates it step by
    step); the finished PDF stays, with the data snapshot it was built from."""

    class Kind(models.TextChoices):
        FULL = "complet", _("Rapport d'activité complet")
        KEY_FIGURES = "chiffres", _("Les chiffres clés (une page)")

    class Status(models.TextChoices):
        QUEUED = "en_attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "termine", _("Terminé")
        FAILED = "echec", _("Échec")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    year = models.PositiveSmallIntegerField(_("année"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("étape en cours"), max_length=200, blank=True)
    steps = models.JSONField(_("étapes"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    task_id = models.CharField(_("tâche"), max_length=64, blank=True)
    error = models.TextField(_("raison de l'échec"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="rapports/pdf/%Y/", max_length=255, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    data_hash = models.CharField(_("empreinte des données"), max_length=64, blank=True)
    template_version = models.CharField(_("version de la mise en page"), max_length=20, blank=True)
    gather_seconds = models.FloatField(_("collecte des données (s)"), null=True, blank=True)
    render_seconds = models.FloatField(_("mise en page (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("génération du rapport")
        verbose_name_plural = _("générations du rapport")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["year", "kind", "status"])]
        constraints = [
            # Two requests for the same document while one is under way share it.
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=Q(status__in=["en_attente", "en_cours"]),
                name="report_run_one_active_per_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="termine") | ~Q(pdf=""), name="report_run_done_has_pdf"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("reporting:run-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def filename(self) -> str:
        if self.kind == self.Kind.KEY_FIGURES:
            return f"caflab-chiffres-cles-{self.year}.pdf"
        return f"caflab-rapport-activite-{self.year}.pdf"
