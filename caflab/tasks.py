"""Celery tasks of the core."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist, loader
from django.template.loader import render_to_string
from django.utils import translation

from caflab.models import User

logger = logging.getLogger(__name__)


def _render_text(name: str, context: dict) -> str:
    """Plain-text emails are not HTML: nothing is escaped (« L'idée », not « L&#x27;idée »)."""
    return loader.get_template(name).template.render(Context(context, autoescape=False))


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_notification(self, *, user_id: int, template: str, context: dict) -> bool:
    """Render and send one email; an inactive or deleted user gets nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    full_context = {**context, "user": user, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(_render_text(f"{template}_subject.txt", full_context).split())
        body = _render_text(f"{template}.txt", full_context)
        try:
            html = render_to_string(f"{template}.html", full_context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        to=[user.email],
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    # The log names the template and the account id, never the address.
    logger.info("notification %s sent to user %s", template, user_id)
    return True


@shared_task
def apply_retention() -> dict[str, int]:
    """Nightly (beat): anonymise what has outlived its retention period (caflab.rgpd)."""
    from caflab import services

    done = services.apply_retention()
    # Counts per model only: never who.
    logger.info("retention applied: %s", done or "nothing to erase")
    return done
