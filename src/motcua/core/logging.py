"""Structured application logs (structlog) with request ids and personal data kept out.

Every log line — ours and Django's, huey's, gunicorn's through the stdlib bridge — passes
through ``scrub_personal_data``: values of keys that name personal data are redacted and any
12-digit run (a personal ID number) or 9-digit run (an old identity-card number) is masked in
every string. Code should still log ids (public ids, dossier codes), never names or numbers;
the scrubber is the safety net, not the policy. See docs/threat-model.md.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog

from motcua.core.ids import mask_personal_id

PERSONAL_KEYS = frozenset(
    {
        "name",
        "full_name",
        "email",
        "phone",
        "address",
        "birthdate",
        "date_of_birth",
        "password",
        "token",
        "otp",
        "secret",
        "personal_id",
        "enterprise_code",
    }
)
# digit runs standing alone: not inside hex ids, hashes or longer numbers
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{12}|\d{9})(?![0-9A-Za-z])")
NOT_SCRUBBED = frozenset({"request_id", "timestamp", "_record", "_from_structlog"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _mask_numbers(text: str) -> str:
    return _ID_NUMBER.sub(lambda match: mask_personal_id(match.group(1)), text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _mask_numbers(value)
    if isinstance(value, dict):
        return {key: "[redacted]" if key in PERSONAL_KEYS else _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_personal_data(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    for key in list(event_dict):
        if key in PERSONAL_KEYS:
            event_dict[key] = "[redacted]"
        elif key not in NOT_SCRUBBED:
            event_dict[key] = _scrub(event_dict[key])
    return event_dict


def request_id_from(header_value: str | None) -> str:
    """Reuse a well-formed incoming X-Request-ID (a proxy's), otherwise make a new one."""
    if header_value and _REQUEST_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


def current_request_id() -> str:
    return str(structlog.contextvars.get_contextvars().get("request_id", ""))


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
]


def logging_config(level: str, fmt: str) -> dict[str, Any]:
    """The LOGGING dict for settings: ``fmt`` is ``console`` (people) or ``json`` (collectors)."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    scrub_personal_data,
                    renderer,
                ],
                "foreign_pre_chain": SHARED_PROCESSORS,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # run_huey attaches its own handler to the "huey" logger; don't print its lines twice.
        "loggers": {
            "huey": {"level": "WARNING", "propagate": False},
            # our request log replaces Django's per-request lines, which carry full paths
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "WARNING"},
            # the OIDC client logs claims at DEBUG
            "mozilla_django_oidc": {"level": "WARNING"},
            # the workflow engine logs every task state change with the task's data
            "spiff": {"level": "WARNING"},
            # warns on every signature that validation data is not fetched: by design (docs/results.md)
            "pyhanko.sign.signers.pdf_signer": {"level": "ERROR"},
            # announces its C++ log bridge at INFO on every start (each management command)
            "pikepdf._core": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
