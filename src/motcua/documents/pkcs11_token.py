"""Agencies' keys in a PKCS#11 token (``MOTCUA_SIGNER=pkcs11``; needs the ``pkcs11`` extra).

One token (an HSM partition, a USB token, SoftHSM in tests) holds, for each agency, a private
key and its certificate, both labelled with the agency code (``STP.01``) and sharing one
``CKA_ID``. CA certificates on the token (any label) are read once per session and embedded
with the agency's certificate, so an intermediate CA the trust roots do not hold can be put
there. The key never leaves the token: pyHanko's PKCS#11 signer asks the token to sign.

``motcua signer token-import`` puts development PKI keys into a token (tests, demos); in
production the key is generated inside the token and only the certificate is written to it
(docs/results.md, "Where agencies' keys live").
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pkcs11
from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, ObjectClass, PKCS11Error
from pkcs11.exceptions import (
    PinExpired,
    PinIncorrect,
    PinInvalid,
    PinLenRange,
    PinLocked,
    UserAlreadyLoggedIn,
)
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate
from pyhanko.sign.pkcs11 import PKCS11Signer

from motcua.documents.signature_check import matches_certificate
from motcua.documents.signing import SigningUnavailable


class TokenError(Exception):
    """The token cannot be used; the message names no PIN and no key material."""


class PinRefused(TokenError):
    """The token refused the PIN. Tokens lock the PIN after a few wrong tries, so the PIN is not
    tried again until its file changes."""


class SessionLost(TokenError):
    """The session failed (token removed, HSM restarted): open a new one before trying again."""


def _failure(exc: PKCS11Error, what: str) -> TokenError:
    # pyHanko raises the base class when an object is missing or ambiguous; a subclass is the
    # token itself failing (SessionHandleInvalid, DeviceRemoved, ...)
    if type(exc) is PKCS11Error:
        return TokenError(what)
    return SessionLost(f"The PKCS#11 token failed ({type(exc).__name__}).")


@dataclass(frozen=True)
class TokenConfig:
    module: str  # path of the PKCS#11 module (the vendor's .so)
    token_label: str = ""  # empty: the only token present
    pin: str = field(default="", repr=False)

    @classmethod
    def from_files(cls, module: str, token_label: str, pin_file: str) -> TokenConfig:
        if not module:
            raise TokenError("MOTCUA_PKCS11_MODULE is not set.")
        pin = ""
        if pin_file:
            try:
                with open(pin_file, encoding="utf-8") as handle:
                    pin = handle.read().strip()
            except OSError as exc:
                raise TokenError(f"The PIN file cannot be read ({type(exc).__name__}).") from exc
        return cls(module=module, token_label=token_label, pin=pin)


def file_state(path: str) -> tuple[str, float]:
    """A file's name and modification time (0 when it is missing): whether a PIN file changed."""
    try:
        return path, os.stat(path).st_mtime if path else 0.0
    except OSError:
        return path, 0.0


@cache
def _library(module: str) -> Any:
    """One loaded module per process: initialising it twice would be refused by some modules."""
    return pkcs11.lib(module)


def open_session(config: TokenConfig, *, read_write: bool = False) -> Any:
    """A session on the configured token, logged in with the user PIN when there is one."""
    try:
        library = _library(config.module)
        tokens = list(library.get_tokens(token_label=config.token_label or None))
    except PKCS11Error as exc:
        raise TokenError(f"The PKCS#11 module cannot be loaded ({type(exc).__name__}).") from exc
    if not tokens:
        wanted = f" labelled {config.token_label!r}" if config.token_label else ""
        raise TokenError(f"No PKCS#11 token{wanted} is present.")
    if len(tokens) > 1:
        raise TokenError("Several PKCS#11 tokens are present: set MOTCUA_PKCS11_TOKEN_LABEL.")
    # Messages name the kind of failure (PinIncorrect, TokenNotPresent...), never the PIN. When a
    # login fails, python-pkcs11 leaves the session it opened for it open: one more reason not
    # to retry a refused PIN.
    try:
        return tokens[0].open(rw=read_write, user_pin=config.pin or None)
    except UserAlreadyLoggedIn:
        # Login is per process: another session of ours is logged in, and a new session shares
        # that login. Opened without the PIN, it does not log the process out when it closes.
        try:
            return tokens[0].open(rw=read_write)
        except PKCS11Error as exc:
            raise TokenError(f"The PKCS#11 token cannot be opened ({type(exc).__name__}).") from exc
    except (PinIncorrect, PinInvalid, PinLenRange, PinLocked, PinExpired) as exc:
        raise PinRefused(f"The PKCS#11 token refused the PIN ({type(exc).__name__}).") from exc
    except PKCS11Error as exc:
        raise TokenError(f"The PKCS#11 token cannot be opened ({type(exc).__name__}).") from exc


def _certificates(session: Any) -> Iterator[tuple[str, asn1_x509.Certificate]]:
    for item in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        yield str(item[Attribute.LABEL]), asn1_x509.Certificate.load(bytes(item[Attribute.VALUE]))


def ca_certificates(session: Any) -> list[asn1_x509.Certificate]:
    """The CA certificates the token holds (intermediates to embed with agencies' certificates)."""
    try:
        return [cert for _label, cert in _certificates(session) if cert.ca]
    except PKCS11Error as exc:
        raise _failure(exc, "The token's certificates cannot be read.") from exc


