"""The audit trail: who created, changed or deleted a sensitive object, when, and which fields.

Services record their domain events themselves (caflab.activity); this trail catches every
write whatever its path — the admin, a service, a task, a shell — through model signals on the
models registered below. Its events are ActivityEvent rows of scope « audit », so the apps'
feeds (filtered by scope) never show them.

The personal fields of the RGPD register (caflab.rgpd) and long free texts are recorded as
« modifié », without their values: the trail itself holds no personal data, and the objects
that carry a person's name are named by their type and number only.

The author is the request's user (AuditMiddleware) or, in Celery tasks and commands, nobody
(« système »). `acting_as(user)` sets it for code that runs outside a request; `suspended()`
turns the trail off (bulk loading). Queryset `update()` and `bulk_create()` send no signal and
are not audited.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from caflab import activity, rgpd

SCOPE = "audit"
CREATED, UPDATED, DELETED = "audit.created", "audit.updated", "audit.deleted"
ANONYMISED = "audit.anonymised"
EXPORTED = "audit.exported"
VERBS = {
    CREATED: _("Création"),
    UPDATED: _("Modification"),
    DELETED: _("Suppression"),
    ANONYMISED: _("Anonymisation"),
    EXPORTED: _("Export des données personnelles"),
}
MASKED = "modifié"  # what the trail keeps of a personal or long field that changed
FILLED = "renseigné"  # … and of one set at creation

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("caflab_audit_actor", default=None)
_request: contextvars.ContextVar[Any] = contextvars.ContextVar("caflab_audit_request", default=None)
_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "caflab_audit_suspended", default=False
)


@dataclass(frozen=True)
class Audited:
    label: str
    fields: tuple[str, ...]
    # Recorded without values, on top of the register's personal fields (long texts).
    masked: tuple[str, ...] = ()
    # The object is named « <type> n°<pk> » rather than by str() (which names a person).
    anonymous_repr: bool = False


REGISTRY: tuple[Audited, ...] = (
    # « La Caf à votre écoute »: the structure of the questionnaires.
    Audited(
        "consultations.Consultation",
        (
            "title",
            "slug",
            "summary",
            "description",
            "commissioned_by",
            "caf",
            "theme",
            "audience",
            "opens_at",
            "closes_at",
            "status",
            "is_anonymous",
            "requires_access_code",
            "min_cell_size",
        ),
        masked=("description",),
    ),
    Audited(
        "consultations.Section",
        ("consultation", "title", "description", "position"),
        masked=("description",),
    ),
    Audited(
        "consultations.Question",
        (
            "consultation",
            "section",
            "position",
            "kind",
            "label",
            "help_text",
            "required",
            "min_choices",
            "max_choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
            "condition_question",
            "publish_results",
            "is_confidential",
        ),
    ),
    Audited("consultations.Choice", ("question", "label", "position", "is_other")),
    # Eurekaf: the follow-up of ideas.
    Audited(
        "eurekaf.Idea",
        (
            "box",
            "campaign",
            "title",
            "description",
            "status",
            "merged_into",
            "assignee",
            "assigned_service",
            "answer_due_on",
            "is_hidden",
            "hidden_reason",
        ),
        masked=("description",),
    ),
    # COOPération: the plans' actions.
    Audited(
        "cooperation.Action",
        (
            "plan",
            "objective",
            "title",
            "description",
            "pilot_organisation",
            "owner",
            "starts_on",
            "due_on",
            "status",
            "progress",
            "progress_mode",
            "weight",
            "budget",
            "priority",
            "completed_on",
        ),
        masked=("description",),
    ),
    Audited("cooperation.Step", ("action", "title", "due_on", "done_on", "position")),
    # Caf'IA bookings.
    Audited(
        "expo_booking.Booking",
        (
            "expo_set",
            "caf",
            "season",
            "starts_on",
            "ends_on",
            "days_before",
            "days_after",
            "use",
            "expected_visitors",
            "venue",
            "contact_name",
            "contact_phone",
            "contact_email",
            "delivery_address",
            "status",
            "cancel_reason",
            "confirmed_by",
            "returned_home",
        ),
    ),
    # People.
    Audited(
        "caflab.User",
        (
            "email",
            "first_name",
            "last_name",
            "password",
            "role",
            "caf",
            "organisation",
            "job_title",
            "is_innovator",
            "innovator_since",
            "is_active",
            "is_staff",
            "is_superuser",
        ),
        masked=("password",),
        anonymous_repr=True,
    ),
    Audited(
        "livinglabs.Member",
        (
            "lab",
            "pseudonym",
            "first_name",
            "last_name",
            "email",
            "phone",
            "profile",
            "consent_version",
            "joined_on",
            "left_on",
            "flagged_inactive_on",
            "anonymised_at",
        ),
        masked=("pseudonym",),
        anonymous_repr=True,
    ),
    Audited(
        "projects.Trainee",
        ("first_name", "last_name", "email", "caf", "organisation", "job_title", "user"),
        anonymous_repr=True,
    ),
    Audited("projects.ProjectMember", ("project", "user", "role"), anonymous_repr=True),
)


@dataclass(frozen=True)
class _Spec:
    """A registered model, resolved: attnames to read and those to mask."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    masked: frozenset[str]
    anonymous_repr: bool

    @property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]


_specs: dict[type[models.Model], _Spec] = {}


def spec_for(model: type[models.Model]) -> _Spec | None:
    return _specs.get(model)


