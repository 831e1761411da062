"""Where a signed registry lookup's CPU goes, against the same lookup unsigned, in one run.

    .venv/bin/python bench/exchange_profile.py [--requests 1500] [--rounds 3] [--people 20000] [--profile]

Prepares the reference registries (SQLite in a temporary directory, ``--people`` generated, one
agency key and one consent issuer registered) and measures three modes, alternating by round:
``health`` (a trivial JSON view), ``direct`` (``/bench/direct/population``: the lookup and field
selection, unsigned and unlogged) and ``signed`` (the platform's ``ExchangeClient.call``: a
consent token and the request signed, the registry's verification of both, policy, lookup,
access-log entry, signed answer, verified by the client).

1. **In process** (a child process with the registries' settings, the registries' WSGI
   application called through ``httpx.WSGITransport``: no sockets, one thread): CPU per request
   split into the client's part (signing the consent and the request, verifying the answer,
   httpx), Django's (the WSGI handler and middleware around the view) and the view's, and inside
   the signed view: verifying the request, checking the consent, policy and relations, the
   lookup, the access-log entry and signing the answer (thread CPU, measured by wrapping those
   functions in this process only).
2. **Over HTTP** (the registries under gunicorn, ``--workers`` × ``--server-threads``; one
   keep-alive client thread in this process, requests one after another): CPU per request in the
   server processes and in the client, so the HTTP share (gunicorn, sockets, parsing) is the
   server's CPU over HTTP less what the same request costs in process.

Printed: both tables, the machine's load average, and signed's CPU per request against
direct's (the ratio of throughputs two saturated cores would give); the throughput ratio itself
is ``bench/exchange_throughput.py``'s (target of issue 16: signed ≥ 60% of direct).
``--profile`` adds cProfile's table of the in-process signed requests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FIELDS = ("full_name", "date_of_birth", "personal_id", "permanent_residence")
AGENCY = "BENCH.UBND.1"
ISSUER = "bench-platform"
MODES = ("health", "direct", "signed")
PARTS = (
    ("client", "client: consent and request signed, answer verified, httpx"),
    ("django", "Django: WSGI handler and middleware"),
    ("verify", "view: verify the request (Ed25519, key lookup)"),
    ("consent", "view: check the consent token (Ed25519)"),
    ("policy", "view: policy, relations, request parsing"),
    ("lookup", "view: the record lookup and selection"),
    ("log", "view: the access-log entry (group commit)"),
    ("sign", "view: sign the answer"),
    ("rest", "view: the rest"),
)


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# --- the client side, shared by both phases -------------------------------------------------------


class Caller:
    """One mode's request, made with the platform's real client over ``http``."""

    def __init__(self, base_url: str, http: Any, subjects: list[str], keys: dict[str, Any]) -> None:
        from tests.exchange.consents import ConsentIssuer

        from motcua.exchange.client import BreakerBoard, Endpoints, ExchangeClient, RegistryTrust
        from motcua.protocol import key_from_jwk

        self.base_url = base_url
        self.http = http
        self.subjects = subjects
        self.key = key_from_jwk(keys["agency"])
        self.issuer = ConsentIssuer(ISSUER, key=key_from_jwk(keys["consent"]))
        endpoints = Endpoints(base_url=base_url, overrides={})
        self.client = ExchangeClient(
            endpoints=endpoints,
            trust=RegistryTrust(http=http, jwks_url=endpoints.jwks_url, pinned_file=None),
            http=http,
            timeout=5.0,
            retries=0,
            backoff=0.05,
            breakers=BreakerBoard(failure_threshold=1_000_000, reset_seconds=30.0),
            parallel=1,
        )
        self.url = endpoints.query_url("population")
        self.count = 0

    def __call__(self, mode: str) -> bool:
        from motcua.exchange.client import PullStatus
        from motcua.protocol import ExchangeRequest

        self.count += 1
        subject = self.subjects[self.count % len(self.subjects)]
        if mode == "health":
            return bool(self.http.get(f"{self.base_url}/health").status_code == 200)
        if mode == "direct":
            response = self.http.get(
                f"{self.base_url}/bench/direct/population",
                params={"subject": subject, "fields": ",".join(FIELDS)},
            )
            return bool(response.status_code == 200 and response.json()["status"] == "ok")
        request = ExchangeRequest(
            agency=AGENCY,
            registry="population",
            procedure="birth-registration",
            dossier="bench",
            purpose="Đo hiệu năng",
            legal_basis="qd-06-2022",
            subject=subject,
            fields=FIELDS,
            requester=subject,
            consent="",
            request_id=str(uuid.uuid4()),
        )
        request = self.issuer.consented(request)
        outcome = self.client.call(
            breaker_name="population",
            url=self.url,
            claims_for=lambda nonce, iat: {**request.claims(), "nonce": nonce, "iat": iat},
            key=self.key,
            agency=AGENCY,
            deadline=time.monotonic() + 5,
        )
        return bool(outcome.status == PullStatus.OK)


# --- phase 1: in process (child) --------------------------------------------------------------------


class Meter:
    """Thread CPU spent inside wrapped functions, by part (the outermost wrapper of a part counts)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.active: set[str] = set()

    def wrap(self, owner: Any, name: str, part: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        meter = self

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if part in meter.active:
                return original(*args, **kwargs)
            meter.active.add(part)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                meter.spent[part] += time.thread_time() - started
                meter.active.discard(part)

        setattr(owner, name, wrapped)


def child(config: dict[str, Any]) -> None:
    import django

    django.setup()
    import cProfile
    import pstats

    import httpx
    from django.core.handlers.wsgi import WSGIHandler

    from motcua.registries import services, views
    from motcua.registries.data import records
    from motcua.registries.wsgi import application

    meter = Meter()
    meter.wrap(WSGIHandler, "__call__", "handler")
    for name in ("query", "direct", "health"):
        meter.wrap(views, name, "view")
    meter.wrap(services, "_verified", "verify")
    meter.wrap(services, "_checked_consent", "consent")
    meter.wrap(services, "fetch", "lookup")
    meter.wrap(services, "select", "lookup")
    meter.wrap(views, "fetch", "lookup")
    meter.wrap(views, "select", "lookup")
    meter.wrap(services, "_record_accepted", "log")
    meter.wrap(services, "_signed_answer", "sign")
    for name in ("authorise",):
        meter.wrap(type(services.policy()), name, "policy")
    meter.wrap(services, "_relation", "policy")
    del records

    base_url = config["base_url"]
    http = httpx.Client(transport=httpx.WSGITransport(app=application), base_url=base_url)
    caller = Caller(base_url, http, config["subjects"], config["keys"])
    # the views are looked up by the URL resolver: reload it so it sees the wrapped ones
    from django.urls import clear_url_caches

    clear_url_caches()
    import importlib

    import motcua.registries.urls as urls

    importlib.reload(urls)
    for mode in MODES:  # warm up: keys, connections, caches
        for _ in range(50):
            assert caller(mode), mode
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(config["rounds"]):
        for mode in MODES:
            meter.spent.clear()
            started = time.thread_time()
            for _ in range(config["requests"]):
                assert caller(mode), mode
            total = time.thread_time() - started
            spent = dict(meter.spent)
            view = spent.get("view", 0.0)
            inner = sum(
                spent.get(part, 0.0) for part in ("verify", "consent", "policy", "lookup", "log", "sign")
            )
            figures = {
                "total": total,
                "client": total - spent.get("handler", 0.0),
                "django": spent.get("handler", 0.0) - view,
                "rest": view - inner,
                **{
                    part: spent.get(part, 0.0)
                    for part in ("verify", "consent", "policy", "lookup", "log", "sign")
                },
            }
            results[mode].append({key: value * 1000 / config["requests"] for key, value in figures.items()})
    profile = cProfile.Profile(time.thread_time)
    if config["profile"]:  # after the measured rounds, so the profiler's cost is not in them
        profile.enable()
        for _ in range(config["requests"]):
            caller("signed")
        profile.disable()
    Path(config["out"]).write_text(json.dumps(results))
    if config["profile"]:
        pstats.Stats(profile, stream=sys.stdout).sort_stats(config["sort"]).print_stats(45)


# --- phase 2: over HTTP -------------------------------------------------------------------------------


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def over_http(server: Any, caller: Caller, args: argparse.Namespace) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for mode in MODES:
        for _ in range(50):
            assert caller(mode), mode
    pids = server.worker_pids()
    for _ in range(args.rounds):
        for mode in MODES:
            server_before = _cpu_seconds(pids)
            client_before = time.process_time()
            wall = time.perf_counter()
            for _ in range(args.requests):
                assert caller(mode), mode
            wall = time.perf_counter() - wall
            results[mode].append(
                {
                    "server": (_cpu_seconds(pids) - server_before) * 1000 / args.requests,
                    "client": (time.process_time() - client_before) * 1000 / args.requests,
                    "wall": wall * 1000 / args.requests,
                }
            )
    return results


def _best(runs: list[dict[str, float]], key: str) -> dict[str, float]:
    return min(runs, key=lambda figures: figures[key])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1500, help="requests per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process signed requests")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (cumulative, tottime)")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(Path(args.child).read_text()))
        return

    import httpx
    from tests.exchange.server import RegistriesServer

    from motcua import protocol

    key = protocol.generate_key()
    consent_key = protocol.generate_key()
    keys = {"agency": protocol.private_jwk(key), "consent": protocol.private_jwk(consent_key)}
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as directory:
        server = RegistriesServer(
            Path(directory),
            size=args.people,
            workers=args.workers,
            threads=args.server_threads,
            env={
                "MOTCUA_REGISTRIES_DIRECT_ENDPOINT": "1",
                "MOTCUA_REGISTRIES_SEAL_SECONDS": "2",
                "LOG_LEVEL": "WARNING",
            },
        )
        print(f"Generating {args.people:,} people …", flush=True)
        server.prepare()
        server.import_registrations(
            {
                "agencies": [
                    {
                        "code": AGENCY,
                        "name": AGENCY,
                        "agency_type": "commune_peoples_committee",
                        "keys": [protocol.public_jwk(key)],
                    }
                ],
                "consent_issuers": [{"issuer": ISSUER, "keys": [protocol.public_jwk(consent_key)]}],
            }
        )
        subjects = [
            row["personal_id"]
            for row in server.query(
                "SELECT personal_id FROM registry_data_person WHERE died_on IS NULL ORDER BY personal_id"
            )
        ]
        config = Path(directory) / "child.json"
        out = Path(directory) / "inprocess.json"
        config.write_text(
            json.dumps(
                {
                    "subjects": subjects,
                    "keys": keys,
                    "rounds": args.rounds,
                    "requests": args.requests,
                    "profile": args.profile,
                    "sort": args.sort,
                    "out": str(out),
                    "base_url": server.base_url,
                }
            )
        )
        load_before = _load()
        env = server.env(DJANGO_SETTINGS_MODULE="motcua.registries.settings")
        env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
        subprocess.run([sys.executable, __file__, "--child", str(config)], env=env, check=True)
        inprocess: dict[str, list[dict[str, float]]] = json.loads(out.read_text())
        load_between = _load()
        with server:
            http = httpx.Client(limits=httpx.Limits(max_keepalive_connections=2))
            http_results = over_http(server, Caller(server.base_url, http, subjects, keys), args)
        load_after = _load()

    print(
        f"\n{args.requests} requests per mode and round, {args.rounds} rounds, modes alternating; "
        f"load average {load_before} before, {load_between} between, {load_after} after "
        "(a shared machine: compare modes with each other)"
    )
    best = {mode: _best(runs, "total") for mode, runs in inprocess.items()}
    print("\nIn process (no sockets), CPU per request, best round by total:")
    print(f"  {'':<58}" + "".join(f"{mode:>10}" for mode in MODES))
    for part, label in PARTS:
        print(f"  {label:<58}" + "".join(f"{best[mode].get(part, 0.0):8.3f}ms" for mode in MODES))
    print(f"  {'total':<58}" + "".join(f"{best[mode]['total']:8.3f}ms" for mode in MODES))
    best_http = {mode: _best(runs, "server") for mode, runs in http_results.items()}
    print("\nOver HTTP (gunicorn, one keep-alive client thread), CPU per request, best round by server CPU:")
    print(f"  {'':<58}" + "".join(f"{mode:>10}" for mode in MODES))
    rows: list[tuple[str, Callable[[str], float]]] = [
        ("server processes", lambda mode: best_http[mode]["server"]),
        (
            "  of which HTTP (server over HTTP − handler in process)",
            lambda mode: best_http[mode]["server"] - best[mode]["total"] + best[mode]["client"],
        ),
        ("client (this process)", lambda mode: best_http[mode]["client"]),
        ("server + client", lambda mode: best_http[mode]["server"] + best_http[mode]["client"]),
        ("wall time per request", lambda mode: best_http[mode]["wall"]),
    ]
    for label, value in rows:
        print(f"  {label:<58}" + "".join(f"{value(mode):8.3f}ms" for mode in MODES))
    direct = best_http["direct"]["server"] + best_http["direct"]["client"]
    signed = best_http["signed"]["server"] + best_http["signed"]["client"]
    print(
        f"\nsigned / direct by CPU per request over HTTP (server + client): {direct / signed:.1%} "
        f"(in process: {best['direct']['total'] / best['signed']['total']:.1%}); "
        "target (issue 16, as throughput): ≥ 60%"
    )


if __name__ == "__main__":
    main()
