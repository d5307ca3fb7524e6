"""An email backend that fails like an SMTP server that drops the connection, then recovers."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingOnceEmailBackend(EmailBackend):
    """The first send raises SMTPServerDisconnected; the next ones land in `mail.outbox`."""

    attempts = 0

    def send_messages(self, messages):
        FailingOnceEmailBackend.attempts += 1
        if FailingOnceEmailBackend.attempts == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
