"""Django settings for motcua, read from environment variables.

Development needs no configuration: SQLite under ``var/``, a secret key generated into
``var/secret_key``, tasks on SqliteHuey. Production (``MOTCUA_ENV=production``) refuses
to start until every required variable is set; see docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.env import development_secret_key, env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))

MOTCUA_ENV = env_str("MOTCUA_ENV", "development")
if MOTCUA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"MOTCUA_ENV must be development, test or production, got {MOTCUA_ENV!r}.")
IS_PRODUCTION = MOTCUA_ENV == "production"

if IS_PRODUCTION:
    _required = ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"]
    import os

    _missing = [name for name in _required if not os.environ.get(name)]
    if _missing:
        raise ImproperlyConfigured(
            "MOTCUA_ENV=production needs these environment variables: " + ", ".join(_missing)
        )

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
    "motcua.core",
    "motcua.units",
    "motcua.catalog",
    "motcua.portal",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}")
_db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0
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

# --- Auth -----------------------------------------------------------------------------------
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # idle sessions expire after 30 minutes
SESSION_SAVE_EVERY_REQUEST = True  # ... measured from the last request, not from login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging --------------------------------------------------------------------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # run_huey attaches its own handler to the "huey" logger; don't print its lines twice.
    "loggers": {"huey": {"level": "WARNING", "propagate": False}},
}

# --- motcua ---------------------------------------------------------------------------------
# Extra days off and make-up working days beyond the official calendar of the `holidays`
# package are policy: they are rows in core.CalendarException, edited through a service.
MOTCUA_OUTBOX_BATCH_SIZE = env_int("MOTCUA_OUTBOX_BATCH_SIZE", 200)
MOTCUA_OUTBOX_MAX_ATTEMPTS = env_int("MOTCUA_OUTBOX_MAX_ATTEMPTS", 10)
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
