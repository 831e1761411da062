"""MOTCUA_SIGNER=remote against the reference signing service as a real process (CSC API v2
subset, bearer token), and the service's own protocol answers."""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import secrets
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from django.core.management import CommandError, call_command

from motcua.documents import signing
from motcua.documents.pki import DevPki
from motcua.documents.signer_service import csc
from tests.documents.signed import assert_trusted_and_timestamped, messages, sign
from tests.documents.signer_server import SigningService
from tests.gunicorn import BIN, free_port

AGENCY = "CSC.TEST"
ROTATING = "CSC.ROTATE"
TOKEN = "platform-token-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, dev_pki: DevPki) -> Iterator[SigningService]:
    for code in (AGENCY, ROTATING):
        if not dev_pki.agency_paths(code)[0].is_file():
            dev_pki.issue_agency(code, f"Cơ quan thử nghiệm {code}")
    with SigningService(tmp_path_factory.mktemp("signer"), key_dir=dev_pki.directory, token=TOKEN) as running:
        yield running


@pytest.fixture
def remote(settings, service: SigningService, tmp_path) -> Iterator[SigningService]:
    token_file = tmp_path / "signer-token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    settings.MOTCUA_SIGNER = "remote"
    settings.MOTCUA_REMOTE_SIGNER_URL = service.base_url
    settings.MOTCUA_REMOTE_SIGNER_TOKEN_FILE = str(token_file)
    settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = 10
    signing.reset()
    yield service
    signing.reset()


def test_signs_through_the_service_and_validates(remote: SigningService, dev_pki: DevPki) -> None:
    first = sign(AGENCY)
    assert_trusted_and_timestamped(first.data)
    assert "CSC.TEST" in first.certificate_subject
    # the signer is kept: the next signature asks only signHash, in a new event loop
    second = sign(AGENCY)
    assert_trusted_and_timestamped(second.data)
    log = remote.log_file.read_text(errors="replace")
    assert f"signHash credential={AGENCY}" in log


def test_wrong_token_is_unavailable_and_names_no_token(remote: SigningService, settings, tmp_path) -> None:
    wrong = "wrong-" + secrets.token_hex(16)
    path = tmp_path / "wrong-token"
    path.write_text(wrong, encoding="utf-8")
    settings.MOTCUA_REMOTE_SIGNER_TOKEN_FILE = str(path)
    signing.reset()
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign(AGENCY)
    shown = messages(caught.value)
    assert "401" in shown
    assert wrong not in shown
    assert TOKEN not in shown
    assert caught.value.http_status == 503


def test_unknown_agency_is_unavailable(remote: SigningService) -> None:
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign("NO.SUCH.AGENCY")
    assert "NO.SUCH.AGENCY" in messages(caught.value)


def test_service_down_is_unavailable_and_recovers(remote: SigningService) -> None:
    sign(AGENCY)  # the credential is cached and a connection is open
    remote.stop()
    try:
        with pytest.raises(signing.SigningUnavailable) as caught:
            sign(AGENCY)
        assert "cannot be reached" in messages(caught.value)
        signing.reset()
        with pytest.raises(signing.SigningUnavailable):
            sign(AGENCY)  # credentials/info too
    finally:
        remote.start()
    assert_trusted_and_timestamped(sign(AGENCY).data)


def test_no_answer_in_time_is_unavailable(remote: SigningService, settings) -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.MOTCUA_REMOTE_SIGNER_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS = 1
        signing.reset()
        started = time.monotonic()
        with pytest.raises(signing.SigningUnavailable) as caught:
            sign(AGENCY)
        assert time.monotonic() - started < 5
    assert "in time" in messages(caught.value)


class _Failing(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>Bad gateway</html>")

    def log_message(self, format: str, *args: object) -> None:
        return None


def test_server_error_is_unavailable(remote: SigningService, settings) -> None:
    failing = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=failing.serve_forever, daemon=True)
    thread.start()
    try:
        settings.MOTCUA_REMOTE_SIGNER_URL = f"http://127.0.0.1:{failing.server_address[1]}"
        signing.reset()
        with pytest.raises(signing.SigningUnavailable) as caught:
            sign(AGENCY)
    finally:
        failing.shutdown()
        failing.server_close()
    assert "HTTP 502" in messages(caught.value)


def test_missing_configuration_is_unavailable(settings) -> None:
    settings.MOTCUA_SIGNER = "remote"
    settings.MOTCUA_REMOTE_SIGNER_URL = ""
    signing.reset()
    try:
        with pytest.raises(signing.SigningUnavailable):
            sign(AGENCY)
    finally:
        signing.reset()


