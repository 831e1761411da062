"""A remote signing service as the keeper of agencies' keys (``MOTCUA_SIGNER=remote``).

The platform is a client of the Cloud Signature Consortium API v2, the subset every remote
signing service that offers it has:

- ``POST {MOTCUA_REMOTE_SIGNER_URL}/csc/v2/credentials/info`` with ``credentialID`` = the agency
  code: the agency's certificate chain and the key's signature algorithms;
- ``POST .../csc/v2/signatures/signHash``: a signature of the SHA-256 hash of the CMS signed
  attributes (RSA PKCS#1 v1.5, or whatever the key's algorithm and the service agree on).

Authentication is a bearer token read from ``MOTCUA_REMOTE_SIGNER_TOKEN_FILE`` at every call (a
rotated token is used without a restart); the credential is authorised implicitly by that token
(no per-signature activation data: the approval in the platform is the official's act, and the
service trusts the platform's token for the agencies it holds). Any failure — connection
refused, timeout (``MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS``), 401, 4xx, 5xx, an answer that is
not what the protocol says, or a signature that does not verify with the certificate — is
``signing.SigningUnavailable`` (HTTP 503 to the caller); its message names no token.

Why not pyHanko's ``csc_signer.CSCSigner``: it implements CSC 1.0.4 (``hash`` and ``hashAlgo``
in signHash, SAD always required), where v2 has ``hashes`` and ``hashAlgorithmOID`` and implicit
authorisation; and it needs an aiohttp session bound to one event loop, while ``sign_pdf`` runs
each signature in a new loop (pyHanko's synchronous API) and the backend keeps signers between
signatures. This signer uses one thread-safe httpx client, whose connections outlive loops.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.documents.signature_check import matches_certificate
from motcua.documents.signing import SigningUnavailable

SHA256 = "2.16.840.1.101.3.4.2.1"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
# A credential's certificate chain is asked for again after this long (a renewed certificate);
# a key rotated sooner is caught by the signature check and asked for at once.
CREDENTIAL_TTL_SECONDS = 300.0


class _Refused(SigningUnavailable):
    """The service answered with a CSC error (HTTP 400)."""

    def __init__(self, detail: str, error: str) -> None:
        super().__init__(detail)
        self.error = error


class CscClient:
    """Calls to one CSC v2 service; one connection pool shared by every thread."""

    def __init__(self, base_url: str, token_file: str, timeout_seconds: float) -> None:
        self._base_url = base_url.rstrip("/")
        self._token_file = token_file
        self._http = httpx.Client(timeout=httpx.Timeout(timeout_seconds), follow_redirects=False)

    def _token(self) -> str:
        try:
            with open(self._token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        except OSError as exc:
            raise SigningUnavailable(
                f"The remote signing service's token cannot be read ({type(exc).__name__}; "
                "MOTCUA_REMOTE_SIGNER_TOKEN_FILE)."
            ) from exc
        if not token:
            raise SigningUnavailable("The remote signing service's token file is empty.")
        return token

    def call(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        try:
            response = self._http.post(f"{self._base_url}/csc/v2/{method}", json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise SigningUnavailable(f"The remote signing service did not answer {method} in time.") from exc
        except httpx.HTTPError as exc:
            raise SigningUnavailable(
                f"The remote signing service cannot be reached ({type(exc).__name__})."
            ) from exc
        status = response.status_code
        if status in {401, 403}:
            raise SigningUnavailable(
                f"The remote signing service refused the platform's token (HTTP {status})."
            )
        answer = _json_object(response)
        if status == 400 and answer is not None:
            error = str(answer.get("error", ""))[:64]
            description = str(answer.get("error_description", ""))[:200]
            raise _Refused(
                f"The remote signing service refused {method}: {error} {description}".strip(), error
            )
        if status != 200 or answer is None:
            raise SigningUnavailable(f"The remote signing service failed {method} (HTTP {status}).")
        return answer

    def close(self) -> None:
        self._http.close()


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        parsed = response.json()
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


@dataclass(frozen=True)
class CredentialInfo:
    certificate: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]
    algorithms: frozenset[str]  # dotted OIDs of the signature algorithms the key offers


def credential_info(client: CscClient, credential_id: str) -> CredentialInfo:
    """``credentials/info`` for one credential, checked: an enabled key, a valid certificate."""
    try:
        answer = client.call(
            "credentials/info", {"credentialID": credential_id, "certificates": "chain", "certInfo": False}
        )
    except _Refused as exc:
        if exc.error == "invalid_request":
            raise SigningUnavailable(
                f"The remote signing service holds no usable credential for agency {credential_id}."
            ) from exc
        raise
    try:
        key, cert = answer["key"], answer["cert"]
        encoded = cert["certificates"]
        algorithms = frozenset(str(oid) for oid in key["algo"])
        certificates = [asn1_x509.Certificate.load(base64.b64decode(item, validate=True)) for item in encoded]
        certificates[0].native  # noqa: B018 (parse it now, not in the middle of a signature)
    except (KeyError, TypeError, IndexError, ValueError, binascii.Error) as exc:
        raise SigningUnavailable(
            f"The remote signing service's credentials/info answer for {credential_id} is malformed."
        ) from exc
    if key.get("status", "enabled") != "enabled" or cert.get("status", "valid") != "valid":
        raise SigningUnavailable(
            f"The remote signing service's credential for {credential_id} is not usable "
            f"(key {key.get('status')}, certificate {cert.get('status')})."
        )
    return CredentialInfo(certificate=certificates[0], chain=tuple(certificates[1:]), algorithms=algorithms)


class CscSigner(signers.Signer):
    """A pyHanko signer whose raw signatures come from ``signatures/signHash``."""

    def __init__(self, client: CscClient, credential_id: str, info: CredentialInfo) -> None:
        super().__init__(
            signing_cert=info.certificate,
            cert_registry=SimpleCertificateStore.from_certs([info.certificate, *info.chain]),  # type: ignore[no-untyped-call]
            embed_roots=False,
        )
        self._client = client
        self._certificate = info.certificate
        self.credential_id = credential_id
        self.fetched_at = time.monotonic()
        self.mismatched = False
        self._mechanism: algos.SignedDigestAlgorithm = self.get_signature_mechanism_for_digest("sha256")
        wanted = self._mechanism["algorithm"].dotted
        if wanted in info.algorithms:
            self._sign_algo = wanted
        elif self._mechanism["algorithm"].native == "sha256_rsa" and RSA_ENCRYPTION in info.algorithms:
            self._sign_algo = RSA_ENCRYPTION  # the same PKCS#1 v1.5 signature, hash named apart
        else:
            raise SigningUnavailable(
                f"The remote signing service's key for {credential_id} offers none of the signature "
                f"algorithms this platform uses ({self._mechanism['algorithm'].native})."
            )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm.lower() != "sha256":
            raise SigningUnavailable(f"Only SHA-256 is used, not {digest_algorithm}.")
        if dry_run:
            return bytes(self._certificate.public_key.byte_size or 512)
        body: dict[str, Any] = {
            "credentialID": self.credential_id,
            "hashes": [base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")],
            "hashAlgorithmOID": SHA256,
            "signAlgo": self._sign_algo,
            "operationMode": "S",
        }
        if self._mechanism["parameters"].native is not None:
            body["signAlgoParams"] = base64.b64encode(self._mechanism["parameters"].dump()).decode("ascii")
        # the HTTP call blocks: off the event loop, as pyHanko's own PKCS#11 signer does
        answer = await asyncio.to_thread(self._client.call, "signatures/signHash", body)
        try:
            values = answer["signatures"]
            if not isinstance(values, list) or len(values) != 1:
                raise ValueError("one signature expected")
            signature = base64.b64decode(values[0], validate=True)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise SigningUnavailable(
                f"The remote signing service's signHash answer for {self.credential_id} is malformed."
            ) from exc
        if not matches_certificate(signature, data, self._certificate, self._mechanism, "sha256"):
            self.mismatched = True  # the backend asks for the credential again next time
            raise SigningUnavailable(
                f"The remote signing service's signature for {self.credential_id} does not verify with "
                "the certificate it gave."
            )
        return signature


class RemoteBackend:
    """Signers for agencies' credentials at the configured CSC service, kept between signatures."""

    kind = "remote"

    def __init__(self) -> None:
        self._client: CscClient | None = None
        self._signers: dict[str, CscSigner] = {}
        self._lock = threading.Lock()

    def _current_client(self) -> CscClient:
        with self._lock:
            if self._client is None:
                if not settings.MOTCUA_REMOTE_SIGNER_URL:
                    raise SigningUnavailable("MOTCUA_REMOTE_SIGNER_URL is not set.")
                if not settings.MOTCUA_REMOTE_SIGNER_TOKEN_FILE:
                    raise SigningUnavailable("MOTCUA_REMOTE_SIGNER_TOKEN_FILE is not set.")
                self._client = CscClient(
                    settings.MOTCUA_REMOTE_SIGNER_URL,
                    settings.MOTCUA_REMOTE_SIGNER_TOKEN_FILE,
                    float(settings.MOTCUA_REMOTE_SIGNER_TIMEOUT_SECONDS),
                )
            return self._client

    def signer(self, agency_code: str, agency_name: str) -> signers.Signer:
        client = self._current_client()
        with self._lock:
            found = self._signers.get(agency_code)
            if (
                found is not None
                and not found.mismatched
                and time.monotonic() - found.fetched_at < CREDENTIAL_TTL_SECONDS
            ):
                return found
        # the network call is made outside the lock: a slow service delays only this agency
        made = CscSigner(client, agency_code, credential_info(client, agency_code))
        with self._lock:
            self._signers[agency_code] = made
        return made

    def forget(self) -> None:
        with self._lock:
            self._signers.clear()
            client, self._client = self._client, None
        if client is not None:
            client.close()
