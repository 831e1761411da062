"""The messaging stand-ins as real processes, for tests and benchmarks.

``SmsGatewayServer(directory, secret)``: the reference SMS gateway (``motcua smsgw``) under
gunicorn on a free port, its own database under ``directory``; read what it was sent
(``messages``), set its fault switch (``faults``) over its signed protocol.

``MailCaptureServer(directory)``: ``motcua mailcapture serve`` on a free port, capturing into
``directory``; ``mailbox()`` parses what it captured.

``ReceiptCatcher``: an HTTP server in the test process that keeps every request posted to it
(the gateway's signed receipts, headers and body as sent), so a test replays them against the
platform's receipt endpoint in its own database transaction.
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from motcua.mailcapture import read_mailbox
from motcua.protocol import sms
from tests.gunicorn import BIN, GunicornProcess, free_port

TEST_SECRET = "test-sms-gateway-secret"


class SmsGatewayServer:
    def __init__(self, directory: Path, *, secret: str = TEST_SECRET) -> None:
        self.directory = Path(directory)
        self.secret = secret
        self.server = GunicornProcess(
            app="motcua.smsgw.wsgi:application", log_file=self.directory / "server.log", ready_path="/healthz"
        )

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def env(self) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        environment.update(
            {
                "MOTCUA_ENV": "test",
                "MOTCUA_VAR_DIR": str(self.directory / "var"),
                "MOTCUA_SMS_GATEWAY_DATABASE_URL": f"sqlite:///{self.directory / 'smsgw.sqlite3'}",
                "MOTCUA_SMS_GATEWAY_URL": self.base_url,
                "MOTCUA_SMS_GATEWAY_SECRET": self.secret,
                "MOTCUA_SMS_GATEWAY_RECEIPT_DELAY_MS": "0",
            }
        )
        return environment

    def start(self) -> SmsGatewayServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        migrated = subprocess.run(
            [str(BIN / "motcua"), "smsgw", "migrate", "--noinput", "-v", "0"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"SMS gateway set-up failed:\n{migrated.stdout}\n{migrated.stderr}")
        self.server.start(self.env)
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> SmsGatewayServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # --- what it was sent, and its fault switch ---------------------------------------------------
    def messages(self) -> list[dict[str, Any]]:
        """Every message it accepted, oldest first."""
        found: list[dict[str, Any]] = httpx.get(f"{self.base_url}/v1/messages", timeout=10).json()["messages"]
        return list(reversed(found))

    def faults(self, *, fail_next: int = 0, delay_ms: int = 0, receipts: str = "delivered") -> dict[str, Any]:
        body = json.dumps({"fail_next": fail_next, "delay_ms": delay_ms, "receipts": receipts}).encode()
        headers = sms.signed_headers(
            self.secret.encode(), method="POST", path="/v1/faults", request_id=uuid.uuid4().hex, body=body
        )
        answer = httpx.post(f"{self.base_url}/v1/faults", content=body, headers=headers, timeout=10)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


class MailCaptureServer:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> MailCaptureServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._log = (self.directory / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "motcua"),
                "mailcapture",
                "serve",
                "--port",
                str(self.port),
                "--dir",
                str(self.mail_dir),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(3) == b"220":
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            "The SMTP capture server did not start:\n" + (self.directory / "server.log").read_text()
        )

    @property
    def mail_dir(self) -> Path:
        return self.directory / "mail"

    def mailbox(self) -> list[EmailMessage]:
        return read_mailbox(self.mail_dir)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
            self._log.close()

    def __enter__(self) -> MailCaptureServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class Caught:
    path: str
    headers: dict[str, str]
    body: bytes


class ReceiptCatcher:
    """Keeps every POST made to it (answers 200)."""

    def __init__(self) -> None:
        catcher = self
        self.caught: list[Caught] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                catcher.caught.append(Caught(self.path, dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, count: int, *, timeout: float = 20) -> list[Caught]:
        deadline = time.monotonic() + timeout
        while len(self.caught) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.caught)

    def __enter__(self) -> ReceiptCatcher:
        self.thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()
