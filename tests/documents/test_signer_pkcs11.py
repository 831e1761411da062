"""MOTCUA_SIGNER=pkcs11 against a real PKCS#11 module: SoftHSM2, with a token made for the test
session in a temporary directory (SOFTHSM2_CONF), an agency key of the development PKI written
to it by ``motcua signer token-import``, and results signed through ``signing.sign_pdf``.

Needs Debian's ``softhsm2`` and python-pkcs11 (the ``pkcs11`` extra). Without them every test
here is skipped, with the reason in the test report and on the terminal.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command

from motcua.documents import signing
from motcua.documents.pki import DevPki
from tests.documents.signed import assert_trusted_and_timestamped, messages, sign
from tests.gunicorn import BIN

MODULE = os.environ.get("MOTCUA_TEST_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
AGENCY = "HSM.TEST"
PIN = "735190"
SO_PIN = "24681357"
TOKEN_LABEL = "motcua-test"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin_file: Path
    env: dict[str, str]


def _missing() -> str:
    problems = []
    if not Path(MODULE).is_file():
        problems.append(f"no PKCS#11 module at {MODULE} (apt-get install softhsm2)")
    if shutil.which("softhsm2-util") is None:
        problems.append("no softhsm2-util (apt-get install softhsm2)")
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        problems.append("no python-pkcs11 (pip install -e '.[pkcs11]')")
    return "; ".join(problems)


def _skip_loudly(config: pytest.Config, reason: str) -> None:
    message = f"PKCS#11 SIGNING NOT TESTED: {reason}"
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{message}", file=sys.stderr, flush=True)  # noqa: T201 - for the CI log
    pytest.skip(message)


def _run(arguments: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def softhsm_token(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, dev_pki: DevPki
) -> Iterator[Token]:
    """A SoftHSM token holding the development key of ``AGENCY``. It is made by separate
    processes before this process loads the module: SoftHSM reads its tokens when loaded."""
    reason = _missing()
    if reason:
        _skip_loudly(request.config, reason)
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    pin_file = directory / "pin"
    pin_file.write_text(PIN + "\n", encoding="utf-8")
    pin_file.chmod(0o600)
    if not dev_pki.agency_paths(AGENCY)[0].is_file():
        dev_pki.issue_agency(AGENCY, f"Cơ quan thử nghiệm {AGENCY}")
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "SOFTHSM2_CONF": str(conf),
            "MOTCUA_ENV": "test",
            "MOTCUA_PKI_DIR": str(dev_pki.directory),
            "MOTCUA_PKCS11_MODULE": MODULE,
            "MOTCUA_PKCS11_TOKEN_LABEL": TOKEN_LABEL,
            "MOTCUA_PKCS11_PIN_FILE": str(pin_file),
        }
    )
    _run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN],
        env,
    )
    _run([str(BIN / "motcua"), "signer", "token-import", AGENCY], env)
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    yield Token(module=MODULE, label=TOKEN_LABEL, pin_file=pin_file, env=env)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def token_signer(settings, softhsm_token: Token) -> Iterator[Token]:
    settings.MOTCUA_SIGNER = "pkcs11"
    settings.MOTCUA_PKCS11_MODULE = softhsm_token.module
    settings.MOTCUA_PKCS11_TOKEN_LABEL = softhsm_token.label
    settings.MOTCUA_PKCS11_PIN_FILE = str(softhsm_token.pin_file)
    signing.reset()
    yield softhsm_token
    signing.reset()


def test_signs_with_the_token_and_validates(token_signer: Token) -> None:
    assert signing.backend().kind == "pkcs11"
    first = sign(AGENCY)
    assert_trusted_and_timestamped(first.data)
    assert AGENCY in first.certificate_subject
    # the session and the key handle are kept: the next signature runs in a new event loop
    second = sign(AGENCY)
    assert_trusted_and_timestamped(second.data)
    assert second.certificate_serial == first.certificate_serial


def test_the_key_in_the_token_cannot_be_read_out(token_signer: Token) -> None:
    from pkcs11 import Attribute, ObjectClass

    from motcua.documents import pkcs11_token

    config = pkcs11_token.TokenConfig(module=token_signer.module, token_label=token_signer.label, pin=PIN)
    session = pkcs11_token.open_session(config)
    try:
        (key,) = session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: AGENCY})
        assert key[Attribute.SENSITIVE] is True
        assert key[Attribute.EXTRACTABLE] is False
    finally:
        session.close()


def test_token_list_shows_the_agency(token_signer: Token) -> None:
    out = io.StringIO()
    call_command("signer", "token-list", stdout=out)
    assert f"{AGENCY}\tkey+certificate" in out.getvalue()


def test_token_import_refuses_to_overwrite(token_signer: Token) -> None:
    with pytest.raises(CommandError, match="--replace"):
        call_command("signer", "token-import", AGENCY)


def test_an_agency_without_a_key_in_the_token_is_unavailable(token_signer: Token) -> None:
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign("HSM.NOKEY")
    assert "HSM.NOKEY" in messages(caught.value)
    assert_trusted_and_timestamped(sign(AGENCY).data)  # the session stays usable


def test_a_wrong_pin_is_unavailable_not_shown_and_not_retried(
    token_signer: Token, settings, tmp_path
) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text("000000", encoding="utf-8")
    settings.MOTCUA_PKCS11_PIN_FILE = str(pin_file)
    signing.reset()
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign(AGENCY)
    shown = messages(caught.value)
    assert "PinIncorrect" in shown
    assert "000000" not in shown
    assert PIN not in shown
    # tokens lock a PIN after a few wrong tries: the same PIN file is not tried again
    with pytest.raises(signing.SigningUnavailable) as again:
        sign(AGENCY)
    assert "not tried again" in messages(again.value)
    time.sleep(0.05)  # file times move in clock ticks
    pin_file.write_text(PIN, encoding="utf-8")  # the operator fixes the PIN file
    assert_trusted_and_timestamped(sign(AGENCY).data)


def test_no_such_token_is_unavailable(token_signer: Token, settings) -> None:
    settings.MOTCUA_PKCS11_TOKEN_LABEL = "no-such-token"
    signing.reset()
    with pytest.raises(signing.SigningUnavailable) as caught:
        sign(AGENCY)
    assert "no-such-token" in messages(caught.value)


def _certificate_for(dev_pki: DevPki, code: str, modulus: int, exponent: int) -> bytes:
    """What a CA does with the agency's request: a certificate for a public key it was sent."""
    root = x509.load_pem_x509_certificate(dev_pki.root_cert_path.read_bytes())
    root_key = serialization.load_pem_private_key((dev_pki.directory / "root.key.pem").read_bytes(), None)
    assert isinstance(root_key, rsa.RSAPrivateKey)
    public_key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Cơ quan thử nghiệm {code}"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, code),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{code} (key generated in the token)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def test_a_key_generated_in_the_token_signs_after_its_certificate_is_imported(
    token_signer: Token, dev_pki: DevPki, tmp_path
) -> None:
    """The production path: the key pair is made inside the token, only the public key leaves
    it (for the CA), and the certificate the CA issued is written beside the key."""
    from pkcs11 import Attribute, KeyType

    from motcua.documents import pkcs11_token

    code = "HSM.GENERATED"
    config = pkcs11_token.TokenConfig(module=token_signer.module, token_label=token_signer.label, pin=PIN)
    session = pkcs11_token.open_session(config, read_write=True)
    try:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=code, id=b"generated", store=True
        )
        modulus = int.from_bytes(public[Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    finally:
        session.close()
    with pytest.raises(signing.SigningUnavailable):
        sign(code)  # a key without its certificate cannot sign yet
    cert_file = tmp_path / "issued.cert.pem"
    cert_file.write_bytes(_certificate_for(dev_pki, code, modulus, exponent))
    call_command("signer", "token-import", code, "--certificate", str(cert_file))
    signed = sign(code)
    assert_trusted_and_timestamped(signed.data)
    assert "key generated in the token" in signed.certificate_subject
