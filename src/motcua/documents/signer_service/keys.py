"""What the signing service holds: agencies' credentials (key and certificate chain, loaded once
and again when the files change) and the bearer tokens it accepts."""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.documents.pki import DevPki, PkiError


@dataclass(frozen=True)
class Credential:
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the agency's certificate first, then its issuer
    key: rsa.RSAPrivateKey = field(repr=False)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class CredentialStore:
    """Agencies' keys in a development PKI directory; an agency code is a credential ID."""

    def __init__(self, directory: Path) -> None:
        self._pki = DevPki(directory)
        self._loaded: dict[str, tuple[tuple[float, float, float], Credential]] = {}
        self._lock = threading.Lock()

    def get(self, credential_id: str) -> Credential | None:
        """The credential, or None when there is no such agency key."""
        try:
            cert_path, key_path = self._pki.agency_paths(credential_id)
        except PkiError:
            return None
        root_path = self._pki.root_cert_path
        stamp = (_mtime(cert_path), _mtime(key_path), _mtime(root_path))
        if 0.0 in stamp:
            return None
        with self._lock:
            found = self._loaded.get(credential_id)
            if found is not None and found[0] == stamp:
                return found[1]
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            return None
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        root = x509.load_pem_x509_certificate(root_path.read_bytes())
        credential = Credential(certificate=certificate, chain=(certificate, root), key=key)
        with self._lock:
            self._loaded[credential_id] = (stamp, credential)
        return credential


class BearerTokens:
    """The tokens in a file, one per line; compared in constant time."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._tokens: tuple[bytes, ...] = ()
        self._stamp = -1.0
        self._lock = threading.Lock()

    def _current(self) -> tuple[bytes, ...]:
        stamp = _mtime(self._path)
        with self._lock:
            if stamp != self._stamp:
                try:
                    lines = self._path.read_text(encoding="utf-8").splitlines()
                except OSError:
                    lines = []
                self._tokens = tuple(line.strip().encode() for line in lines if line.strip())
                self._stamp = stamp
            return self._tokens

    def accepts(self, authorization: str | None) -> bool:
        scheme, _, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return False
        offered = presented.strip().encode()
        accepted = False
        for token in self._current():  # no early exit: every token is compared
            accepted |= hmac.compare_digest(offered, token)
        return accepted
