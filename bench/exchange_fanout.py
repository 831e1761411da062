"""Fan-out: prefilling from four registries at once against the slowest registry alone.

    .venv/bin/python bench/exchange_fanout.py [--samples 200]

Starts the reference registries with each of four registries answering after a fixed delay
(``MOTCUA_REGISTRIES_DELAY_MS``: population 20 ms, civil status 35 ms, residence 50 ms, judicial
records 80 ms, as a slow national database might), registers a provincial Department of Justice
key, and measures with the platform's real client, in one run:

- each registry alone: one signed request at a time (``ExchangeClient.pull`` of one item);
- the fan-out: the four requests of a criminal-record-certificate prefill in one ``pull``.

It prints p50 and p99 of each, and the fan-out's overhead over the slowest registry alone (goal:
at most 10 ms). Samples alternate between the modes so drift on the machine hits them alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

AGENCY = "BENCH.STP.1"
SUBJECT = "001086027419"  # a demo person present in every generated dataset
DELAYS_MS = {"population": 20, "civil_status": 35, "residence": 50, "judicial_records": 80}
FIELDS = {
    "population": ("full_name", "date_of_birth", "sex", "place_of_birth", "nationality", "personal_id"),
    "civil_status": ("father.full_name", "mother.full_name", "spouse.full_name"),
    "residence": ("permanent_residence.address", "temporary_residence.address", "residence_history"),
    "judicial_records": ("convictions", "bans_on_holding_positions"),
}
LEGAL_BASIS = {"judicial_records": "luat-lltp-2009"}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args()

    from tests.exchange.consents import ConsentIssuer
    from tests.exchange.server import RegistriesServer

    from motcua import protocol
    from motcua.exchange.client import PullItem, PullStatus, connect
    from motcua.protocol import ExchangeRequest

    key = protocol.generate_key()
    issuer = ConsentIssuer("bench-platform")
    delays = ",".join(f"{name}={ms}" for name, ms in DELAYS_MS.items())
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as directory:
        server = RegistriesServer(
            Path(directory),
            size=args.people,
            workers=2,
            env={"MOTCUA_REGISTRIES_DELAY_MS": delays, "LOG_LEVEL": "WARNING"},
        )
        with server:
            server.import_registrations(
                {
                    "agencies": [
                        {
                            "code": AGENCY,
                            "name": AGENCY,
                            "agency_type": "provincial_justice_department",
                            "keys": [protocol.public_jwk(key)],
                        }
                    ],
                    "consent_issuers": [issuer.registration()],
                }
            )
            client = connect(server.base_url, timeout=5.0, retries=0, breaker_failures=1000, breaker_reset=1)

            def item(registry: str) -> PullItem:
                request = ExchangeRequest(
                    agency=AGENCY,
                    registry=registry,
                    procedure="criminal-record-certificate",
                    dossier="bench",
                    purpose="Đo hiệu năng",
                    legal_basis=LEGAL_BASIS.get(registry, "qd-06-2022"),
                    subject=SUBJECT,
                    fields=FIELDS[registry],
                    requester=SUBJECT,  # the person asks about themselves
                    consent="",
                    request_id=str(uuid.uuid4()),
                )
                return PullItem(label=registry, request=issuer.consented(request), key=key)

            def timed(items: list[PullItem]) -> float:
                started = time.perf_counter()
                outcomes = client.pull(items)
                elapsed = time.perf_counter() - started
                bad = [o for o in outcomes if o.status != PullStatus.OK]
                if bad:
                    raise SystemExit(
                        f"unexpected outcome: {bad[0].label} {bad[0].status} {bad[0].error_code}"
                    )
                return elapsed

            for _ in range(10):  # warm up connections and the registries' key cache
                timed([item(name) for name in DELAYS_MS])
            alone: dict[str, list[float]] = {name: [] for name in DELAYS_MS}
            fanout: list[float] = []
            for _ in range(args.samples):
                for name in DELAYS_MS:
                    alone[name].append(timed([item(name)]))
                fanout.append(timed([item(name) for name in DELAYS_MS]))
    print(
        f"{args.samples} samples of each; registry delays {delays} (ms); "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for name, values in alone.items():
        print(
            f"  {name:<17} alone     p50 {_percentile(values, 0.5) * 1000:7.2f} ms   "
            f"p99 {_percentile(values, 0.99) * 1000:7.2f} ms"
        )
    slowest = max(alone, key=lambda name: statistics.median(alone[name]))
    print(
        f"  all four          fan-out   p50 {_percentile(fanout, 0.5) * 1000:7.2f} ms   "
        f"p99 {_percentile(fanout, 0.99) * 1000:7.2f} ms"
    )
    overhead_p50 = (_percentile(fanout, 0.5) - _percentile(alone[slowest], 0.5)) * 1000
    overhead_p99 = (_percentile(fanout, 0.99) - _percentile(alone[slowest], 0.99)) * 1000
    print(
        f"fan-out overhead over the slowest registry alone ({slowest}): p50 {overhead_p50:+.2f} ms, "
        f"p99 {overhead_p99:+.2f} ms; goal ≤ 10 ms"
    )


if __name__ == "__main__":
    main()
