"""The activity journal: services record what they did, feeds and the audit read it.

activity.record(actor=user, verb="action.updated", obj=action, scope=f"plan:{plan.pk}",
                changes=activity.diff(before, action, ["status", "progress"]))
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from caflab.models import ActivityEvent


def _plain(value):
    """JSON-safe values for the journal."""
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict, after: Model, fields: Iterable[str]) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(after, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
    return changes


def snapshot(obj: Model, fields: Iterable[str]) -> dict:
    return {name: getattr(obj, name) for name in fields}


def record(
    *, actor, verb: str, obj: Model, scope: str, changes: dict | None = None
) -> ActivityEvent:
    return ActivityEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        scope=scope,
        changes=changes or {},
    )


def feed(*, scope: str) -> QuerySet[ActivityEvent]:
    return ActivityEvent.objects.filter(scope=scope).select_related("actor", "content_type")


def history(obj: Model) -> QuerySet[ActivityEvent]:
    """The object's domain events; the audit trail (scope « audit », caflab.audit) is staff's,
    in the admin, not part of the history the pages show."""
    return (
        ActivityEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .exclude(scope="audit")
        .select_related("actor")
    )
