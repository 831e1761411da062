"""The registries' settings: safe development defaults, fail-fast production, test knobs refused there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.SEAL_SECONDS)"


def run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_SETTINGS_MODULE"))}
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "motcua.registries.settings", "MOTCUA_VAR_DIR": str(tmp_path), **env}
    )
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=clean, capture_output=True, text=True, check=False
    )


PRODUCTION = {
    "MOTCUA_ENV": "production",
    "MOTCUA_REGISTRIES_SECRET_KEY": "x" * 60,
    "MOTCUA_REGISTRIES_DATABASE_URL": "postgres://u@db/registries",
    "MOTCUA_REGISTRIES_SIGNING_KEY_FILE": "/run/secrets/registries-signing-keys.json",
}


def test_production_names_every_missing_variable(tmp_path):
    result = run(tmp_path, MOTCUA_ENV="production")
    assert result.returncode != 0
    for name in PRODUCTION:
        if name != "MOTCUA_ENV":
            assert name in result.stderr
    assert not (tmp_path / "registries").exists()  # no development secrets made


def test_production_starts_when_configured_and_refuses_the_test_knobs(tmp_path):
    assert run(tmp_path, **PRODUCTION).returncode == 0
    for knob in ({"MOTCUA_REGISTRIES_DIRECT_ENDPOINT": "1"}, {"MOTCUA_REGISTRIES_DELAY_MS": "population=50"}):
        refused = run(tmp_path, **PRODUCTION, **knob)
        assert refused.returncode != 0
        assert "refused when MOTCUA_ENV=production" in refused.stderr


def test_a_malformed_delay_is_named(tmp_path):
    result = run(tmp_path, MOTCUA_REGISTRIES_DELAY_MS="population:50")
    assert result.returncode != 0
    assert "MOTCUA_REGISTRIES_DELAY_MS" in result.stderr


def test_production_never_creates_a_signing_key(tmp_path):
    missing = tmp_path / "absent-keys.json"
    script = "import django; django.setup(); from motcua.registries.keys import signing_keys; signing_keys()"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_SETTINGS_MODULE"))}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.registries.settings",
            "MOTCUA_VAR_DIR": str(tmp_path),
            **PRODUCTION,
            "MOTCUA_REGISTRIES_SIGNING_KEY_FILE": str(missing),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=clean, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert not missing.exists()


def test_generating_synthetic_people_is_refused_in_production(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_SETTINGS_MODULE"))}
    clean.update({"MOTCUA_VAR_DIR": str(tmp_path), **PRODUCTION})
    result = subprocess.run(
        [str(Path(sys.executable).parent / "motcua"), "registries", "generate", "--size", "100"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "refused when MOTCUA_ENV=production" in result.stderr
