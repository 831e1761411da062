from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import pytest

from tests.core.test_settings import production_signing


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/thu-tuc/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_api_docs_are_served_locally_with_only_inline_styles_allowed(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


def test_deploy_checks_pass_in_production_settings(tmp_path):
    jwks = tmp_path / "registries-jwks.json"
    jwks.write_text('{"keys": []}')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "DEBUG"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_ENV": "production",
            "MOTCUA_VAR_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(60),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "dichvucong.example",
            "EMAIL_HOST": "smtp.example",
            "DEFAULT_FROM_EMAIL": "no-reply@dichvucong.example",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "OIDC_OP_ISSUER": "https://eid.example/o",
            "OIDC_RP_CLIENT_ID": "motcua",
            "OIDC_RP_CLIENT_SECRET": "s" * 40,
            "MOTCUA_EXCHANGE_KEY_SECRET": base64.b64encode(secrets.token_bytes(32)).decode(),
            "MOTCUA_REGISTRIES_URL": "https://registries.dichvucong.example",
            "MOTCUA_REGISTRIES_JWKS_FILE": str(jwks),
            "MOTCUA_PUBLIC_URL": "https://dichvucong.example",
            **production_signing(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
