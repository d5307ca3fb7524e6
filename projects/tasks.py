"""Background work of the projects' space: the reminders of the beat schedule."""

from celery import shared_task

from projects import services


@shared_task
def remind_indicator_periods() -> int:
    """Daily: the teams with a period of an indicator still to report."""
    return services.period_reminders()


@shared_task
def remind_jurors() -> int:
    """Daily (each assignment at most weekly): the jury members with scoring to finish."""
    return services.jury_reminders()
