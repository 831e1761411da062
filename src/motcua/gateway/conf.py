"""The gateway's own settings, typed (mypy checks the tree against the platform's settings)."""

from __future__ import annotations

from typing import cast

from django.conf import settings


def gateway_url() -> str:
    return cast(str, getattr(settings, "GATEWAY_URL"))  # noqa: B009


def retry_seconds() -> int:
    return cast(int, getattr(settings, "RETRY_SECONDS"))  # noqa: B009


def attempts() -> int:
    return cast(int, getattr(settings, "ATTEMPTS"))  # noqa: B009


def faults_allowed() -> bool:
    return cast(bool, getattr(settings, "FAULTS"))  # noqa: B009
