"""A real Celery worker on Redis runs the notification task end to end."""

import pytest
from django.core import mail

from caflab.tasks import send_notification

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_real_worker_sends_the_notification(celery_worker, agent):
    result = send_notification.delay(
        user_id=agent.pk, template="caflab/emails/welcome_innovator", context={}
    )
    assert result.get(timeout=30) is True
    assert [message.to for message in mail.outbox] == [[agent.email]]


def test_the_task_result_is_stored_for_staff(celery_worker, agent):
    from django_celery_results.models import TaskResult

    result = send_notification.delay(
        user_id=agent.pk, template="caflab/emails/welcome_innovator", context={}
    )
    result.get(timeout=30)
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "caflab.tasks.send_notification"
