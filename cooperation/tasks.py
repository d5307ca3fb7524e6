"""Background work of COOPération."""

import logging
import shlex
import subprocess

from celery import shared_task
from django.conf import settings

from cooperation import scopes, services
from cooperation.models import Document

logger = logging.getLogger(__name__)


@shared_task
def deadline_reminders() -> int:
    """Daily (beat): actions due within a week or late; at most one reminder a day each."""
    return services.deadline_reminders()


@shared_task(bind=True, max_retries=3, retry_backoff=60)
def scan_document(self, *, document_id: int) -> str:
    """The antivirus hook point: CAFLAB_VIRUS_SCAN_COMMAND (e.g. « clamdscan --no-summary »)
    is run on the stored file; exit code 0 = clean, 1 = infected. Without a command the
    document is marked clean (no scanner on this installation)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.scan != Document.Scan.PENDING:
        return "skipped"
    command = getattr(settings, "CAFLAB_VIRUS_SCAN_COMMAND", "")
    verdict = Document.Scan.CLEAN
    if command:
        result = subprocess.run(  # noqa: S603 - the command is the administrator's setting
            [*shlex.split(command), document.file.path],
            capture_output=True,
            check=False,
            timeout=120,
        )
        if result.returncode == 1:
            verdict = Document.Scan.INFECTED
            logger.warning("document %s flagged by the antivirus", document_id)
        elif result.returncode != 0:
            raise self.retry(exc=RuntimeError(f"scanner exit code {result.returncode}"))
    Document.objects.filter(pk=document_id, scan=Document.Scan.PENDING).update(scan=verdict)
    scopes.bump_plan(document.plan_id)  # update() sends no signal
    return verdict
