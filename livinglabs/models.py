"""Living labs: permanent communities of users (allocataires, habitants, parents) animated by
a Caf, their workshops and what comes out of them.

Members' personal data (names, contacts) are seen by the lab's facilitators only, kept with a
dated consent, and erased by `services.member_anonymise` — which keeps the statistics
(profile, dates, attendance) so that the evaluation of the labs stays true.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf

INACTIVITY_MONTHS = 24
# The fixed pages under /living-labs/ that a lab's address must not hide.
RESERVED_SLUGS = {"agenda", "evaluation", "sollicitations", "ateliers", "contributions"}


def validate_lab_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("Cette adresse est réservée par le portail : choisissez-en une autre.")
        )


class Lab(models.Model):
    class Theme(models.TextChoices):
        PARENTING = "parentalite", _("Parentalité")
        DISABILITY = "handicap", _("Handicap")
        YOUTH = "jeunesse", _("Jeunesse")
        RIGHTS = "acces_aux_droits", _("Accès aux droits")
        SEPARATION = "separation", _("Séparation / Aripa")
        HOUSING = "logement", _("Logement")
        OTHER = "autre", _("Autre")

    class Status(models.TextChoices):
        PREPARING = "preparation", _("En préparation")
        ACTIVE = "actif", _("Actif")
        PAUSED = "en_pause", _("En pause")
        CLOSED = "ferme", _("Fermé")

    name = models.CharField(_("nom"), max_length=160)
    slug = models.SlugField(
        _("adresse"), max_length=80, unique=True, validators=[validate_lab_slug]
    )
    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf"), on_delete=models.PROTECT, related_name="labs"
    )
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)
    venue = models.CharField(
        _("lieu d'accueil"), max_length=200, help_text=_("Par exemple un centre social.")
    )
    city = models.CharField(_("commune"), max_length=120)
    created_on = models.DateField(_("créé le"))
    description = models.TextField(_("présentation"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateurs"),
        related_name="facilitated_labs",
        blank=True,
    )

    class Meta:
        verbose_name = _("living lab")
        verbose_name_plural = _("living labs")
        ordering = ["caf__number", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("livinglabs:lab-detail", kwargs={"slug": self.slug})


class Member(models.Model):
    class Profile(models.TextChoices):
        PARENT = "parent", _("Parent")
        SEPARATED = "parent_separe", _("Parent séparé")
        YOUNG = "jeune", _("Jeune")
        RESIDENT = "habitant", _("Habitant")
        CARER = "aidant", _("Aidant")
        PROFESSIONAL = "professionnel", _("Professionnel")
        AGENT = "agent", _("Agent de Caf")

    lab = models.ForeignKey(
        Lab, verbose_name=_("living lab"), on_delete=models.CASCADE, related_name="members"
    )
    pseudonym = models.CharField(_("pseudonyme"), max_length=60)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    profile = models.CharField(_("profil"), max_length=16, choices=Profile.choices)
    consent_at = models.DateTimeField(_("consentement recueilli le"))
    consent_version = models.CharField(_("version du texte de consentement"), max_length=20)
    joined_on = models.DateField(_("arrivée"))
    left_on = models.DateField(_("départ"), null=True, blank=True)
    last_seen_on = models.DateField(_("dernière participation"), null=True, blank=True)
    flagged_inactive_on = models.DateField(_("signalé inactif le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["lab", "pseudonym"]
        indexes = [
            # The members page: a lab's members, present ones first, by pseudonym.
            models.Index(fields=["lab", "left_on", "pseudonym"], name="ll_member_lab_page"),
            models.Index(fields=["last_seen_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | (Q(first_name="") & Q(last_name="") & Q(email="") & Q(phone="")),
                name="member_anonymised_has_no_personal_data",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_active(self) -> bool:
        return self.left_on is None and self.anonymised_at is None


class Solicitation(models.Model):
    """A national direction asks one or more labs to work on a topic."""

    class Status(models.TextChoices):
        OPEN = "ouverte", _("Ouverte")
        ANSWERED = "repondue", _("Répondue")
        CLOSED = "close", _("Close")

    title = models.CharField(_("sujet"), max_length=200)
    requester = models.CharField(_("direction demandeuse"), max_length=200)
    brief = models.TextField(_("demande"))
    deliverable = models.CharField(_("livrable attendu"), max_length=300)
    deadline = models.DateField(_("échéance"))
    labs = models.ManyToManyField(
        Lab, verbose_name=_("living labs sollicités"), related_name="solicitations"
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    synthesis = models.TextField(_("réponse consolidée"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("sollicitation")
        verbose_name_plural = _("sollicitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Workshop(models.Model):
    class Mode(models.TextChoices):
        ONSITE = "presentiel", _("Sur place")
        REMOTE = "visio", _("En visioconférence")

    lab = models.ForeignKey(
        Lab, verbose_name=_("living lab"), on_delete=models.CASCADE, related_name="workshops"
    )
    topic = models.CharField(_("sujet"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(_("modalité"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    place = models.CharField(_("lieu ou lien"), max_length=300)
    solicitation = models.ForeignKey(
        Solicitation,
        verbose_name=_("sollicitation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateurs"),
        related_name="facilitated_workshops",
        blank=True,
    )
    minutes = models.TextField(_("compte rendu"), blank=True)
    ics_sequence = models.PositiveIntegerField(
        _("révision de l'invitation"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["lab", "starts_at"]),
            # The calendars: the workshops to come, every lab.
            models.Index(fields=["starts_at"], name="ll_workshop_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.topic


class Invitation(models.Model):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_at = models.DateTimeField(_("invité le"), default=timezone.now)
    attended = models.BooleanField(_("présent"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "member"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.workshop}"


class Contribution(models.Model):
    class Kind(models.TextChoices):
        IRRITANT = "irritant", _("Irritant")
        NEED = "besoin", _("Besoin")
        IDEA = "idee", _("Idée")
        PROPOSAL = "proposition", _("Proposition")

    class Status(models.TextChoices):
        SENT = "transmise", _("Transmise")
        TAKEN = "prise_en_compte", _("Prise en compte")
        IMPLEMENTED = "mise_en_oeuvre", _("Mise en œuvre")
        REJECTED = "non_retenue", _("Non retenue")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("contribution"), max_length=3000)
    tags = models.CharField(
        _("mots-clés"), max_length=200, blank=True, help_text=_("Séparés par des virgules.")
    )
    status = models.CharField(
        _("suite donnée"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    status_reason = models.CharField(_("motif"), max_length=300, blank=True)
    eurekaf_idea_id = models.PositiveIntegerField(_("idée Eurekaf"), null=True, blank=True)
    consultation_id = models.PositiveIntegerField(_("consultation liée"), null=True, blank=True)
    project_id = models.PositiveIntegerField(_("projet lié"), null=True, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workshop", "kind"]),
            models.Index(fields=["workshop", "status"], name="ll_contribution_status"),
            models.Index(fields=["-created_at", "-id"], name="ll_contribution_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="non_retenue") | ~Q(status_reason=""),
                name="contribution_rejected_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]
