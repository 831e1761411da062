"""Django settings of the reference national registries (``motcua registries ...``).

A separate Django project from the platform, run as its own process (``motcua registries
serve``) with its own database and its own Ed25519 signing key, read from environment variables
through ``motcua.core.env``:

- ``MOTCUA_REGISTRIES_URL``: public base URL (default ``http://127.0.0.1:<REGISTRIES_PORT>``, port
  8002 unless set: ``motcua.core.addresses``); ``serve`` binds its host and port;
- ``MOTCUA_REGISTRIES_DATABASE_URL``: default ``sqlite:///<var>/registries.sqlite3``;
- ``MOTCUA_REGISTRIES_SECRET_KEY``: default generated once into ``<var>/registries/secret_key``;
- ``MOTCUA_REGISTRIES_SIGNING_KEY_FILE``: the JWK set whose first key signs every response,
  default ``<var>/registries/signing-keys.json``, generated on first start (0600);
- ``MOTCUA_REGISTRIES_WINDOW_SECONDS``: how far a request's ``iat`` may lie from the registry's
  clock (default 120);
- ``MOTCUA_REGISTRIES_SEAL_SECONDS``: how often the access log is sealed into its hash chain
  (default 2);
- ``MOTCUA_REGISTRIES_KEY_CACHE_SECONDS``: how long a process trusts a looked-up agency key
  before reading it again, so a revocation takes effect within this time (default 5).

For benchmarks and fault-injection tests only (each refused when ``MOTCUA_ENV=production``):
``MOTCUA_REGISTRIES_DIRECT_ENDPOINT=1`` opens the unsigned, unlogged ``/bench/direct/<registry>``
endpoint that the exchange benchmark compares against; ``MOTCUA_REGISTRIES_DELAY_MS`` (e.g.
``population=40,land=120``) makes registries answer slowly. See docs/registries.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua.core.addresses import addresses
from motcua.core.env import (
    deployment_env,
    env_base_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    require_in_production,
    service_secret_key,
)
from motcua.core.logging import configure_structlog, logging_config

PACKAGE_DIR = Path(__file__).resolve().parent  # src/motcua/registries
SRC_DIR = PACKAGE_DIR.parent  # src/motcua
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
REGISTRIES_VAR_DIR = VAR_DIR / "registries"

MOTCUA_ENV = deployment_env()
IS_PRODUCTION = MOTCUA_ENV == "production"

REQUIRED_IN_PRODUCTION = (
    "MOTCUA_REGISTRIES_SECRET_KEY",
    "MOTCUA_REGISTRIES_DATABASE_URL",
    "MOTCUA_REGISTRIES_SIGNING_KEY_FILE",
)
require_in_production(REQUIRED_IN_PRODUCTION, production=IS_PRODUCTION, service="the registries")

DEBUG = env_bool("MOTCUA_REGISTRIES_DEBUG", False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MOTCUA_REGISTRIES_DEBUG must be off when MOTCUA_ENV=production.")

if not IS_PRODUCTION:
    REGISTRIES_VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
SECRET_KEY = service_secret_key("MOTCUA_REGISTRIES_SECRET_KEY", REGISTRIES_VAR_DIR, production=IS_PRODUCTION)

# --- Public address ---------------------------------------------------------------------------
_public = env_base_url("MOTCUA_REGISTRIES_URL", addresses().registries_url)
REGISTRIES_URL = _public.url
ALLOWED_HOSTS = env_list("MOTCUA_REGISTRIES_ALLOWED_HOSTS", _public.allowed_hosts(production=IS_PRODUCTION))

INSTALLED_APPS = [
    "motcua.registries",
    "motcua.registries.data",
]

# No sessions, cookies or CSRF: every request is a signed message, not a browser form.
MIDDLEWARE = [
    "motcua.core.middleware.RequestContextMiddleware",  # request id and one log line per request
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "motcua.registries.urls"
WSGI_APPLICATION = "motcua.registries.wsgi.application"
TEMPLATES: list[dict[str, Any]] = []

# --- Database (its own; never the platform's) -----------------------------------------------
DATABASE_URL = env_str("MOTCUA_REGISTRIES_DATABASE_URL", f"sqlite:///{VAR_DIR / 'registries.sqlite3'}")
_db: dict[str, Any] = dict(
    dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("MOTCUA_REGISTRIES_CONN_MAX_AGE", 60),
        conn_health_checks=True,  # a connection the database dropped is replaced, not a 500
    )
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL for concurrent readers; writers queue at BEGIN instead of failing mid-transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "registries"}}

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_SSL_REDIRECT = env_bool("MOTCUA_REGISTRIES_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MOTCUA_REGISTRIES_BEHIND_TLS_PROXY", False) else None
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # a signed request is a few hundred bytes

USE_I18N = False
LANGUAGE_CODE = "en"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- The exchange ------------------------------------------------------------------------------
SIGNING_KEY_FILE = Path(
    env_str("MOTCUA_REGISTRIES_SIGNING_KEY_FILE", str(REGISTRIES_VAR_DIR / "signing-keys.json"))
)
SIGNING_KEY_MAY_BE_CREATED = not IS_PRODUCTION
REQUEST_WINDOW_SECONDS = env_int("MOTCUA_REGISTRIES_WINDOW_SECONDS", 120)
SEAL_SECONDS = env_int("MOTCUA_REGISTRIES_SEAL_SECONDS", 2)
KEY_CACHE_SECONDS = env_int("MOTCUA_REGISTRIES_KEY_CACHE_SECONDS", 5)


def _delays(text: str) -> dict[str, int]:
    delays: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _sep, value = item.partition("=")
        try:
            delays[name.strip()] = int(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"MOTCUA_REGISTRIES_DELAY_MS: {item!r} is not <registry>=<milliseconds>."
            ) from None
    return delays


DIRECT_ENDPOINT = env_bool("MOTCUA_REGISTRIES_DIRECT_ENDPOINT", False)
DELAY_MS = _delays(env_str("MOTCUA_REGISTRIES_DELAY_MS", ""))
if IS_PRODUCTION and (DIRECT_ENDPOINT or DELAY_MS):
    raise ImproperlyConfigured(
        "MOTCUA_REGISTRIES_DIRECT_ENDPOINT and MOTCUA_REGISTRIES_DELAY_MS are for benchmarks and tests; "
        "they are refused when MOTCUA_ENV=production."
    )

# --- Logging: the platform's structlog set-up, personal data scrubbed from every line --------
LOGGING: dict[str, Any] = logging_config(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "console"))
configure_structlog()

# --- The reference timestamp authority (RFC 3161 over HTTP at /tsa) ----------------------------
# Development and tests: the timestamp authority of the development PKI (`motcua pki init`).
# A deployment uses the national timestamp authority instead and leaves these unset.
TSA_CERT_FILE = Path(env_str("MOTCUA_TSA_CERT_FILE", str(VAR_DIR / "pki" / "tsa.cert.pem")))
TSA_KEY_FILE = Path(env_str("MOTCUA_TSA_KEY_FILE", str(VAR_DIR / "pki" / "tsa.key.pem")))
