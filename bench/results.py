"""Signed results per second and verifications per second, on both cores.

    .venv/bin/python bench/results.py --seconds 10 --rounds 3

A development PKI is created in a temporary directory and the reference registries process
serves its timestamp authority (RFC 3161 over HTTP, as in `make run`). Two worker processes (one
per core) each keep their agency key loaded and loop for ``--seconds`` per mode; the modes run
side by side in alternating rounds:

- ``render``: the result page drawn and made PDF/A-2b (reportlab + pikepdf);
- ``sign B-B``: render + PAdES signature, no timestamp (the ~33 ms reference of the issue);
- ``sign B-LT``: render + signature + timestamp from the TSA process + validation data (DSS):
  what the approval step does;
- ``verify``: the public verifier on an issued copy (signature, chain to the trust root, CRL,
  timestamp; the known-copy path, no modification analysis);
- ``verify changed copy``: the same with the full modification analysis (any copy that is not
  byte-identical to what was issued).

Goal on 2 cores: >= 20 signed results/s and >= 100 verifications/s. The TSA process shares the
two cores (its CPU is included in the wall-clock rate).
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

MODES = ["render", "sign B-B", "sign B-LT", "verify", "verify changed copy"]


def _setup(pki_dir: str, tsa_url: str) -> None:
    os.environ.setdefault("MOTCUA_ENV", "test")
    os.environ.setdefault("MOTCUA_TASK_BACKEND", "memory")
    os.environ["MOTCUA_PKI_DIR"] = pki_dir
    os.environ["MOTCUA_TRUST_ROOTS"] = str(Path(pki_dir) / "root.cert.pem")
    os.environ["MOTCUA_CRL_FILES"] = str(Path(pki_dir) / "root.crl.pem")
    os.environ["MOTCUA_TSA_URL"] = tsa_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def _page(i: int) -> Any:
    from motcua.documents import rendering

    return rendering.Page(
        agency_name="Ủy ban nhân dân phường Ba Đình",
        parent_name="Thành phố Hà Nội",
        number=f"UBND.00004-261201-{i:06d}/TLKS",
        place="Hà Nội",
        issued_on=datetime.date(2026, 12, 1),
        title="Trích lục khai sinh",
        rows=[
            ("Họ, chữ đệm, tên", f"Nguyễn Thị Ánh Dương {i}"),
            ("Ngày, tháng, năm sinh", "20/11/2026"),
            ("Giới tính", "Nữ"),
            ("Nơi sinh", "Bệnh viện Phụ sản Hà Nội"),
            ("Số định danh cá nhân", f"001226{i:06d}"),
        ],
        holder="N. V. A.",
        verify_url=f"http://127.0.0.1:8000/xac-minh/?so=UBND.00004-261201-{i:06d}%2FTLKS&ma=ABCD2345",
        signer_note="Văn bản điện tử có chữ ký số của Ủy ban nhân dân phường Ba Đình.",
        pdf_title="Trích lục khai sinh",
    )


def _worker(pki_dir: str, tsa_url: str, mode: str, seconds: float, out: Any) -> None:
    _setup(pki_dir, tsa_url)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

    from motcua.documents import rendering, signing, verification

    agency = ("UBND.00004", "Ủy ban nhân dân phường Ba Đình")
    signed = signing.sign_pdf(
        rendering.render(_page(0)), agency_code=agency[0], agency_name=agency[1], reason="r", location="l"
    ).data
    changed = signed + b"\n% appended comment\n"

    def sign_bb(pdf: bytes) -> bytes:
        import io

        meta = PdfSignatureMetadata(
            field_name="ChuKySo", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        out_io = io.BytesIO()
        PdfSigner(meta, signer=signing.backend().signer(*agency)).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out_io, bytes_reserved=signing.RESERVED_BYTES
        )
        return out_io.getvalue()

    def one(i: int) -> None:
        if mode == "render":
            rendering.render(_page(i))
        elif mode == "sign B-B":
            sign_bb(rendering.render(_page(i)))
        elif mode == "sign B-LT":
            signing.sign_pdf(
                rendering.render(_page(i)),
                agency_code=agency[0],
                agency_name=agency[1],
                reason="r",
                location="l",
            )
        elif mode == "verify":
            assert verification.check_pdf(signed, issued_copy=True).verdict is verification.Verdict.VALID
        else:
            assert verification.check_pdf(changed).verdict is verification.Verdict.VALID

    one(1)  # warm: fonts, key, validation caches
    latencies: list[float] = []
    start = time.perf_counter()
    cpu = time.process_time()
    i = 2
    while time.perf_counter() - start < seconds:
        t = time.perf_counter()
        one(i)
        latencies.append(time.perf_counter() - t)
        i += 1
    out.put((len(latencies), time.perf_counter() - start, time.process_time() - cpu, latencies))


def run_mode(pki_dir: str, tsa_url: str, mode: str, seconds: float, processes: int) -> dict[str, float]:
    queue: Any = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_worker, args=(pki_dir, tsa_url, mode, seconds, queue))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    count = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[3])
    return {
        "rate": count / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu": sum(r[2] for r in results) / count * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    from tests.exchange.server import RegistriesServer

    from motcua.documents.pki import DevPki

    with tempfile.TemporaryDirectory() as tmp:
        store = DevPki(Path(tmp) / "pki")
        store.init(agencies=[("UBND.00004", "Ủy ban nhân dân phường Ba Đình")])
        env = {
            "MOTCUA_TSA_CERT_FILE": str(store.tsa_cert_path),
            "MOTCUA_TSA_KEY_FILE": str(store.tsa_key_path),
        }
        with RegistriesServer(Path(tmp) / "registries", size=50, env=env, workers=1, threads=4) as server:
            tsa_url = f"{server.base_url}/tsa"
            best: dict[str, dict[str, float]] = {}
            for round_number in range(1, args.rounds + 1):
                for mode in MODES:
                    figures = run_mode(str(store.directory), tsa_url, mode, args.seconds, args.processes)
                    rate, p50, p99, cpu = (figures[k] for k in ("rate", "p50", "p99", "cpu"))
                    print(
                        f"round {round_number} {mode:<20} {rate:7.1f}/s  p50 {p50:6.1f} ms  "
                        f"p99 {p99:6.1f} ms  worker CPU {cpu:6.1f} ms/op",
                        flush=True,
                    )
                    if mode not in best or figures["rate"] > best[mode]["rate"]:
                        best[mode] = figures
    print("\nbest rounds:")
    for mode in MODES:
        f = best[mode]
        print(f"| {mode} | {f['rate']:.1f}/s | {f['p50']:.1f} ms | {f['p99']:.1f} ms | {f['cpu']:.1f} ms |")
    signed, verified = best["sign B-LT"]["rate"], best["verify"]["rate"]
    print(
        f"\nsigned results/s (B-LT): {signed:.1f} (goal >= 20); verifications/s: {verified:.1f} "
        f"(goal >= 100), changed copies {best['verify changed copy']['rate']:.1f}; "
        f"B-LT / B-B cost ratio {best['sign B-B']['rate'] / signed:.2f}"
    )


if __name__ == "__main__":
    main()
