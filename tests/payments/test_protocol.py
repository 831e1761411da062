"""The neutral payment protocol: amounts, signatures, IPN replies and the VietQR payload."""

from __future__ import annotations

import pytest

from motcua.protocol import payments as wire

SECRET = b"merchant-secret-for-tests"
# subiz/vietqr README's example, CRC recomputed in the domain notes (A.4)
VECTOR = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


def test_amounts_travel_as_dong_times_100_and_come_back_whole() -> None:
    assert wire.amount_to_wire(50_000) == "5000000"
    assert wire.amount_from_wire("5000000") == 50_000
    for bad in ("5000050", "-100", "1e5", "", "٥٠٠", "0", "5000000.0"):
        with pytest.raises(wire.ProtocolError):
            wire.amount_from_wire(bad)
    for bad_vnd in (0, -1, True, 10**12):
        with pytest.raises(wire.ProtocolError):
            wire.amount_to_wire(bad_vnd)


def test_signature_is_hmac_sha512_over_sorted_url_encoded_parameters() -> None:
    import hashlib
    import hmac

    params = {"vnp_TxnRef": "P-1", "vnp_Amount": "5000000", "vnp_OrderInfo": "Lệ phí hộ tịch", "other": "x"}
    text = "vnp_Amount=5000000&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+h%E1%BB%99+t%E1%BB%8Bch&vnp_TxnRef=P-1"
    assert wire.canonical(params) == text
    message = wire.signed(params, SECRET)
    assert message["vnp_SecureHash"] == hmac.new(SECRET, text.encode(), hashlib.sha512).hexdigest()
    assert wire.verify(message, SECRET)
    assert not wire.verify(message, b"another merchant")
    assert not wire.verify({**message, "vnp_Amount": "500000000"}, SECRET)
    assert not wire.verify({k: v for k, v in message.items() if k != "vnp_SecureHash"}, SECRET)
    # a parameter outside vnp_* is not signed, so the receiver must not read it
    assert wire.verify({**message, "other": "changed"}, SECRET)


def test_ipn_replies_are_the_documented_codes() -> None:
    assert wire.IpnReply.CONFIRMED.body() == {"RspCode": "00", "Message": "Confirm Success"}
    assert wire.IpnReply.ALREADY_CONFIRMED.body()["RspCode"] == "02"
    assert wire.IpnReply.INVALID_AMOUNT.body()["RspCode"] == "04"
    assert wire.IpnReply.INVALID_CHECKSUM.body()["RspCode"] == "97"


def test_vietqr_matches_the_published_vector() -> None:
    qr = wire.VietQr(
        bank_bin="970415", account="0011001932418", amount_vnd=120_000, reference="", purpose="ung ho lu lut"
    )
    assert qr.payload() == VECTOR
    assert wire.parse_vietqr(VECTOR) == qr


def test_vietqr_round_trip_with_our_reference_and_a_broken_crc_is_refused() -> None:
    qr = wire.VietQr(bank_bin="970436", account="1234567890", amount_vnd=50_000, reference="TT2612000001")
    payload = qr.payload()
    assert wire.parse_vietqr(payload) == qr
    tampered = payload.replace("540550000", "540510000")
    assert tampered != payload
    with pytest.raises(wire.ProtocolError, match="CRC"):
        wire.parse_vietqr(tampered)
    with pytest.raises(wire.ProtocolError):
        wire.VietQr(bank_bin="97", account="1", amount_vnd=1, reference="x").payload()
