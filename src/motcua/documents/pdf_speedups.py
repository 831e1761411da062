"""Two speed-ups for pyHanko and asn1crypto, installed when the documents app starts.

pyHanko reads a PDF hex string (``<0a1b…>``) one character at a time in Python. A signature's
``/Contents`` is such a string of ~16,000 digits, so every signing and every verification spent
about half its time there. ``read_hex_string_from_stream`` below does the same thing with bytes
operations: skip the ``<``, read up to the ``>``, drop PDF whitespace, refuse any non-hex digit,
pad an odd count with ``0`` (PDF 32000-1 §7.3.4.3) and leave the stream just after the ``>``.
``tests/documents/test_pdf_speedups.py`` checks it against pyHanko's own reader.

asn1crypto prepares every certificate name it compares with RFC 4518's string preparation, in
pure Python, again for each freshly parsed certificate: a quarter of a verification went there.
The preparation is a pure function of the string, so ``install`` memoises it. Even memoised,
comparing two names walks every attribute of both: validating one signature compares names
several hundred times (issuer/serial matching, path building, CRL scope), mostly a certificate's
name with another copy of the same name. Two names with the same DER encoding are the same name
(RFC 5280 §7.1 only adds that differently encoded ones may be equal too), so ``install`` answers
that case from the bytes and leaves every other comparison to asn1crypto.
"""

from __future__ import annotations

import binascii
from functools import lru_cache
from typing import IO, Any

from asn1crypto import x509
from pyhanko.pdf_utils import generic, misc

_WHITESPACE = misc.PDF_WHITESPACE
_HEX = generic.HEX_DIGITS
ORIGINAL = generic.read_hex_string_from_stream
CHUNK = 8192


def read_hex_string_from_stream(stream: IO[bytes]) -> Any:
    stream.read(1)  # "<"
    start = stream.tell()
    parts: list[bytes] = []
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            raise misc.PdfStreamError("Stream has ended unexpectedly")
        end = chunk.find(b">")
        if end >= 0:
            parts.append(chunk[:end])
            break
        parts.append(chunk)
    raw = b"".join(parts)
    stream.seek(start + len(raw) + 1)
    digits = raw.translate(None, _WHITESPACE)
    if digits.translate(None, _HEX):
        raise misc.PdfStreamError("Unexpected token in hex string")
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


ORIGINAL_STRING_PREP = x509.NameTypeAndValue._ldap_string_prep


@lru_cache(maxsize=8192)
def ldap_string_prep(string: str) -> str:
    """RFC 4518 preparation of one name value (asn1crypto's, which does not use its instance)."""
    prepared: str = ORIGINAL_STRING_PREP(None, string)
    return prepared


def _memoised_string_prep(self: Any, string: str) -> str:
    return ldap_string_prep(string)


ORIGINAL_NAME_EQ = x509.Name.__eq__


def _name_eq(self: x509.Name, other: object) -> bool:
    if isinstance(other, x509.Name) and self.dump() == other.dump():
        return True
    equal: bool = ORIGINAL_NAME_EQ(self, other)
    return equal


def install() -> None:
    x509.Name.__eq__ = _name_eq
    generic.read_hex_string_from_stream = read_hex_string_from_stream
    x509.NameTypeAndValue._ldap_string_prep = _memoised_string_prep
