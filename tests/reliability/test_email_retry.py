"""An email whose SMTP send fails is sent again later by the worker, once.

The notification goes from the service's commit to a real Celery worker through Redis; the mail
backend fails the first time, like an SMTP relay restarting. The task's autoretry puts the email
back on the broker with a countdown, and the worker delivers it.
"""

from __future__ import annotations

import pytest
from celery.app import autoretry
from django.core import mail

from caflab import services
from caflab.tasks import send_notification
from tests.caflab.factories import AgentFactory, caf
from tests.reliability.conftest import wait_for
from tests.reliability.email_backends import FailingOnceEmailBackend

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failed_send_is_retried_by_the_worker_and_delivered_once(
    celery_worker, settings, monkeypatch, caplog
):
    settings.EMAIL_BACKEND = "tests.reliability.email_backends.FailingOnceEmailBackend"
    monkeypatch.setattr(FailingOnceEmailBackend, "attempts", 0)
    # The task waits up to 30 s before its first retry, longer after (retry_backoff, with
    # jitter): the test records the backoff asked for and waits one second instead.
    backoffs = []

    def one_second(**kwargs):
        backoffs.append(kwargs)
        return 1

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", one_second)
    caplog.set_level("INFO")
    agent = AgentFactory(caf=caf("38"))

    services.user_join_innovators(user=agent)  # commits, then queues the welcome email

    wait_for(lambda: mail.outbox, timeout=30, what="the email to be delivered")
    assert FailingOnceEmailBackend.attempts == 2
    assert [message.to for message in mail.outbox] == [[agent.email]]
    assert "Retry in 1s: SMTPServerDisconnected" in caplog.text
    assert backoffs == [{"factor": 30, "retries": 0, "maximum": 3600, "full_jitter": True}]
    assert send_notification.max_retries == 8  # ~2 hours of SMTP outage absorbed