@dataclass(frozen=True)
class TokenEntry:
    label: str
    subject: str
    serial: str
    not_after: str
    has_key: bool


def entries(session: Any) -> list[TokenEntry]:
    """What the token holds: one entry per certificate, and whether a key has its label."""
    key_labels = {
        str(item[Attribute.LABEL]) for item in session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
    }
    return sorted(
        (
            TokenEntry(
                label=label,
                subject=cert.subject.human_friendly,
                serial=format(cert.serial_number, "x"),
                not_after=cert.not_valid_after.date().isoformat(),
                has_key=label in key_labels,
            )
            for label, cert in _certificates(session)
        ),
        key=lambda entry: entry.label,
    )


def _object_id(cert: asn1_x509.Certificate) -> bytes:
    """``CKA_ID`` shared by a key and its certificate: SHA-1 of the public key (what
    pkcs11-tool and most vendors' tools use)."""
    return hashlib.sha1(cert.public_key["public_key"].contents, usedforsecurity=False).digest()


def import_agency(
    session: Any, label: str, cert_pem: bytes, key_pem: bytes | None, *, replace: bool = False
) -> None:
    """Write an agency's certificate to the token under ``label``, with its private key when
    given (development PKI keys: stored sensitive, not extractable). Without a key, the token
    must already hold one under that label (generated there), and only certificates are replaced."""
    cert = asn1_x509.Certificate.load(_der_certificate(cert_pem))
    kinds = (
        [ObjectClass.CERTIFICATE] if key_pem is None else [ObjectClass.CERTIFICATE, ObjectClass.PRIVATE_KEY]
    )
    existing = [
        item
        for kind in kinds
        for item in session.get_objects({Attribute.CLASS: kind, Attribute.LABEL: label})
    ]
    if existing and not replace:
        raise TokenError(f"The token already holds objects labelled {label}: use --replace.")
    object_id = _object_id(cert)
    if key_pem is None:
        keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: label}))
        if len(keys) != 1:
            raise TokenError(f"The token holds no single private key labelled {label}.")
        object_id = bytes(keys[0][Attribute.ID]) or object_id  # the certificate pairs with its key
    for item in existing:
        item.destroy()
    if key_pem is not None:
        key = serialization.load_pem_private_key(key_pem, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TokenError(f"The key of {label} is not an RSA key.")
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        attributes = decode_rsa_private_key(der)
        attributes.update(
            {
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
                Attribute.DECRYPT: False,
                Attribute.UNWRAP: False,
                Attribute.LABEL: label,
                Attribute.ID: object_id,
            }
        )
        session.create_object(attributes)
    _write_certificate(session, label, cert, object_id)


def import_ca(session: Any, cert_pem: bytes) -> str:
    """Write a CA certificate (an intermediate to embed with agencies' certificates) to the
    token, labelled ``CA <serial>``; nothing if it is there already. Returns the label."""
    cert = asn1_x509.Certificate.load(_der_certificate(cert_pem))
    if not cert.ca:
        raise TokenError("Not a CA certificate.")
    label = f"CA {cert.serial_number:x}"
    if not list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label})):
        _write_certificate(session, label, cert, _object_id(cert))
    return label


def _write_certificate(session: Any, label: str, cert: asn1_x509.Certificate, object_id: bytes) -> None:
    template = decode_x509_certificate(cert.dump())
    template.update({Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: object_id})
    session.create_object(template)


def _der_certificate(pem_or_der: bytes) -> bytes:
    from asn1crypto import pem

    if pem.detect(pem_or_der):
        _kind, _headers, der = pem.unarmor(pem_or_der)
        return bytes(der)
    return pem_or_der


class TokenSigner(PKCS11Signer):
    """pyHanko's PKCS#11 signer, loaded eagerly (a missing key is a ``TokenError`` at once, not a
    failure in the middle of a signature). While signing, a token failure or a signature that
    does not match the certificate is ``signing.SigningUnavailable``, which ``sign_pdf`` passes
    on to its caller."""

    def __init__(
        self,
        session: Any,
        label: str,
        ca_chain: list[asn1_x509.Certificate],
        on_failure: Callable[[], None],
    ) -> None:
        super().__init__(session, cert_label=label, key_label=label, ca_chain=ca_chain, embed_roots=False)
        self._on_failure = on_failure
        try:
            self._load_objects()  # type: ignore[no-untyped-call]
        except PKCS11Error as exc:
            raise _failure(
                exc, f"The PKCS#11 token holds no single key and certificate labelled {label}."
            ) from exc

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        try:
            signature = await super().async_sign_raw(data, digest_algorithm)
        except PKCS11Error as exc:
            self._on_failure()  # the session may be gone (token removed, HSM restarted)
            raise SigningUnavailable(f"The PKCS#11 token did not sign ({type(exc).__name__}).") from exc
        mechanism: algos.SignedDigestAlgorithm = self.get_signature_mechanism_for_digest(digest_algorithm)
        if not matches_certificate(signature, data, self.signing_cert, mechanism, digest_algorithm):
            raise SigningUnavailable(
                f"The token's key labelled {self.key_label} does not match the certificate of that label."
            )
        return signature
