"""Background work of the living labs."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from livinglabs import ics, services
from livinglabs.models import Invitation

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=60,
    max_retries=6,
)
def send_invitation(self, *, invitation_id: int) -> bool:
    """The invitation e-mail, with the workshop as an .ics attachment. Members have no account:
    the address is read here, at sending time, and never logged."""
    invitation = (
        Invitation.objects.select_related("member", "workshop__lab")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.member.email or invitation.member.anonymised_at:
        return False
    workshop = invitation.workshop
    context = {
        "member": invitation.member,
        "workshop": workshop,
        "lab": workshop.lab,
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("livinglabs/emails/invitation_subject.txt", context).strip()
        body = render_to_string("livinglabs/emails/invitation.txt", context)
    message = EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        to=[invitation.member.email],
    )
    message.attach(
        "atelier.ics", ics.workshop_event(workshop), "text/calendar; method=REQUEST; charset=utf-8"
    )
    message.send()
    logger.info("workshop invitation %s sent", invitation_id)
    return True


@shared_task
def flag_inactive_members() -> int:
    """Monthly (beat): members inactive for 24 months are flagged for anonymisation."""
    return services.members_flag_inactive()
