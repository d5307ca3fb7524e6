"""The build of the annual report, by a Celery worker.

`acks_late` with `reject_on_worker_lost`: if the worker dies mid-build, the broker delivers the
task again and the build starts over (services.execute is idempotent). The time limits stay
below the broker's visibility timeout (settings), so that a task is never delivered twice while
it still runs."""

from celery import shared_task

from reporting import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def build_report(*, run_id: int) -> int | None:
    run = services.execute(run_id=run_id)
    return run.pk if run else None


@shared_task
def send_waiting_runs() -> int:
    """Beat, every minute: the builds asked for while the broker did not answer."""
    return services.send_waiting()
