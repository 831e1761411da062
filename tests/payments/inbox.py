"""The platform's IPN URL as the gateway process reaches it in tests: a real HTTP server whose
requests are answered by the platform's real WSGI application on the test's own thread, so they
run inside the test's database transaction (a second thread would use another connection and
see nothing of it). The gateway waits for its answer while the test calls ``serve``."""

from __future__ import annotations

import http.server
import queue
import threading
from dataclasses import dataclass, field

import httpx
from django.conf import settings

from motcua.wsgi import application
from tests.inprocess import keep_the_test_connection


@dataclass
class _Pending:
    path: str
    answered: threading.Event = field(default_factory=threading.Event)
    status: int = 502
    body: bytes = b""


class PlatformInbox:
    def __init__(self) -> None:
        inbox = self
        self.waiting: queue.Queue[_Pending] = queue.Queue()
        self.paths: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                pending = _Pending(self.path)
                inbox.waiting.put(pending)
                if not pending.answered.wait(30):
                    pending.status, pending.body = 504, b"{}"
                self.send_response(pending.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(pending.body)))
                self.end_headers()
                self.wfile.write(pending.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/payments/ipn"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, count: int = 1, timeout: float = 20.0) -> list[dict[str, str]]:
        """Answer the next ``count`` notifications with the platform; their replies, in order."""
        replies: list[dict[str, str]] = []
        transport = httpx.WSGITransport(app=application)
        with (
            keep_the_test_connection(),
            httpx.Client(transport=transport, base_url=settings.MOTCUA_PUBLIC_URL) as http,
        ):
            for _ in range(count):
                try:
                    pending = self.waiting.get(timeout=timeout)
                except queue.Empty:
                    raise AssertionError(f"{len(replies)} notifications arrived, {count} expected") from None
                self.paths.append(pending.path)
                answer = http.get(pending.path)
                pending.status, pending.body = answer.status_code, answer.content
                pending.answered.set()
                replies.append(dict(answer.json()))
        return replies

    def drain(self) -> None:
        while not self.waiting.empty():
            pending = self.waiting.get_nowait()
            pending.status, pending.body = 503, b"{}"
            pending.answered.set()

    def close(self) -> None:
        self.drain()
        self.server.shutdown()
        self.server.server_close()
