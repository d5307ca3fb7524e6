"""Writes on the core models."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from caflab import notifications
from caflab.models import User


@transaction.atomic
def user_join_innovators(*, user: User) -> User:
    """Join the « communauté des innovateurs »; joining twice keeps the first date."""
    if not user.has_perm("caflab.join_innovators"):
        raise PermissionDenied
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_innovator:
        locked.is_innovator = True
        locked.innovator_since = timezone.localdate()
        locked.save(update_fields=["is_innovator", "innovator_since"])
        notifications.notify(users=[locked], template="caflab/emails/welcome_innovator")
    user.is_innovator, user.innovator_since = locked.is_innovator, locked.innovator_since
    return user


@transaction.atomic
def user_leave_innovators(*, user: User) -> User:
    User.objects.filter(pk=user.pk).update(is_innovator=False, innovator_since=None)
    user.is_innovator, user.innovator_since = False, None
    return user


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """A new API token for the user; the previous one stops working at once."""
    if not user.has_perm("caflab.use_api_token"):
        raise PermissionDenied
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def users_deactivate(*, users, by: User) -> int:
    """Deactivate accounts (never one's own); their API tokens stop working too."""
    targets = users.exclude(pk=by.pk)
    Token.objects.filter(user__in=targets).delete()
    return targets.update(is_active=False)
