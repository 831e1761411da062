"""Run the reference payment gateway as a real process, for tests and benchmarks.

``GatewayServer(directory)`` gives the gateway its own SQLite database (or, with
``MOTCUA_TEST_REGISTRIES_DATABASE=postgres``, a throw-away PostgreSQL one) and serves it under
gunicorn on a free port; ``add_merchant`` registers a merchant with ``motcua gateway merchants
add``; ``set_fault`` flips the fault switch; ``pay`` drives the citizen's pages with a demo card
as a browser would (GET the signed request, POST the form with its CSRF token)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from tests.exchange.server import _pg, _pg_admin
from tests.gunicorn import BIN, GunicornProcess

SUCCESS_CARD = "9704198526191432198"
POOR_CARD = "9704195798459170488"
FRAUD_CARD = "4456530000001096"


class GatewayServer:
    def __init__(self, directory: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.directory = Path(directory)
        self.extra_env = dict(env or {})
        self.server = GunicornProcess(
            app="motcua.gateway.wsgi:application",
            log_file=self.directory / "server.log",
            ready_path="/health",
            workers=1,
            threads=8,
        )
        self.postgres = os.environ.get("MOTCUA_TEST_REGISTRIES_DATABASE") == "postgres"
        self.database_name = f"motcua_gateway_{secrets.token_hex(4)}"
        self._prepared = False

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def database_url(self) -> str:
        if self.postgres:
            where = f"{_pg('PGHOST', '127.0.0.1')}:{_pg('PGPORT', '5432')}"
            return f"postgres://{_pg('PGUSER', 'postgres')}@{where}/{self.database_name}"
        return f"sqlite:///{self.directory / 'gateway.sqlite3'}"

    def env(self) -> dict[str, str]:
        environment = {
            name: value
            for name, value in os.environ.items()
            if name != "DJANGO_SETTINGS_MODULE" and not name.startswith("MOTCUA_GATEWAY_")
        }
        environment.update(
            {
                "MOTCUA_ENV": "test",
                "MOTCUA_VAR_DIR": str(self.directory / "var"),
                "MOTCUA_GATEWAY_DATABASE_URL": self.database_url,
                "MOTCUA_GATEWAY_URL": self.base_url,
                "MOTCUA_GATEWAY_RETRY_SECONDS": "1",
                "MOTCUA_GATEWAY_ATTEMPTS": "3",
                **self.extra_env,
            }
        )
        return environment

    def command(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "motcua"), "gateway", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"motcua gateway {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def add_merchant(self, code: str, secret: str, ipn_url: str, accounts: list[str]) -> None:
        path = self.directory / f"secret-{code}"
        path.write_text(secret, encoding="utf-8")
        account_args = [part for account in accounts for part in ("--account", account)]
        self.command(
            "merchants", "add", code, "--secret-file", str(path), "--ipn-url", ipn_url, *account_args
        )

    def set_fault(self, mode: str, delay_ms: int = 0) -> None:
        answer = httpx.post(
            f"{self.base_url}/control/faults", json={"mode": mode, "delay_ms": delay_ms}, timeout=5
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["mode"] == mode

    def pay(self, pay_url: str, *, card: str = SUCCESS_CARD, cancel: bool = False) -> httpx.Response:
        """Open the payment page at ``pay_url`` and submit it; the answer is the redirect back to
        the merchant's return URL (not followed)."""
        with httpx.Client(timeout=10) as browser:
            page = browser.get(pay_url)
            assert page.status_code == 200, page.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token is not None
            form = {"csrfmiddlewaretoken": token.group(1), "card": card}
            form["cancel" if cancel else "pay"] = "1"
            return browser.post(pay_url, data=form, headers={"Referer": pay_url})

    def transfer(self, payload: str) -> httpx.Response:
        url = f"{self.base_url}/paymentv2/transfer"
        with httpx.Client(timeout=10) as browser:
            page = browser.get(url)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token is not None
            return browser.post(
                url,
                data={"csrfmiddlewaretoken": token.group(1), "payload": payload},
                headers={"Referer": url},
            )

    def start(self) -> GatewayServer:
        if not self._prepared:
            self.directory.mkdir(parents=True, exist_ok=True)
            if self.postgres:
                with _pg_admin() as connection:
                    connection.execute(f'CREATE DATABASE "{self.database_name}"')
            self.command("migrate", "--noinput", "-v", "0")
            self._prepared = True
        self.server.start(self.env)
        return self

    def close(self) -> None:
        self.server.stop()
        if self.postgres and self._prepared:
            with _pg_admin() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            self._prepared = False

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def log(self) -> str:
        return self.server.log_file.read_text(errors="replace")[-4000:]


def query_answer(response: httpx.Response) -> dict[str, Any]:
    return dict(response.json())
