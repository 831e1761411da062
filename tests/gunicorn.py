"""One of our WSGI applications under gunicorn on a free local port, for tests and benchmarks.

``GunicornProcess`` starts the server, waits until ``ready_path`` answers 200, retries on
another port when a concurrent process took the chosen one first, and stops it again; its
output goes to ``log_file``. The stand-in eID provider (``tests.eid.server``) and the
reference registries (``tests.exchange.server``) are run with it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GunicornProcess:
    def __init__(
        self,
        *,
        app: str,
        log_file: Path,
        ready_path: str,
        workers: int = 1,
        threads: int = 4,
        startup_timeout: float = 60.0,
    ) -> None:
        self.app = app
        self.log_file = log_file
        self.ready_path = ready_path
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(
        self, env: Callable[[], Mapping[str, str]], on_ready: Callable[[httpx.Response], None] | None = None
    ) -> None:
        """Serve with the environment ``env()`` makes (asked again if the port has to change, as it
        usually names the base URL); ``on_ready`` gets the first 200 answer of ``ready_path``."""
        for _attempt in range(3):
            if self._serve(dict(env()), on_ready):
                return
            if "Connection in use" not in self.log_file.read_text(errors="replace"):
                break
            self.port = free_port()  # another process took the port before gunicorn bound it
        raise RuntimeError(
            f"{self.app} did not answer at {self.base_url}{self.ready_path} within "
            f"{self.startup_timeout:.0f} s. Its output:\n" + self.log_file.read_text(errors="replace")[-4000:]
        )

    def _serve(self, env: dict[str, str], on_ready: Callable[[httpx.Response], None] | None) -> bool:
        self._log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                self.app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--graceful-timeout",
                "3",
                "--no-control-socket",  # several of our servers may run at once
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                response = httpx.get(self.base_url + self.ready_path, timeout=2)
            except httpx.HTTPError:
                pass
            else:
                if response.status_code == 200:
                    if on_ready is not None:
                        on_ready(response)
                    return True
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
