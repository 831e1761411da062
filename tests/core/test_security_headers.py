from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from tests.production import clean_environment, production_env


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
    env = {
        **clean_environment(),
        **production_env(tmp_path),
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "MOTCUA_VAR_DIR": str(tmp_path),
        # Django's deploy check wants a secret with many distinct characters and the database is
        # opened, so a real file
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
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
