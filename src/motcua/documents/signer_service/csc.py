"""The CSC API v2 subset the reference signing service answers: request checks and answers,
independent of HTTP. An error is ``CscError`` with the CSC error code and description."""

from __future__ import annotations

import base64
import binascii
import datetime
import logging
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils

from motcua.documents.signer_service.keys import Credential, CredentialStore

logger = logging.getLogger("motcua.signer_service")

SPECS = "2.0.0.2"
SHA256 = "2.16.840.1.101.3.4.2.1"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"  # with hashAlgorithmOID
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
MAX_HASHES = 32  # per signHash call (``multisign``)


class CscError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def _invalid(parameter: str) -> CscError:
    return CscError(400, "invalid_request", f"Invalid parameter {parameter}")


def _missing(parameter: str) -> CscError:
    return CscError(400, "invalid_request", f"Missing (or invalid type) string parameter {parameter}")


def _credential(store: CredentialStore, body: dict[str, Any]) -> tuple[str, Credential]:
    credential_id = body.get("credentialID")
    if not isinstance(credential_id, str) or not credential_id:
        raise _missing("credentialID")
    credential = store.get(credential_id)
    if credential is None:
        raise _invalid("credentialID")
    return credential_id, credential


def service_info() -> dict[str, Any]:
    return {
        "specs": SPECS,
        "name": "motcua reference signing service (development keys)",
        "logo": "",
        "region": "VN",
        "lang": "vi",
        "description": "Signs SHA-256 hashes with the development PKI's agency keys.",
        "authType": ["external"],
        "methods": ["credentials/info", "signatures/signHash"],
    }


def _generalized(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%SZ")


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def credentials_info(store: CredentialStore, body: dict[str, Any]) -> dict[str, Any]:
    _id, credential = _credential(store, body)
    wanted = body.get("certificates", "single")
    if wanted not in {"none", "single", "chain"}:
        raise _invalid("certificates")
    cert = credential.certificate
    now = datetime.datetime.now(datetime.UTC)
    valid = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
    chain = {"none": (), "single": credential.chain[:1], "chain": credential.chain}[wanted]
    cert_part: dict[str, Any] = {"status": "valid" if valid else "expired"}
    if chain:
        cert_part["certificates"] = [_b64(item) for item in chain]
    if body.get("certInfo") is True:
        cert_part.update(
            {
                "issuerDN": cert.issuer.rfc4514_string(),
                "serialNumber": format(cert.serial_number, "x"),
                "subjectDN": cert.subject.rfc4514_string(),
                "validFrom": _generalized(cert.not_valid_before_utc),
                "validTo": _generalized(cert.not_valid_after_utc),
            }
        )
    return {
        "key": {
            "status": "enabled" if valid else "disabled",
            "algo": [SHA256_WITH_RSA, RSA_ENCRYPTION],
            "len": credential.key.key_size,
        },
        "cert": cert_part,
        "authMode": "implicit",
        "SCAL": "1",
        "multisign": MAX_HASHES,
        "lang": "vi",
    }


def _hashes(body: dict[str, Any]) -> list[bytes]:
    given = body.get("hashes")
    if not isinstance(given, list) or not given or len(given) > MAX_HASHES:
        raise _missing("hashes")
    digests: list[bytes] = []
    for item in given:
        if not isinstance(item, str):
            raise _invalid("hashes")
        try:
            digest = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _invalid("hashes") from exc
        if len(digest) != 32:  # SHA-256
            raise _invalid("hashes")
        digests.append(digest)
    return digests


def sign_hash(store: CredentialStore, body: dict[str, Any]) -> dict[str, Any]:
    credential_id, credential = _credential(store, body)
    sign_algo = body.get("signAlgo")
    if not isinstance(sign_algo, str):
        raise _missing("signAlgo")
    if sign_algo not in {SHA256_WITH_RSA, RSA_ENCRYPTION}:
        raise _invalid("signAlgo")
    hash_algo = body.get("hashAlgorithmOID", SHA256 if sign_algo == SHA256_WITH_RSA else None)
    if hash_algo != SHA256:
        raise _invalid("hashAlgorithmOID")
    if body.get("operationMode", "S") != "S":  # asynchronous signing is not offered
        raise _invalid("operationMode")
    digests = _hashes(body)
    now = datetime.datetime.now(datetime.UTC)
    if not credential.certificate.not_valid_before_utc <= now <= credential.certificate.not_valid_after_utc:
        raise CscError(400, "invalid_request", "The credential's certificate is not valid now")
    signatures = [
        credential.key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        for digest in digests
    ]
    for digest in digests:  # what was signed, for whom: the service's own evidence
        logger.info("signHash credential=%s sha256=%s", credential_id, digest.hex())
    return {"signatures": [base64.b64encode(value).decode("ascii") for value in signatures]}
