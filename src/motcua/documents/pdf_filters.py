"""Bounded stream decoding for ``pdf_safety``: how much a PDF stream holds once decompressed,
found without keeping it in memory.

Flate is inflated in 64 KB chunks and only counted; LZW is counted from its table's entry lengths
alone; RunLength from its run lengths. A filter whose output feeds another (Flate inside Flate,
LZW then Flate, ASCII85 then Flate) keeps its output, at most ``MAX_INTERMEDIATE`` bytes. Every
decoded byte is charged to one ``Budget`` for the document, and decoding stops the moment it is
spent (``TooMuchData``). Image codecs (JPEG, JPEG 2000, JBIG2, CCITT) end the chain: only a
viewer decodes them, and ``pdf_safety`` bounds their images' declared size instead. A stream
that fails to decode counts what came out before the damage: a viewer gets no more from it.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

import pikepdf

MiB = 1024 * 1024
CHUNK = 64 * 1024
# a filter whose output feeds another filter keeps at most this
MAX_INTERMEDIATE = 64 * MiB

_FLATE = {"/FlateDecode", "/Fl"}
_LZW = {"/LZWDecode", "/LZW"}
_RUN_LENGTH = {"/RunLengthDecode", "/RL"}
_HEX = {"/ASCIIHexDecode", "/AHx"}
_A85 = {"/ASCII85Decode", "/A85"}
_EXPANDING = _FLATE | _LZW | _RUN_LENGTH
_GENERAL = _EXPANDING | _HEX | _A85


class TooMuchData(Exception):
    """A stream, or the document's streams in all, decode to more than allowed."""


class Budget:
    """Decoded bytes a document may produce in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    def charge(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise TooMuchData


def _inflate(data: bytes, cap: int, *, keep: bool) -> tuple[int, bytes]:
    """Flate-decode ``data`` in chunks, counting; keep the output only when asked (``TooMuchData``
    past ``cap``). A damaged stream counts what came out before the damage."""
    inflater = zlib.decompressobj()
    size = 0
    kept: list[bytes] = []
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        pending: bytes = bytes(view[start : start + CHUNK])
        while pending:
            try:
                out = inflater.decompress(pending, CHUNK)
            except zlib.error:
                return size, b"".join(kept)
            size += len(out)
            if size > cap:
                raise TooMuchData
            if keep:
                kept.append(out)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                return size, b"".join(kept)
            if not out and not pending:
                break
    return size, b"".join(kept)


def _lzw(data: bytes, cap: int, *, keep: bool, early_change: int) -> tuple[int, bytes]:
    """LZW-decode (PDF 32000-1 §7.4.4) with a cap. Counting needs only each table entry's
    length, so nothing is kept unless asked."""
    lengths = [1] * 256 + [0, 0]
    strings: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""] if keep else []
    out: list[bytes] = []
    size = 0
    width = 9
    buffer = 0
    bits = 0
    previous = -1
    for byte in data:
        buffer = (buffer << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            buffer &= (1 << bits) - 1
            if code == 256:  # clear table
                del lengths[258:]
                if keep:
                    del strings[258:]
                width = 9
                previous = -1
                continue
            if code == 257:  # end of data
                return size, b"".join(out)
            if previous >= 0 and len(lengths) < 4096 and code <= len(lengths):
                # the entry the previous code makes: its string and the first byte of this one's
                # (of its own when this code is the one being defined, "KwKwK")
                lengths.append(lengths[previous] + 1)
                if keep:
                    first = strings[code][:1] if code < len(strings) else strings[previous][:1]
                    strings.append(strings[previous] + first)
            if code >= len(lengths):
                return size, b"".join(out)  # damaged: what came before
            size += lengths[code]
            if size > cap:
                raise TooMuchData
            if keep:
                out.append(strings[code])
            previous = code
            if len(lengths) + early_change >= (1 << width) and width < 12:
                width += 1
    return size, b"".join(out)


def _run_length(data: bytes, cap: int, *, keep: bool) -> tuple[int, bytes]:
    size = 0
    out: list[bytes] = []
    index = 0
    while index < len(data):
        length = data[index]
        if length == 128:
            break
        if length < 128:
            chunk = data[index + 1 : index + 2 + length]
            index += length + 2
            size += len(chunk)
            if keep:
                out.append(chunk)
        else:
            size += 257 - length
            if keep:
                out.append(data[index + 1 : index + 2] * (257 - length))
            index += 2
        if size > cap:
            raise TooMuchData
    return size, b"".join(out)


def _ascii_hex(data: bytes) -> bytes:
    digits = data.split(b">", 1)[0].translate(None, b" \t\r\n\f\x00")
    if len(digits) % 2:
        digits += b"0"
    return binascii.unhexlify(digits)


def _ascii85(data: bytes) -> bytes:
    text = data.translate(None, b" \t\r\n\f\x00")
    text = text.removeprefix(b"<~").split(b"~>", 1)[0]
    return base64.a85decode(text)


def _names(value: Any) -> list[str]:
    if isinstance(value, pikepdf.Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array):
        return [str(item) for item in value if isinstance(item, pikepdf.Name)]
    return []


def _parms(stream: pikepdf.Object, index: int) -> Any:
    parms = stream.get("/DecodeParms", stream.get("/DP"))
    if isinstance(parms, pikepdf.Array):
        return parms[index] if index < len(parms) else None
    return parms


def decoded_size(stream: pikepdf.Object, budget: Budget) -> int:
    """The stream's size after its general filters, each filter's output charged to ``budget``
    as it is counted (``TooMuchData`` when it is spent)."""
    filters = _names(stream.get("/Filter", stream.get("/F")))
    general = []
    for name in filters:
        if name not in _GENERAL:
            break  # an image codec (decoded only by a viewer; its size is bounded) or unknown
        general.append(name)
    try:
        data = stream.read_raw_bytes()
    except pikepdf.PdfError:
        return 0
    size = len(data)
    for index, name in enumerate(general):
        keep = index < len(general) - 1  # its output feeds the next filter
        cap = min(budget.remaining, MAX_INTERMEDIATE) if keep else budget.remaining
        try:
            if name in _FLATE:
                size, data = _inflate(data, cap, keep=keep)
            elif name in _LZW:
                parms = _parms(stream, index)
                early = parms.get("/EarlyChange", 1) if isinstance(parms, pikepdf.Dictionary) else 1
                size, data = _lzw(data, cap, keep=keep, early_change=1 if early else 0)
            elif name in _RUN_LENGTH:
                size, data = _run_length(data, cap, keep=keep)
            else:
                data = _ascii_hex(data) if name in _HEX else _ascii85(data)
                size = len(data)
        except (ValueError, binascii.Error):
            return 0  # undecodable: a viewer gets nothing from it either
        budget.charge(size)
    return size
