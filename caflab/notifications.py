"""Emails from templates, sent by a Celery task after the transaction commits.

    notifications.notify(users=[idea.author], template="eurekaf/emails/idea_answered",
                         context={"idea_id": idea.pk, "title": idea.title})

Each recipient gets a task of its own, so that a retry never sends twice to the others.
Templates: `<template>_subject.txt`, `<template>.txt` and, optionally, `<template>.html`.
The context must be JSON-serialisable (ids and short texts): tasks re-read what they need.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from caflab.models import User

logger = logging.getLogger(__name__)


def notify(*, users: Iterable[User], template: str, context: dict | None = None) -> None:
    context = context or {}
    for user_id in {user.pk for user in users}:
        transaction.on_commit(
            lambda user_id=user_id: _enqueue(user_id=user_id, template=template, context=context)
        )


def _enqueue(*, user_id: int, template: str, context: dict) -> None:
    """Hand one email to the workers. The change it announces is committed already: a broker
    that does not answer (Redis restarting) must not turn the user's request into a 500, so the
    failure is logged (template and account id, never the address) and the request goes on."""
    from kombu.exceptions import OperationalError

    from caflab.tasks import send_notification

    try:
        send_notification.delay(user_id=user_id, template=template, context=context)
    except OperationalError:  # kombu's wrapper of the broker's connection errors
        logger.exception("notification %s for user %s could not be queued", template, user_id)
