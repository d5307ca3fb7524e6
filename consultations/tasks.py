"""Scheduled work of « La Caf à votre écoute » (django-celery-beat)."""

from celery import shared_task

from consultations import services


@shared_task
def advance_statuses() -> int:
    """Write the statuses the dates have reached; safe to run any number of times."""
    return services.consultations_advance()


@shared_task
def purge_drafts() -> int:
    """Forget unsent answers after 30 days."""
    return services.drafts_purge(older_than_days=30)
