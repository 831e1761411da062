"""The exchange protocol on its own: signing, verifying, and what a verifier refuses."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import OctKey, OKPKey

from motcua import protocol
from motcua.protocol import ExchangeErrorCode, ExchangeRequest, ProtocolError


def _request(**overrides) -> ExchangeRequest:
    values: dict[str, Any] = {
        "agency": "UBND.00004",
        "registry": "population",
        "procedure": "birth-registration",
        "dossier": "0b6f7f44-0000-4000-8000-000000000001",
        "purpose": "Xác định người yêu cầu đăng ký khai sinh",
        "legal_basis": "qd-06-2022",
        "subject": "001086027419",
        "fields": ("full_name", "date_of_birth"),
        "requester": "001086027419",
        "consent": "c-1",
        "request_id": "r-1",
    }
    values.update(overrides)
    return ExchangeRequest(**values)


def _flip(token: str, part: int) -> str:
    """Change one character of the header (0), payload (1) or signature (2) of a compact JWS."""
    pieces = token.split(".")
    piece = pieces[part]
    middle = len(piece) // 2
    pieces[part] = piece[:middle] + ("A" if piece[middle] != "A" else "B") + piece[middle + 1 :]
    return ".".join(pieces)


def test_a_signed_request_verifies_and_round_trips():
    key = protocol.generate_key()
    request = _request()
    token = protocol.sign(request.claims(), key, typ=protocol.REQUEST_TYPE)
    public = protocol.key_from_jwk(protocol.public_jwk(key))
    claims = protocol.verify(token, public, typ=protocol.REQUEST_TYPE)
    assert ExchangeRequest.from_claims(claims) == request
    header = protocol.unverified_header(token)
    assert header == {"alg": "Ed25519", "kid": key.kid, "typ": protocol.REQUEST_TYPE}


@pytest.mark.parametrize("part", [1, 2])
def test_changing_the_payload_or_signature_breaks_the_signature(part):
    key = protocol.generate_key()
    token = protocol.sign(_request().claims(), key, typ=protocol.REQUEST_TYPE)
    with pytest.raises(ProtocolError) as refused:
        protocol.verify(_flip(token, part), key, typ=protocol.REQUEST_TYPE)
    assert refused.value.code in {ExchangeErrorCode.BAD_SIGNATURE, ExchangeErrorCode.MALFORMED_REQUEST}


def test_a_different_key_does_not_verify():
    token = protocol.sign(_request().claims(), protocol.generate_key(), typ=protocol.REQUEST_TYPE)
    with pytest.raises(ProtocolError) as refused:
        protocol.verify(token, protocol.generate_key(), typ=protocol.REQUEST_TYPE)
    assert refused.value.code == ExchangeErrorCode.BAD_SIGNATURE


def _unsigned(header: dict, claims: dict) -> str:
    encode = lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode(header)}.{encode(claims)}."


def test_other_algorithms_are_refused_before_any_key_is_used():
    claims = _request().claims()
    for header in ({"alg": "none", "kid": "k"}, {"alg": "EdDSA", "kid": "k"}, {"alg": "HS256", "kid": "k"}):
        with pytest.raises(ProtocolError) as refused:
            protocol.unverified_header(_unsigned(header, claims))
        assert refused.value.code == ExchangeErrorCode.BAD_SIGNATURE
    # an HMAC "signature" made with the public key as secret (the classic confusion attack)
    key = protocol.generate_key()
    secret = OctKey.import_key(json.dumps(protocol.public_jwk(key)).encode())
    forged = jws.serialize_compact(
        {"alg": "HS256", "kid": key.kid, "typ": protocol.REQUEST_TYPE}, b"{}", secret
    )
    with pytest.raises(ProtocolError):
        protocol.verify(forged, key, typ=protocol.REQUEST_TYPE)


def test_a_response_is_not_accepted_as_a_request():
    key = protocol.generate_key()
    token = protocol.sign(_request().claims(), key, typ=protocol.RESPONSE_TYPE)
    with pytest.raises(ProtocolError) as refused:
        protocol.verify(token, key, typ=protocol.REQUEST_TYPE)
    assert refused.value.code == ExchangeErrorCode.MALFORMED_REQUEST


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"fields": []}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"fields": "full_name"}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"fields": ["x"] * 65}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"aud": "registries:ping"}, ExchangeErrorCode.WRONG_AUDIENCE),
        ({"iss": ""}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"purpose": "x" * 301}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"iat": "yesterday"}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"iat": True}, ExchangeErrorCode.MALFORMED_REQUEST),
        ({"subject": 1086027419}, ExchangeErrorCode.MALFORMED_REQUEST),
    ],
)
def test_malformed_claims_are_refused_with_their_reason(change, code):
    claims = {**_request().claims(), **change}
    with pytest.raises(ProtocolError) as refused:
        ExchangeRequest.from_claims(claims)
    assert refused.value.code == code


def test_the_time_window_is_checked_both_ways():
    now = time.time()
    protocol.check_time(int(now) - 100, window_seconds=120, now=now)
    protocol.check_time(int(now) + 100, window_seconds=120, now=now)
    for issued in (int(now) - 200, int(now) + 200):
        with pytest.raises(ProtocolError) as refused:
            protocol.check_time(issued, window_seconds=120, now=now)
        assert refused.value.code == ExchangeErrorCode.OUTSIDE_TIME_WINDOW


def test_a_key_is_named_by_its_thumbprint_and_a_false_kid_is_refused():
    key = protocol.generate_key()
    assert key.kid == key.thumbprint()
    lying = {**protocol.public_jwk(key), "kid": protocol.generate_key().kid}
    with pytest.raises(ProtocolError):
        protocol.key_from_jwk(lying)
    with pytest.raises(ProtocolError):
        protocol.key_from_jwk({"kty": "EC", "crv": "P-256", "x": "a", "y": "b"})
    assert not protocol.key_from_jwk(protocol.public_jwk(key)).is_private
    assert isinstance(protocol.key_from_jwk(protocol.private_jwk(key)), OKPKey)


def test_the_nonce_is_fresh_for_every_request():
    assert len({_request().nonce for _ in range(200)}) == 200


def test_header_parameters_the_protocol_does_not_use_and_loose_base64_are_refused():
    key = protocol.generate_key()
    token = protocol.sign(_request().claims(), key, typ=protocol.REQUEST_TYPE)
    _header, payload, signature = token.split(".")
    for extra in ({"crit": ["b64"], "b64": False}, {"jku": "https://attacker.example/jwks"}):
        header = {"alg": "Ed25519", "kid": key.kid, "typ": protocol.REQUEST_TYPE, **extra}
        encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
        with pytest.raises(ProtocolError) as refused:
            protocol.verify(f"{encoded}.{payload}.{signature}", key, typ=protocol.REQUEST_TYPE)
        assert refused.value.code == ExchangeErrorCode.MALFORMED_REQUEST
    for loose in (f"{token}=", token.replace(".", ".+", 1), f"{_header}.{payload}=.{signature}"):
        with pytest.raises(ProtocolError) as refused:
            protocol.verify(loose, key, typ=protocol.REQUEST_TYPE)
        assert refused.value.code == ExchangeErrorCode.MALFORMED_REQUEST
