"""Eurekaf, the idea box of the branche Famille: boxes, campaigns, ideas and their follow-up.

Counters (supports, comments, followers) are kept on the idea by the services with F()
expressions, in the transaction that changes the rows they count, so that lists never count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, StoredFile


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("thème d'idée")
        verbose_name_plural = _("thèmes d'idées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IdeaBox(models.Model):
    """One box per Caf that uses Eurekaf, and the national box (no Caf)."""

    caf = models.OneToOneField(
        Caf,
        verbose_name=_("Caf"),
        on_delete=models.PROTECT,
        related_name="idea_box",
        null=True,
        blank=True,
        help_text=_("Vide pour la boîte nationale."),
    )
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("adresse"), max_length=40, unique=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestionnaires"),
        related_name="managed_idea_boxes",
        blank=True,
        help_text=_("Agents qui étudient les idées de cette boîte et publient les réponses."),
    )
    is_active = models.BooleanField(_("ouverte"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("boîte à idées")
        verbose_name_plural = _("boîtes à idées")
        ordering = ["caf__number"]
        constraints = [
            # One national box: the Caf-less box is unique (Caf boxes are, by the one-to-one).
            models.UniqueConstraint(Coalesce("caf", Value(0)), name="ideabox_one_national")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.caf_id is None


class Campaign(models.Model):
    """A thematic call for ideas, or an « appel à initiatives » prepared for a criée."""

    class Kind(models.TextChoices):
        THEMATIC = "thematique", _("Campagne thématique")
        INITIATIVES = "initiatives", _("Appel à initiatives (criée)")

    box = models.ForeignKey(
        IdeaBox, verbose_name=_("boîte"), on_delete=models.CASCADE, related_name="campaigns"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.THEMATIC)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    brief = models.TextField(_("appel"), help_text=_("Ce qui est attendu. Mise en forme simple."))
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    pitch_on = models.DateField(
        _("date de la criée"), null=True, blank=True, help_text=_("Pour un appel à initiatives.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_running(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


class Idea(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "deposee", _("Déposée")
        STUDYING = "en_etude", _("En étude")
        SELECTED = "retenue", _("Retenue")
        EXPERIMENTING = "en_experimentation", _("En expérimentation")
        IMPLEMENTED = "mise_en_oeuvre", _("Mise en œuvre")
        REJECTED = "non_retenue", _("Non retenue")
        MERGED = "fusionnee", _("Fusionnée")

    # Where each status may go; « fusionnée » is reached only by merging.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.STUDYING, Status.SELECTED, Status.REJECTED},
        Status.STUDYING: {Status.SELECTED, Status.EXPERIMENTING, Status.REJECTED},
        Status.SELECTED: {Status.EXPERIMENTING, Status.IMPLEMENTED, Status.REJECTED},
        Status.EXPERIMENTING: {Status.IMPLEMENTED, Status.REJECTED},
        Status.IMPLEMENTED: set(),
        Status.REJECTED: {Status.STUDYING},
        Status.MERGED: set(),
    }
    OPEN_STATUSES = (Status.SUBMITTED, Status.STUDYING)
    ANSWERED_STATUSES = (
        Status.SELECTED,
        Status.EXPERIMENTING,
        Status.IMPLEMENTED,
        Status.REJECTED,
        Status.MERGED,
    )

    box = models.ForeignKey(
        IdeaBox, verbose_name=_("boîte"), on_delete=models.PROTECT, related_name="ideas"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campagne"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="ideas",
    )
    origin_caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf d'origine"),
        on_delete=models.PROTECT,
        related_name="ideas",
        null=True,
        blank=True,
        help_text=_("Gardée quand l'idée est mise à contribution nationale."),
    )
    escalated_from = models.ForeignKey(
        IdeaBox,
        verbose_name=_("mise à contribution nationale depuis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("titre"), max_length=160)
    description = models.TextField(_("description"), max_length=8000)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thèmes"), blank=True, related_name="ideas"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        # An original cannot disappear under its duplicates (they point to it).
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_ideas",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confiée à"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_ideas",
    )
    assigned_service = models.CharField(_("service chargé de l'étude"), max_length=120, blank=True)
    answer_due_on = models.DateField(_("réponse attendue le"), null=True, blank=True)
    support_count = models.PositiveIntegerField(_("soutiens"), default=0)
    comment_count = models.PositiveIntegerField(_("commentaires"), default=0)
    follower_count = models.PositiveIntegerField(_("abonnés"), default=0)
    is_hidden = models.BooleanField(_("masquée"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    status_changed_at = models.DateTimeField(_("statut changé le"), null=True, blank=True)
    first_answer_at = models.DateTimeField(_("première réponse le"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)

    class Meta:
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        ordering = ["-created_at"]
        # Each sort of the lists (selectors.SORTS) is read in index order: per box for the
        # agents (one branch per visible box), over every box for the CafLab team.
        indexes = [
            models.Index(fields=["box", "status", "-created_at"]),
            models.Index(fields=["box", "-created_at", "-id"], name="idea_box_recent"),
            models.Index(
                fields=["box", "-support_count", "-created_at", "-id"], name="idea_box_supported"
            ),
            models.Index(
                fields=["box", "-comment_count", "-created_at", "-id"], name="idea_box_discussed"
            ),
            models.Index(
                fields=["box", "-last_activity_at", "-support_count", "-id"], name="idea_box_trend"
            ),
            models.Index(fields=["-created_at", "-id"], name="idea_recent"),
            models.Index(fields=["-support_count", "-created_at", "-id"], name="idea_supported"),
            models.Index(fields=["-comment_count", "-created_at", "-id"], name="idea_discussed"),
            models.Index(fields=["-last_activity_at", "-support_count", "-id"], name="idea_trend"),
            # The lists' counts (per box and status, hidden ideas left out): index-only.
            models.Index(
                fields=["box", "status"], condition=Q(is_hidden=False), name="idea_box_status_shown"
            ),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["campaign", "-created_at"]),
            # On PostgreSQL a GIN index for French full-text search is created by migration
            # (0002), not declared here: SQLite, the embedded default, has no GIN.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="fusionnee") | Q(merged_into__isnull=False),
                name="idea_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("id")),
                name="idea_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("eurekaf:idea-detail", kwargs={"pk": self.pk})

    def allowed_transitions(self) -> set[str]:
        return set(self.TRANSITIONS.get(self.Status(self.status), set()))


class IdeaStatusChange(models.Model):
    """The public timeline of an idea: every status change, with the official answer."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("ancien statut"), max_length=20, choices=Idea.Status.choices, blank=True
    )
    to_status = models.CharField(_("nouveau statut"), max_length=20, choices=Idea.Status.choices)
    answer = models.TextField(_("réponse officielle"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["idea", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea} : {self.get_to_status_display()}"


class Support(models.Model):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="supports"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="idea_supports",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["idea", "agent"], name="support_once_per_agent")
        ]
        indexes = [models.Index(fields=["agent", "idea"])]

    def __str__(self) -> str:
        return f"{self.agent} → {self.idea}"


class Follow(models.Model):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("abonné"),
        on_delete=models.CASCADE,
        related_name="idea_follows",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} suit {self.idea}"


class Comment(models.Model):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="idea_comments",
    )
    text = models.TextField(_("commentaire"), max_length=3000)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    is_hidden = models.BooleanField(_("masqué"), default=False)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("masqué par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["idea", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class InternalNote(models.Model):
    """What the box's managers write for each other; never shown to agents."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=3000)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["idea", "-created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Report(models.Model):
    """An agent reports an idea or a comment to the box's managers (moderation)."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("commentaire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("motif"), max_length=300)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        # Open reports first (PostgreSQL would put the null dates last).
        ordering = [models.F("resolved_at").asc(nulls_first=True), "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "reporter"],
                condition=Q(comment__isnull=True, resolved_at__isnull=True),
                name="report_idea_once_while_open",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(comment__isnull=False, resolved_at__isnull=True),
                name="report_comment_once_while_open",
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class Attachment(StoredFile):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idée"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fichier"), upload_to="eurekaf/%Y/%m/", max_length=255)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["idea", "created_at"]
