"""« La Caf à votre écoute »: consultations, their questionnaires, and the answers.

Anonymity: for an anonymous consultation, who took part (`Participation`) and what was
answered (`Response`) share no key, no timestamp finer than the day, have random keys that
tell nothing of their order, and are written in two separate transactions
(services.response_submit). Only a non-anonymous consultation links them. What remains is
the physical order of rows inside PostgreSQL's files, readable only with superuser access to
the server.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Organisation


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsultationQuerySet(models.QuerySet):
    """Phases follow the dates: a scheduled consultation opens and closes on time, whether
    or not the beat task has already written the new status."""

    LIVE = ("programmee", "ouverte")

    def open_at(self, now):
        return self.filter(status__in=self.LIVE, opens_at__lte=now, closes_at__gt=now)

    def upcoming_at(self, now):
        return self.filter(status__in=self.LIVE, opens_at__gt=now)

    def closed_at(self, now):
        return self.filter(Q(status="close") | Q(status__in=self.LIVE, closes_at__lte=now))

    def with_results(self):
        return self.filter(status="resultats")


class Consultation(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Grand public")
        PARTNERS = "partenaires", _("Partenaires")
        PRIVATE = "interne", _("Agents des Caf (consultation interne)")

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        SCHEDULED = "programmee", _("Programmée")
        OPEN = "ouverte", _("Ouverte")
        CLOSED = "close", _("Close")
        RESULTS = "resultats", _("Résultats publiés")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    summary = models.CharField(_("résumé"), max_length=400)
    description = models.TextField(
        _("présentation"),
        blank=True,
        help_text=_("Mise en forme simple autorisée (gras, listes, liens)."),
    )
    commissioned_by = models.CharField(
        _("commanditaire"),
        max_length=200,
        help_text=_("La direction nationale ou le service qui commande la consultation."),
    )
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf commanditaire"),
        on_delete=models.PROTECT,
        related_name="consultations",
        null=True,
        blank=True,
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="consultations"
    )
    audience = models.CharField(_("public visé"), max_length=12, choices=Audience.choices)
    restricted_cafs = models.ManyToManyField(
        Caf,
        verbose_name=_("réservée aux agents de ces Caf"),
        related_name="restricted_consultations",
        blank=True,
        help_text=_("Consultation interne : laisser vide pour toutes les Caf."),
    )
    invited_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations invitées"),
        related_name="consultations",
        blank=True,
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("programmée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    is_anonymous = models.BooleanField(
        _("anonyme"),
        default=True,
        help_text=_("Les réponses ne peuvent pas être reliées aux personnes qui ont participé."),
    )
    requires_access_code = models.BooleanField(
        _("code d'accès obligatoire"),
        default=False,
        help_text=_("Chaque code, à usage unique, permet une seule réponse."),
    )
    min_cell_size = models.PositiveSmallIntegerField(
        _("seuil de confidentialité"),
        default=5,
        help_text=_("Les effectifs inférieurs à ce seuil sont masqués dans les croisements."),
    )
    respondent_count = models.PositiveIntegerField(_("répondants"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]
        indexes = [
            models.Index(fields=["status", "opens_at", "closes_at"]),
            models.Index(fields=["audience", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(min_cell_size__gte=1), name="consultation_min_cell_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("consultations:consultation-detail", kwargs={"slug": self.slug})

    def phase(self, now=None) -> str:
        """The status as the dates make it now."""
        now = now or timezone.now()
        if self.status in ConsultationQuerySet.LIVE:
            if now >= self.closes_at:
                return self.Status.CLOSED
            if now >= self.opens_at:
                return self.Status.OPEN
            return self.Status.SCHEDULED
        return self.status

    def get_phase_display(self) -> str:
        return self.Status(self.phase()).label

    @property
    def is_open(self) -> bool:
        return self.phase() == self.Status.OPEN


class Section(models.Model):
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["consultation", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "choix_unique", _("Choix unique")
        MULTIPLE = "choix_multiple", _("Choix multiple")
        SHORT_TEXT = "texte_court", _("Texte court")
        LONG_TEXT = "texte_long", _("Texte long")
        SCALE = "echelle", _("Échelle")
        YES_NO = "oui_non", _("Oui / non")
        RANKING = "classement", _("Classement")
        DATE = "date", _("Date")
        NUMBER = "nombre", _("Nombre")
        DEPARTMENT = "departement", _("Département")
        PROFILE = "profil", _("Profil du répondant")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.YES_NO, Kind.PROFILE, Kind.RANKING)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)
    BREAKDOWN_KINDS = (Kind.PROFILE, Kind.DEPARTMENT)

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("partie"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    label = models.CharField(_("intitulé"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatoire"), default=True)
    min_choices = models.PositiveSmallIntegerField(_("choix minimum"), null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("choix maximum"), null=True, blank=True)
    scale_min = models.SmallIntegerField(_("échelle : minimum"), default=1)
    scale_max = models.SmallIntegerField(_("échelle : maximum"), default=5)
    scale_min_label = models.CharField(_("libellé du minimum"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("libellé du maximum"), max_length=60, blank=True)
    number_min = models.DecimalField(
        _("nombre minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("nombre maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("n'afficher que si la question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )
    condition_choices = models.ManyToManyField(
        "Choice",
        verbose_name=_("a reçu l'une de ces réponses"),
        blank=True,
        related_name="conditioned_questions",
    )
    publish_results = models.BooleanField(
        _("résultats publiés"),
        default=True,
        help_text=_("Décocher pour garder les résultats de cette question pour l'équipe."),
    )
    is_confidential = models.BooleanField(
        _("confidentielle"),
        default=False,
        help_text=_("Seul le nombre de réponses est montré, jamais leur contenu."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "section__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="question_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(min_choices__isnull=True)
                | Q(max_choices__isnull=True)
                | Q(max_choices__gte=models.F("min_choices")),
                name="question_choices_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    label = models.CharField(_("libellé"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_other = models.BooleanField(
        _("« autre, préciser »"), default=False, help_text=_("Demande une précision écrite.")
    )

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.label


class AccessCode(models.Model):
    """A single-use code; only its salted hash is kept (the codes are handed out once, as CSV)."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="access_codes",
    )
    code_hash = models.CharField(_("empreinte"), max_length=64, editable=False)
    batch = models.CharField(
        _("lot"),
        max_length=120,
        help_text=_("Pour qui ces codes ont été créés (partenaire, living lab…)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    used_on = models.DateField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code d'accès")
        verbose_name_plural = _("codes d'accès")
        ordering = ["consultation", "batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "code_hash"], name="access_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} ({self.code_hash[:8]}…)"


class Participation(models.Model):
    """Who took part. For an anonymous consultation it holds the day only, and no link to
    the response; its key is random, like the response's, so that neither tells the order
    in which people answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,  # the index (consultation, ip_hash, created_on) serves it
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_participations",
    )
    access_code = models.OneToOneField(
        AccessCode,
        verbose_name=_("code d'accès"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation",
    )
    respondent_key = models.CharField(
        _("clé du navigateur"),
        max_length=64,
        blank=True,
        help_text=_("Empreinte salée, jamais en clair."),
    )
    ip_hash = models.CharField(_("empreinte de l'adresse IP"), max_length=64, blank=True)
    created_on = models.DateField(_("le"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["consultation", "-created_on"]
        indexes = [models.Index(fields=["consultation", "ip_hash", "created_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="participation_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["consultation", "respondent_key"],
                condition=~Q(respondent_key=""),
                name="participation_one_per_browser",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.created_on:%d/%m/%Y}"


class Response(models.Model):
    """What was answered. A random UUID, so that its key says nothing of its order."""

    class Review(models.TextChoices):
        VALID = "valide", _("Valide")
        FLAGGED = "a_verifier", _("À vérifier")
        REJECTED = "ecartee", _("Écartée")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="responses",
        db_index=False,  # the index (consultation, review, submitted_on) serves it
    )
    participation = models.OneToOneField(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response",
        help_text=_("Renseignée seulement pour une consultation non anonyme."),
    )
    submitted_on = models.DateField(_("envoyée le"))
    review = models.CharField(
        _("vérification"), max_length=12, choices=Review.choices, default=Review.VALID
    )

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["consultation", "id"]
        indexes = [
            models.Index(fields=["consultation", "review", "submitted_on"]),
            models.Index(fields=["submitted_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.submitted_on:%d/%m/%Y}"


class Tag(models.Model):
    """A theme of the staff's coding of free-text answers (irritants, besoins, idées)."""

    class Kind(models.TextChoices):
        IRRITANT = "irritant", _("Irritant")
        NEED = "besoin", _("Besoin")
        IDEA = "idee", _("Idée")
        OTHER = "autre", _("Autre")

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(_("nom"), max_length=80)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = ["consultation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="tag_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.name}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("réponse"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,  # the index (question, choice) serves it: one index less per answer
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("choix"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    text = models.TextField(_("texte"), blank=True)
    number = models.DecimalField(
        _("nombre"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("étiquettes"), blank=True, related_name="answers"
    )

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        indexes = [
            models.Index(fields=["question", "choice"]),
            models.Index(fields=["question", "number"]),
            models.Index(
                fields=["question", "text"], name="answer_question_text_idx", condition=~Q(text="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.text or self.number or self.date}"


class ResponseDraft(models.Model):
    """Answers being typed, page by page; the token in the resume link is the only key."""

    token = models.CharField(_("jeton"), max_length=64, unique=True)
    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    data = models.JSONField(_("réponses en cours"), default=dict, blank=True)
    step = models.PositiveSmallIntegerField(_("étape"), default=0)
    editing = models.BooleanField(_("modification d'une réponse envoyée"), default=False)
    created_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse en cours")
        verbose_name_plural = _("réponses en cours")
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.token[:6]}…"


class Restitution(models.Model):
    """The public results page written by staff."""

    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="restitution",
    )
    title = models.CharField(_("titre"), max_length=200)
    synthesis = models.TextField(_("synthèse"), help_text=_("Mise en forme simple autorisée."))
    featured_questions = models.ManyToManyField(
        Question, verbose_name=_("graphiques présentés"), blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("restitution")
        verbose_name_plural = _("restitutions")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title
