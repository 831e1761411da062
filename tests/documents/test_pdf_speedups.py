"""The fast hex-string reader installed into pyHanko reads exactly what pyHanko's own does."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509
from pyhanko.pdf_utils import generic, misc

from motcua.documents import pdf_speedups


@pytest.mark.parametrize(
    "source",
    [
        b"<48656c6c6f> rest",
        b"<48 65\n6c\t6c\r6f\x00> rest",
        b"<4865 6c6c 6> rest",  # odd: the last digit is padded with 0
        b"<> rest",
        b"<" + b"0a1B" * 5000 + b"> rest",  # longer than one read
        b"<" + b"ff" * 4095 + b"f> rest",  # ">" right after a read boundary
    ],
)
def test_same_value_and_position_as_pyhanko(source):
    ours, theirs = io.BytesIO(source), io.BytesIO(source)
    assert pdf_speedups.read_hex_string_from_stream(ours) == pdf_speedups.ORIGINAL(theirs)
    assert ours.tell() == theirs.tell()
    assert ours.read() == b" rest"


@pytest.mark.parametrize("source", [b"<48zz>", b"<4865", b"<48(65>"])
def test_the_same_refusals(source):
    with pytest.raises(misc.PdfStreamError):
        pdf_speedups.ORIGINAL(io.BytesIO(source))
    with pytest.raises(misc.PdfStreamError):
        pdf_speedups.read_hex_string_from_stream(io.BytesIO(source))


@pytest.mark.parametrize(
    "value", ["Ủy ban nhân dân phường Ba Đình", "  UBND   Ba\tĐình ", "motcua dev root CA", "ＡＢＣ", ""]
)
def test_memoised_name_preparation_is_asn1cryptos(value):
    assert pdf_speedups.ldap_string_prep(value) == pdf_speedups.ORIGINAL_STRING_PREP(None, value)


def test_installed_when_the_app_starts():
    assert generic.read_hex_string_from_stream is pdf_speedups.read_hex_string_from_stream
    assert x509.NameTypeAndValue._ldap_string_prep is pdf_speedups._memoised_string_prep
    assert x509.Name.__eq__ is pdf_speedups._name_eq


def _name(**values: str) -> x509.Name:
    return x509.Name.build(values)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            _name(common_name="UBND Ba Đình", country_name="VN"),
            _name(common_name="UBND Ba Đình", country_name="VN"),
        ),
        # equal under RFC 5280 though encoded differently (case and spaces): asn1crypto decides
        (_name(common_name="UBND  Ba Đình"), _name(common_name="ubnd ba đình")),
        (_name(common_name="UBND Ba Đình"), _name(common_name="UBND Ngọc Hà")),
        (_name(common_name="UBND Ba Đình"), _name(common_name="UBND Ba Đình", country_name="VN")),
    ],
)
def test_name_comparison_is_asn1cryptos(left, right):
    assert pdf_speedups._name_eq(left, right) == pdf_speedups.ORIGINAL_NAME_EQ(left, right)
    assert (left == right) == pdf_speedups.ORIGINAL_NAME_EQ(left, right)
    assert pdf_speedups._name_eq(left, "not a name") is False
