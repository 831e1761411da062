"""Issue 15: the first registry pull after start-up no longer runs out of the exchange's time.

A fresh registries worker loaded its URLconf (the views and, through the timestamp authority,
pyHanko) and parsed its access policy on its first request, seconds on a loaded machine,
against the platform's 3 s budget; a fresh platform worker built its HTTP client (the TLS
context) on its first consent. Both now happen when the WSGI module is imported, which gunicorn
does before a worker accepts connections. No time is asserted here (docs: the figures measured
are in the WSGI modules' docstrings); what is asserted is that the lazily loaded things are
loaded before any request is served.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.exchange.server import RegistriesServer

REGISTRIES_STATE = """
import json, sys
import motcua.registries.wsgi
from django.urls import get_resolver
from motcua.registries.policy import policy
print(json.dumps({
    "urlconf": "url_patterns" in vars(get_resolver()),
    "views": "motcua.registries.views" in sys.modules,
    "timestamp_authority": "motcua.registries.tsa" in sys.modules,
    "policy": policy.cache_info().currsize,
}))
"""

PLATFORM_STATE = """
import json, sys
import motcua.wsgi
from motcua.exchange.client import _client
print(json.dumps({"client": _client.cache_info().currsize, "http": "httpcore" in sys.modules}))
"""


def _state(code: str, env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_a_registries_worker_is_warm_before_its_first_request(registries_server: RegistriesServer):
    assert _state(REGISTRIES_STATE, registries_server.env()) == {
        "urlconf": True,
        "views": True,
        "timestamp_authority": True,
        "policy": 1,
    }


def test_the_running_registries_warmed_up_before_answering_anything(registries_server: RegistriesServer):
    """In the session's real gunicorn process: the warm-up line comes before the first request's."""
    log = registries_server.log_file.read_text(errors="replace").splitlines()
    warmed = next(i for i, line in enumerate(log) if "registries warmed up" in line)
    first_request = next(i for i, line in enumerate(log) if "[motcua.request]" in line)
    assert warmed < first_request
    assert "grants=" in log[warmed]
    assert "url_patterns=" in log[warmed]


def test_a_platform_worker_has_its_exchange_client_before_its_first_request(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "MOTCUA_ENV": "test",
        "MOTCUA_VAR_DIR": str(tmp_path / "var"),
    }
    assert _state(PLATFORM_STATE, env) == {"client": 1, "http": True}
