"""An HTTP relay for tests: a real server in front of an upstream one that passes each request
on, counts the requests, and can change the answers (a man in the middle)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from types import TracebackType

import httpx

OCTETS = "application/octet-stream"


class Relay:
    """Passes GET and POST requests to ``upstream`` (path kept) and answers with upstream's
    status, content type and body, after ``alter`` for POST answers. ``requests`` counts the
    POSTs passed on."""

    def __init__(self, upstream: str, alter: Callable[[bytes], bytes] | None = None) -> None:
        relay = self
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                relay.requests += 1
                content_type = self.headers.get("Content-Type", "application/octet-stream")
                answer = httpx.post(
                    upstream + self.path, content=body, headers={"Content-Type": content_type}
                )
                self._answer(answer, alter)

            def do_GET(self) -> None:
                self._answer(httpx.get(upstream + self.path), None)

            def _answer(self, answer: httpx.Response, change: Callable[[bytes], bytes] | None) -> None:
                content = change(answer.content) if change else answer.content
                self.send_response(answer.status_code)
                self.send_header(
                    "Content-Type", answer.headers.get("Content-Type", "application/octet-stream")
                )
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
