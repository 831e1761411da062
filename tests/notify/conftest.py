from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.notify.servers import MailCaptureServer, ReceiptCatcher, SmsGatewayServer


@pytest.fixture(scope="module")
def sms_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmsGatewayServer]:
    with SmsGatewayServer(tmp_path_factory.mktemp("smsgw")) as server:
        yield server


@pytest.fixture(scope="module")
def mail_capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCaptureServer]:
    with MailCaptureServer(tmp_path_factory.mktemp("mail")) as server:
        yield server


@pytest.fixture(scope="module")
def receipts() -> Iterator[ReceiptCatcher]:
    with ReceiptCatcher() as catcher:
        yield catcher


@pytest.fixture
def channels(
    settings: Any, sms_gateway: SmsGatewayServer, mail_capture: MailCaptureServer, receipts: ReceiptCatcher
) -> None:
    """The platform's e-mail channel speaks SMTP to the capture server, its SMS channel the signed
    protocol to the reference gateway, which posts its receipts to the catcher; the gateway's
    fault switch is off."""
    settings.MOTCUA_SMTP_HOST = "127.0.0.1"
    settings.MOTCUA_SMTP_PORT = mail_capture.port
    settings.EMAIL_USE_TLS = False
    settings.MOTCUA_SMS_GATEWAY_URL = sms_gateway.base_url
    settings.MOTCUA_SMS_GATEWAY_SECRET = sms_gateway.secret
    settings.MOTCUA_SMS_RECEIPT_URL = f"{receipts.base_url}/api/v1/notify/sms-receipts"
    settings.MOTCUA_NOTIFY_CHANNELS = ["email", "sms"]
    sms_gateway.faults()
