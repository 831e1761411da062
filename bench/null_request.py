"""CPU of a signed-in API request that does nothing: the platform's whole middleware stack
against Django's session, CSRF and authentication middleware alone, in one run.

    .venv/bin/python bench/null_request.py [--requests 2000] [--rounds 3] [--database-url ...]
                                           [--cache-url redis://...]

The platform's WSGI application is driven in this process (no sockets, no HTTP parsing: what
is measured is Django and the middleware) with the session cookie of one signed-in applicant,
``GET /api/v1/_bench/null`` (under the API prefix, so the API's rate limits count it). Two
handlers, in alternating rounds:

- ``full``: ``settings.MIDDLEWARE`` as the platform runs it; the view resolves the request's
  actor (``identity.actors.actor_for``, what every signed-in API operation does first) and
  answers 204;
- ``django``: only ``SessionMiddleware``, ``CsrfViewMiddleware`` and
  ``AuthenticationMiddleware``; the view asks ``request.user.is_authenticated`` (so the
  session and the user are loaded, as any signed-in request must) and answers 204.

Printed per handler: CPU per request in this process, the PostgreSQL backend's own CPU per
request (read from /proc when the server runs on this machine), SQL statements per request, and
the machine's load average (the machine is shared: CPU per request moves less than wall time,
but it moves). PostgreSQL (``postgres://postgres@127.0.0.1:5432/motcua_bench_null``, recreated)
when it is reachable, else SQLite in a temporary directory. Target (issue 16): ≤ 0.8 ms of CPU
through the full middleware.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_submissions", HERE / "submissions.py")
assert _spec
assert _spec.loader
submissions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(submissions)

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/motcua_bench_null"
TARGET_MS = 0.8
PATH = "/api/v1/_bench/null"
DJANGO_ALONE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of the database backend ``pid`` so far; NaN if unreadable."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _urlconf() -> types.ModuleType:
    """The platform's URLs plus the two do-nothing views."""
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path

    from motcua.identity.actors import ApplicantActor, actor_for

    def full_view(request: HttpRequest) -> HttpResponse:
        if not isinstance(actor_for(request), ApplicantActor):
            return HttpResponse(status=401)
        return HttpResponse(status=204)

    def django_view(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponse(status=401)
        return HttpResponse(status=204)

    module = types.ModuleType("bench_null_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("api/v1/_bench/null", full_view),
        path("api/v1/_bench/django", django_view),
        path("", include("motcua.urls")),
    ]
    sys.modules[module.__name__] = module
    return module


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per handler and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", default="", help=f"default: {DEFAULT_POSTGRES} if reachable, else SQLite"
    )
    parser.add_argument("--cache-url", default="", help="the platform's CACHE_URL (default: the database)")
    parser.add_argument(
        "--profile", action="store_true", help="then profile the full handler (cProfile, CPU)"
    )
    parser.add_argument("--sort", default="tottime", help="the profile's order (tottime, cumulative)")
    parser.add_argument("--filter", default="", help="a regular expression the profile's rows must match")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="motcua-null-") as directory:
        var_dir = Path(directory)
        database_url = args.database_url or (
            DEFAULT_POSTGRES
            if _postgres_reachable(DEFAULT_POSTGRES)
            else f"sqlite:///{var_dir / 'null.sqlite3'}"
        )
        if database_url.startswith("postgres"):
            submissions._reset_postgres(database_url)
        env = submissions._environment(var_dir, database_url, args.cache_url)
        env["DB_CONN_MAX_AGE"] = "3600"  # one connection per run: a round may outlast 60 s on a busy machine
        submissions._motcua(env, "migrate")
        submissions._motcua(env, "createcachetable")
        os.environ.update(env)
        import django

        django.setup()
        results = _measure(args)
    print(
        f"{results['vendor']}, cache {args.cache_url or 'db://motcua_cache (default)'}; "
        f"{args.rounds} rounds of {args.requests} requests per handler; "
        f"load average {results['load_before']} before, {results['load_after']} after (a shared machine)"
    )
    for name, label in (
        ("django", "Django session + CSRF + auth alone"),
        ("full", "the platform's middleware"),
    ):
        cpu = results[name]
        print(
            f"  {label:<36} {statistics.fmean(cpu['cpu']) * 1000:6.3f} ms CPU / request "
            f"(best round {min(cpu['cpu']) * 1000:.3f})   "
            f"database backend {statistics.fmean(cpu['db']) * 1000:6.3f} ms   {cpu['sql']:.1f} SQL"
        )
    full = min(results["full"]["cpu"]) * 1000
    print(
        f"signed-in API request through the full middleware: {full:.3f} ms of CPU (best round); "
        f"target ≤ {TARGET_MS} ms: {'met' if full <= TARGET_MS else 'NOT met'}"
    )


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.client import RequestFactory
    from tests.identity.world import make_applicant

    module = _urlconf()
    user = make_applicant("001086027419", "Nguyễn Văn Minh", submissions.datetime.date(1986, 4, 12))
    browser = Client()
    browser.force_login(user, backend="motcua.identity.auth.EidBackend")
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in browser.cookies.items())
    with override_settings(ROOT_URLCONF=module.__name__):
        handlers: dict[str, tuple[Callable[..., Any], str]] = {"full": (WSGIHandler(), PATH)}
        with override_settings(MIDDLEWARE=DJANGO_ALONE):
            handlers["django"] = (WSGIHandler(), "/api/v1/_bench/django")
        base = RequestFactory()._base_environ(HTTP_COOKIE=cookie, REMOTE_ADDR="198.51.100.20")
        statements = [0]

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            statements[0] += 1
            return execute(sql, params, many, context)

        def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
            assert status.startswith("204"), status

        def one(handler: Callable[..., Any], path: str) -> None:
            environ = {**base, "PATH_INFO": path, "wsgi.input": io.BytesIO(b"")}
            response = handler(environ, start_response)
            b"".join(response)
            response.close()

        results: dict[str, Any] = {name: {"cpu": [], "db": [], "sql": 0.0} for name in handlers}
        results["load_before"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        with connection.execute_wrapper(count):
            for handler, path in handlers.values():  # warm up: connections, caches
                for _ in range(50):
                    one(handler, path)
            for _round in range(args.rounds):
                for name, (handler, path) in handlers.items():
                    one(handler, path)  # the connection this round uses is open
                    backend = _backend_pid(connection)
                    before_sql, before_db, started = statements[0], _backend_cpu(backend), time.process_time()
                    for _ in range(args.requests):
                        one(handler, path)
                    cpu = (time.process_time() - started) / args.requests
                    results[name]["cpu"].append(cpu)
                    results[name]["db"].append((_backend_cpu(backend) - before_db) / args.requests)
                    results[name]["sql"] = (statements[0] - before_sql) / args.requests
        results["load_after"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile(time.process_time)
            handler, path = handlers["full"]
            profile.enable()
            for _ in range(args.requests):
                one(handler, path)
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(
                *([args.filter] if args.filter else []), args.top
            )
        results["vendor"] = connection.vendor
    return results


def _backend_pid(connection: Any) -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
