import smtplib

import pytest
from django.core import mail

from caflab import notifications, services
from caflab.tasks import send_notification

pytestmark = pytest.mark.django_db


def test_joining_the_community_sends_a_welcome_email_after_commit(
    agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_join_innovators(user=agent)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert message.subject == "[CafLab] Bienvenue dans la communauté des innovateurs"
    assert f"Bonjour {agent.first_name}," in message.body
    assert "L'équipe du CafLab" in message.body  # plain text: nothing HTML-escaped


def test_nothing_is_sent_when_the_transaction_rolls_back(agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify(users=[agent], template="caflab/emails/welcome_innovator")
    # The callbacks were registered but never run: no commit, no email.
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_one_task_per_recipient_and_no_duplicate(
    agent, other_caf_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            users=[agent, other_caf_agent, agent], template="caflab/emails/welcome_innovator"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, other_caf_agent.email])


def test_inactive_users_get_nothing(agent):
    agent.is_active = False
    agent.save()
    assert (
        send_notification(user_id=agent.pk, template="caflab/emails/welcome_innovator", context={})
        is False
    )
    assert mail.outbox == []


def test_a_failed_send_is_retried_then_delivered(agent, monkeypatch):
    from celery import current_app

    original_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky_send(self, fail_silently=False):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("connexion perdue")
        return original_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky_send)
    # Eagerly, a retry runs at once instead of after its countdown.
    monkeypatch.setitem(current_app.conf, "task_eager_propagates", False)
    send_notification.apply(
        kwargs={"user_id": agent.pk, "template": "caflab/emails/welcome_innovator", "context": {}}
    )
    assert len(calls) == 2
    assert len(mail.outbox) == 1


def test_the_log_holds_no_email_address(agent, caplog):
    caplog.set_level("INFO")
    send_notification(user_id=agent.pk, template="caflab/emails/welcome_innovator", context={})
    assert agent.email not in caplog.text
    assert f"user {agent.pk}" in caplog.text
