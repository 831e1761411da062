"""Issue 15: ``make run PORT=… EID_PORT=… REGISTRIES_PORT=…`` moves every address the processes
print or hand out — the start banner, the OIDC endpoints, the registries' URL, the QR code of a
signed result, a share link — because each derives them in one place (core/addresses.py), and
the Makefile, the Procfile and the README agree with it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core import addresses as addresses_module
from motcua.core.addresses import Addresses, addresses
from motcua.portal.banner import banner

REPO = Path(__file__).resolve().parents[2]
MOVED = {"MOTCUA_PORT": "9100", "EID_PORT": "9101", "REGISTRIES_PORT": "9102"}


def test_the_defaults_are_the_documented_ports():
    assert addresses({}) == Addresses(
        public_url="http://127.0.0.1:8000",
        eid_url="http://127.0.0.1:8001",
        registries_url="http://127.0.0.1:8002",
    )


def test_the_ports_move_every_address_and_the_platforms_port_survives_honcho():
    # honcho hands the worker PORT=9200 (the web process's plus 100); MOTCUA_PORT is the platform's
    moved = addresses({**MOVED, "PORT": "9200"})
    assert moved == Addresses(
        public_url="http://127.0.0.1:9100",
        eid_url="http://127.0.0.1:9101",
        registries_url="http://127.0.0.1:9102",
    )
    assert addresses({"PORT": "9100"}).public_url == "http://127.0.0.1:9100"  # outside make run
    assert moved.oidc_callback_urls == [
        "http://127.0.0.1:9100/oidc/callback/",
        "http://localhost:9100/oidc/callback/",
    ]


def test_a_url_variable_wins_over_the_port_and_bad_values_are_refused():
    behind_proxy = addresses({**MOVED, "MOTCUA_PUBLIC_URL": "https://dichvucong.example.vn/"})
    assert behind_proxy.public_url == "https://dichvucong.example.vn"
    assert behind_proxy.oidc_callback_urls == ["https://dichvucong.example.vn/oidc/callback/"]
    assert behind_proxy.eid_url == "http://127.0.0.1:9101"
    with pytest.raises(ImproperlyConfigured, match="EID_PORT must be a TCP port number"):
        addresses({"EID_PORT": "80a"})
    with pytest.raises(ImproperlyConfigured, match="REGISTRIES_PORT must be a TCP port number"):
        addresses({"REGISTRIES_PORT": "70000"})
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_REGISTRIES_URL must be a base URL"):
        addresses({"MOTCUA_REGISTRIES_URL": "127.0.0.1:8002"})


def test_the_banner_prints_where_things_are():
    text = banner(addresses(MOVED))
    assert "http://127.0.0.1:9100/thu-tuc/" in text
    assert "http://127.0.0.1:9100/dang-nhap/" in text
    assert "(http://127.0.0.1:9101, a stand-in for VNeID)" in text
    assert "http://127.0.0.1:9102/v1/registries" in text
    assert not re.search(r":800[0-2]\b", text)


PLATFORM = """
import json
import django
django.setup()
from django.conf import settings
from motcua.documents.results import verify_url
from motcua.documents.wallet_views import share_url
print(json.dumps({
    "public": settings.MOTCUA_PUBLIC_URL,
    "issuer": settings.OIDC_OP_ISSUER,
    "authorize": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
    "registries": settings.MOTCUA_REGISTRIES_URL,
    "tsa": settings.MOTCUA_TSA_URL,
    "qr": verify_url("KQ-1", "abc"),
    "share": share_url(None, "t0ken"),
}))
"""

SERVICE = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps(getattr(settings, {name!r})))
"""


