"""Django settings of the stand-in electronic identity provider (``motcua-eid``).

A separate Django project from the platform, run as its own process with its own database,
secret key and RSA signing key, read from environment variables through ``motcua.core.env``:

- ``MOTCUA_EID_URL``: public base URL (default ``http://127.0.0.1:<EID_PORT>``, port 8001 unless
  set: ``motcua.core.addresses``); the OIDC issuer
  is ``<MOTCUA_EID_URL>/o``, which is what the platform's ``OIDC_OP_ISSUER`` defaults to;
- ``MOTCUA_EID_DATABASE_URL``: default ``sqlite:///<var>/eid.sqlite3``;
- ``MOTCUA_EID_SECRET_KEY``: default generated once into ``<var>/eid/secret_key`` (0600);
- ``MOTCUA_EID_OIDC_KEY_FILE``: the RSA key that signs id tokens, default
  ``<var>/eid/oidc-signing-key.pem``, generated on first start (2048-bit, 0600).

``MOTCUA_ENV=production`` requires the secret key, the database URL and an existing signing
key file. This provider is for development, demonstrations and tests: a real deployment
points the platform's ``OIDC_*`` settings at the national electronic identity instead
(docs/eid.md).
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
from motcua.core.ratelimit import Rate

PACKAGE_DIR = Path(__file__).resolve().parent  # src/motcua/eid
SRC_DIR = PACKAGE_DIR.parent  # src/motcua
BASE_DIR = Path(env_str("MOTCUA_HOME", str(SRC_DIR.parent.parent)))
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
EID_VAR_DIR = VAR_DIR / "eid"

MOTCUA_ENV = deployment_env()
IS_PRODUCTION = MOTCUA_ENV == "production"

REQUIRED_IN_PRODUCTION = ("MOTCUA_EID_SECRET_KEY", "MOTCUA_EID_DATABASE_URL")
require_in_production(REQUIRED_IN_PRODUCTION, production=IS_PRODUCTION, service="motcua-eid")

DEBUG = env_bool("MOTCUA_EID_DEBUG", False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MOTCUA_EID_DEBUG must be off when MOTCUA_ENV=production.")

if not IS_PRODUCTION:
    EID_VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # development secrets and signing key
SECRET_KEY = service_secret_key("MOTCUA_EID_SECRET_KEY", EID_VAR_DIR, production=IS_PRODUCTION)

# --- Public address ---------------------------------------------------------------------------
_public = env_base_url("MOTCUA_EID_URL", addresses().eid_url)
EID_URL = _public.url
ISSUER = f"{EID_URL}/o"  # the discovery document is <ISSUER>/.well-known/openid-configuration

ALLOWED_HOSTS = env_list("MOTCUA_EID_ALLOWED_HOSTS", _public.allowed_hosts(production=IS_PRODUCTION))
CSRF_TRUSTED_ORIGINS = [_public.origin]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oauth2_provider",
    "motcua.eid",
]

MIDDLEWARE = [
    "motcua.core.middleware.RequestContextMiddleware",  # request id and one log line per request
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

# --- Database (its own; never the platform's) -----------------------------------------------
DATABASE_URL = env_str("MOTCUA_EID_DATABASE_URL", f"sqlite:///{VAR_DIR / 'eid.sqlite3'}")
_db: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # as the platform: WAL for concurrent readers, writers queue at BEGIN instead of failing
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and login limits -------------------------------------------------------------------
# In-process memory: the provider runs as ONE gunicorn worker (threads share the cache), so the
# failed-login counters hold for the whole provider. More workers would each count apart.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "eid"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "eid-ratelimit"},
}
# Failed sign-ins ("<count>/<window>", see motcua.core.ratelimit): past the limit the sign-in
# page answers 429 with Retry-After while the last window holds the limit, whatever the password.
MOTCUA_RATE_LIMITS = {
    "eid_login_account": env_str("MOTCUA_EID_LOGIN_ACCOUNT_LIMIT", "5/5m"),  # per personal ID number
    "eid_login_address": env_str("MOTCUA_EID_LOGIN_ADDRESS_LIMIT", "20/5m"),  # per client address
}
for _name, _rate in MOTCUA_RATE_LIMITS.items():
    try:
        Rate.parse(_rate)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Rate limit {_name}: {exc}") from None
# How many reverse proxies sit in front of the provider (0: ignore X-Forwarded-For).
MOTCUA_TRUSTED_PROXIES = env_int("MOTCUA_EID_TRUSTED_PROXIES", 0)

# --- Accounts and sessions --------------------------------------------------------------------
# The default auth.User; its username is the 12-digit personal ID number (models.EidAccount).
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None  # render eid/signed_out.html
# Both processes usually run on 127.0.0.1, and cookies ignore the port: distinct names keep the
# provider's session and CSRF cookies apart from the platform's.
SESSION_COOKIE_NAME = "eid_session"
CSRF_COOKIE_NAME = "eid_csrftoken"
SESSION_COOKIE_AGE = env_int("MOTCUA_EID_SESSION_SECONDS", 10 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # the platform sends the browser here with a top-level GET
SESSION_COOKIE_SECURE = _public.scheme == "https"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = _public.scheme == "https"

# --- Security headers -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("MOTCUA_EID_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("MOTCUA_EID_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MOTCUA_EID_BEHIND_TLS_PROXY", False) else None
)

# --- Internationalisation: Vietnamese first, the platform's message catalogue ----------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"


# --- OpenID Connect ---------------------------------------------------------------------------
def _signing_key(path: Path, *, may_create: bool) -> str:
    """The PEM of the RSA key that signs id tokens, generated (2048-bit, mode 0600) if allowed."""
    if not path.exists():
        if not may_create:
            raise ImproperlyConfigured(
                f"MOTCUA_EID_OIDC_KEY_FILE: the id-token signing key {path} does not exist. In production "
                "every provider process must sign with the same key: create it once and point every "
                "process at it."
            )
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    text = path.read_text()
    try:
        loaded = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"MOTCUA_EID_OIDC_KEY_FILE: {path} is not an unencrypted PEM key."
        ) from exc
    if not isinstance(loaded, rsa.RSAPrivateKey) or loaded.key_size < 2048:
        raise ImproperlyConfigured(
            f"MOTCUA_EID_OIDC_KEY_FILE: {path} must hold an RSA key of 2048 bits or more."
        )
    return text


OIDC_KEY_FILE = Path(env_str("MOTCUA_EID_OIDC_KEY_FILE", str(EID_VAR_DIR / "oidc-signing-key.pem")))

OAUTH2_PROVIDER: dict[str, Any] = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _signing_key(OIDC_KEY_FILE, may_create=not IS_PRODUCTION),
    "OIDC_ISS_ENDPOINT": ISSUER,  # iss and every endpoint in the discovery document follow from it
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_VALIDATOR_CLASS": "motcua.eid.validators.EidValidator",
    # Shown only on a consent page, which the trusted platform client skips.
    "SCOPES": {"openid": "OpenID Connect", "profile": "Name, personal ID number, date of birth, sex"},
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # http is for the local platform (http://127.0.0.1:<PORT>) only.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if IS_PRODUCTION else ["http", "https"],
    # RFC 9700 (OAuth 2.0 security best current practice): no implicit or password grant, no
    # "plain" PKCE, bearer tokens only in the Authorization header, `iss` in the authorization
    # response (RFC 9207), tokens stored hashed, exact redirect URIs.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": IS_PRODUCTION,
}

# --- Logging: the platform's structlog set-up, personal data scrubbed from every line --------
LOGGING: dict[str, Any] = logging_config(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "console"))
LOGGING["loggers"].update(
    {
        # oauthlib and the toolkit log requests (codes, tokens) at DEBUG
        "oauthlib": {"level": "WARNING"},
        "oauth2_provider": {"level": "WARNING"},
    }
)
configure_structlog()
