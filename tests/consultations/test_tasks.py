from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from consultations import tasks
from consultations.models import Consultation, ResponseDraft
from consultations.services import draft_start
from tests.consultations.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_advance_statuses_task_closes_past_consultations_and_is_idempotent():
    now = timezone.now()
    past = ConsultationFactory(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    current = ConsultationFactory()
    assert tasks.advance_statuses.delay().get() == 2  # one closed, one opened
    assert tasks.advance_statuses.delay().get() == 0
    past.refresh_from_db()
    current.refresh_from_db()
    assert past.status == Consultation.Status.CLOSED
    assert current.status == Consultation.Status.OPEN


def test_purge_drafts_task():
    draft = draft_start(consultation=ConsultationFactory(), data={"q1": "x"})
    ResponseDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=31))
    assert tasks.purge_drafts.delay().get() == 1


def test_tasks_are_scheduled():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"consultations.tasks.advance_statuses", "consultations.tasks.purge_drafts"} <= scheduled
