"""The e-mail channel: one plain-text message over SMTP (Django's SMTP backend, always, to
``MOTCUA_SMTP_HOST``/``MOTCUA_SMTP_PORT``: the capture server in development and tests, the
operator's relay in production). SMTP has no idempotency key: the delivery's id goes into the
``Message-ID`` so a duplicate (a crash after the server accepted it and before the delivery was
marked sent) is recognisable, and the delivery row makes sure no second one is sent otherwise."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.notify.channels import ChannelError, OutgoingMessage, Sent

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class EmailChannel:
    name = "email"

    def send(self, message: OutgoingMessage) -> Sent:
        message_id = f"<{message.reference}@{settings.DEFAULT_FROM_EMAIL.rpartition('@')[2] or 'motcua'}>"
        mail = EmailMessage(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={
                "Message-ID": message_id,
                "Content-Language": message.language,
                "Auto-Submitted": "auto-generated",
            },
        )
        connection = get_connection(
            SMTP_BACKEND,
            host=settings.MOTCUA_SMTP_HOST,
            port=settings.MOTCUA_SMTP_PORT,
            username=settings.EMAIL_HOST_USER or None,
            password=settings.EMAIL_HOST_PASSWORD or None,
            use_tls=settings.EMAIL_USE_TLS,
            use_ssl=settings.EMAIL_USE_SSL,
            timeout=settings.EMAIL_TIMEOUT,
            fail_silently=False,
        )
        try:
            sent = connection.send_messages([mail])
        except (TimeoutError, smtplib.SMTPException, OSError) as failure:
            raise ChannelError(f"SMTP: {type(failure).__name__}: {failure}"[:300]) from failure
        if sent != 1:
            raise ChannelError("SMTP: the server did not accept the message")
        return Sent(provider_id=message_id)