def _run(code: str, settings_module: str, tmp_path: Path, **env: str) -> object:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOTCUA_") and k not in {"PORT", "EID_PORT", "REGISTRIES_PORT", "DATABASE_URL"}
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "MOTCUA_ENV": "test",
            "MOTCUA_VAR_DIR": str(tmp_path / "var"),
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_process_of_make_run_derives_the_same_addresses_from_the_ports(tmp_path):
    """The worker process is given PORT=9200 by honcho, as make run would."""
    platform = _run(PLATFORM, "motcua.settings", tmp_path, **MOVED, PORT="9200")
    assert platform == {
        "public": "http://127.0.0.1:9100",
        "issuer": "http://127.0.0.1:9101/o",
        "authorize": "http://127.0.0.1:9101/o/authorize/",
        "registries": "http://127.0.0.1:9102",
        "tsa": "http://127.0.0.1:9102/tsa",
        "qr": "http://127.0.0.1:9100/xac-minh/?so=KQ-1&ma=abc",
        "share": "http://127.0.0.1:9100/chia-se/t0ken/",
    }
    eid = _run(SERVICE.format(name="ISSUER"), "motcua.eid.settings", tmp_path, **MOVED)
    assert eid == "http://127.0.0.1:9101/o"
    registries = _run(SERVICE.format(name="REGISTRIES_URL"), "motcua.registries.settings", tmp_path, **MOVED)
    assert registries == "http://127.0.0.1:9102"


def test_the_makefile_and_the_procfile_use_the_same_defaults_and_pass_the_ports():
    makefile = (REPO / "Makefile").read_text()
    assert f"\nPORT ?= {addresses_module.DEFAULT_WEB_PORT}\n" in makefile
    assert f"\nEID_PORT ?= {addresses_module.DEFAULT_EID_PORT}\n" in makefile
    assert f"\nREGISTRIES_PORT ?= {addresses_module.DEFAULT_REGISTRIES_PORT}\n" in makefile
    assert f"\nGATEWAY_PORT ?= {addresses_module.DEFAULT_GATEWAY_PORT}\n" in makefile
    assert "data run: export MOTCUA_PORT := $(PORT)" in makefile
    assert "127.0.0.1:$(" not in makefile  # no address spelt out from a port in make
    assert "localhost:$(" not in makefile
    procfile = (REPO / "Procfile").read_text()
    assert f"--bind 127.0.0.1:${{PORT:-{addresses_module.DEFAULT_WEB_PORT}}}" in procfile
    assert f"--bind 127.0.0.1:${{EID_PORT:-{addresses_module.DEFAULT_EID_PORT}}}" in procfile
    assert "registries: exec .venv/bin/motcua registries serve\n" in procfile  # binds its derived URL
    assert "gateway: exec .venv/bin/motcua gateway serve\n" in procfile
    assert f"\nSMS_GATEWAY_PORT ?= {addresses_module.DEFAULT_SMS_GATEWAY_PORT}\n" in makefile
    assert f"\nSMTP_CAPTURE_PORT ?= {addresses_module.DEFAULT_SMTP_CAPTURE_PORT}\n" in makefile
    assert "smsgw: exec .venv/bin/motcua smsgw serve\n" in procfile  # binds its derived URL
    assert "mail: exec .venv/bin/motcua mailcapture serve\n" in procfile  # SMTP_CAPTURE_PORT


def test_the_readme_lists_every_port_and_url_variable():
    readme = (REPO / "README.md").read_text()
    configuration = (REPO / "docs" / "configuration.md").read_text()
    for name in (
        "PORT",
        "EID_PORT",
        "REGISTRIES_PORT",
        "MOTCUA_PORT",
        "MOTCUA_PUBLIC_URL",
        "MOTCUA_EID_URL",
        "MOTCUA_REGISTRIES_URL",
        "GATEWAY_PORT",
        "MOTCUA_GATEWAY_URL",
        "MOTCUA_REGISTRY_URLS",
        "MOTCUA_TSA_URL",
        "OIDC_OP_ISSUER",
        "SMS_GATEWAY_PORT",
        "SMTP_CAPTURE_PORT",
        "MOTCUA_SMS_GATEWAY_URL",
    ):
        assert f"| `{name}`" in readme, name
        assert f"`{name}`" in configuration, name
