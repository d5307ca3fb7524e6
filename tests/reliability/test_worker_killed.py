"""A Celery worker killed in the middle of a report build: another worker finishes it, once.

The build task is `acks_late` + `reject_on_worker_lost`: the message stays unacknowledged in
Redis while the build runs. A worker killed by SIGKILL (the OOM killer, a lost node) cannot give
it back; Redis keeps it in the « unacked » set and the next worker to start delivers it again
once the broker's visibility timeout has passed (an hour in production, `CELERY_VISIBILITY_TIMEOUT`;
a few seconds here). `reporting.services.execute` is idempotent, so the second delivery builds the
document from the start and ends with one PDF and one finished run.
"""

from __future__ import annotations

import time

import pytest
import redis

from reporting import services
from reporting.models import ReportRun
from tests.caflab.factories import CafLabStaffFactory
from tests.reliability.conftest import database_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 2  # seconds, for these workers only


def _status(run_id: int) -> str:
    return ReportRun.objects.values_list("status", flat=True).get(pk=run_id)


def test_a_build_whose_worker_is_killed_completes_exactly_once(
    redis_url, broker_in_this_process, worker_processes, settings, tmp_path
):
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()  # this test's own Redis database: no message left by an earlier test
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    broker_in_this_process(redis_url)
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    staff = CafLabStaffFactory()

    first = worker_processes.start("first", env=env, log=tmp_path / "first.log")
    run, created = services.request_run(year=2025, by=staff, kind=ReportRun.Kind.KEY_FIGURES)
    assert created

    wait_for(
        lambda: _status(run.pk) == ReportRun.Status.RUNNING or not first.alive(),
        timeout=60,
        what="the first worker to start the build",
    )
    assert first.alive(), first.output()
    first.kill()
    killed_at = time.monotonic()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING  # killed mid-build: no PDF yet
    assert not run.pdf
    # Unacknowledged, not lost: the message waits in Redis for its visibility timeout.
    assert broker.hlen("unacked") == 1

    # The replacement starts once the timeout has passed, as a restarted worker would after an
    # hour: it takes the message back at start-up.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
    second = worker_processes.start("second", env=env, log=tmp_path / "second.log")
    wait_for(
        lambda: (
            _status(run.pk) in (ReportRun.Status.DONE, ReportRun.Status.FAILED)
            or not second.alive()
        ),
        timeout=90,
        interval=0.2,
        what="the second worker to finish the build",
    )
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, (run.error, second.output())
    assert run.attempts == 2  # the killed build, then the complete one

    # Exactly once: one run, one PDF file, and no delivery left in the broker.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)  # a duplicate would have been delivered by now
    assert ReportRun.objects.count() == 1
    assert _status(run.pk) == ReportRun.Status.DONE
    assert sorted(p.name for p in media.rglob("*.pdf")) == [run.filename]
    assert run.pdf.read().startswith(b"%PDF")
    assert broker.llen("celery") == 0
    assert broker.hlen("unacked") == 0
    assert second.output().count("build_report") >= 1
    second.stop()
