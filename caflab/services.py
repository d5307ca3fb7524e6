"""Writes on the core models."""

from __future__ import annotations

import logging
from datetime import date

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from caflab import audit, notifications, rgpd
from caflab.models import User

logger = logging.getLogger(__name__)


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


# RGPD --------------------------------------------------------------------------------------------
class PersonalDataError(ValidationError):
    """A rule of the RGPD tools refuses the action; the message is for the user."""


@transaction.atomic
def anonymise_user(*, user: User, by: User | None) -> User:
    """Erase a person on request (RGPD art. 17), or by the retention job (`by=None`).

    The account's identity is replaced and the account deactivated; the personal fields that
    other apps hold about the person (found through caflab.rgpd) are blanked or erased by the
    app's own service; what the person contributed (ideas, comments, answers, bookings…) stays,
    so that every statistic keeps its count. Anonymising twice changes nothing more."""
    if by is not None:
        if not by.is_caflab_staff:
            raise PermissionDenied
        if by.pk == user.pk:
            raise PersonalDataError(_("Vous ne pouvez pas anonymiser votre propre compte."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.email.endswith(f"@{rgpd.ANONYMOUS_DOMAIN}"):
        return locked
    erased = {}
    # The other apps first: their rows are found by the person's address and account.
    for entry in rgpd.entries():
        if entry.erase in ("user", "keep"):
            continue
        count = rgpd.erase_rows(entry, rgpd.subject_rows(entry, locked), by=by)
        if count:
            erased[entry.model] = count
    Token.objects.filter(user=locked).delete()
    Authenticator.objects.filter(user=locked).delete()
    locked.first_name = locked.last_name = locked.job_title = ""
    locked.email = f"anonyme-{locked.pk}@{rgpd.ANONYMOUS_DOMAIN}"
    locked.set_unusable_password()
    locked.is_active = locked.is_staff = locked.is_superuser = False
    locked.last_login = None
    locked.save()
    audit.record(verb=audit.ANONYMISED, obj=locked, changes={"lignes": erased}, actor=by)
    user.refresh_from_db()
    return user


def user_personal_data(*, user: User, by: User) -> str:
    """The JSON export of everything the portal holds about a person (RGPD art. 15 and 20)."""
    if not by.is_caflab_staff:
        raise PermissionDenied
    audit.record(verb=audit.EXPORTED, obj=user, actor=by)
    return rgpd.user_data_json(user)


def apply_retention(*, today: date | None = None) -> dict[str, int]:
    """Erase what has outlived its retention period, entry by entry of the register; each
    row in its own transaction, so that one refusal does not hold back the others."""
    today = today or timezone.localdate()
    done: dict[str, int] = {}
    for entry in rgpd.entries():
        if entry.expired is None:
            continue
        count = 0
        for pk in list(rgpd.expired_rows(entry, today).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    if entry.erase == "user":
                        anonymise_user(user=User.objects.get(pk=pk), by=None)
                        count += 1
                    else:
                        rows = entry.model_class._default_manager.filter(pk=pk)
                        count += rgpd.erase_rows(entry, rows, by=None)
            except Exception as exc:
                # The error's class only: its text may quote the very data being erased.
                logger.error("retention of %s %s failed: %s", entry.model, pk, type(exc).__name__)
        if count:
            done[entry.model] = count
    return done
