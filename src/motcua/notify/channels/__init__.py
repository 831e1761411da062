"""Delivery channels: one module per channel behind one small interface, send one message to one
verified address (ADR 0050). A channel knows its transport, never a notification: ``texts``
words the message, ``services.deliveries`` decides what to send and records what happened.

A channel raises ``ChannelError`` when the message was not accepted and may be tried again (the
server is down, refused it for now, timed out); it returns ``Sent`` once accepted. Each send
carries the delivery's own id as ``reference``, which the channel hands to its server as the
idempotency key (the SMS gateway's ``X-Request-Id``, the e-mail's ``Message-ID``), so a retry
after a lost answer is recognised by the server rather than sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class OutgoingMessage:
    to: str  # the verified address: an e-mail address, or a phone number as +84…
    subject: str  # e-mail only
    text: str
    language: str  # vi | en
    reference: str  # the idempotency key: the delivery's public id (or the code's)


@dataclass(frozen=True)
class Sent:
    provider_id: str  # the server's id of the message (the gateway's id, the Message-ID)


class ChannelError(Exception):
    """The message was not accepted; trying again later may succeed. Its text names no person."""


class DeliveryChannel(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> Sent: ...


def channel(name: str) -> DeliveryChannel:
    """The channel called ``name`` (``email``, ``sms``)."""
    if name == "email":
        from motcua.notify.channels.email import EmailChannel

        return EmailChannel()
    if name == "sms":
        from motcua.notify.channels.sms import SmsChannel

        return SmsChannel()
    raise ValueError(f"No delivery channel {name!r}.")


def enabled_channels() -> list[str]:
    """The channels this installation delivers on (``MOTCUA_NOTIFY_CHANNELS``)."""
    return [name for name in settings.MOTCUA_NOTIFY_CHANNELS if name in {"email", "sms"}]
