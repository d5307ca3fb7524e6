"""The builds of the annual report: asked for by staff (page, API or command), run by Celery.

A build is a `ReportRun` row: two requests for the same document while one is under way share
it (a partial unique constraint); the task claims the row, reports its progress in it step by
step (data per app, then WeasyPrint page by page) and leaves the PDF with the fingerprint of the
data it was built from. The task is idempotent: run twice (a worker died, the broker delivered
it again) it builds the same document once more and ends in the same state.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import document
from reporting.models import ReportRun

logger = logging.getLogger(__name__)
FIRST_YEAR = 2020


class ReportError(ValidationError):
    """The request cannot be served; the message is for the user."""


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise ReportError(
            _("Choisissez une année entre %(first)s et %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        )


def request_run(*, year: int, by, kind: str = ReportRun.Kind.FULL) -> tuple[ReportRun, bool]:
    """Ask for a build; while one of the same document runs, the request joins it. Returns the
    run and whether it was created."""
    _require(by, "reporting.request_report")
    check_year(year)
    if kind not in ReportRun.Kind.values:
        raise ReportError(_("Document inconnu."))
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(year=year, kind=kind, requested_by=by)
            _enqueue(run)
            return run, True
    except IntegrityError:
        active = ReportRun.objects.filter(year=year, kind=kind, status__in=ReportRun.ACTIVE).first()
        if active is None:  # finished in between: ask again
            return request_run(year=year, by=by, kind=kind)
        return active, False


def retry(*, run: ReportRun, by) -> ReportRun:
    """Start a failed build again, in the same row (its history keeps the attempts)."""
    _require(by, "reporting.request_report")
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ReportRun.Status.FAILED:
            raise ReportError(_("Seule une génération en échec peut être relancée."))
        run.status, run.progress, run.step, run.error = ReportRun.Status.QUEUED, 0, "", ""
        run.steps, run.finished_at, run.task_id = [], None, ""
        try:
            with transaction.atomic():
                run.save(
                    update_fields=[
                        "status",
                        "progress",
                        "step",
                        "error",
                        "steps",
                        "finished_at",
                        "task_id",
                    ]
                )
        except IntegrityError:
            raise ReportError(
                _("Une autre génération de ce document est en cours : attendez qu'elle finisse.")
            ) from None
        _enqueue(run)
    return run


def _enqueue(run: ReportRun) -> None:
    """Hand the build to Celery once the row is committed. If the broker does not answer, the
    run stays « en attente » with no task: `send_waiting` (beat, every minute) hands it over
    once the broker is back. In the embedded default (eager Celery) a failed build is already
    a failed run when `delay` raises: nothing more to do."""
    transaction.on_commit(lambda: _send(run.pk))


def _send(run_id: int) -> bool:
    from reporting.tasks import build_report

    try:
        result = build_report.delay(run_id=run_id)
    except Exception as exc:
        logger.warning("report run %s waits for the task queue (%s)", run_id, type(exc).__name__)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED, task_id="").update(
            step=_("En attente de la file des tâches")
        )
        return False
    ReportRun.objects.filter(pk=run_id).update(task_id=result.id or "")
    return True


def send_waiting(*, older_than: timedelta = timedelta(minutes=1)) -> int:
    """Hand over the runs asked for while the broker was down (queued, never sent). Returns
    how many reached the broker."""
    waiting = ReportRun.objects.filter(
        status=ReportRun.Status.QUEUED, task_id="", requested_at__lte=timezone.now() - older_than
    ).order_by("requested_at")
    return sum(_send(pk) for pk in waiting.values_list("pk", flat=True))


class _Progress:
    """Writes the step and percentage to the run's row, at most every half second (each write
    is one UPDATE; the page polls the row)."""

    def __init__(self, run: ReportRun):
        self.run = run
        self.last = 0.0
        self.steps: list[dict] = []

    def __call__(self, label: str, percent: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.steps and self.steps[-1]["label"] == label and not force and now - self.last < 0.5:
            return
        if not self.steps or self.steps[-1]["label"] != label:
            self.steps.append({"label": label, "at": timezone.now().isoformat()})
        self.last = now
        ReportRun.objects.filter(pk=self.run.pk).update(
            step=label[:200], progress=max(0, min(percent, 100)), steps=self.steps
        )


def execute(*, run_id: int) -> ReportRun | None:
    """The task's body: build the run's document. Safe to call again for the same run."""
    # Claimed and counted in one statement: a worker killed right after the claim has still
    # counted its attempt.
    claimed = ReportRun.objects.filter(pk=run_id, status__in=ReportRun.ACTIVE).update(
        status=ReportRun.Status.RUNNING,
        started_at=timezone.now(),
        error="",
        attempts=F("attempts") + 1,
    )
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None or not claimed:
        return run  # unknown, already built or failed: nothing to do
    progress = _Progress(run)
    try:
        pdf, pages, fingerprint, gather_s, render_s = _build(run, progress)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.FAILED,
            finished_at=timezone.now(),
            error=_("La génération a échoué (%(kind)s) : %(detail)s")
            % {"kind": type(exc).__name__, "detail": str(exc)[:500] or "—"},
        )
        raise
    run.refresh_from_db()
    if run.pdf:
        run.pdf.delete(save=False)  # a second run of the task replaces its own file
    run.pdf.save(run.filename, ContentFile(pdf), save=False)
    run.size, run.pages, run.data_hash = len(pdf), pages, fingerprint
    run.template_version = document.TEMPLATE_VERSION
    run.gather_seconds, run.render_seconds = gather_s, render_s
    run.finished_at = timezone.now()
    progress.steps.append({"label": _("Terminé"), "at": run.finished_at.isoformat()})
    run.status, run.progress, run.step = ReportRun.Status.DONE, 100, _("Terminé")
    run.steps = progress.steps
    run.save()
    return run


def _build(run: ReportRun, progress: _Progress) -> tuple[bytes, int, str, float, float]:
    started = time.monotonic()
    progress(_("Collecte des données"), 2, force=True)
    data = document.gather(run.year, on_step=progress, start=5, end=45)
    gathered = time.monotonic()
    progress(_("Préparation de la mise en page"), 50, force=True)
    template = (
        "reporting/document/key_figures.html"
        if run.kind == ReportRun.Kind.KEY_FIGURES
        else "reporting/document/report.html"
    )
    html = document.render_html(data, template=template)
    expected = _expected_pages(run)

    def on_page(page: int) -> None:
        progress(
            _("Mise en page : page %(n)s") % {"n": page},
            55 + min(40, 40 * page // max(expected, 1)),
        )

    pdf, pages = document.render_pdf(html, on_page=on_page)
    progress(_("Enregistrement du PDF"), 97, force=True)
    return pdf, pages, data.fingerprint(), gathered - started, time.monotonic() - gathered


def _expected_pages(run: ReportRun) -> int:
    """The pages of the last build of the same document, to scale the layout's progress."""
    last = (
        ReportRun.objects.filter(kind=run.kind, status=ReportRun.Status.DONE, pages__isnull=False)
        .order_by("-finished_at")
        .values_list("pages", flat=True)
        .first()
    )
    return last or (1 if run.kind == ReportRun.Kind.KEY_FIGURES else 30)


def build_now(*, year: int, kind: str = ReportRun.Kind.FULL) -> ReportRun:
    """What `build_report` runs: the same build, in this process, without a worker."""
    check_year(year)
    run = ReportRun.objects.create(year=year, kind=kind)
    return execute(run_id=run.pk)
