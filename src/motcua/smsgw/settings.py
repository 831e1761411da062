"""Django settings of the reference SMS gateway (``motcua smsgw ...``), read through ``core.env``:

- ``MOTCUA_SMS_GATEWAY_URL``: its public base URL (default ``http://127.0.0.1:<SMS_GATEWAY_PORT>``,
  port 8004: ``motcua.core.addresses``); ``serve`` binds its host and port;
- ``MOTCUA_SMS_GATEWAY_DATABASE_URL``: default ``sqlite:///<var>/smsgw.sqlite3``;
- ``MOTCUA_SMS_GATEWAY_SECRET``: the HMAC secret shared with the platform (default: the
  development secret ``<var>/sms-gateway-secret``, which the platform reads too);
- ``MOTCUA_SMS_GATEWAY_RECEIPT_DELAY_MS``: how long after accepting a message its receipt is
  posted (default 50).

It is a stand-in for development, tests and the demo, and refuses ``MOTCUA_ENV=production``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua.core.addresses import sms_gateway_url
from motcua.core.env import (
    deployment_env,
    development_secret,
    env_base_url,
    env_int,
    env_list,
    env_str,
    service_secret_key,
)
from motcua.core.logging import configure_structlog, logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(PACKAGE_DIR.parent.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
SMSGW_VAR_DIR = VAR_DIR / "smsgw"

if deployment_env() == "production":
    raise ImproperlyConfigured(
        "The reference SMS gateway is a stand-in: it does not run with MOTCUA_ENV=production."
    )

SMSGW_VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
SECRET_KEY = service_secret_key("MOTCUA_SMS_GATEWAY_SECRET_KEY", SMSGW_VAR_DIR, production=False)
DEBUG = False

_public = env_base_url("MOTCUA_SMS_GATEWAY_URL", sms_gateway_url())
SMS_GATEWAY_URL = _public.url
ALLOWED_HOSTS = env_list("MOTCUA_SMS_GATEWAY_ALLOWED_HOSTS", _public.allowed_hosts(production=False))

SHARED_SECRET = env_str("MOTCUA_SMS_GATEWAY_SECRET", "") or development_secret(VAR_DIR, "sms-gateway-secret")
RECEIPT_DELAY_MS = env_int("MOTCUA_SMS_GATEWAY_RECEIPT_DELAY_MS", 50)

INSTALLED_APPS = ["motcua.smsgw"]
MIDDLEWARE = [
    "motcua.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "motcua.smsgw.urls"
WSGI_APPLICATION = "motcua.smsgw.wsgi.application"
TEMPLATES: list[dict[str, Any]] = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}
]

DATABASE_URL = env_str("MOTCUA_SMS_GATEWAY_DATABASE_URL", f"sqlite:///{VAR_DIR / 'smsgw.sqlite3'}")
_db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
USE_I18N = False
LANGUAGE_CODE = "en"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

LOGGING: dict[str, Any] = logging_config(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "console"))
configure_structlog()
