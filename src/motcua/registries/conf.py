"""The registries' own settings, typed.

The registries are a separate Django project, but mypy's Django plugin checks the whole source
tree against the platform's settings module, which does not have these names; reading them here,
by name, keeps every other module typed and free of ``getattr``.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.conf import settings


def registries_url() -> str:
    return cast(str, getattr(settings, "REGISTRIES_URL"))  # noqa: B009


def signing_key_file() -> Path:
    return cast(Path, getattr(settings, "SIGNING_KEY_FILE"))  # noqa: B009


def signing_key_may_be_created() -> bool:
    return cast(bool, getattr(settings, "SIGNING_KEY_MAY_BE_CREATED"))  # noqa: B009


def request_window_seconds() -> int:
    return cast(int, getattr(settings, "REQUEST_WINDOW_SECONDS"))  # noqa: B009


def seal_seconds() -> int:
    return cast(int, getattr(settings, "SEAL_SECONDS"))  # noqa: B009


def key_cache_seconds() -> int:
    return cast(int, getattr(settings, "KEY_CACHE_SECONDS"))  # noqa: B009


def direct_endpoint() -> bool:
    return cast(bool, getattr(settings, "DIRECT_ENDPOINT"))  # noqa: B009


def delay_ms() -> dict[str, int]:
    return cast(dict[str, int], getattr(settings, "DELAY_MS"))  # noqa: B009


def tsa_files() -> tuple[Path, Path]:
    """The reference timestamp authority's certificate and key."""
    return (
        cast(Path, getattr(settings, "TSA_CERT_FILE")),  # noqa: B009
        cast(Path, getattr(settings, "TSA_KEY_FILE")),  # noqa: B009
    )
