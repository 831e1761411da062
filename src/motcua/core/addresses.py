"""Where the platform and the processes beside it answer: one derivation for every process.

``make run`` starts the platform (port ``PORT``), the stand-in eID provider (``EID_PORT``) and
the reference registries (``REGISTRIES_PORT``) and the reference payment gateway
(``GATEWAY_PORT``) on 127.0.0.1. Every process, and every command
``make run`` runs before them (the eID provider's client registration), derives the three
addresses here from the same variables, so changing a port changes every address printed or
generated: the start banner, the platform's OIDC endpoints and callback, the registries' URL,
the QR code on a signed result and a wallet share link.

A full URL (``MOTCUA_PUBLIC_URL``, ``MOTCUA_EID_URL``, ``MOTCUA_REGISTRIES_URL``,
``MOTCUA_GATEWAY_URL``) overrides the
port's address, e.g. behind a proxy; production requires the platform's (``settings``). It is
where the others reach the service; the service still binds its port.

honcho gives each process of the Procfile its own ``PORT`` (the first process the one asked
for, the next one 100 more, ...), so the Makefile hands the platform's port to every process
as ``MOTCUA_PORT`` too, and ``MOTCUA_PORT`` wins over ``PORT``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_HOST = "127.0.0.1"
# the defaults the Makefile repeats (PORT ?= 8000 ...); tests/core/test_addresses.py keeps them equal
DEFAULT_WEB_PORT = 8000
DEFAULT_EID_PORT = 8001
DEFAULT_REGISTRIES_PORT = 8002
DEFAULT_GATEWAY_PORT = 8003
OIDC_CALLBACK_PATH = "/oidc/callback/"


@dataclass(frozen=True)
class Addresses:
    """The base URLs (scheme, host and port; no path, no trailing slash) of the three services."""

    public_url: str  # the platform, as applicants' browsers and QR codes reach it
    eid_url: str  # the stand-in eID provider (its OIDC issuer is <eid_url>/o)
    registries_url: str  # the reference national registries
    gateway_url: str = f"http://{LOCAL_HOST}:{DEFAULT_GATEWAY_PORT}"  # the reference payment gateway

    @property
    def oidc_callback_urls(self) -> list[str]:
        """The platform's OIDC callback, and its twin on ``localhost`` when it is on 127.0.0.1
        (a browser may open either name), for the eID provider's client registration."""
        urls = [f"{self.public_url}{OIDC_CALLBACK_PATH}"]
        parts = urlsplit(self.public_url)
        if parts.hostname == LOCAL_HOST:
            urls.append(f"{parts.scheme}://localhost:{parts.port}{OIDC_CALLBACK_PATH}")
        return urls


def _port(environ: Mapping[str, str], names: tuple[str, ...], default: int) -> int:
    for name in names:
        value = environ.get(name, "").strip()
        if not value:
            continue
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise ImproperlyConfigured(f"{name} must be a TCP port number (1-65535), got {value!r}.")
        return int(value)
    return default


def _base_url(environ: Mapping[str, str], name: str, derived: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        return derived
    url = value.rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
        raise ImproperlyConfigured(f"{name} must be a base URL like {derived} (no path), got {value!r}.")
    return url


def addresses(environ: Mapping[str, str] | None = None) -> Addresses:
    """The three services' addresses from ``environ`` (default: this process's environment)."""
    env = os.environ if environ is None else environ
    web = _port(env, ("MOTCUA_PORT", "PORT"), DEFAULT_WEB_PORT)
    eid = _port(env, ("EID_PORT",), DEFAULT_EID_PORT)
    registries = _port(env, ("REGISTRIES_PORT",), DEFAULT_REGISTRIES_PORT)
    gateway = _port(env, ("GATEWAY_PORT",), DEFAULT_GATEWAY_PORT)
    return Addresses(
        public_url=_base_url(env, "MOTCUA_PUBLIC_URL", f"http://{LOCAL_HOST}:{web}"),
        eid_url=_base_url(env, "MOTCUA_EID_URL", f"http://{LOCAL_HOST}:{eid}"),
        registries_url=_base_url(env, "MOTCUA_REGISTRIES_URL", f"http://{LOCAL_HOST}:{registries}"),
        gateway_url=_base_url(env, "MOTCUA_GATEWAY_URL", f"http://{LOCAL_HOST}:{gateway}"),
    )


# --- the messaging stand-ins (ADR 0050) -------------------------------------------------------
DEFAULT_SMS_GATEWAY_PORT = 8004
DEFAULT_SMTP_CAPTURE_PORT = 8025


def sms_gateway_url(environ: Mapping[str, str] | None = None) -> str:
    """The reference SMS gateway's base URL: ``MOTCUA_SMS_GATEWAY_URL``, else 127.0.0.1 on
    ``SMS_GATEWAY_PORT`` (8004)."""
    env = os.environ if environ is None else environ
    port = _port(env, ("SMS_GATEWAY_PORT",), DEFAULT_SMS_GATEWAY_PORT)
    return _base_url(env, "MOTCUA_SMS_GATEWAY_URL", f"http://{LOCAL_HOST}:{port}")


def smtp_capture_port(environ: Mapping[str, str] | None = None) -> int:
    """The port of the development SMTP capture server (``SMTP_CAPTURE_PORT``, 8025)."""
    env = os.environ if environ is None else environ
    return _port(env, ("SMTP_CAPTURE_PORT",), DEFAULT_SMTP_CAPTURE_PORT)
