"""The development PKI (``motcua pki init``) and the trust configuration every validation uses.

A development PKI is a directory (``MOTCUA_PKI_DIR``, default ``var/pki``)::

    root.cert.pem, root.key.pem       the development root CA ("NOT FOR PRODUCTION" in its name)
    tsa.cert.pem, tsa.key.pem         the timestamp authority's certificate (served by the
                                      reference registries process at /tsa, RFC 3161 over HTTP)
    root.crl.pem                      the root's revocation list (embedded in B-LT signatures)
    agencies/<CODE>.cert.pem, .key.pem  one signing certificate per issuing agency

Production never generates keys: the agencies' keys live in a PKCS#11 token or a remote
signing service (``signing``), the trust roots are the national CA certificates named in
``MOTCUA_TRUST_ROOTS`` and the revocation lists come from ``MOTCUA_CRL_FILES``. Validation uses
those roots only, never the operating system's store.
"""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

KEY_BITS = 2048
ROOT_YEARS = 20
LEAF_YEARS = 3
CRL_DAYS = 30
DEV_MARK = "NOT FOR PRODUCTION"


class PkiError(Exception):
    pass


@dataclass(frozen=True)
class Trust:
    """What validation trusts: root certificates and the revocation lists known to the platform."""

    roots: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _fit(text: str, suffix: str = "", limit: int = 64) -> str:
    """``text`` shortened so that text + suffix fit a name attribute (64 bytes of UTF-8)."""
    while text and len((text + suffix).encode()) > limit:
        text = text[:-1]
    return (text.rstrip() + suffix)[:limit]


def _name(common_name: str, organisation: str = "motcua development PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    temporary.replace(path)


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PkiError(f"{path} is not an RSA key.")
    return key


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey, years: int
) -> x509.CertificateBuilder:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


class DevPki:
    """A development PKI directory: creating it, and issuing agency certificates from it."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def root_cert_path(self) -> Path:
        return self.directory / "root.cert.pem"

    @property
    def crl_path(self) -> Path:
        return self.directory / "root.crl.pem"

    @property
    def tsa_cert_path(self) -> Path:
        return self.directory / "tsa.cert.pem"

    @property
    def tsa_key_path(self) -> Path:
        return self.directory / "tsa.key.pem"

    def agency_paths(self, agency_code: str) -> tuple[Path, Path]:
        safe = "".join(ch for ch in agency_code if ch.isalnum() or ch in ".-_")
        if not safe or safe != agency_code:
            raise PkiError(f"Not an agency code: {agency_code!r}.")
        return (
            self.directory / "agencies" / f"{safe}.cert.pem",
            self.directory / "agencies" / f"{safe}.key.pem",
        )

    def exists(self) -> bool:
        return self.root_cert_path.is_file() and (self.directory / "root.key.pem").is_file()

    def init(self, *, agencies: Iterable[tuple[str, str]] = (), force: bool = False) -> list[str]:
        """Create the root, the timestamp authority and the revocation list if missing (all again
        with ``force``), then a certificate for each ``(code, name)`` agency that has none.
        Returns what was created."""
        created: list[str] = []
        if force or not self.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
            # a random tag per PKI: two development roots never share a name (validators match
            # revocation lists to certificates by issuer name)
            tag = secrets.token_hex(3).upper()
            name = _name(f"motcua dev root CA {tag} ({DEV_MARK})")
            cert = (
                _builder(name, name, key.public_key(), ROOT_YEARS)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(
                        digital_signature=False,
                        content_commitment=False,
                        key_encipherment=False,
                        data_encipherment=False,
                        key_agreement=False,
                        key_cert_sign=True,
                        crl_sign=True,
                        encipher_only=False,
                        decipher_only=False,
                    ),
                    critical=True,
                )
                .sign(key, hashes.SHA256())
            )
            _write_key(self.directory / "root.key.pem", key)
            _write_cert(self.root_cert_path, cert)
            for stale in (self.directory / "agencies").glob("*.pem"):
                stale.unlink()
            created.append("root")
            self._issue_tsa()
            created.append("tsa")
            self.write_crl({})
            created.append("crl")
        for code, agency_name in agencies:
            cert_path, _ = self.agency_paths(code)
            if not cert_path.is_file():
                self.issue_agency(code, agency_name)
                created.append(code)
        return created

    def _root(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        if not self.exists():
            raise PkiError(f"No development PKI in {self.directory}: run `motcua pki init`.")
        return _load_cert(self.root_cert_path), _load_key(self.directory / "root.key.pem")

    def _leaf(
        self,
        subject: x509.Name,
        key: rsa.RSAPrivateKey,
        *,
        usage: x509.KeyUsage,
        eku: list[x509.ObjectIdentifier],
    ) -> x509.Certificate:
        root_cert, root_key = self._root()
        builder = (
            _builder(subject, root_cert.subject, key.public_key(), LEAF_YEARS)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        if eku:  # a timestamp authority's certificate must say so, critically (RFC 3161 §2.3)
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
        return builder.sign(root_key, hashes.SHA256())

    def _issue_tsa(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
        cert = self._leaf(
            _name(f"motcua dev timestamp authority ({DEV_MARK})"),
            key,
            usage=usage,
            eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        )
        _write_key(self.tsa_key_path, key)
        _write_cert(self.tsa_cert_path, cert)

    def issue_agency(self, agency_code: str, agency_name: str) -> Path:
        """A signing certificate for one agency (document signing: digital signature and
        non-repudiation). The agency code is in the subject's organisational unit."""
        cert_path, key_path = self.agency_paths(agency_code)
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(agency_name or agency_code)),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(agency_code)),
                x509.NameAttribute(NameOID.COMMON_NAME, _fit(agency_name or agency_code, f" ({DEV_MARK})")),
            ]
        )
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
        cert = self._leaf(subject, key, usage=usage, eku=[])
        _write_key(key_path, key)
        _write_cert(cert_path, cert)
        return cert_path

    def revoke_agency(self, agency_code: str, *, revoked_at: datetime.datetime | None = None) -> None:
        """Put an agency's current certificate on the revocation list; ``revoked_at`` dates the
        revocation (a key compromised earlier). The verifier checks revocation at the time of
        verification, so every signature of a revoked certificate is then reported revoked."""
        cert_path, _ = self.agency_paths(agency_code)
        if not cert_path.is_file():
            raise PkiError(f"No certificate for {agency_code}.")
        revoked = self._revoked_serials()
        revoked[_load_cert(cert_path).serial_number] = revoked_at or _now()
        self.write_crl(revoked)

    def _revoked_serials(self) -> dict[int, datetime.datetime]:
        if not self.crl_path.is_file():
            return {}
        current = x509.load_pem_x509_crl(self.crl_path.read_bytes())
        return {entry.serial_number: entry.revocation_date_utc for entry in current}

    def write_crl(self, revoked: dict[int, datetime.datetime]) -> None:
        root_cert, root_key = self._root()
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(root_cert.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=CRL_DAYS))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        for serial, when in sorted(revoked.items()):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        crl = builder.sign(root_key, hashes.SHA256())
        temporary = self.crl_path.with_suffix(".tmp")
        temporary.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        temporary.replace(self.crl_path)


