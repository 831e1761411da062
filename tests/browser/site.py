"""The platform served to a real browser from inside the test (ADR 0038).

A WSGI server in a thread of the test process answers Chromium with the platform's real
handler (every middleware, the views, the templates, the apps' static files), one request at a
time, on the test thread's own database connection: the pages see the test's transaction (the
module's world, then rolled back) on SQLite and PostgreSQL alike, nothing is committed and
nothing is left to clean up. The test thread waits while the browser loads a page, so the
connection is never used by both at once. Requests run outside Playwright's event loop, so code
that runs its own (pyHanko's signing) works as in production.
"""

from __future__ import annotations

import threading
from http.cookies import SimpleCookie
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class LiveSite:
    """``with LiveSite() as site: page.goto(site.url + "/")``."""

    def __init__(self) -> None:
        self.connection = connections["default"]
        self.httpd: WSGIServer = make_server(
            "127.0.0.1", 0, StaticFilesHandler(WSGIHandler()), handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self._serve, name="browser-site", daemon=True)

    def _serve(self) -> None:
        connections["default"] = self.connection  # the test thread's, inside its transaction
        self.httpd.serve_forever(poll_interval=0.05)

    def __enter__(self) -> LiveSite:
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
        self.connection.dec_thread_sharing()


def browser_cookies(cookies: SimpleCookie, url: str) -> list[dict[str, Any]]:
    """A Django test client's cookies (a signed-in session) for a browser context."""
    return [{"name": name, "value": morsel.value, "url": url} for name, morsel in cookies.items()]
