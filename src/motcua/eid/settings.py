"""Settings of the stand-in eID provider process (``motcua-eid``), read from the environment.

Its own database (``MOTCUA_EID_DATABASE_URL``, default ``var/eid.sqlite3``), its own secret
key and RSA signing key under ``var/eid/`` (generated on first start, mode 0600).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from motcua.core.env import development_secret, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
EID_DIR = VAR_DIR / "eid"
MOTCUA_ENV = env_str("MOTCUA_ENV", "development")
IS_PRODUCTION = MOTCUA_ENV == "production"
if IS_PRODUCTION:
    missing = [n for n in ("MOTCUA_EID_SECRET_KEY", "MOTCUA_EID_DATABASE_URL") if not os.environ.get(n)]
    if missing:
        raise ImproperlyConfigured("MOTCUA_ENV=production needs: " + ", ".join(missing))

DEBUG = False
SECRET_KEY = env_str("MOTCUA_EID_SECRET_KEY", "") or development_secret(VAR_DIR, "eid/secret_key")
EID_URL = env_str("MOTCUA_EID_URL", "http://127.0.0.1:8001").rstrip("/")
ALLOWED_HOSTS = ["*"] if not IS_PRODUCTION else [EID_URL.split("://", 1)[-1].split("/")[0].split(":")[0]]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oauth2_provider",
    "motcua.eid",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "motcua.eid.urls"
WSGI_APPLICATION = "motcua.eid.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
_db: dict[str, Any] = dict(
    dj_database_url.parse(env_str("MOTCUA_EID_DATABASE_URL", f"sqlite:///{VAR_DIR / 'eid.sqlite3'}"))
)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "eid-ratelimit"},
}
MOTCUA_RATE_LIMITS = {"eid_login": env_str("MOTCUA_EID_LOGIN_LIMIT", "5/5m")}
MOTCUA_TRUSTED_PROXIES = 0

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOGIN_URL = "/dang-nhap/"
SESSION_COOKIE_NAME = "eid_session"  # distinct from the platform's cookie on the same host
CSRF_COOKIE_NAME = "eid_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True


def _signing_key() -> str:
    path = Path(env_str("MOTCUA_EID_OIDC_KEY_FILE", str(EID_DIR / "oidc-signing-key.pem")))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text()
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    return path.read_text()


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(),
    "OIDC_ISS_ENDPOINT": f"{EID_URL}/o",
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name, personal ID number, date of birth, sex"},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "motcua.eid.validators.EidValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