def _pem_blocks(data: bytes, label: bytes) -> list[bytes]:
    from asn1crypto import pem

    if pem.detect(data):
        return [der for kind, _headers, der in pem.unarmor(data, multiple=True) if kind.encode() == label]
    return [data]


def load_certificates(path: Path) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(der) for der in _pem_blocks(path.read_bytes(), b"CERTIFICATE")]


def load_crls(path: Path) -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load(der) for der in _pem_blocks(path.read_bytes(), b"X509 CRL")]


def _trust_from(root_files: tuple[str, ...], crl_files: tuple[str, ...]) -> Trust:
    roots: list[asn1_x509.Certificate] = []
    for name in root_files:
        path = Path(name)
        if not path.is_file():
            raise PkiError(f"Trust root {path} does not exist (MOTCUA_TRUST_ROOTS).")
        roots.extend(load_certificates(path))
    crls: list[asn1_crl.CertificateList] = []
    for name in crl_files:
        path = Path(name)
        if path.is_file():
            crls.extend(load_crls(path))
    return Trust(roots=tuple(roots), crls=tuple(crls))


@lru_cache(maxsize=8)
def _cached_trust(root_files: tuple[str, ...], crl_files: tuple[str, ...], stamp: tuple[float, ...]) -> Trust:
    return _trust_from(root_files, crl_files)


def trust() -> Trust:
    """The configured trust roots and revocation lists, re-read when one of the files changes."""
    root_files = tuple(settings.MOTCUA_TRUST_ROOTS)
    crl_files = tuple(settings.MOTCUA_CRL_FILES)
    stamp = tuple(
        Path(name).stat().st_mtime if Path(name).exists() else 0.0 for name in root_files + crl_files
    )
    return _cached_trust(root_files, crl_files, stamp)


def dev_pki() -> DevPki:
    return DevPki(Path(settings.MOTCUA_PKI_DIR))