def is_audited(model_or_obj) -> bool:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return model in _specs


# The actor ---------------------------------------------------------------------------------------
def current_actor():
    """Who is writing: the one named by acting_as(), else the request's user, else nobody."""
    actor = _actor.get()
    if actor is None:
        request = _request.get()
        # Read at write time: the API authenticates its token after the middleware ran.
        actor = getattr(request, "user", None) if request is not None else None
    if actor is None:
        return None
    return actor if getattr(actor, "is_authenticated", False) else None


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


class AuditMiddleware:
    """Names the request's user as the author of what the request changes. The user is read
    only when something audited is written: other requests do not load it for the trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


# Values ------------------------------------------------------------------------------------------
def _plain(value):
    return activity._plain(value)


def object_repr(obj: models.Model) -> str:
    spec = _specs.get(type(obj))
    if spec and spec.anonymous_repr:
        return f"{capfirst(obj._meta.verbose_name)} n°{obj.pk}"
    return str(obj)[:200]


def _record(verb: str, obj: models.Model, changes: dict) -> None:
    from caflab.models import ActivityEvent

    ActivityEvent.objects.create(
        actor=current_actor(),
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=object_repr(obj)[:200],
        scope=SCOPE,
        changes=changes,
    )


def record(*, verb: str, obj: models.Model, changes: dict | None = None, actor=None) -> None:
    """An audit event written by a service (an anonymisation) rather than by a signal."""
    if actor is not None:
        with acting_as(actor):
            _record(verb, obj, changes or {})
    else:
        _record(verb, obj, changes or {})


def record_update(obj: models.Model, *, by=None, **values) -> None:
    """Audit a write made with queryset `update()`, which sends no signal: `values` are the new
    values of the fields, `obj` still holds the old ones; `by` the author when known."""
    spec = _specs.get(type(obj))
    if spec is None or _suspended.get():
        return
    changes = _diff(
        spec,
        (
            (f, getattr(obj, f.attname), getattr(values[f.name], "pk", values[f.name]))
            for f in spec.fields
            if f.name in values
        ),
    )
    if changes:
        record(verb=UPDATED, obj=obj, changes=changes, actor=by)


# Signals -----------------------------------------------------------------------------------------
def _pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or _suspended.get() or instance._state.adding or instance.pk is None:
        return
    spec = _specs[sender]
    fields = spec.fields
    if update_fields is not None:
        wanted = set(update_fields)
        fields = tuple(f for f in fields if f.name in wanted or f.attname in wanted)
        if not fields:
            instance._audit_before = None
            return
    before = (
        sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    )
    instance._audit_before = (fields, before)


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or _suspended.get():
        return
    spec = _specs[sender]
    if created:
        changes = {}
        for f in spec.fields:
            value = getattr(instance, f.attname)
            if value in (None, "", False):
                continue
            changes[f.name] = FILLED if f.name in spec.masked else _plain(value)
        _record(CREATED, instance, changes)
        return
    state = instance.__dict__.pop("_audit_before", None)
    if state is None:
        return
    fields, before = state
    if before is None:  # the row was not there: a save() that inserted with a given key
        _record(CREATED, instance, {})
        return
    changes = _diff(
        spec, ((f, before.get(f.attname), getattr(instance, f.attname)) for f in fields)
    )
    if changes:
        _record(UPDATED, instance, changes)


def _diff(spec, triples) -> dict:
    """{field: [old, new]} for the (field, old, new) that differ; « modifié » for a masked one."""
    changes = {}
    for f, old, new in triples:
        if old == new or _plain(old) == _plain(new):
            continue
        changes[f.name] = MASKED if f.name in spec.masked else [_plain(old), _plain(new)]
    return changes


def _post_delete(sender, instance, **kwargs):
    if _suspended.get():
        return
    _record(DELETED, instance, {})


def connect() -> None:
    """Called once by CafConfig.ready(): resolve the registry, connect the signals."""
    for audited in REGISTRY:
        app_label = audited.label.split(".")[0]
        if not apps.is_installed(app_label):
            continue
        model = apps.get_model(audited.label)
        fields = tuple(model._meta.get_field(name) for name in audited.fields)
        masked = frozenset(audited.masked) | rgpd.personal_fields(model)
        _specs[model] = _Spec(model, fields, masked, audited.anonymous_repr)
        uid = f"caflab_audit_{audited.label}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}_pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=f"{uid}_post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=f"{uid}_delete")


# Reading -----------------------------------------------------------------------------------------
def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:  # a field removed since the event was written
        return None


def _shown(field_, value) -> str:
    if value in (None, ""):
        return "—"
    if field_ is not None and field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if field_ is not None and field_.is_relation:
        return f"n°{value}"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    return str(value)


def readable_changes(event) -> str:
    """« Statut : Déposée → En étude ; Adresse électronique : modifié »"""
    model = event.content_type.model_class() if event.content_type_id else None
    parts = []
    for name, change in (event.changes or {}).items():
        field_ = _field(model, name)
        label = capfirst(str(field_.verbose_name)) if field_ is not None else name
        if isinstance(change, list | tuple) and len(change) == 2:
            parts.append(f"{label} : {_shown(field_, change[0])} → {_shown(field_, change[1])}")
        elif isinstance(change, dict):
            parts.append(f"{label} : {', '.join(f'{k} ({v})' for k, v in change.items()) or '—'}")
        else:
            parts.append(f"{label} : {change}")
    return " ; ".join(parts)
