"""The portal's reference data: regions, Cafs, partner organisations and the people who log in."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=2, unique=True)
    name = models.CharField(_("nom"), max_length=80, unique=True)
    overseas = models.BooleanField(_("outre-mer"), default=False)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["overseas", "name"]

    def __str__(self) -> str:
        return self.name


class Caf(models.Model):
    """A caisse d'allocations familiales: one per département, metropolitan or overseas."""

    number = models.CharField(
        _("numéro"), max_length=3, unique=True, help_text=_("Numéro du département (38, 2A, 974…).")
    )
    name = models.CharField(_("nom"), max_length=120, unique=True)
    department_name = models.CharField(_("département"), max_length=80)
    city = models.CharField(_("siège"), max_length=80)
    region = models.ForeignKey(
        Region, verbose_name=_("région"), on_delete=models.PROTECT, related_name="cafs"
    )

    class Meta:
        verbose_name = _("Caf")
        verbose_name_plural = _("Caf")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Organisation(models.Model):
    """A partner of the Cafs: commune, EPCI, département, association, France Travail, MSA…"""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        EPCI = "epci", _("EPCI (intercommunalité)")
        DEPARTEMENT = "departement", _("Conseil départemental")
        REGION = "region", _("Conseil régional")
        ETAT = "etat", _("Services de l'État")
        FRANCE_TRAVAIL = "france_travail", _("France Travail")
        MSA = "msa", _("MSA")
        CPAM = "cpam", _("Assurance maladie")
        ASSOCIATION = "association", _("Association")
        CENTRE_SOCIAL = "centre_social", _("Centre social")
        ENTREPRISE = "entreprise", _("Entreprise")
        RECHERCHE = "recherche", _("Université ou recherche")
        AUTRE = "autre", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf du territoire"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    city = models.CharField(_("commune du siège"), max_length=120, blank=True)
    website = models.URLField(_("site internet"), blank=True)

    class Meta:
        verbose_name = _("organisation partenaire")
        verbose_name_plural = _("organisations partenaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "caf", name="organisation_unique_name_per_caf"),
            models.UniqueConstraint(
                fields=["siren"], condition=~Q(siren=""), name="organisation_unique_siren"
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="organisation_siren_nine_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        extra.setdefault("role", User.Role.CAFLAB)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. Citizens answering public consultations have no account."""

    class Role(models.TextChoices):
        CAFLAB = "caflab", _("Équipe CafLab")
        REFERENT = "referent", _("Référent innovation en région")
        AGENT = "agent", _("Agent de Caf")
        PARTNER = "partenaire", _("Partenaire")

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.AGENT)
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("régions suivies"),
        related_name="referents",
        blank=True,
        help_text=_("Pour un référent innovation : les régions qu'il anime."),
    )
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    is_innovator = models.BooleanField(_("membre de la communauté des innovateurs"), default=False)
    innovator_since = models.DateField(_("membre de la communauté depuis"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        indexes = [models.Index(fields=["role", "caf"]), models.Index(fields=["is_innovator"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="agent") | Q(caf__isnull=False),
                name="user_agent_has_caf",
            ),
            models.CheckConstraint(
                condition=~Q(role="partenaire") | Q(organisation__isnull=False),
                name="user_partner_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(is_innovator=False) | Q(innovator_since__isnull=False),
                name="user_innovator_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_caflab_staff(self) -> bool:
        return self.is_active and (self.role == self.Role.CAFLAB or self.is_superuser)


class ActivityEvent(models.Model):
    """Who did what, when, on which object: the activity feeds and the staff audit trail.

    `scope` groups the events a feed shows (e.g. « cooperation.plan:12 »); `changes` holds the
    fields that changed as {field: [before, after]} — never personal data of third parties.
    """

    actor = models.ForeignKey(
        "caflab.User",
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("type d'objet"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=200)
    scope = models.CharField(_("périmètre"), max_length=80, db_index=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement d'activité")
        verbose_name_plural = _("journal d'activité")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["scope", "-created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.verb} {self.object_repr}"


class StoredFile(models.Model):
    """What every uploaded file keeps (see caflab.files for the checks); each app adds what
    the file belongs to, and its own `file` field with its folder."""

    file = models.FileField(_("fichier"), max_length=255)
    name = models.CharField(_("nom"), max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        "caflab.User",
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name