def test_a_key_rotated_behind_the_cached_certificate_is_refused_then_picked_up(
    remote: SigningService, dev_pki: DevPki
) -> None:
    assert_trusted_and_timestamped(sign(ROTATING).data)
    old_key = dev_pki.agency_paths(ROTATING)[1].read_bytes()
    time.sleep(0.05)  # a later modification time (file times move in clock ticks)
    dev_pki.issue_agency(ROTATING, f"Cơ quan thử nghiệm {ROTATING}")
    assert dev_pki.agency_paths(ROTATING)[1].read_bytes() != old_key
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign(ROTATING)  # the service signs with the new key; the cached certificate is the old one
    assert "does not verify" in messages(caught.value)
    assert_trusted_and_timestamped(sign(ROTATING).data)  # the new certificate is fetched


# --- the service's protocol, over HTTP -----------------------------------------------------------


def _post(service: SigningService, method: str, body: object, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{service.base_url}/csc/v2/{method}", json=body, headers=headers, timeout=10)


def test_info_needs_no_token(service: SigningService) -> None:
    answer = _post(service, "info", {}, token=None)
    assert answer.status_code == 200
    assert answer.json()["specs"].startswith("2.")
    assert "signatures/signHash" in answer.json()["methods"]


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_credential_calls_need_the_token(service: SigningService, token: str | None) -> None:
    answer = _post(service, "credentials/info", {"credentialID": AGENCY}, token=token)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_credentials_info_gives_the_chain(service: SigningService, dev_pki: DevPki) -> None:
    answer = _post(
        service, "credentials/info", {"credentialID": AGENCY, "certificates": "chain", "certInfo": True}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["key"]["status"] == "enabled"
    assert csc.SHA256_WITH_RSA in body["key"]["algo"]
    assert body["authMode"] == "implicit"
    assert len(body["cert"]["certificates"]) == 2  # the agency's certificate, then the root
    assert "CSC.TEST" in body["cert"]["subjectDN"]
    single = _post(service, "credentials/info", {"credentialID": AGENCY}).json()
    assert len(single["cert"]["certificates"]) == 1
    unknown = _post(service, "credentials/info", {"credentialID": "NO.SUCH"})
    assert unknown.status_code == 400
    assert unknown.json() == {
        "error": "invalid_request",
        "error_description": "Invalid parameter credentialID",
    }
    traversal = _post(service, "credentials/info", {"credentialID": "../root"})
    assert traversal.status_code == 400


def test_sign_hash_checks_its_request(service: SigningService) -> None:
    digest = base64.b64encode(hashlib.sha256(b"signed attributes").digest()).decode()
    good: dict[str, object] = {
        "credentialID": AGENCY,
        "hashes": [digest],
        "hashAlgorithmOID": csc.SHA256,
        "signAlgo": csc.RSA_ENCRYPTION,
    }
    answer = _post(service, "signatures/signHash", good)
    assert answer.status_code == 200
    assert len(base64.b64decode(answer.json()["signatures"][0])) == 256
    changes: list[tuple[dict[str, object], str]] = [
        ({"hashes": ["bm90IGEgaGFzaA=="]}, "hashes"),
        ({"hashes": []}, "hashes"),
        ({"hashAlgorithmOID": "1.3.14.3.2.26"}, "hashAlgorithmOID"),
        ({"signAlgo": "1.2.840.10045.4.3.2"}, "signAlgo"),
        ({"operationMode": "A"}, "operationMode"),
    ]
    for change, parameter in changes:
        refused = _post(service, "signatures/signHash", {**good, **change})
        assert refused.status_code == 400, change
        assert parameter in refused.json()["error_description"]


def test_http_shape(service: SigningService) -> None:
    assert httpx.get(f"{service.base_url}/csc/v2/credentials/info", timeout=5).status_code == 405
    assert httpx.post(f"{service.base_url}/csc/v2/credentials/list", timeout=5).status_code == 404
    not_json = httpx.post(
        f"{service.base_url}/csc/v2/credentials/info",
        content=b"{not json",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert not_json.status_code == 400


def test_serve_command_runs_the_service(service: SigningService, dev_pki: DevPki, tmp_path) -> None:
    """``motcua signer serve`` (what an operator runs) serves the same protocol."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    command = [str(BIN / "motcua"), "signer", "serve", "--port", str(port), "--keys", str(dev_pki.directory)]
    process = subprocess.Popen(
        [*command, "--token-file", str(service.token_file)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/csc/v2/credentials/info",
                    json={"credentialID": AGENCY},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=2,
                )
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert answer is not None, (tmp_path / "serve.log").read_text(errors="replace")
        assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
    with pytest.raises(CommandError, match="token"):
        call_command(
            "signer", "serve", "--keys", str(dev_pki.directory), "--token-file", str(tmp_path / "missing")
        )
