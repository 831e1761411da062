"""The reference timestamp authority: RFC 3161 time-stamp requests over HTTP (``POST /tsa``,
``application/timestamp-query`` in, ``application/timestamp-reply`` out).

It stands where a national timestamp authority stands in a deployment, so the platform's
signer talks the real protocol to a separate process. The token is built and signed by
pyHanko's reference TSA implementation with the development PKI's TSA key (RSA, SHA-256).
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import cms, core, keys, pem, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from motcua.registries import conf

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_QUERY_BYTES = 8 * 1024


class TsaUnavailable(Exception):
    pass


def _der(path: Path) -> bytes:
    data = path.read_bytes()
    if pem.detect(data):
        _kind, _headers, data = pem.unarmor(data)
    return data


class _Stamper(DummyTimeStamper):
    """pyHanko's reference TSA, keeping its parsed key (it would parse the key per token)."""

    def __init__(self, cert: x509.Certificate, key_der: bytes) -> None:
        super().__init__(tsa_cert=cert, tsa_key=keys.PrivateKeyInfo.load(key_der))
        loaded = serialization.load_der_private_key(key_der, password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise TsaUnavailable("The timestamp authority's key must be RSA.")
        self._key = loaded
        # the same for every token: built once (asn1crypto re-encodes the whole certificate)
        self._signing_certificate = simple_cms_attribute(  # type: ignore[no-untyped-call]
            "signing_certificate", general.as_signing_certificate(cert)
        ).dump()

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime.datetime
    ) -> tuple[bytes, cms.CMSAttributes]:
        if md_algorithm.lower() != "sha256":
            raise ValueError("SHA-256 only")
        md = hashes.Hash(hashes.SHA256())
        md.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),  # type: ignore[no-untyped-call]
                simple_cms_attribute(  # type: ignore[no-untyped-call]
                    "signing_time", cms.Time({"utc_time": core.UTCTime(dt)})
                ),
                cms.CMSAttribute.load(self._signing_certificate),
                simple_cms_attribute("message_digest", md.finalize()),  # type: ignore[no-untyped-call]
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        return signature, signed_attrs


@lru_cache(maxsize=2)
def _stamper(cert_file: Path, key_file: Path, stamp: float) -> DummyTimeStamper:
    return _Stamper(x509.Certificate.load(_der(cert_file)), _der(key_file))


def stamper() -> DummyTimeStamper:
    cert_file, key_file = (Path(name) for name in conf.tsa_files())
    if not cert_file.is_file() or not key_file.is_file():
        raise TsaUnavailable(f"No timestamp authority key at {cert_file}: run `motcua pki init`.")
    return _stamper(cert_file, key_file, cert_file.stat().st_mtime)


def answer(body: bytes) -> bytes:
    """The DER time-stamp response to a DER time-stamp request (``ValueError`` if it is not one)."""
    if not body or len(body) > MAX_QUERY_BYTES:
        raise ValueError("not a time-stamp request")
    try:
        request = tsp.TimeStampReq.load(body)
        request.native  # noqa: B018 (parse every field now, not while answering)
    except Exception as exc:
        raise ValueError("not a time-stamp request") from exc
    response: tsp.TimeStampResp = stamper().request_tsa_response(request)
    return bytes(response.dump())
