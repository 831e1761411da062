"""Typed helpers that read settings from environment variables and fail fast.

Deployment configuration comes from the environment (12-factor); these helpers keep
parsing in one place so a missing or malformed value stops start-up with a message
that names the variable.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be a boolean (1/0, true/false): {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer: {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def deployment_env() -> str:
    """``MOTCUA_ENV``: development (the default), test or production; anything else is refused."""
    value = env_str("MOTCUA_ENV", "development")
    if value not in {"development", "test", "production"}:
        raise ImproperlyConfigured(f"MOTCUA_ENV must be development, test or production, got {value!r}.")
    return value


def require_in_production(names: Sequence[str], *, production: bool, service: str = "") -> None:
    """Refuse to start in production while any of ``names`` is unset or empty."""
    missing = [name for name in names if not os.environ.get(name)]
    if production and missing:
        where = f" for {service}" if service else ""
        raise ImproperlyConfigured(
            f"MOTCUA_ENV=production needs these environment variables{where}: " + ", ".join(missing)
        )


def development_secret_key(var_dir: Path) -> str:
    """Return the development secret key kept under ``var/``, creating it on first use."""
    return development_secret(var_dir, "secret_key")


def development_secret(var_dir: Path, name: str) -> str:
    """Return a development secret kept in ``var/<name>``, creating it on first use.

    The file is created with mode 0600 and never committed (``var/`` is ignored). Two
    processes that need the same secret (the platform and the bundled eID provider share
    the OIDC client secret) read the same file.
    """
    return _development_value(var_dir / name, lambda: secrets.token_urlsafe(50))


def development_key(var_dir: Path, name: str, *, size: int = 32) -> str:
    """Like ``development_secret``, for a binary key: ``size`` random bytes in base64."""
    return _development_value(var_dir / name, lambda: base64.b64encode(secrets.token_bytes(size)).decode())


def _development_value(path: Path, make: Callable[[], str]) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created by the other process meanwhile
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


@dataclass(frozen=True)
class BaseUrl:
    """A service's public base URL (``http://127.0.0.1:8001``), checked: scheme, host, no path."""

    url: str
    scheme: str
    netloc: str
    host: str  # as ALLOWED_HOSTS wants it: IPv6 in brackets

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    def allowed_hosts(self, *, production: bool) -> list[str]:
        """This host only in production; the loopback names too in development and tests."""
        return [self.host] if production else sorted({self.host, "localhost", "127.0.0.1", "[::1]"})


def env_base_url(name: str, default: str) -> BaseUrl:
    url = env_str(name, default).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
        raise ImproperlyConfigured(f"{name} must be a base URL like {default} (no path), got {url!r}.")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return BaseUrl(url=url, scheme=parts.scheme, netloc=parts.netloc, host=host)


def service_secret_key(name: str, var_dir: Path, *, production: bool) -> str:
    """A separate service's Django secret key: from ``name`` (required in production), else kept
    under ``var_dir`` for development."""
    return env_str(name) if production else env_str(name, "") or development_secret_key(var_dir)


def s3_options_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``OPTIONS`` of ``PrivateS3Storage`` from ``MOTCUA_S3_*`` (docs/configuration.md).

    Credentials: ``MOTCUA_S3_ACCESS_KEY_ID``/``MOTCUA_S3_SECRET_ACCESS_KEY`` when set, otherwise
    boto3's own chain (``AWS_*`` variables, a profile, the machine's role)."""
    values: Mapping[str, str] = os.environ if env is None else env

    def get(name: str, default: str = "") -> str:
        return values.get(name, "") or default

    endpoint = get("MOTCUA_S3_ENDPOINT_URL")
    options: dict[str, Any] = {
        "bucket_name": get("MOTCUA_S3_BUCKET"),
        "location": get("MOTCUA_S3_PREFIX").strip("/"),
        "endpoint_url": endpoint or None,
        "region_name": get("MOTCUA_S3_REGION") or None,
        # MinIO, Ceph and most S3-compatible servers want path-style addresses
        "addressing_style": get("MOTCUA_S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
        "signature_version": "s3v4",
    }
    if get("MOTCUA_S3_ACCESS_KEY_ID"):
        options["access_key"] = get("MOTCUA_S3_ACCESS_KEY_ID")
        options["secret_key"] = get("MOTCUA_S3_SECRET_ACCESS_KEY")
    verify = get("MOTCUA_S3_VERIFY", "on")
    if verify.lower() in {"0", "off", "false", "no"}:
        options["verify"] = False
    elif verify.lower() not in {"1", "on", "true", "yes"}:
        options["verify"] = verify  # a CA bundle
    if encryption := get("MOTCUA_S3_SERVER_SIDE_ENCRYPTION"):
        options["object_parameters"] = {"ServerSideEncryption": encryption}
    return options
