"""Browser tests: Playwright for Python driving Debian's Chromium, with axe-core (ADR 0038,
docs/testing.md). What they need is installed by ``scripts/browser-setup`` (``make test`` runs
it); without it every test here is skipped with the reason, repeated in the summary.

One browser for the browser tests; each test opens its own contexts (cookies, viewport,
JavaScript on or off). Pages are served from a thread of the test process, inside the test's
transaction (``tests/browser/site.py``)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tests.browser.site import LiveSite, browser_cookies
from tests.inprocess import keep_the_test_connection

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(
    os.environ.get("MOTCUA_AXE_JS", ROOT / "var" / "browser" / "node_modules" / "axe-core" / "axe.min.js")
)
LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

_skip_reasons: list[str] = []


def missing() -> list[str]:
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("Playwright for Python is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        problems.append(f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        problems.append(f"axe-core is not at {AXE_JS} (npm install axe-core)")
    return problems


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skip_reasons:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"  {_skip_reasons[0]}", red=True, bold=True)
        terminalreporter.write_line("  Run scripts/browser-setup (make test does) to install what they need.")


class Browser:
    """One Chromium for the browser tests, started when the first page is opened (after the
    first test's fixtures: Playwright's sync API leaves an event loop marked running in this
    thread, and a world whose results are signed runs pyHanko's own) and closed after the last
    browser test. Meanwhile Django's guard against database calls from async code is lifted:
    everything here runs in this one thread, and pages are served from another."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._chromium: Any = None
        self._previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")

    def new_context(self, **options: Any) -> Any:
        if self._chromium is None:
            from playwright.sync_api import sync_playwright

            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            wrappers = _database_wrappers()
            self._playwright = sync_playwright().start()
            _pin(wrappers)
            self._chromium = self._playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        return self._chromium.new_context(**options)

    def close(self) -> None:
        if self._chromium is not None:
            self._chromium.close()
            self._playwright.stop()
        if self._previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._previous


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    problems = missing()
    if problems:
        reason = "browser tests SKIPPED: " + "; ".join(problems)
        if reason not in _skip_reasons:
            _skip_reasons.append(reason)
        pytest.skip(reason)
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Iterator[None]:
    """Fixtures are set up outside Playwright's event loop (which its sync API leaves marked
    running in this thread): a world whose results are signed runs pyHanko's own loop."""
    if fixturedef.argname == "browser":
        yield
        return
    loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        wrappers = _database_wrappers()
        asyncio.events._set_running_loop(loop)
        if loop is not None:
            _pin(wrappers)


def _database_wrappers() -> dict[str, Any]:
    return {wrapper.alias: wrapper for wrapper in connections.all(initialized_only=True)}


def _pin(wrappers: dict[str, Any]) -> None:
    """Django keeps its connections in an asgiref ``Local``, which answers from other storage
    when an event loop runs in the thread: once Playwright's runs, ``connections["default"]``
    would be a new connection outside the test's transaction. Point it at the test's own."""
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper


@pytest.fixture
def site(db: None) -> Iterator[LiveSite]:
    with keep_the_test_connection(), LiveSite() as live:
        yield live


@pytest.fixture
def open_context(browser: Any, site: LiveSite) -> Iterator[Any]:
    """``open_context(client=None, viewport=DESKTOP, javascript=True, language="vi")``: a browser
    context on the in-process site, signed in with a Django test client's session if given."""
    contexts: list[Any] = []

    def make(
        client: Any = None,
        *,
        viewport: dict[str, int] = DESKTOP,
        javascript: bool = True,
        language: str = "vi",
    ) -> Any:
        context = browser.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            locale="vi-VN" if language == "vi" else "en-GB",
            extra_http_headers={"Accept-Language": language},
            base_url=site.url,
        )
        context.set_default_timeout(20_000)
        if client is not None:
            context.add_cookies(browser_cookies(client.cookies, site.url))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@contextmanager
def no_console_errors(page: Any) -> Iterator[list[str]]:
    """Script errors, console errors and failed requests while the block runs (a missing
    favicon aside)."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", on_response)
    yield errors
    assert errors == []
