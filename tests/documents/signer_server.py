"""The reference signing service as a real process under gunicorn on a free local port, for
tests (what ``motcua signer serve`` runs, without the command's Django start-up)::

    with SigningService(directory, key_dir=dev_pki.directory, token="...") as service:
        settings.MOTCUA_REMOTE_SIGNER_URL = service.base_url

``stop()`` and ``start()`` keep the port, so a test can take the service down and bring it back.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from motcua.documents.signer_service.app import KEY_DIR_VARIABLE, TOKEN_FILE_VARIABLE
from tests.gunicorn import GunicornProcess


class SigningService:
    def __init__(self, directory: Path, *, key_dir: Path, token: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.key_dir = key_dir
        self.token_file = self.directory / "tokens"
        self.token_file.write_text(f"{token}\n", encoding="utf-8")
        self.token_file.chmod(0o600)
        self.server = GunicornProcess(
            app="motcua.documents.signer_service.wsgi:application",
            log_file=self.directory / "signer.log",
            ready_path="/health",
            workers=1,
            threads=4,
        )

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def log_file(self) -> Path:
        return self.server.log_file

    def env(self) -> dict[str, str]:
        environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
        environment[KEY_DIR_VARIABLE] = str(self.key_dir)
        environment[TOKEN_FILE_VARIABLE] = str(self.token_file)
        return environment

    def start(self) -> SigningService:
        self.server.start(self.env)
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> SigningService:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
