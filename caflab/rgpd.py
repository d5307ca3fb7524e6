"""The register of personal data (RGPD art. 30): which fields of which models hold personal
data, why, on what legal basis and for how long.

The register drives everything else: the export of a person's data (`user_data`), the erasure
on request (`caflab.services.anonymise_user`), the retention job (`caflab.tasks.apply_retention`),
the privacy page and the staff's page in the admin. A new personal field without an entry here
fails `tests/caflab/test_rgpd.py`.

Each entry names how a row is tied to a person:
- `subject`: the lookups that designate the row's data subject — a user (`"author"`) or, for
  people without an account, their address (`"email"`, `"contact_email"`, matched without case);
- `related`: other links to a user, shown in that user's export only (who asked for a booking);
and what erasing it means (`erase`): `"blank"` the personal fields, `"keep"` the row (its link
is to the anonymised account, so nothing personal remains), `"delete"` it, or a service of the
owning app (`"livinglabs.services.member_anonymise"`), called with the `by` of the erasure.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Legal bases (RGPD art. 6).
PUBLIC_TASK = _("Mission d'intérêt public (art. 6-1-e)")
CONSENT = _("Consentement (art. 6-1-a)")
LEGITIMATE_INTEREST = _("Intérêt légitime (art. 6-1-f)")
CONTRACT = _("Exécution d'une convention (art. 6-1-b)")

YEAR = 365


@dataclass(frozen=True)
class Retention:
    """How long the data stay; `days` is what the retention job applies (None: no automatic
    erasure, the text says what ends the data's life)."""

    text: Promise | str
    days: int | None = None


@dataclass(frozen=True)
class Entry:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    purpose: Promise | str
    legal_basis: Promise | str
    retention: Retention
    subject: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    erase: str = "blank"
    # Non-personal fields that still belong in the person's export (what they wrote).
    content: tuple[str, ...] = ()
    # What the retention job selects: (today) -> Q on the model, or None.
    expired: Callable[[date], Q] | None = field(default=None, compare=False)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def verbose_name(self) -> str:
        return str(self.model_class._meta.verbose_name_plural)

    def field_labels(self) -> list[str]:
        meta = self.model_class._meta
        return [str(meta.get_field(name).verbose_name) for name in self.fields]


def _before(today: date, days: int) -> date:
    return today - timedelta(days=days)


# Rules of the retention job ----------------------------------------------------------------------
ACCOUNT_DAYS = 3 * YEAR
MEMBER_FLAGGED_DAYS = 6 * 30
PARTICIPATION_DAYS = YEAR
TRAINEE_DAYS = 5 * YEAR
BOOKING_DAYS = YEAR
LOGIN_ATTEMPT_DAYS = 30
ANONYMOUS_DOMAIN = "anonyme.invalid"


def _inactive_accounts(today: date) -> Q:
    limit = _before(today, ACCOUNT_DAYS)
    return (
        Q(last_login__date__lt=limit) | Q(last_login__isnull=True, date_joined__date__lt=limit)
    ) & ~Q(email__endswith=f"@{ANONYMOUS_DOMAIN}")


def _flagged_members(today: date) -> Q:
    return Q(
        flagged_inactive_on__lt=_before(today, MEMBER_FLAGGED_DAYS), anonymised_at__isnull=True
    )


def _old_participations(today: date) -> Q:
    # The restitution's publication, else the results', else the closing: + 1 year.
    return Q(_ended__date__lt=_before(today, PARTICIPATION_DAYS)) & (
        ~Q(ip_hash="") | ~Q(respondent_key="")
    )


def _participation_queryset(queryset):
    return queryset.annotate(
        _ended=Coalesce(
            "consultation__restitution__published_at",
            "consultation__results_published_at",
            "consultation__closes_at",
        )
    )


def _old_trainees(today: date) -> Q:
    limit = _before(today, TRAINEE_DAYS)
    # Without any enrolment, a trainee is waiting for a first session: kept.
    return Q(anonymised_at__isnull=True, enrolments__isnull=False) & ~Q(
        enrolments__session__ends_on__gte=limit
    )


def _old_bookings(today: date) -> Q:
    return Q(ends_on__lt=_before(today, BOOKING_DAYS)) & (
        ~Q(contact_email="") | ~Q(contact_phone="") | ~Q(contact_name="")
    )


def _old_login_attempts(today: date) -> Q:
    return Q(attempt_time__date__lt=_before(today, LOGIN_ATTEMPT_DAYS))


# Some rules need the queryset shaped first (annotations).
PREPARE: dict[str, Callable] = {"consultations.Participation": _participation_queryset}


REGISTER: tuple[Entry, ...] = (
    Entry(
        model="caflab.User",
        fields=("email", "first_name", "last_name", "job_title", "last_login"),
        purpose=_(
            "Comptes des agents, référents, partenaires et de l'équipe CafLab : connexion, "
            "droits, notifications, communauté des innovateurs."
        ),
        legal_basis=PUBLIC_TASK,
        retention=Retention(
            _("3 ans après la dernière connexion, puis le compte est anonymisé."), ACCOUNT_DAYS
        ),
        subject=("pk",),
        erase="user",
        content=("role", "caf", "organisation", "is_innovator", "innovator_since", "date_joined"),
        expired=_inactive_accounts,
    ),
    Entry(
        model="account.EmailAddress",
        fields=("email",),
        purpose=_("Vérification de l'adresse électronique de connexion."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps du compte.")),
        subject=("user",),
        erase="delete",
        content=("verified", "primary"),
    ),
    Entry(
        model="axes.AccessAttempt",
        fields=("username", "ip_address", "user_agent"),
        purpose=_("Protection des comptes contre les tentatives de connexion répétées."),
        legal_basis=LEGITIMATE_INTEREST,
        retention=Retention(_("30 jours."), LOGIN_ATTEMPT_DAYS),
        subject=("username",),
        erase="delete",
        expired=_old_login_attempts,
    ),
    Entry(
        model="consultations.Participation",
        fields=("user", "ip_hash", "respondent_key"),
        purpose=_(
            "Une seule réponse par personne et détection des envois en rafale ; les adresses "
            "IP et les navigateurs ne sont conservés que sous forme d'empreinte salée."
        ),
        legal_basis=PUBLIC_TASK,
        retention=Retention(
            _(
                "Empreintes et lien au compte effacés 1 an après la restitution des résultats "
                "de la consultation."
            ),
            PARTICIPATION_DAYS,
        ),
        subject=("user",),
        erase="blank",
        content=("consultation", "created_on"),
        expired=_old_participations,
    ),
    Entry(
        model="consultations.Answer",
        fields=("text",),
        purpose=_(
            "Réponses libres aux consultations : elles peuvent contenir des informations "
            "personnelles que la personne a choisi d'écrire ; elles ne sont reliées à "
            "personne lorsque la consultation est anonyme."
        ),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps de l'exploitation des résultats de la consultation.")),
        subject=("response__participation__user",),
        erase="keep",
    ),
    Entry(
        model="consultations.ResponseDraft",
        fields=("data",),
        purpose=_("Reprise d'une réponse en cours de saisie."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("30 jours sans modification.")),
        erase="keep",
    ),
    Entry(
        model="eurekaf.Idea",
        fields=("author",),
        purpose=_("Boîte à idées Eurekaf : l'auteur d'une idée est informé de ses suites."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(
            _("Le temps du compte de l'auteur ; l'idée reste ensuite, sans auteur nommé.")
        ),
        subject=("author",),
        related=("assignee",),
        erase="keep",
        content=("title", "description", "status", "created_at"),
    ),
    Entry(
        model="eurekaf.Comment",
        fields=("author",),
        purpose=_("Commentaires des idées."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps du compte de l'auteur ; le commentaire reste ensuite.")),
        subject=("author",),
        erase="keep",
        content=("idea", "text", "created_at"),
    ),
    Entry(
        model="eurekaf.Support",
        fields=("agent",),
        purpose=_("Soutiens aux idées (un par agent)."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps du compte.")),
        subject=("agent",),
        erase="keep",
        content=("idea", "created_at"),
    ),
    Entry(
        model="eurekaf.Follow",
        fields=("user",),
        purpose=_("Abonnements aux idées (notifications)."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps du compte.")),
        subject=("user",),
        erase="keep",
        content=("idea", "created_at"),
    ),
    Entry(
        model="eurekaf.InternalNote",
        fields=("author",),
        purpose=_("Notes internes des gestionnaires de la boîte à idées."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps du compte.")),
        subject=("author",),
        erase="keep",
        content=("idea", "text", "created_at"),
    ),
    Entry(
        model="cooperation.PlanMember",
        fields=("user",),
        purpose=_("Membres d'un plan CTG ou SDSF dans COOPération."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("La durée du plan.")),
        subject=("user",),
        erase="keep",
        content=("plan", "role", "added_at"),
    ),
    Entry(
        model="cooperation.Message",
        fields=("author",),
        purpose=_("Messages de l'espace partagé d'un plan."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("La durée du plan.")),
        subject=("author",),
        erase="keep",
        content=("plan", "text", "created_at"),
    ),
    Entry(
        model="livinglabs.Member",
        fields=("first_name", "last_name", "email", "phone"),
        purpose=_(
            "Membres des living labs : invitations aux ateliers ; seuls les animateurs du lab "
            "les voient."
        ),
        legal_basis=CONSENT,
        retention=Retention(
            _(
                "Signalés inactifs après 24 mois sans participation, puis anonymisés 6 mois "
                "plus tard ; à tout moment sur demande."
            ),
            MEMBER_FLAGGED_DAYS,
        ),
        subject=("email",),
        erase="livinglabs.services.member_anonymise:member",
        content=("pseudonym", "lab", "profile", "consent_at", "consent_version", "joined_on"),
        expired=_flagged_members,
    ),
    Entry(
        model="projects.Trainee",
        fields=("first_name", "last_name", "email", "job_title", "user"),
        purpose=_("Personnes formées : attestations et bilan des formations."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("5 ans après la dernière session suivie."), TRAINEE_DAYS),
        subject=("user", "email"),
        erase="projects.services.trainee_anonymise:trainee",
        content=("caf", "organisation"),
        expired=_old_trainees,
    ),
    Entry(
        model="projects.TrainingSession",
        fields=("trainers",),
        purpose=_("Formateurs d'une session de formation."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("Le temps de l'archivage du catalogue des formations.")),
        erase="keep",
    ),
    Entry(
        model="projects.ProjectMember",
        fields=("user",),
        purpose=_("Équipes des projets accompagnés : porteurs et contacts."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("La durée de l'accompagnement du projet.")),
        subject=("user",),
        erase="keep",
        content=("project", "role"),
    ),
    Entry(
        model="projects.Application",
        fields=("contact",),
        purpose=_("Contact d'une équipe candidate à un appel à projets."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("La durée de l'appel et de l'accompagnement des lauréats.")),
        subject=("contact",),
        erase="keep",
        content=("call", "title", "team_name", "status"),
    ),
    Entry(
        model="projects.Helper",
        fields=("contact",),
        purpose=_("Contact d'une organisation ressource pour les projets."),
        legal_basis=LEGITIMATE_INTEREST,
        retention=Retention(_("Tant que l'organisation est référencée.")),
        erase="keep",
    ),
    Entry(
        model="expo_booking.Booking",
        fields=("contact_name", "contact_phone", "contact_email", "delivery_address"),
        purpose=_("Réservations Caf'IA : livraison et accueil de l'exposition."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("1 an après la fin de la réservation."), BOOKING_DAYS),
        subject=("contact_email",),
        related=("requested_by",),
        erase="blank",
        content=("expo_set", "caf", "starts_on", "ends_on", "venue", "status"),
        expired=_old_bookings,
    ),
    Entry(
        model="expo_booking.WaitlistEntry",
        fields=("contact_name", "contact_phone", "contact_email", "delivery_address"),
        purpose=_("Liste d'attente Caf'IA : livraison et accueil de l'exposition."),
        legal_basis=PUBLIC_TASK,
        retention=Retention(_("1 an après la fin de la période demandée."), BOOKING_DAYS),
        subject=("contact_email",),
        related=("requested_by",),
        erase="blank",
        content=("caf", "starts_on", "ends_on", "venue", "status"),
        expired=_old_bookings,
    ),
    Entry(
        model="reporting.TeamMember",
        fields=("name", "photo"),
        purpose=_("Présentation de l'équipe CafLab dans le rapport d'activité annuel."),
        legal_basis=LEGITIMATE_INTEREST,
        retention=Retention(_("Le temps de l'archivage du rapport d'activité publié.")),
        erase="keep",
        content=("year", "role", "pole"),
    ),
)

BY_MODEL: dict[str, Entry] = {entry.model: entry for entry in REGISTER}


def entries() -> list[Entry]:
    """The entries whose app is installed."""
    return [entry for entry in REGISTER if apps.is_installed(_app_module(entry))]


def _app_module(entry: Entry) -> str:
    label = entry.model.split(".")[0]
    return {
        "account": "allauth.account",
        "axes": "axes",
    }.get(label, label)


def personal_fields(model: type[models.Model]) -> frozenset[str]:
    entry = BY_MODEL.get(model._meta.label)
    return frozenset(entry.fields) if entry else frozenset()


# Finding a person's rows -------------------------------------------------------------------------
def _lookup_q(lookups, user) -> Q:
    q = Q()
    for lookup in lookups:
        if lookup == "pk":
            q |= Q(pk=user.pk)
        elif lookup.endswith(("email", "username")):
            if user.email:
                q |= Q(**{f"{lookup}__iexact": user.email})
        else:
            q |= Q(**{lookup: user})
    return q


def subject_rows(entry: Entry, user):
    """The rows whose personal data are this person's."""
    q = _lookup_q(entry.subject, user)
    if not q:
        return entry.model_class._default_manager.none()
    return entry.model_class._default_manager.filter(q).distinct()


def related_rows(entry: Entry, user):
    """Every row tied to this person: theirs, or an action of theirs."""
    q = _lookup_q((*entry.subject, *entry.related), user)
    if not q:
        return entry.model_class._default_manager.none()
    return entry.model_class._default_manager.filter(q).distinct()


def expired_rows(entry: Entry, today: date):
    if entry.expired is None:
        return entry.model_class._default_manager.none()
    queryset = entry.model_class._default_manager.all()
    prepare = PREPARE.get(entry.model)
    if prepare:
        queryset = prepare(queryset)
    return queryset.filter(entry.expired(today)).distinct()


# Export ------------------------------------------------------------------------------------------
def _value(obj, name: str):
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        related = getattr(obj, name)
        return None if related is None else str(related)
    if isinstance(field_, models.FileField):
        value = getattr(obj, name)
        return value.name if value else ""
    if field_.choices:
        return getattr(obj, f"get_{name}_display")()
    return getattr(obj, name)


def user_data(user) -> dict:
    """Everything the portal holds about this person, app by app (RGPD art. 15 and 20)."""
    data = {
        "portail": "Portail CafLab",
        "genere_le": timezone.now(),
        "personne": {"id": user.pk},
        "donnees": {},
    }
    for entry in entries():
        if not (entry.subject or entry.related):
            continue
        names = [name for name in (*entry.fields, *entry.content) if name != "pk"]
        rows = [
            {"id": obj.pk, **{name: _value(obj, name) for name in names}}
            for obj in related_rows(entry, user)
        ]
        if rows:
            data["donnees"][entry.model] = {
                "categorie": entry.verbose_name,
                "finalite": str(entry.purpose),
                "base_legale": str(entry.legal_basis),
                "conservation": str(entry.retention.text),
                "lignes": rows,
            }
    return data


def user_data_json(user) -> str:
    return json.dumps(user_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# Erasure -----------------------------------------------------------------------------------------
class SystemActor:
    """The retention job acts as « système »: it may do what a staff member may, and the
    journals record no author (`is_authenticated` is False)."""

    pk = None
    is_authenticated = False
    is_active = True
    is_caflab_staff = True
    is_staff = True
    is_superuser = False

    def has_perm(self, perm, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return "système"


SYSTEM = SystemActor()


def _blank_value(field_):
    if field_.null:
        return None
    return ""


def erase_rows(entry: Entry, queryset, *, by) -> int:
    """Apply the entry's erasure to these rows; returns how many rows were erased."""
    if entry.erase == "keep":
        return 0
    if entry.erase == "delete":
        count = 0
        for obj in queryset:
            obj.delete()
            count += 1
        return count
    if entry.erase == "blank":
        meta = entry.model_class._meta
        count = 0
        for obj in queryset:
            for name in entry.fields:
                field_ = meta.get_field(name)
                setattr(obj, field_.attname, _blank_value(field_))
            # Row by row, so that the audit trail records each erasure.
            obj.save(update_fields=[meta.get_field(name).attname for name in entry.fields])
            count += 1
        return count
    if ":" in entry.erase:  # a service of the owning app
        path, argument = entry.erase.split(":")
        module_name, function_name = path.rsplit(".", 1)
        service = getattr(importlib.import_module(module_name), function_name)
        count = 0
        for obj in queryset:
            service(**{argument: obj, "by": by or SYSTEM})
            count += 1
        return count
    raise ValueError(f"Unknown erasure {entry.erase!r} for {entry.model}")


def retention_summary() -> list[dict]:
    """The register as the privacy page and the admin page show it."""
    return [
        {
            "model": entry.model,
            "category": entry.verbose_name,
            "fields": entry.field_labels(),
            "purpose": entry.purpose,
            "legal_basis": entry.legal_basis,
            "retention": entry.retention.text,
            "automatic": entry.retention.days is not None and entry.expired is not None,
        }
        for entry in entries()
    ]


def counted_accounts(prefix: str = "") -> Q:
    """The accounts the statistics count: active ones, and anonymised ones — a person erased
    on request or by retention still counts in the figures of the years they took part in
    (a deactivated account, by contrast, has left)."""
    return Q(**{f"{prefix}is_active": True}) | Q(
        **{f"{prefix}email__endswith": f"@{ANONYMOUS_DOMAIN}"}
    )
