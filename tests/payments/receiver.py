"""A merchant's IPN URL for the gateway's own tests: records every notification and answers with
the reply codes it is given (the platform's real IPN endpoint is tested in test_payments.py)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit


class Receiver:
    def __init__(self) -> None:
        receiver = self
        self.received: list[dict[str, str]] = []
        self.replies: list[str] = []  # reply codes to give, in order; then "00"
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with receiver._lock:
                    receiver.received.append(dict(parse_qsl(urlsplit(self.path).query)))
                    code = receiver.replies.pop(0) if receiver.replies else "00"
                body = json.dumps({"RspCode": code, "Message": "test"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ipn"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict[str, str]]:
        """The first ``count`` notifications, once they have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received)} notifications arrived, {count} expected")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
