"""Caf'IA: the 15 exhibition sets that travel from Caf to Caf, their bookings, the hand-overs
between consecutive bookings, the waitlist, the feedback of the host Cafs and the digital kit.

A booking blocks its set from `blocked_from` (start minus the transport days before) to
`blocked_until` (end plus the transport days after), both days included: two bookings of a set
never share a blocked day. On PostgreSQL an exclusion constraint (btree_gist, daterange) holds
the rule under concurrency; everywhere the service also locks the set's row before checking.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, StoredFile


class Policy(models.Model):
    """The booking rules, one row, changed by the CafLab in the admin."""

    min_days = models.PositiveSmallIntegerField(
        _("durée minimale (jours)"), default=5, validators=[MinValueValidator(1)]
    )
    max_days = models.PositiveSmallIntegerField(
        _("durée maximale (jours)"), default=28, validators=[MinValueValidator(1)]
    )
    notice_days = models.PositiveSmallIntegerField(
        _("délai de prévenance (jours)"),
        default=14,
        help_text=_("Une réservation commence au plus tôt ce nombre de jours après la demande."),
    )
    transport_days_before = models.PositiveSmallIntegerField(
        _("jours de transport avant"), default=2
    )
    transport_days_after = models.PositiveSmallIntegerField(
        _("jours de transport après"), default=2
    )
    auto_confirm = models.BooleanField(
        _("confirmation automatique"),
        default=False,
        help_text=_("Sinon, l'équipe CafLab confirme chaque demande."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("durée de réservation d'une place proposée (heures)"), default=48
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("rappel avant le début et avant l'envoi (jours)"), default=7
    )

    class Meta:
        verbose_name = _("règles de réservation")
        verbose_name_plural = _("règles de réservation")

    def __str__(self) -> str:
        return str(_("Règles de réservation"))

    @classmethod
    def current(cls) -> Policy:
        """The rules in force: the row staff edit, or the defaults before anyone did (a read
        never writes; the first save in the admin creates the row)."""
        return cls.objects.order_by("pk").first() or cls()


class Season(models.Model):
    """A season of circulation (e.g. 2025) and the number of bookings each Caf may make in it."""

    name = models.CharField(_("nom"), max_length=60, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    quota_per_caf = models.PositiveSmallIntegerField(
        _("réservations par Caf"), default=2, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("saison")
        verbose_name_plural = _("saisons")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="season_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExpoSet(models.Model):
    """One physical set of the exhibition: 9 triptych panels, 4 workshops and games."""

    class Condition(models.TextChoices):
        GOOD = "bon", _("Bon état")
        DAMAGED = "endommage", _("Endommagé")
        INCOMPLETE = "incomplet", _("Incomplet")
        RETIRED = "retire", _("Retiré de la circulation")

    code = models.CharField(_("code"), max_length=12, unique=True)
    panels = models.PositiveSmallIntegerField(_("panneaux triptyques"), default=9)
    games = models.PositiveSmallIntegerField(_("ateliers et jeux"), default=4)
    contents = models.TextField(_("contenu détaillé"), blank=True)
    kit_version = models.CharField(_("version des contenus"), max_length=20, default="1.0")
    home_caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf de rattachement"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Où le jeu est stocké entre deux réservations."),
    )
    location = models.ForeignKey(
        Caf,
        verbose_name=_("se trouve à"),
        on_delete=models.PROTECT,
        related_name="expo_sets_here",
    )
    condition = models.CharField(
        _("état"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    # Bumped by the booking service to lock the row before checking availability.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("jeu d'exposition")
        verbose_name_plural = _("jeux d'exposition")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("expo_booking:set-detail", kwargs={"code": self.code})

    @property
    def is_bookable(self) -> bool:
        return self.condition == self.Condition.GOOD


class ConditionEntry(models.Model):
    """The condition log of a set: checks at departure and arrival, damage, repair."""

    class Kind(models.TextChoices):
        DEPARTURE = "depart", _("Contrôle au départ")
        ARRIVAL = "arrivee", _("Contrôle à l'arrivée")
        DAMAGE = "signalement", _("Signalement d'un dommage ou d'un manque")
        REPAIR = "reparation", _("Remise en état")
        NOTE = "note", _("Note")

    expo_set = models.ForeignKey(
        ExpoSet, verbose_name=_("jeu"), on_delete=models.CASCADE, related_name="log"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    condition = models.CharField(
        _("état constaté"), max_length=10, choices=ExpoSet.Condition.choices
    )
    missing_items = models.CharField(_("éléments manquants"), max_length=300, blank=True)
    notes = models.TextField(_("observations"), blank=True)
    booking = models.ForeignKey(
        "Booking",
        verbose_name=_("réservation"),
        on_delete=models.SET_NULL,
        related_name="checks",
        null=True,
        blank=True,
    )
    caf = models.ForeignKey(
        Caf,
        verbose_name=_("Caf"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("entrée du carnet d'état")
        verbose_name_plural = _("carnet d'état")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.expo_set} — {self.get_kind_display()}"


class ConditionPhoto(StoredFile):
    file = models.FileField(_("fichier"), upload_to="expo/photos/%Y/%m/", max_length=255)
    entry = models.ForeignKey(
        ConditionEntry, verbose_name=_("constat"), on_delete=models.CASCADE, related_name="photos"
    )

    class Meta:
        verbose_name = _("photo d'un constat")
        verbose_name_plural = _("photos des constats")


class Blackout(models.Model):
    """A period when a set is not bookable (maintenance, update of the panels…)."""

    expo_set = models.ForeignKey(
        ExpoSet, verbose_name=_("jeu"), on_delete=models.CASCADE, related_name="blackouts"
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=200)

    class Meta:
        verbose_name = _("indisponibilité")
        verbose_name_plural = _("indisponibilités")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="blackout_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expo_set} : {self.reason}"


class Booking(models.Model):
    class Use(models.TextChoices):
        FREE = "circulation_libre", _("Circulation libre")
        SESSIONS = "animations", _("Séances animées")
        EVENT = "evenement", _("Événement")

    class Status(models.TextChoices):
        OFFERED = "proposee", _("Proposée (liste d'attente)")
        REQUESTED = "demandee", _("Demandée")
        CONFIRMED = "confirmee", _("Confirmée")
        IN_TRANSIT = "en_transit", _("En transit")
        ON_SITE = "sur_place", _("Sur place")
        RETURNED = "retournee", _("Retournée")
        CANCELLED = "annulee", _("Annulée")

    # The statuses that hold the set (all but cancelled).
    HOLDING = (
        Status.OFFERED,
        Status.REQUESTED,
        Status.CONFIRMED,
        Status.IN_TRANSIT,
        Status.ON_SITE,
        Status.RETURNED,
    )

    expo_set = models.ForeignKey(
        ExpoSet, verbose_name=_("jeu"), on_delete=models.PROTECT, related_name="bookings"
    )
    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf d'accueil"), on_delete=models.PROTECT, related_name="expo_bookings"
    )
    season = models.ForeignKey(
        Season, verbose_name=_("saison"), on_delete=models.PROTECT, related_name="bookings"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="expo_bookings",
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    days_before = models.PositiveSmallIntegerField(_("jours de transport avant"))
    days_after = models.PositiveSmallIntegerField(_("jours de transport après"))
    blocked_from = models.DateField(_("jeu bloqué du"), editable=False)
    blocked_until = models.DateField(_("jeu bloqué jusqu'au"), editable=False)
    use = models.CharField(_("usage"), max_length=20, choices=Use.choices)
    expected_visitors = models.PositiveIntegerField(_("visiteurs attendus"))
    venue = models.CharField(_("lieu d'exposition"), max_length=200)
    contact_name = models.CharField(_("contact sur place"), max_length=120)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=20)
    contact_email = models.EmailField(_("courriel du contact"))
    delivery_address = models.TextField(_("adresse de livraison"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    offer_expires_at = models.DateTimeField(
        _("proposition valable jusqu'au"), null=True, blank=True
    )
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    returned_home = models.BooleanField(
        _("renvoyé au stock"),
        default=False,
        help_text=_("Après cette réservation, le jeu est rentré à sa Caf de rattachement."),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    start_reminded_on = models.DateField(_("rappel du début envoyé le"), null=True, blank=True)
    overdue_reminded_on = models.DateField(_("relance de retour envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["starts_on", "expo_set__code"]
        indexes = [
            models.Index(fields=["expo_set", "blocked_from", "blocked_until"]),
            # The calendar's window: the bookings whose blocked days meet a period.
            models.Index(fields=["blocked_until", "blocked_from"], name="booking_blocked_window"),
            models.Index(fields=["caf", "season"]),
            models.Index(fields=["status", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_on")) & Q(blocked_until__gte=F("ends_on")),
                name="booking_blocks_its_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status="proposee") | Q(offer_expires_at__isnull=False),
                name="booking_offer_expires",
            ),
        ]
        # On PostgreSQL, migration 0002 adds the exclusion constraint
        # « booking_no_overlap »: no two holding bookings of a set share a blocked day.

    def __str__(self) -> str:
        return f"{self.expo_set} — {self.caf.name} ({self.starts_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.blocked_from = self.starts_on - timedelta(days=self.days_before)
        self.blocked_until = self.ends_on + timedelta(days=self.days_after)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "blocked_from", "blocked_until"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("expo_booking:booking-detail", kwargs={"pk": self.pk})

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def is_active(self) -> bool:
        return self.status in self.HOLDING


class HandOver(models.Model):
    """The journey of a set to a booking: from the previous host Caf (or from storage)."""

    class Arrival(models.TextChoices):
        GOOD = "bon", _("Arrivé complet et en bon état")
        DAMAGED = "endommage", _("Arrivé endommagé")
        INCOMPLETE = "incomplet", _("Arrivé incomplet")

    booking = models.OneToOneField(
        Booking,
        verbose_name=_("réservation desservie"),
        on_delete=models.CASCADE,
        related_name="handover",
    )
    from_booking = models.OneToOneField(
        Booking,
        verbose_name=_("réservation précédente"),
        on_delete=models.SET_NULL,
        related_name="next_handover",
        null=True,
        blank=True,
    )
    from_caf = models.ForeignKey(
        Caf, verbose_name=_("part de"), on_delete=models.PROTECT, related_name="+"
    )
    ship_on = models.DateField(_("envoi prévu le"))
    carrier = models.CharField(_("transporteur"), max_length=120, blank=True)
    tracking = models.CharField(_("numéro de suivi"), max_length=80, blank=True)
    shipped_at = models.DateTimeField(_("expédié le"), null=True, blank=True)
    received_at = models.DateTimeField(_("reçu le"), null=True, blank=True)
    arrival = models.CharField(
        _("état à l'arrivée"), max_length=10, choices=Arrival.choices, blank=True
    )
    notes = models.TextField(_("observations"), blank=True)
    ship_reminded_on = models.DateField(_("rappel d'envoi envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("passage de relais")
        verbose_name_plural = _("passages de relais")
        ordering = ["ship_on"]

    def __str__(self) -> str:
        return f"{self.booking.expo_set} : {self.from_caf.name} → {self.booking.caf.name}"


class WaitlistEntry(models.Model):
    """A Caf waiting for a set over a period; offered the first slot that frees up."""

    class Status(models.TextChoices):
        WAITING = "en_attente", _("En attente")
        OFFERED = "proposee", _("Place proposée")
        ACCEPTED = "acceptee", _("Acceptée")
        EXPIRED = "expiree", _("Proposition expirée")
        WITHDRAWN = "retiree", _("Retirée")

    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf"), on_delete=models.PROTECT, related_name="expo_waitlist"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="expo_waitlist",
    )
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    use = models.CharField(_("usage"), max_length=20, choices=Booking.Use.choices)
    expected_visitors = models.PositiveIntegerField(_("visiteurs attendus"))
    venue = models.CharField(_("lieu d'exposition"), max_length=200)
    contact_name = models.CharField(_("contact sur place"), max_length=120)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=20)
    contact_email = models.EmailField(_("courriel du contact"))
    delivery_address = models.TextField(_("adresse de livraison"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    offered_booking = models.OneToOneField(
        Booking,
        verbose_name=_("réservation proposée"),
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("inscrite le"), default=timezone.now)

    class Meta:
        verbose_name = _("demande en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="waitlist_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caf.name} : {self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class Feedback(models.Model):
    """What the host Caf says after the exhibition; feeds the statistics and the report."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("réservation"), on_delete=models.CASCADE, related_name="feedback"
    )
    visitors = models.PositiveIntegerField(_("visiteurs"))
    agents_reached = models.PositiveIntegerField(_("agents sensibilisés"))
    sessions_run = models.PositiveSmallIntegerField(_("séances animées"))
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1 à 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("commentaires"), blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("retour d'exposition")
        verbose_name_plural = _("retours d'exposition")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="feedback_satisfaction_1_5",
            ),
        ]

    def __str__(self) -> str:
        return str(self.booking)


