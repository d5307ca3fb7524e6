"""The report built end to end by a real Celery worker on Redis (the `celery_worker` fixture skips
without Redis; the CI requires it): staff ask for a build, the worker lays the PDF out with
WeasyPrint; a failure leaves a readable reason and « Relancer » builds it; the task delivered
twice for the same build leaves one PDF."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from reporting import document, services
from reporting.models import Edito, ExternalIndicator, Highlight, ReportRun
from reporting.tasks import build_report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUILD_TIMEOUT = 240  # seconds: a full report on a slow CI machine


@pytest.fixture(autouse=True)
def private_broker_keys(redis_url):
    """Keys of our own on the shared test Redis: the worker of this test process never takes
    a task of another process (`make test` runs two; other checkouts may share the Redis),
    whose database would not know the build. Set up before `celery_worker` connects."""
    import redis

    from caflab.celery import app

    prefix = f"caflab-tests-{uuid.uuid4().hex[:12]}:"
    saved = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**(saved or {}), "global_keyprefix": prefix}
    yield
    app.conf.broker_transport_options = saved
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def year_texts():
    Edito.objects.create(
        year=2025,
        author="Nicolas Grivel",
        author_title="Directeur général de la Cnaf",
        text="Une année de coopérations avec les Caf et leurs partenaires.",
    )
    Highlight.objects.create(year=2025, month=6, title="Les Trophées de l'innovation")
    ExternalIndicator.objects.create(year=2025, key="linkedin_followers", value=3560)


def wait_for_end(run: ReportRun, timeout: float = BUILD_TIMEOUT) -> ReportRun:
    """The build once it has ended, as the page polls it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            return run
        time.sleep(0.25)
    pytest.fail(f"la génération {run.pk} est encore « {run.get_status_display()} » ({run.step})")


def pdf_files(media: Path) -> list[Path]:
    return sorted((media / "rapports" / "pdf").rglob("*.pdf"))


def ask(*, staff, year: int = 2025, kind: str = "complet") -> tuple[ReportRun, bool]:
    """As the page does: the request commits, then the task goes to the broker."""
    with transaction.atomic():
        return services.request_run(year=year, by=staff, kind=kind)


def test_a_real_worker_builds_the_report(celery_worker, staff, year_texts, media_root):
    run, created = ask(staff=staff)
    assert created

    run = wait_for_end(run)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.progress == 100
    assert run.task_id
    assert run.pages >= 5
    with run.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert run.size == run.pdf.size
    assert len(run.data_hash) == 64
    assert run.template_version == document.TEMPLATE_VERSION
    assert run.gather_seconds >= 0
    assert run.render_seconds > 0
    labels = [step["label"] for step in run.steps]
    assert labels[0] == "Collecte des données"
    assert any(label.startswith("Mise en page : page") for label in labels)
    assert labels[-1] == "Terminé"
    assert len(pdf_files(media_root)) == 1


def test_a_request_while_the_worker_builds_joins_the_build(
    celery_worker, staff, monkeypatch, media_root
):
    # The worker (in this process) holds the build until the second request is made.
    release = threading.Event()
    gather = document.gather

    def held_gather(year, **kwargs):
        release.wait(timeout=60)
        return gather(year, **kwargs)

    monkeypatch.setattr(document, "gather", held_gather)
    run, created = ask(staff=staff, kind="chiffres")
    again, created_again = ask(staff=staff, kind="chiffres")
    release.set()
    assert (created, created_again) == (True, False)
    assert again.pk == run.pk
    run = wait_for_end(run)
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.pages == 1
    assert ReportRun.objects.count() == 1


def test_a_failed_build_tells_why_then_a_retry_builds_it(
    celery_worker, staff, monkeypatch, media_root
):
    def broken(html, *, on_page=None):
        raise OSError("police « CafLab Sans » introuvable")

    render_pdf = document.render_pdf
    monkeypatch.setattr(document, "render_pdf", broken)  # the worker runs in this process
    run, _created = ask(staff=staff, kind="chiffres")

    run = wait_for_end(run)

    assert run.status == ReportRun.Status.FAILED
    assert run.error == ("La génération a échoué (OSError) : police « CafLab Sans » introuvable")
    assert not run.pdf
    assert run.attempts == 1

    monkeypatch.setattr(document, "render_pdf", render_pdf)  # repaired
    with transaction.atomic():
        services.retry(run=run, by=staff)
    run = wait_for_end(run)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.error == ""
    assert run.attempts == 2
    assert run.progress == 100
    with run.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert ReportRun.objects.count() == 1


def test_the_task_delivered_twice_leaves_one_pdf(celery_worker, staff, media_root):
    run, _created = ask(staff=staff, kind="chiffres")
    run = wait_for_end(run)
    assert run.status == ReportRun.Status.DONE, run.error
    first_pdf = run.pdf.name

    # Delivered again once the build has ended: nothing to do, the same PDF.
    assert build_report.delay(run_id=run.pk).get(timeout=BUILD_TIMEOUT) == run.pk
    run.refresh_from_db()
    assert (run.status, run.pdf.name, run.attempts) == (ReportRun.Status.DONE, first_pdf, 1)

    # Delivered again while the build still counts as running (the worker died after writing
    # its PDF): built once more, its own file replaced.
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING)
    build_report.delay(run_id=run.pk).get(timeout=BUILD_TIMEOUT)
    run.refresh_from_db()

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts == 2
    assert len(pdf_files(media_root)) == 1
    with run.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
