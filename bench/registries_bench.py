"""What the registries' benchmarks share (``exchange_throughput.py``, ``registry_writes.py``):
the command-line options of a load run, the reference registries started on generated people
with one benchmark agency and consent issuer registered, and percentiles. Not a benchmark."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ISSUER = "bench-platform"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def load_arguments(description: str | None, *, people: int, seconds: float) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=people)
    parser.add_argument("--seconds", type=float, default=seconds)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes of the registries")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per registries worker")
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per load process")
    return parser.parse_args()


@contextmanager
def started_registries(
    args: argparse.Namespace, *, agency: str, agency_type: str, env: Mapping[str, str]
) -> Iterator[tuple[Any, Any, Any]]:
    """The registries serving ``args.people`` generated people, with ``agency`` (of
    ``agency_type``) and the consent issuer registered under new keys: (server, key, consent key)."""
    from tests.exchange.server import RegistriesServer

    from motcua import protocol

    key = protocol.generate_key()
    consent_key = protocol.generate_key()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as directory:
        server = RegistriesServer(
            Path(directory),
            size=args.people,
            workers=args.workers,
            threads=args.server_threads,
            env={"MOTCUA_REGISTRIES_SEAL_SECONDS": "2", "LOG_LEVEL": "WARNING", **env},
        )
        print(f"Generating {args.people:,} people and starting the registries ({args.workers} workers) …")
        with server:
            server.import_registrations(
                {
                    "agencies": [
                        {
                            "code": agency,
                            "name": agency,
                            "agency_type": agency_type,
                            "keys": [protocol.public_jwk(key)],
                        }
                    ],
                    "consent_issuers": [{"issuer": ISSUER, "keys": [protocol.public_jwk(consent_key)]}],
                }
            )
            yield server, key, consent_key
