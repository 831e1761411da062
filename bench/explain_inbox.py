"""Where the officials' inbox spends its time in the database: every SQL statement of one inbox
request, timed, and ``EXPLAIN (ANALYZE, BUFFERS)`` of each (PostgreSQL) or ``EXPLAIN QUERY
PLAN`` (SQLite), on the database ``bench/inbox.py`` built.

    .venv/bin/python bench/explain_inbox.py [--dossiers 1000000] [--database-url URL] \\
        [--who commune|province|both] [--query "deadline=overdue"] [--plans]

The officials are the ones ``bench/inbox.py`` signs in (run it once first). Without ``--plans``
it prints only the statements and their times (the selector's queries, the page's others).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--who", choices=["commune", "province", "both"], default="both")
    parser.add_argument("--query", default="", help="inbox filters, as in the page's query string")
    parser.add_argument("--plans", action="store_true", help="also print each statement's plan")
    parser.add_argument("--page", action="store_true", help="the whole page, not only the selector")
    args = parser.parse_args()

    from inbox import _configure  # type: ignore[import-not-found]

    var_dir = REPO / "var" / "bench"
    _configure(args.database_url or f"sqlite:///{var_dir / f'inbox-{args.dossiers}.sqlite3'}", var_dir)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.dossiers.selectors import inbox as inbox_selectors
    from motcua.identity.actors import actor_for_user
    from motcua.identity.models import User

    who = {"commune": "bench.tiepnhan", "province": "bench.giamsat"}
    names = list(who) if args.who == "both" else [args.who]
    filters = dict(parse_qsl(args.query))
    for name in names:
        user = User.objects.get(username=who[name])
        actor = actor_for_user(user, verified=True)
        if args.page:
            from django.conf import settings
            from tests.identity.world import make_official, official_client

            settings.ALLOWED_HOSTS = ["testserver"]
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
            grant = actor.grants[0]  # type: ignore[union-attr]
            username = f"{who[name]}.explain.{int(time.time())}"
            _user, key = make_official(username, [(grant.role, grant.agency_code)])
            client = official_client(username, key)
            url = f"/can-bo/ho-so/?{args.query}"

            def run(client=client, url=url) -> None:  # type: ignore[no-untyped-def]
                assert client.get(url).status_code == 200
        else:

            def run(actor=actor) -> None:  # type: ignore[no-untyped-def]
                inbox_selectors.inbox(actor, **filters)

        run()  # warm: plans, caches, connection
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            elapsed = (time.perf_counter() - started) * 1000
        print(
            f"\n=== {name} ({who[name]}) {args.query or '(work queue)'}: {elapsed:.1f} ms, "
            f"{len(captured.captured_queries)} statements"
        )
        for query in captured.captured_queries:
            sql = query["sql"]
            print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{sql}")
            if not args.plans:
                continue
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                else:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                for row in cursor.fetchall():
                    print("   ", " | ".join(str(cell) for cell in row))


if __name__ == "__main__":
    main()