class KitResource(models.Model):
    """A resource of the malette numérique (the slides, an expert's video, a game, a guide)."""

    class Kind(models.TextChoices):
        SLIDES = "support", _("Support de l'exposition")
        VIDEO = "video", _("Vidéo d'expert")
        GAME = "jeu", _("Jeu pédagogique")
        GUIDE = "guide", _("Guide d'animation")

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_published = models.BooleanField(_("publiée"), default=True)

    class Meta:
        verbose_name = _("ressource de la malette")
        verbose_name_plural = _("malette numérique")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class KitVersion(StoredFile):
    file = models.FileField(_("fichier"), upload_to="expo/malette/%Y/", max_length=255)
    resource = models.ForeignKey(
        KitResource, verbose_name=_("ressource"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField(_("version"), max_length=20)
    notes = models.CharField(_("nouveautés"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("version d'une ressource")
        verbose_name_plural = _("versions des ressources")
        ordering = ["resource", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "version"], name="kit_version_once"),
        ]


class KitDownload(models.Model):
    """One download of the malette, counted per Caf (no person recorded)."""

    version = models.ForeignKey(
        KitVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="downloads"
    )
    caf = models.ForeignKey(
        Caf, verbose_name=_("Caf"), on_delete=models.SET_NULL, related_name="+", null=True
    )
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("téléchargement")
        verbose_name_plural = _("téléchargements")

    def __str__(self) -> str:
        return f"{self.version} ({self.at:%d/%m/%Y})"
