"""Versioned caching: computed data and page fragments that a write makes unreachable at once.

A *scope* names a set of data: an app (« eurekaf »), or one object of it (« cooperation:plan:7 »).
Every scope has a version in the cache. A write bumps the versions of the scopes it changes, and
bumping « app:kind:pk » bumps « app » too. What is cached is keyed by the versions of the scopes
it was computed from, so after a write the next reader computes it again: there is never a stale
read to wait out, and nothing has to be deleted.

    versions = fragments.version_key("eurekaf", f"eurekaf:idea:{idea.pk}")
    data = fragments.cached("idea-stats", versions, vary=(scope,), compute=lambda: ...)

    {% cache 3600 "idea-body" cache_version %}…{% endcache %}   (the version in the context)

Who bumps:
- `connect()` (AppConfig.ready) bumps the app's scope on every save and delete of a model of the
  portal's apps (post_save, post_delete, m2m_changed): admin, services, tasks alike;
- the services that write with queryset update() or bulk_create() (no signals) call `bump`
  themselves, and the apps bump their finer scopes (one plan, one consultation) where they write.

A bump is made twice: at once (the writer's own next read, tests inside a transaction) and again
after the commit, so that a reader who computed from the data before the commit cannot leave its
value under the new version. Versions start at a random number: a version lost by the cache
(eviction, restart) cannot meet values cached under an earlier one. When the cache is down,
versions read as new random numbers and nothing is stored: pages are computed every time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

PREFIX = "v:"
TIMEOUT = 3600  # seconds a computed value is kept at most (a version that stops moving)

# The apps whose writes bump their scope from the model signals.
WATCHED_APPS = frozenset(
    {
        "caflab",
        "consultations",
        "eurekaf",
        "cooperation",
        "livinglabs",
        "projects",
        "expo_booking",
        "reporting",
    }
)


def _with_parents(scopes: Iterable[str]) -> list[str]:
    keys = []
    for scope in scopes:
        for candidate in (scope, scope.split(":", 1)[0]):
            if candidate not in keys:
                keys.append(candidate)
    return keys


def _bump_now(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.incr(PREFIX + key)
        except ValueError:  # a version never read yet, or lost: any new number will do
            cache.set(PREFIX + key, secrets.randbits(48), timeout=None)


def bump(*scopes: str) -> None:
    """Make what was computed from these scopes (and their apps) unreachable."""
    keys = _with_parents(scopes)
    _bump_now(keys)
    transaction.on_commit(lambda: _bump_now(keys))


def versions(*scopes: str) -> tuple[int, ...]:
    """The current version of each scope, created where missing."""
    keys = [PREFIX + scope for scope in scopes]
    found = cache.get_many(keys)
    result = []
    for key in keys:
        if key not in found:
            start = secrets.randbits(48)
            cache.add(key, start, timeout=None)
            found[key] = cache.get(key, start)
        result.append(found[key])
    return tuple(result)


def version_key(*scopes: str) -> str:
    """One string for the versions of these scopes, to put in a cache key or a `{% cache %}` tag."""
    return ".".join(str(version) for version in versions(*scopes))


def cache_key(name: str, version: str, vary: Iterable[Any] = ()) -> str:
    """The key `cached` stores under (for callers reading several values with get_many)."""
    digest = hashlib.blake2b(repr(tuple(vary)).encode(), digest_size=12).hexdigest()
    return f"c:{name}:{version}:{digest}"


def cached(
    name: str,
    version: str,
    compute: Callable[[], Any],
    *,
    vary: Iterable[Any] = (),
    timeout: int = TIMEOUT,
) -> Any:
    """`compute()`'s value, computed once per version (from `version_key`) and `vary` values."""
    key = cache_key(name, version, vary)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value


# Saves that change nothing a page shows, and happen all day (every login): no bump.
BOOKKEEPING_FIELDS = {"caflab.User": frozenset({"last_login"})}


def _model_written(sender, update_fields=None, **kwargs) -> None:
    if sender._meta.app_label not in WATCHED_APPS:
        return
    ignored = BOOKKEEPING_FIELDS.get(sender._meta.label)
    if update_fields and ignored and set(update_fields) <= ignored:
        return
    bump(sender._meta.app_label)


def connect() -> None:
    """Bump an app's scope on every save and delete of one of its models (AppConfig.ready)."""
    for model in apps.get_models():
        if model._meta.app_label not in WATCHED_APPS:
            continue
        uid = f"fragments:{model._meta.label}"
        post_save.connect(_model_written, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_model_written, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_written(model._meta.app_label),
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}",
                weak=False,
            )


def _m2m_written(app_label: str) -> Callable[..., None]:
    def receiver(sender, action, **kwargs) -> None:
        if action in ("post_add", "post_remove", "post_clear"):
            bump(app_label)

    return receiver
