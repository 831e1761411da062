"""The multi-node demonstration runs whole (``scripts/multinode.py``, ADR 0035).

Two gunicorn web processes on different ports, each with a ``var`` directory of its own, and a
task worker share PostgreSQL (rows and sessions), Redis (cache, rate limits, task queue) and S3
object storage (moto's standalone server); a dossier is submitted through web A, processed and
signed through web B with a session begun on web A, the worker notifies the applicant, and the
result is downloaded through web A as issued; no node keeps a stored file on its own disk.

It runs in the PostgreSQL pass of ``make test`` (it makes a throw-away database on that server)
and is skipped, saying why, without PostgreSQL or ``redis-server``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip(
            "SKIPPED here: the multi-node demonstration needs PostgreSQL; it runs in the PostgreSQL pass "
            "of `make test` (or `make multinode`)."
        )
    return url.split("?", 1)[0].rsplit("/", 1)[0]


def test_two_web_processes_and_a_worker_share_postgresql_redis_and_object_storage() -> None:
    server = _postgres_server()
    redis_url = os.environ.get("MOTCUA_MULTINODE_REDIS_URL", "")
    if not redis_url and shutil.which("redis-server") is None:
        pytest.skip("SKIPPED: the multi-node demonstration needs Redis (apt-get install redis-server).")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MOTCUA_", "DJANGO_")) and name not in {"DATABASE_URL", "CACHE_URL"}
    }
    done = subprocess.run(
        [sys.executable, "scripts/multinode.py", "--json", "--postgres", server, "--redis-url", redis_url],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == 2:
        pytest.skip(done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr[-6000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["web_a"] != summary["web_b"]
    assert summary["decisions_on_b"] == ["accept", "propose", "approve", "return"]
    assert summary["result"] == f"{summary['dossier']}/TLKS"
    assert len(summary["result_sha256"]) == 64
    # the uploads stored through web A and the result signed on web B, all in the bucket
    assert summary["objects"] >= 3
    assert summary["shared_cache_keys"] > 0
