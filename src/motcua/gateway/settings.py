"""Django settings of the reference payment gateway (``motcua gateway ...``).

A separate Django project from the platform, run as its own process (``motcua gateway serve``)
with its own database, read from environment variables through ``motcua.core.env``:

- ``MOTCUA_GATEWAY_URL``: public base URL (default ``http://127.0.0.1:<GATEWAY_PORT>``, port 8003
  unless set: ``motcua.core.addresses``); ``serve`` binds its host and port;
- ``MOTCUA_GATEWAY_DATABASE_URL``: default ``sqlite:///<var>/gateway.sqlite3``;
- ``MOTCUA_GATEWAY_SECRET_KEY``: default generated once into ``<var>/gateway/secret_key``;
- ``MOTCUA_GATEWAY_RETRY_SECONDS``: the first wait before a notification the merchant did not
  confirm is sent again (doubled each time, default 5); ``MOTCUA_GATEWAY_ATTEMPTS``: how many
  times (default 6);
- ``MOTCUA_GATEWAY_FAULTS``: open ``/control/faults`` (default on outside production, refused
  in production).

Merchants (code, secret, IPN URL, beneficiary account) are registered with
``motcua gateway merchants add``. See docs/payments.md.
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

PACKAGE_DIR = Path(__file__).resolve().parent  # src/motcua/gateway
SRC_DIR = PACKAGE_DIR.parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
GATEWAY_VAR_DIR = VAR_DIR / "gateway"

MOTCUA_ENV = deployment_env()
IS_PRODUCTION = MOTCUA_ENV == "production"
require_in_production(
    ("MOTCUA_GATEWAY_SECRET_KEY", "MOTCUA_GATEWAY_DATABASE_URL"),
    production=IS_PRODUCTION,
    service="the gateway",
)
DEBUG = env_bool("MOTCUA_GATEWAY_DEBUG", False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MOTCUA_GATEWAY_DEBUG must be off when MOTCUA_ENV=production.")
if not IS_PRODUCTION:
    GATEWAY_VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
SECRET_KEY = service_secret_key("MOTCUA_GATEWAY_SECRET_KEY", GATEWAY_VAR_DIR, production=IS_PRODUCTION)

_public = env_base_url("MOTCUA_GATEWAY_URL", addresses().gateway_url)
GATEWAY_URL = _public.url
ALLOWED_HOSTS = env_list("MOTCUA_GATEWAY_ALLOWED_HOSTS", _public.allowed_hosts(production=IS_PRODUCTION))

INSTALLED_APPS = ["motcua.gateway"]

# The payment pages are forms posted back to the gateway: CSRF protected, no sessions needed
# (the token lives in a cookie). The API calls are signed messages.
MIDDLEWARE = [
    "motcua.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
ROOT_URLCONF = "motcua.gateway.urls"
WSGI_APPLICATION = "motcua.gateway.wsgi.application"
TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
    }
]

DATABASE_URL = env_str("MOTCUA_GATEWAY_DATABASE_URL", f"sqlite:///{VAR_DIR / 'gateway.sqlite3'}")
_db: dict[str, Any] = dict(
    dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("MOTCUA_GATEWAY_CONN_MAX_AGE", 60), conn_health_checks=True
    )
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gateway"}}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_SSL_REDIRECT = env_bool("MOTCUA_GATEWAY_SSL_REDIRECT", False)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = IS_PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

USE_I18N = False
LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

RETRY_SECONDS = env_int("MOTCUA_GATEWAY_RETRY_SECONDS", 5)
ATTEMPTS = env_int("MOTCUA_GATEWAY_ATTEMPTS", 6)
FAULTS = env_bool("MOTCUA_GATEWAY_FAULTS", not IS_PRODUCTION)
if IS_PRODUCTION and FAULTS:
    raise ImproperlyConfigured(
        "MOTCUA_GATEWAY_FAULTS is for tests and demos; refused when MOTCUA_ENV=production."
    )

LOGGING: dict[str, Any] = logging_config(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "console"))
configure_structlog()
