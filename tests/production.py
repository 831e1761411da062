"""The environment of a configured production deployment, in one place, for the tests that start
the platform's settings (or ``check --deploy``) in a child process. A variable that production
comes to require is added here once, and every such test keeps starting."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

SETTINGS_CHECK = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['ENGINE'])"
)


def production_signing(tmp_path: Path) -> dict[str, str]:
    """A remote signer, the national roots (an empty bundle here) and a timestamp authority."""
    roots = tmp_path / "national-roots.pem"
    roots.write_text("")
    return {
        "MOTCUA_SIGNER": "remote",
        "MOTCUA_REMOTE_SIGNER_URL": "https://signer.example",
        "MOTCUA_TRUST_ROOTS": str(roots),
        "MOTCUA_TSA_URL": "https://tsa.example/tsa",
    }


def production_exchange(tmp_path: Path) -> dict[str, str]:
    """The exchange's production settings (a key-encryption secret and pinned registry keys), the
    signing ones and the platform's public address."""
    jwks = tmp_path / "registries-jwks.json"
    jwks.write_text('{"keys": []}')
    return {
        "MOTCUA_EXCHANGE_KEY_SECRET": base64.b64encode(b"k" * 32).decode(),
        "MOTCUA_REGISTRIES_URL": "https://registries.example",
        "MOTCUA_REGISTRIES_JWKS_FILE": str(jwks),
        "MOTCUA_PUBLIC_URL": "https://dichvucong.example",
        **production_signing(tmp_path),
    }


def production_env(tmp_path: Path) -> dict[str, str]:
    """Every variable ``MOTCUA_ENV=production`` requires, with values that pass its checks."""
    return {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u@db/motcua",
        "ALLOWED_HOSTS": "dichvucong.example",
        "EMAIL_HOST": "smtp.example",
        "DEFAULT_FROM_EMAIL": "no-reply@dichvucong.example",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "OIDC_OP_ISSUER": "https://eid.example/o",
        "OIDC_RP_CLIENT_ID": "motcua",
        "OIDC_RP_CLIENT_SECRET": "s" * 40,
        "MOTCUA_SMS_GATEWAY_SECRET": "m" * 40,
        **production_exchange(tmp_path),
    }


def clean_environment() -> dict[str, str]:
    """This process's environment without the platform's own settings (the test run's)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MOTCUA_", "DATABASE_URL", "SECRET_KEY", "DEBUG"))
        and k not in {"PORT", "EID_PORT", "REGISTRIES_PORT"}
    }


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the platform's settings in a child process with ``env`` (prints the database engine)."""
    clean = clean_environment()
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "motcua.settings", "MOTCUA_VAR_DIR": str(tmp_path / "var"), **env}
    )
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_CHECK],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
