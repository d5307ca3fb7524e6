"""Emails from templates, sent by a Celery task after the transaction commits.

    notifications.notify(users=[idea.author], template="eurekaf/emails/idea_answered",
                         context={"idea_id": idea.pk, "title": idea.title})

Each recipient gets a task of its own, so that a retry never sends twice to the others.
Templates: `<template>_subject.txt`, `<template>.txt` and, optionally, `<template>.html`.
The context must be JSON-serialisable (ids and short texts): tasks re-read what they need.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from caflab.models import User


def notify(*, users: Iterable[User], template: str, context: dict | None = None) -> None:
    from caflab.tasks import send_notification

    context = context or {}
    for user_id in {user.pk for user in users}:
        transaction.on_commit(
            lambda user_id=user_id: send_notification.delay(
                user_id=user_id, template=template, context=context
            )
        )
