"""Django settings for motcua, read from environment variables.

Development needs no configuration: SQLite under ``var/``, a secret key generated into
``var/secret_key``, tasks on SqliteHuey. Production (``MOTCUA_ENV=production``) refuses
to start until every required variable is set; see docs/configuration.md.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.addresses import addresses, sms_gateway_url, smtp_capture_port
from motcua.core.env import (
    deployment_env,
    development_key,
    development_secret,
    development_secret_key,
    env_bool,
    env_int,
    env_list,
    env_str,
    require_in_production,
    s3_options_from_env,
)
from motcua.core.logging import configure_structlog, logging_config

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))

MOTCUA_ENV = deployment_env()
IS_PRODUCTION = MOTCUA_ENV == "production"
require_in_production(
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "EMAIL_HOST",
        "DEFAULT_FROM_EMAIL",
        "CACHE_URL",
        "OIDC_OP_ISSUER",
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET",
        "MOTCUA_EXCHANGE_KEY_SECRET",
        "MOTCUA_PUBLIC_URL",
        "MOTCUA_REGISTRIES_URL",
        "MOTCUA_REGISTRIES_JWKS_FILE",
    ],
    production=IS_PRODUCTION,
)

# The platform's own address and those of the eID provider and the registries: from the URL
# variables, or (development and tests) from PORT / EID_PORT / REGISTRIES_PORT, in one place for
# every process (core/addresses.py); production requires MOTCUA_PUBLIC_URL (above).
_addresses = addresses()

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when MOTCUA_ENV=production.")

SECRET_KEY = (
    env_str("SECRET_KEY") if IS_PRODUCTION else env_str("SECRET_KEY", "") or development_secret_key(VAR_DIR)
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from the package, not from a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "motcua.core",
    "motcua.units",
    "motcua.catalog",
    "motcua.identity",
    "motcua.documents",
    "motcua.exchange",
    "motcua.workflow",
    "motcua.dossiers",
    "motcua.payments",
    "motcua.feedback",
    "motcua.proactive",
    "motcua.notify",
    "motcua.metrics",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.ops",
    "motcua.api",
]

MIDDLEWARE = [
    "motcua.core.middleware.RequestContextMiddleware",
    "motcua.core.middleware.ApiErrorShapeMiddleware",  # every /api/v1 error answer is {code, message}
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.core.middleware.RateLimitMiddleware",
    "motcua.core.middleware.InputGuardMiddleware",  # input hygiene before any view (ADR 0023)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.error_pages.SiteErrorPagesMiddleware",  # the site's error pages with DEBUG on too
    # last, so the first to see a view's exception: NotFound and Forbidden are the 404 and 403 pages
    "motcua.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.identity.context_processors.actor",
                "motcua.notify.context_processors.unread_notifications",
                "motcua.portal.context_processors.support",
            ],
        },
    },
]

# The support hotline every page's footer shows (docs/ui.md).
SUPPORT_HOTLINE = env_str("MOTCUA_SUPPORT_HOTLINE", "1800 0000")

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")
# Persistent connections are checked before their first use in each request and each task
# (CONN_HEALTH_CHECKS; tasks: core.tasks.with_fresh_connections): one the database dropped (a
# restart, a failover, pg_terminate_backend) is replaced instead of failing the request with a
# 500 (ADR 0025). On PostgreSQL the check is one "SELECT 1" per request that reuses a connection.
_db: dict[str, Any] = dict(
    dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections persist as on PostgreSQL (DB_CONN_MAX_AGE): opening one per request, and
    # closing it (the last connection to close checkpoints the WAL), cost several ms each.
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (huey) ----------------------------------------------------------------
# sqlite (default, embedded) | redis (many workers, many machines) | memory (tests: enqueued tasks
# stay in this process until a test runs them)
TASK_BACKEND = env_str("MOTCUA_TASK_BACKEND", "sqlite")
_huey_common: dict[str, Any] = {
    "name": "motcua",
    # Never inline by default (djhuey would run tasks inline when DEBUG is on): the worker runs them.
    "immediate": env_bool("MOTCUA_TASKS_IMMEDIATE", False),
    "consumer": {"workers": env_int("MOTCUA_TASK_WORKERS", 2), "worker_type": "thread", "periodic": True},
}
if TASK_BACKEND == "sqlite":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY: dict[str, Any] = {
        **_huey_common,
        "huey_class": "huey.SqliteHuey",
        "filename": env_str("MOTCUA_TASK_DB", str(VAR_DIR / "tasks.sqlite3")),
    }
elif TASK_BACKEND == "redis":
    HUEY = {**_huey_common, "huey_class": "huey.RedisHuey", "url": env_str("REDIS_URL")}
elif TASK_BACKEND == "memory":
    HUEY = {**_huey_common, "huey_class": "huey.MemoryHuey"}
else:
    raise ImproperlyConfigured(f"MOTCUA_TASK_BACKEND must be sqlite, redis or memory, got {TASK_BACKEND!r}.")

# --- Cache (shared by every web process: rate limits live here) -----------------------------
# db://<table> (default; `motcua createcachetable` makes it), redis://..., or locmem:// (one
# process only: tests).
CACHE_URL = env_str("CACHE_URL", "db://motcua_cache")


def _cache(url: str) -> dict[str, Any]:
    scheme, _sep, rest = url.partition("://")
    if scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": rest or "motcua_cache"}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "motcua"}
    raise ImproperlyConfigured(f"CACHE_URL must start with db://, redis:// or locmem://, got {url!r}.")


CACHES = {"default": _cache(CACHE_URL), "ratelimit": _cache(CACHE_URL)}
# With Redis (production) a session is read from the cache and written through to the database
# (Django's cached_db engine): a signed-in request reads no session row (ADR 0055).
SESSION_ENGINE = "django.contrib.sessions.backends." + (
    "cached_db" if CACHES["default"]["BACKEND"] == "motcua.core.cache.RedisCache" else "db"
)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["motcua.identity.auth.EidBackend", "motcua.identity.auth.OfficialBackend"]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "identity:my-space"
LOGIN_REDIRECT_URL_FAILURE = "/dang-nhap/?failed=1"
LOGOUT_REDIRECT_URL = "portal:home"

# Applicants sign in through OpenID Connect. The defaults point at the bundled stand-in provider
# (`motcua-eid`, started by `make run` on EID_PORT, 8001 by default); point every OIDC_* variable
# at another provider to use it instead, no code change needed (docs/identity.md).
MOTCUA_EID_URL = _addresses.eid_url
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", f"{MOTCUA_EID_URL}/o")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", f"{OIDC_OP_ISSUER}/authorize/")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", f"{OIDC_OP_ISSUER}/token/")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", f"{OIDC_OP_ISSUER}/userinfo/")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", f"{OIDC_OP_ISSUER}/.well-known/jwks.json")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "motcua-portal")
OIDC_RP_CLIENT_SECRET = (
    env_str("OIDC_RP_CLIENT_SECRET")
    if IS_PRODUCTION
    else env_str("OIDC_RP_CLIENT_SECRET", "") or development_secret(VAR_DIR, "oidc-client-secret")
)
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
OIDC_STORE_ACCESS_TOKEN = False
OIDC_REDIRECT_FIELD_NAME = "next"
# Ask the provider to show its sign-in page every time, so signing out here and in again as
# someone else (shared counter computers, demos) never silently reuses the provider's session.
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"prompt": "login"}
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "motcua")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation: Vietnamese first, English second ----------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
# Stored files (uploads, counter scans, signed results) go through STORAGES["default"]
# (core/files.py, ADR 0034): the local filesystem under MOTCUA_UPLOAD_DIR (embedded default), or
# private objects in an S3-compatible bucket shared by every machine (MOTCUA_FILE_STORAGE=s3).
MOTCUA_FILE_STORAGE = env_str("MOTCUA_FILE_STORAGE", "filesystem")
if MOTCUA_FILE_STORAGE == "filesystem":
    _file_storage: dict[str, Any] = {"BACKEND": "motcua.core.files.PrivateFileSystemStorage"}
elif MOTCUA_FILE_STORAGE == "s3":
    env_str("MOTCUA_S3_BUCKET")  # required: fail at start-up, not at the first upload
    _file_storage = {"BACKEND": "motcua.core.s3.PrivateS3Storage", "OPTIONS": s3_options_from_env()}
else:
    raise ImproperlyConfigured(f"MOTCUA_FILE_STORAGE must be filesystem or s3, got {MOTCUA_FILE_STORAGE!r}.")
# Many machines (docs/operations.md): in production nothing that matters may live in one process.
if IS_PRODUCTION and CACHE_URL.startswith("locmem"):
    raise ImproperlyConfigured(
        "CACHE_URL=locmem:// keeps the cache and rate limits in one process; use redis://."
    )
if IS_PRODUCTION and TASK_BACKEND == "memory":
    raise ImproperlyConfigured(
        "MOTCUA_TASK_BACKEND=memory is for tests; use redis (or sqlite on one machine)."
    )
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or MOTCUA_ENV == "test"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", IS_PRODUCTION)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua@localhost")

# --- Delivery of notifications by e-mail and SMS (notify, ADR 0049 and 0050, docs/notify.md) ---
# The e-mail channel always speaks SMTP (Django's SMTP backend, whatever EMAIL_BACKEND says) to
# MOTCUA_SMTP_HOST:MOTCUA_SMTP_PORT: in development and tests the capture server (`motcua
# mailcapture serve`, port 8025); in production the operator's relay (EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL; docs/configuration.md).
MOTCUA_SMTP_HOST = env_str("MOTCUA_SMTP_HOST", EMAIL_HOST if IS_PRODUCTION else "127.0.0.1")
MOTCUA_SMTP_PORT = env_int("MOTCUA_SMTP_PORT", EMAIL_PORT if IS_PRODUCTION else smtp_capture_port())
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# The SMS gateway (the reference one on port 8004 in development) and the secret shared with it.
MOTCUA_SMS_GATEWAY_URL = env_str("MOTCUA_SMS_GATEWAY_URL", sms_gateway_url())
MOTCUA_SMS_GATEWAY_SECRET = env_str("MOTCUA_SMS_GATEWAY_SECRET", "") or (
    "" if IS_PRODUCTION else development_secret(VAR_DIR, "sms-gateway-secret")
)
MOTCUA_SMS_GATEWAY_TIMEOUT = env_int("MOTCUA_SMS_GATEWAY_TIMEOUT", 5)
MOTCUA_SMS_SENDER = env_str("MOTCUA_SMS_SENDER", "DVCQG")
# Where the gateway posts its delivery receipts (default: this platform's receipt endpoint); set
# after MOTCUA_PUBLIC_URL below.
MOTCUA_SMS_RECEIPT_URL = env_str("MOTCUA_SMS_RECEIPT_URL", "")
# Channels that deliver notifications (both by default; an empty value turns delivery off).
MOTCUA_NOTIFY_CHANNELS = env_list("MOTCUA_NOTIFY_CHANNELS", ["email", "sms"])
if IS_PRODUCTION and "sms" in MOTCUA_NOTIFY_CHANNELS and not MOTCUA_SMS_GATEWAY_SECRET:
    raise ImproperlyConfigured("MOTCUA_SMS_GATEWAY_SECRET is required when the sms channel is on.")
# A delivery is tried this many times (backoff 30 s, 1 min, 2 min, ... at most an hour) before it
# joins the dead-letter list.
MOTCUA_NOTIFY_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFY_MAX_ATTEMPTS", 5)
# Verification codes: valid this long, this many wrong tries each.
MOTCUA_CONTACT_CODE_SECONDS = env_int("MOTCUA_CONTACT_CODE_SECONDS", 600)
MOTCUA_CONTACT_CODE_ATTEMPTS = env_int("MOTCUA_CONTACT_CODE_ATTEMPTS", 5)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # idle sessions expire after 30 minutes
# ... measured from the last request, not from login: an unchanged session is saved again (its
# expiry moved on) once SESSION_REFRESH_SECONDS have passed since it was last saved, not on
# every request (core.middleware.SessionRefreshMiddleware), so it may expire up to that much
# sooner, never later.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "motcua.portal.errors.csrf_failure"
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
# A load balancer probes the processes behind it over plain HTTP: its probes are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging --------------------------------------------------------------------------------
# structlog for our lines and, through the stdlib bridge, everyone else's; personal data is
# scrubbed from every line (motcua.core.logging). LOG_FORMAT=json for log collectors.
LOGGING: dict[str, Any] = logging_config(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "console"))
configure_structlog()

# --- motcua ---------------------------------------------------------------------------------
# Extra days off and make-up working days beyond the official calendar of the `holidays`
# package are policy: they are rows in core.CalendarException, edited through a service.
MOTCUA_OUTBOX_BATCH_SIZE = env_int("MOTCUA_OUTBOX_BATCH_SIZE", 200)
MOTCUA_OUTBOX_MAX_ATTEMPTS = env_int("MOTCUA_OUTBOX_MAX_ATTEMPTS", 10)
# The worker's outbox loop (core.outbox_worker, ADR 0031): woken by PostgreSQL NOTIFY, or polling
# on SQLite; it waits at most MOTCUA_OUTBOX_POLL_SECONDS, and seals the audit log every
# MOTCUA_AUDIT_SEAL_SECONDS (0: only the periodic task and `motcua audit seal`).
# MOTCUA_OUTBOX_LOOP=0: the huey consumer starts no loop (run `motcua outbox work` instead).
MOTCUA_OUTBOX_LOOP = env_bool("MOTCUA_OUTBOX_LOOP", True)
MOTCUA_OUTBOX_POLL_SECONDS = env_int(
    "MOTCUA_OUTBOX_POLL_SECONDS", 15 if _db["ENGINE"].endswith("postgresql") else 1
)
MOTCUA_AUDIT_SEAL_SECONDS = env_int("MOTCUA_AUDIT_SEAL_SECONDS", 5)
# Health (ops.health, docs/operations.md): the outbox is unhealthy once its oldest undelivered
# event is older than this; the worker once its last heartbeat (every minute) is older than this.
MOTCUA_HEALTH_MAX_BACKLOG_SECONDS = env_int("MOTCUA_HEALTH_MAX_BACKLOG_SECONDS", 300)
MOTCUA_HEALTH_WORKER_MAX_AGE_SECONDS = env_int("MOTCUA_HEALTH_WORKER_MAX_AGE_SECONDS", 180)
MOTCUA_HEALTH_TIMEOUT_SECONDS = env_int("MOTCUA_HEALTH_TIMEOUT_SECONDS", 3)  # each registries probe
# Where applicants reach the platform: the base of the links it hands out (a result's QR code,
# a wallet share link). Required in production; in development PORT's address.
MOTCUA_PUBLIC_URL = _addresses.public_url
MOTCUA_SMS_RECEIPT_URL = MOTCUA_SMS_RECEIPT_URL or f"{MOTCUA_PUBLIC_URL}/api/v1/notify/sms-receipts"

# Rate limits ("<count>/<window>", windows in s, m, h, d, e.g. "5/15m"); see core/ratelimit.py.
MOTCUA_RATE_LIMITS = {
    "api_address": env_str("RATE_LIMIT_API_ADDRESS", "300/m"),
    "api_user": env_str("RATE_LIMIT_API_USER", "120/m"),
    "lookup_address": env_str("RATE_LIMIT_LOOKUP_ADDRESS", "120/m"),
    "lookup_failures_address": env_str("RATE_LIMIT_LOOKUP_FAILURES_ADDRESS", "20/h"),
    "share_failures_address": env_str("RATE_LIMIT_SHARE_FAILURES_ADDRESS", "20/h"),
    "login_address": env_str("RATE_LIMIT_LOGIN_ADDRESS", "30/m"),
    "login_account": env_str("RATE_LIMIT_LOGIN_ACCOUNT", "5/15m"),
    "login_account_day": env_str("RATE_LIMIT_LOGIN_ACCOUNT_DAY", "20/d"),
    "login_address_failures": env_str("RATE_LIMIT_LOGIN_ADDRESS_FAILURES", "50/h"),
    # requests to the registries about someone other than the applicant, per applicant (ADR 0021)
    "third_party_applicant": env_str("RATE_LIMIT_THIRD_PARTY_APPLICANT", "20/d"),
    # integrator clients (agency systems with bearer tokens): API requests and tokens issued, per
    # client; a client may be given its own API rate (`motcua integrators create --rate`)
    "api_client": env_str("RATE_LIMIT_API_CLIENT", "240/m"),
    "token_client": env_str("RATE_LIMIT_TOKEN_CLIENT", "60/h"),
    # verification codes sent to a contact address: per person and channel, and per address
    # whoever asks (no one can bomb an address from many accounts; ADR 0049)
    "contact_code_person": env_str("RATE_LIMIT_CONTACT_CODE_PERSON", "5/h"),
    "contact_code_address": env_str("RATE_LIMIT_CONTACT_CODE_ADDRESS", "5/h"),
}
# Lifetime of an integrator client's access token (docs/api.md); a client asks for a new one.
MOTCUA_INTEGRATOR_TOKEN_SECONDS = env_int("MOTCUA_INTEGRATOR_TOKEN_SECONDS", 600)
# Reference data (procedures, communes, agencies, the calendar, process definitions) is kept in
# each process and dropped when a reload bumps its version in the shared cache; a process looks
# at that version at most this often (core/refdata.py, ADR 0033).
MOTCUA_REFDATA_CHECK_SECONDS = env_int("MOTCUA_REFDATA_CHECK_SECONDS", 1)
# The API does not validate its own answers in production: an answer whose values have exactly the
# declared types is projected on its schema; this setting (on outside production) also validates
# it and fails on any difference (api/projection.py, ADR 0051).
API_CHECK_RESPONSES = env_bool("MOTCUA_API_CHECK_RESPONSES", default=not IS_PRODUCTION)
# How many reverse proxies sit in front of the platform (0: ignore X-Forwarded-For).
MOTCUA_TRUSTED_PROXIES = env_int("MOTCUA_TRUSTED_PROXIES", 0)

# Uploads: outside the web root, size-limited, type checked by content (documents/storage.py).
MOTCUA_UPLOAD_DIR = Path(env_str("MOTCUA_UPLOAD_DIR", str(VAR_DIR / "uploads")))
MOTCUA_UPLOAD_MAX_BYTES = env_int("MOTCUA_UPLOAD_MAX_MB", 10) * 1024 * 1024
# PDFs that enter from outside (documents/pdf_safety.py, ADR 0024): bounds on what checking or
# opening one may cost; active content is refused or removed.
MOTCUA_PDF_MAX_PAGES = env_int("MOTCUA_PDF_MAX_PAGES", 500)
MOTCUA_PDF_MAX_OBJECTS = env_int("MOTCUA_PDF_MAX_OBJECTS", 100_000)
MOTCUA_PDF_MAX_DECODED_BYTES = env_int("MOTCUA_PDF_MAX_DECODED_MB", 256) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads spool to a temporary file
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Payments (docs/payments.md, ADR 0041) ------------------------------------------------------
# The payment gateway (default: the reference gateway `make run` starts), the platform's merchant
# code there and the shared HMAC-SHA512 secret (development: generated once under var/payments/,
# which `make run` registers with the reference gateway).
MOTCUA_PAYMENT_GATEWAY_URL = _addresses.gateway_url
MOTCUA_PAYMENT_MERCHANT = env_str("MOTCUA_PAYMENT_MERCHANT", "MOTCUA")
MOTCUA_PAYMENT_SECRET = (
    env_str("MOTCUA_PAYMENT_SECRET", "")
    if IS_PRODUCTION
    else env_str("MOTCUA_PAYMENT_SECRET", "") or development_secret(VAR_DIR, "payments/merchant-secret")
)
MOTCUA_PAYMENT_TIMEOUT_MS = env_int("MOTCUA_PAYMENT_TIMEOUT_MS", 5000)
# Beneficiary accounts ("BIN:account") of the collecting agencies: "AGENCY=BIN:ACCOUNT,…"; an
# agency not listed collects into the default account (the demo account in development).
MOTCUA_PAYMENT_DEFAULT_ACCOUNT = env_str("MOTCUA_PAYMENT_DEFAULT_ACCOUNT", "970436:0011000123456")
MOTCUA_PAYMENT_ACCOUNTS: dict[str, str] = dict(
    item.split("=", 1) for item in env_list("MOTCUA_PAYMENT_ACCOUNTS", []) if "=" in item
)

# --- Once-only data exchange with the national registries (docs/exchange.md) ------------------
# Where the registries answer (default: the reference registries that `make run` starts), with
# per-registry overrides ("population=https://...,land=https://..." to each one's query URL).
MOTCUA_REGISTRIES_URL = _addresses.registries_url
MOTCUA_REGISTRY_URLS: dict[str, str] = dict(
    item.split("=", 1) for item in env_list("MOTCUA_REGISTRY_URLS", []) if "=" in item
)
# The registries' public signing keys (a JWK set file). Production pins them; without it they
# are fetched from <MOTCUA_REGISTRIES_URL>/.well-known/jwks.json (development only).
MOTCUA_REGISTRIES_JWKS_FILE = env_str("MOTCUA_REGISTRIES_JWKS_FILE", "")
# Seals the agencies' private keys at rest: 32 random bytes in base64.
MOTCUA_EXCHANGE_KEY_SECRET = (
    env_str("MOTCUA_EXCHANGE_KEY_SECRET")
    if IS_PRODUCTION
    else env_str("MOTCUA_EXCHANGE_KEY_SECRET", "") or development_key(VAR_DIR, "exchange-key-secret")
)
try:
    _kek = base64.b64decode(MOTCUA_EXCHANGE_KEY_SECRET, validate=True)
except (binascii.Error, ValueError):
    _kek = b""
if len(_kek) != 32:
    raise ImproperlyConfigured("MOTCUA_EXCHANGE_KEY_SECRET must be 32 random bytes in base64.")
if IS_PRODUCTION and not Path(MOTCUA_REGISTRIES_JWKS_FILE).is_file():
    raise ImproperlyConfigured(
        f"MOTCUA_REGISTRIES_JWKS_FILE: {MOTCUA_REGISTRIES_JWKS_FILE} does not exist; production pins the "
        "registries' public keys (their /.well-known/jwks.json, checked out of band)."
    )
MOTCUA_EXCHANGE_TIMEOUT_MS = env_int("MOTCUA_EXCHANGE_TIMEOUT_MS", 3000)  # a whole prefill, all registries
MOTCUA_EXCHANGE_RETRIES = env_int("MOTCUA_EXCHANGE_RETRIES", 2)
MOTCUA_EXCHANGE_BACKOFF_MS = env_int("MOTCUA_EXCHANGE_BACKOFF_MS", 50)
MOTCUA_EXCHANGE_BREAKER_FAILURES = env_int("MOTCUA_EXCHANGE_BREAKER_FAILURES", 5)
MOTCUA_EXCHANGE_BREAKER_RESET_SECONDS = env_int("MOTCUA_EXCHANGE_BREAKER_RESET_SECONDS", 30)
MOTCUA_EXCHANGE_PARALLEL = env_int("MOTCUA_EXCHANGE_PARALLEL", 16)
# Signed writes (ADR 0043): sends before a write is left for an official, and the first pause.
MOTCUA_EXCHANGE_WRITE_ATTEMPTS = env_int("MOTCUA_EXCHANGE_WRITE_ATTEMPTS", 8)
MOTCUA_EXCHANGE_WRITE_BACKOFF_SECONDS = env_int("MOTCUA_EXCHANGE_WRITE_BACKOFF_SECONDS", 30)
# The portal's own identity towards the registries (it reads access logs for signed-in people).
MOTCUA_PORTAL_AGENCY_CODE = env_str("MOTCUA_PORTAL_AGENCY_CODE", "PORTAL")
# The platform as the issuer of consent tokens (ADR 0022): the name the registries know its
# consent-signing key by, and how long a token lives (seconds; the registries accept at most 3600).
MOTCUA_CONSENT_ISSUER = env_str("MOTCUA_CONSENT_ISSUER", "motcua")
MOTCUA_CONSENT_TOKEN_SECONDS = env_int("MOTCUA_CONSENT_TOKEN_SECONDS", 600)
if not 30 <= MOTCUA_CONSENT_TOKEN_SECONDS <= 3600:
    raise ImproperlyConfigured("MOTCUA_CONSENT_TOKEN_SECONDS must be between 30 and 3600.")
# Drafts nobody touched for this long are deleted with the data fetched for them.
MOTCUA_DRAFT_TTL_HOURS = env_int("MOTCUA_DRAFT_TTL_HOURS", 7 * 24)

# --- Signed results (documents; docs/results.md) ---------------------------------------------
# The development PKI (`motcua pki init`): root CA, timestamp authority, revocation list, agency keys.
MOTCUA_PKI_DIR = Path(env_str("MOTCUA_PKI_DIR", str(VAR_DIR / "pki")))
# Who holds the agencies' signing keys: files (the development PKI's directory), pkcs11, remote.
MOTCUA_SIGNER = env_str("MOTCUA_SIGNER", "files")
if MOTCUA_SIGNER not in {"files", "pkcs11", "remote"}:
    raise ImproperlyConfigured(f"MOTCUA_SIGNER must be files, pkcs11 or remote, got {MOTCUA_SIGNER!r}.")
# Development only: the files signer issues a certificate from the development root on first use.
MOTCUA_PKI_AUTO_ISSUE = env_bool("MOTCUA_PKI_AUTO_ISSUE", not IS_PRODUCTION)
if IS_PRODUCTION and (MOTCUA_PKI_AUTO_ISSUE or MOTCUA_SIGNER == "files"):
    raise ImproperlyConfigured(
        "Production signs with configured keys only: set MOTCUA_SIGNER=pkcs11 or remote and leave "
        "MOTCUA_PKI_AUTO_ISSUE off."
    )
MOTCUA_PKCS11_MODULE = env_str("MOTCUA_PKCS11_MODULE", "")
MOTCUA_PKCS11_TOKEN_LABEL = env_str("MOTCUA_PKCS11_TOKEN_LABEL", "")
MOTCUA_PKCS11_PIN_FILE = env_str("MOTCUA_PKCS11_PIN_FILE", "")
MOTCUA_REMOTE_SIGNER_URL = env_str("MOTCUA_REMOTE_SIGNER_URL", "").rstrip("/")
MOTCUA_REMOTE_SIGNER_TOKEN_FILE = env_str("MOTCUA_REMOTE_SIGNER_TOKEN_FILE", "")
MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = env_int("MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS", 10)
# An RFC 3161 timestamp authority (in development, the reference registries process serves one).
MOTCUA_TSA_URL = env_str("MOTCUA_TSA_URL", f"{MOTCUA_REGISTRIES_URL}/tsa")
MOTCUA_TSA_TIMEOUT_SECONDS = env_int("MOTCUA_TSA_TIMEOUT_SECONDS", 5)
# The only roots validation trusts (never the operating system's store), and known revocation lists.
MOTCUA_TRUST_ROOTS = env_list(
    "MOTCUA_TRUST_ROOTS", [] if IS_PRODUCTION else [str(MOTCUA_PKI_DIR / "root.cert.pem")]
)
MOTCUA_CRL_FILES = env_list(
    "MOTCUA_CRL_FILES", [] if IS_PRODUCTION else [str(MOTCUA_PKI_DIR / "root.crl.pem")]
)
# How certificates' revocation is checked: "require" (revocation data must be known: the
# configured lists, or fetched ones when fetching is on), "hard-fail" or "soft-fail".
MOTCUA_REVOCATION_MODE = env_str("MOTCUA_REVOCATION_MODE", "require")
if MOTCUA_REVOCATION_MODE not in {"require", "hard-fail", "soft-fail"}:
    raise ImproperlyConfigured("MOTCUA_REVOCATION_MODE must be require, hard-fail or soft-fail.")
# Fetch CRLs and OCSP answers named in certificates (off: only MOTCUA_CRL_FILES are used).
MOTCUA_REVOCATION_FETCHING = env_bool("MOTCUA_REVOCATION_FETCHING", False)
if IS_PRODUCTION and not MOTCUA_TRUST_ROOTS:
    raise ImproperlyConfigured("MOTCUA_TRUST_ROOTS must name the national root certificates in production.")
