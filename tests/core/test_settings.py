"""Settings come from the environment, with safe development defaults and a fail-fast production mode."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.env import development_secret_key, env_bool, env_int, env_list, env_str
from tests.production import production_env, run_settings


def test_production_refuses_to_start_and_names_every_missing_variable(tmp_path):
    result = run_settings(tmp_path, MOTCUA_ENV="production")
    assert result.returncode != 0
    for name in (
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
    ):
        assert name in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_refuses_debug(tmp_path):
    result = run_settings(tmp_path, **{**production_env(tmp_path), "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_the_development_signer(tmp_path):
    configured = production_env(tmp_path)
    assert run_settings(tmp_path, **configured).returncode == 0
    for name, value in (
        ("MOTCUA_SIGNER", "files"),
        ("MOTCUA_PKI_AUTO_ISSUE", "1"),
        ("MOTCUA_TRUST_ROOTS", ""),
    ):
        result = run_settings(tmp_path, **{**configured, name: value})
        assert result.returncode != 0, name
        assert "MOTCUA_SIGNER" in result.stderr or "MOTCUA_TRUST_ROOTS" in result.stderr, name


def test_production_refuses_to_start_without_the_public_url(tmp_path):
    """Issue 15: the base of every link the platform hands out (a result's QR code, a share
    link) is never guessed in production, whatever PORT says."""
    configured = {**production_env(tmp_path), "PORT": "443"}
    del configured["MOTCUA_PUBLIC_URL"]
    result = run_settings(tmp_path, **configured)
    assert result.returncode != 0
    assert "MOTCUA_ENV=production needs these environment variables: MOTCUA_PUBLIC_URL" in result.stderr
    bad = run_settings(tmp_path, **{**configured, "MOTCUA_PUBLIC_URL": "dichvucong.example/motcua"})
    assert bad.returncode != 0
    assert "MOTCUA_PUBLIC_URL must be a base URL" in bad.stderr


def test_production_starts_when_configured(tmp_path):
    result = run_settings(tmp_path, **production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_the_exchange_refuses_a_weak_key_secret_or_unpinned_registry_keys(tmp_path):
    weak = run_settings(tmp_path, MOTCUA_EXCHANGE_KEY_SECRET=base64.b64encode(b"short").decode())
    assert weak.returncode != 0
    assert "MOTCUA_EXCHANGE_KEY_SECRET must be 32 random bytes" in weak.stderr
    production = {**production_env(tmp_path), "MOTCUA_REGISTRIES_JWKS_FILE": str(tmp_path / "missing.json")}
    unpinned = run_settings(tmp_path, **production)
    assert unpinned.returncode != 0
    assert "MOTCUA_REGISTRIES_JWKS_FILE" in unpinned.stderr
    assert "does not exist" in unpinned.stderr


def test_development_defaults_to_sqlite_under_var_and_generates_a_private_secret(tmp_path):
    result = run_settings(tmp_path, MOTCUA_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_unknown_environment_name_is_rejected(tmp_path):
    result = run_settings(tmp_path, MOTCUA_ENV="staging")
    assert result.returncode != 0
    assert "MOTCUA_ENV must be development, test or production" in result.stderr


def test_development_secret_key_is_stable(tmp_path):
    first = development_secret_key(tmp_path)
    assert development_secret_key(tmp_path) == first


def test_env_helpers_parse_and_reject(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 12
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 0)
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_MISSING is required"):
        env_str("X_MISSING")


def test_redis_task_backend_needs_redis_url_and_uses_redis_huey(tmp_path):
    check = "import django; django.setup(); from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_VAR_DIR": str(tmp_path),
            "MOTCUA_TASK_BACKEND": "redis",
        }
    )
    missing = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, check=False
    )
    assert missing.returncode != 0
    assert "REDIS_URL is required" in missing.stderr
    env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    configured = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, check=False
    )
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.strip() == "RedisHuey"
