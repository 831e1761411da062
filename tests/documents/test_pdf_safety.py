"""The PDF check itself (``pdf_safety``, ``pdf_filters``) on hostile files built here with pikepdf:
what is refused, what is removed and how the result looks, the bounds, and that a bomb is
refused without being inflated into memory. The endpoints are in ``test_hostile_uploads``."""

from __future__ import annotations

import io
import tracemalloc
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.utils import translation
from pikepdf import Array, Dictionary, Name

from motcua.documents import pdf_filters, pdf_safety, rendering, signing
from motcua.documents.pdf_safety import Finding, PdfRefused
from tests.documents import hostile
from tests.documents.test_results import _page
from tests.identity.world import PDF

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.pdf"
    path.write_bytes(data)
    return path


def _refusal(tmp_path: Path, data: bytes) -> PdfRefused:
    path = _written(tmp_path, data)
    with pytest.raises(PdfRefused) as refused:
        pdf_safety.make_safe(path)
    assert path.read_bytes() == data  # left as it came, for the caller to discard
    assert not [p for p in tmp_path.iterdir() if p != path]  # no half-written copy either
    return refused.value


def _every_dictionary(data: bytes) -> list[dict[str, object]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [dict(item.items()) for item in pdf_safety._dictionaries(pdf)]


@pytest.mark.parametrize(
    ("build", "findings", "named"),
    [
        (hostile.launch_action, {Finding.LAUNCH}, "starts a program"),
        (hostile.embedded_file, {Finding.EMBEDDED_FILES}, "files embedded inside it"),
        (hostile.xfa_form, {Finding.XFA}, "an XFA form"),
    ],
)
def test_launch_embedded_files_and_xfa_are_refused(tmp_path, build, findings, named):
    refused = _refusal(tmp_path, build())
    assert refused.findings == findings
    assert refused.code == "pdf_refused"
    assert named in refused.message


def test_a_javascript_open_action_is_removed_and_the_page_kept(tmp_path):
    original = hostile.javascript_open_action()
    path = _written(tmp_path, original)
    outcome = pdf_safety.make_safe(path)
    assert outcome == pdf_safety.Outcome(rewritten=True, removed=("javascript", "open_action"), signed=False)
    cleaned = path.read_bytes()
    assert cleaned != original
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert len(pdf.pages) == 1
        assert pdf.pages[0].Contents.read_bytes() == hostile.PAGE_TEXT  # what the page shows is intact
    assert b"app.alert" not in cleaned
    assert not [p for p in tmp_path.iterdir() if p != path]


def test_page_actions_links_and_the_javascript_name_tree_are_removed(tmp_path):
    path = _written(tmp_path, hostile.page_additional_action())
    outcome = pdf_safety.make_safe(path)
    assert outcome.removed == ("javascript", "additional_actions")
    cleaned = path.read_bytes()
    for item in _every_dictionary(cleaned):
        assert not {"/AA", "/JS", "/JavaScript", "/A"} & set(item), item
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        (link,) = pdf.pages[0].Annots  # the link stays, without its script
        assert link.Subtype == Name.Link
        assert pdf.pages[0].Contents.read_bytes() == hostile.PAGE_TEXT
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert pdf_safety.inspect(pdf).findings == frozenset()


def test_escaped_names_do_not_hide_a_script(tmp_path):
    data = hostile.escaped_names()
    assert b"/JavaScript" not in data
    assert b"/OpenAction" not in data
    path = _written(tmp_path, data)
    assert pdf_safety.make_safe(path).removed == ("javascript", "open_action")
    with pikepdf.open(path) as pdf:
        assert "/OpenAction" not in pdf.Root
    assert b"app.alert" not in path.read_bytes()


def test_a_javascript_url_and_a_form_submission_are_removed_but_a_web_link_stays(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    annots = [
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 9, 9]), A=action)
        for action in (
            Dictionary(S=Name.URI, URI=pikepdf.String(" JavaScript:alert(1)")),
            Dictionary(S=Name.SubmitForm, F=pikepdf.String("https://evil.example/")),
            Dictionary(S=Name.URI, URI=pikepdf.String("https://dichvucong.gov.vn/")),
        )
    ]
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(a) for a in annots])
    out = io.BytesIO()
    pdf.save(out)
    path = _written(tmp_path, out.getvalue())
    assert pdf_safety.make_safe(path).removed == ("javascript", "data_actions")
    with pikepdf.open(path) as cleaned:
        actions = [annot.get("/A") for annot in cleaned.pages[0].Annots]
    assert actions[:2] == [None, None]
    assert str(actions[2].URI) == "https://dichvucong.gov.vn/"


@pytest.mark.parametrize("build", [hostile.plain, hostile.link_to_website, lambda: PDF])
def test_an_ordinary_pdf_is_kept_byte_for_byte(tmp_path, build):
    data = build()
    path = _written(tmp_path, data)
    assert pdf_safety.make_safe(path) == pdf_safety.Outcome(rewritten=False, removed=(), signed=False)
    assert path.read_bytes() == data


def test_a_rendered_page_and_a_signed_one_pass_unchanged(tmp_path, db):
    rendered = rendering.render(_page("Giấy khai sinh"))
    path = _written(tmp_path, rendered)
    assert not pdf_safety.make_safe(path).rewritten
    signed = signing.sign_pdf(
        rendered,
        agency_code="DN.0100000024",
        agency_name="Công ty TNHH Kiểm Thử PDF",
        reason="ký",
        location="HN",
    )
    path = _written(tmp_path, signed.data)
    assert pdf_safety.make_safe(path) == pdf_safety.Outcome(rewritten=False, removed=(), signed=True)
    assert path.read_bytes() == signed.data


def test_a_signed_pdf_with_javascript_is_refused_not_rewritten(tmp_path, db):
    with_script = hostile.javascript_open_action()
    signed = signing.sign_pdf(
        with_script,
        agency_code="DN.0100000024",
        agency_name="Công ty TNHH Kiểm Thử PDF",
        reason="ký",
        location="HN",
    ).data
    refused = _refusal(tmp_path, signed)
    assert refused.findings == {Finding.JAVASCRIPT, Finding.OPEN_ACTION}
    assert "digitally signed" in refused.message
    assert "JavaScript code" in refused.message
    assert "break its signature" in refused.message


def test_the_decompression_bomb_is_refused_without_inflating_it(tmp_path):
    bomb = hostile.decompression_bomb(512)
    assert len(bomb) < MiB  # 512 MiB of zeros in about half a megabyte
    path = _written(tmp_path, bomb)
    tracemalloc.start()
    try:
        with pytest.raises(PdfRefused) as refused:
            pdf_safety.make_safe(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "decompressed_size"
    assert "more than 256 MB of data once decompressed" in refused.value.message
    assert peak < 8 * MiB  # counted chunk by chunk, never held


def test_the_bomb_builder_makes_what_it_says():
    inflated = zlib.decompress(hostile.zeros_deflated(3))
    assert inflated == bytes(3 * MiB)


def test_a_bomb_inside_a_bomb_is_refused(tmp_path):
    """Flate inside Flate (a million to one): the inner layer is kept at most MAX_INTERMEDIATE."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    outer = zlib.compress(hostile.zeros_deflated(1024), 9)  # 1 GiB of zeros, deflated twice
    stream = pikepdf.Stream(pdf, b"")
    stream.write(outer, filter=Array([Name.FlateDecode, Name.FlateDecode]))
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    assert len(out.getvalue()) < 64 * 1024
    assert _refusal(tmp_path, out.getvalue()).reason == "decompressed_size"


def test_a_bomb_in_an_object_stream_is_refused_before_qpdf_inflates_it(tmp_path):
    """A page inside an object stream padded with 512 MiB of zeros: counted in chunks before
    qpdf would inflate it to read the page."""
    bomb = hostile.object_stream_bomb(512, tree_inside=False)
    path = _written(tmp_path, bomb)
    tracemalloc.start()
    try:
        with pytest.raises(PdfRefused) as refused:
            pdf_safety.make_safe(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "decompressed_size"
    assert peak < 8 * MiB
    # with the page tree inside, qpdf must inflate it to open the file at all: its own cap stops it
    opened = _refusal(tmp_path, hostile.object_stream_bomb(512))
    assert opened.reason == "damaged"
    assert "within the platform's limits" in opened.message
    # the same files with a little padding are ordinary PDFs
    for tree_inside in (True, False):
        path = _written(tmp_path, hostile.object_stream_bomb(1, tree_inside=tree_inside))
        assert pdf_safety.make_safe(path) == pdf_safety.Outcome(rewritten=False, removed=(), signed=False)


def test_the_bounds_on_pages_objects_and_image_size(tmp_path, settings):
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    three_pages = out.getvalue()
    settings.MOTCUA_PDF_MAX_PAGES = 2
    refused = _refusal(tmp_path, three_pages)
    assert (refused.reason, refused.message) == (
        "pages",
        "The PDF has more than 2 pages; split it into several files.",
    )
    settings.MOTCUA_PDF_MAX_PAGES = 500
    settings.MOTCUA_PDF_MAX_OBJECTS = 4
    assert _refusal(tmp_path, three_pages).reason == "objects"
    settings.MOTCUA_PDF_MAX_OBJECTS = 100_000
    # an image that says it is 100,000 × 100,000 pixels (a viewer would allocate for it)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(
        b"\xff\xd8\xff\xd9", Type=Name.XObject, Subtype=Name.Image, Width=100_000, Height=100_000
    )
    image.Filter = Name.DCTDecode
    image.BitsPerComponent, image.ColorSpace = 8, Name.DeviceRGB
    pdf.pages[0].Resources = Dictionary(XObject=Dictionary(Im0=image))
    out = io.BytesIO()
    pdf.save(out)
    assert _refusal(tmp_path, out.getvalue()).reason == "image_size"


def test_a_page_tree_that_multiplies_is_refused(tmp_path):
    """Each node's kids are the same node 100 times, three levels deep: a million pages from a
    few objects. qpdf, listing the pages as it opens the file, stops at the first node seen twice."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    leaf = pdf.pages[0].obj
    node = leaf
    root = pdf.Root.Pages
    for _level in range(3):
        parent = pdf.make_indirect(Dictionary(Type=Name.Pages, Kids=Array([node] * 100), Count=0))
        node = parent
    root.Kids = Array([node])
    out = io.BytesIO()
    pdf.save(out)
    assert _refusal(tmp_path, out.getvalue()).reason == "damaged"


def test_a_password_and_a_damaged_file_are_refused(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))
    assert _refusal(tmp_path, out.getvalue()).reason == "password"
    assert _refusal(tmp_path, b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").reason == "damaged"


def test_a_repaired_file_is_stored_as_qpdf_read_it(tmp_path):
    """A wrong cross-reference table: the reader of the official would rebuild it its own way,
    so the file is rewritten from the structure that was checked."""
    broken = PDF.replace(b"0000000058 00000 n", b"0000000099 00000 n")
    path = _written(tmp_path, broken)
    outcome = pdf_safety.make_safe(path)
    assert outcome == pdf_safety.Outcome(rewritten=True, removed=(), signed=False)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        assert not pdf.get_warnings()


def test_the_verifier_guard_refuses_only_what_passes_a_bound(tmp_path):
    pdf_safety.check_limits(hostile.javascript_open_action())  # active content: not its concern
    pdf_safety.check_limits(b"%PDF-1.4\n%%EOF")  # unreadable: the verifier says so itself
    with pytest.raises(PdfRefused) as refused:
        pdf_safety.check_limits(hostile.decompression_bomb(512))
    assert refused.value.reason == "decompressed_size"


def _lzw_encode(data: bytes) -> bytes:
    """A plain LZW encoder (PDF 32000-1 §7.4.4, EarlyChange 1), to check the decoder against qpdf's."""
    table = {bytes([i]): i for i in range(256)}
    codes = [256]
    word = b""
    for value in data:
        candidate = word + bytes([value])
        if candidate in table:
            word = candidate
            continue
        codes.append(table[word])
        if len(table) + 2 < 4096:
            table[candidate] = len(table) + 2
        word = bytes([value])
    codes += [table[word], 257]
    bits, width, next_code, buffer, out = 0, 9, 258, 0, bytearray()
    for index, code in enumerate(codes):
        buffer = (buffer << width) | code
        bits += width
        while bits >= 8:
            bits -= 8
            out.append((buffer >> bits) & 0xFF)
        if index > 1 and code != 257:
            next_code += 1
        if next_code + 1 >= (1 << width) and width < 12:
            width += 1
    if bits:
        out.append((buffer << (8 - bits)) & 0xFF)
    return bytes(out)


@pytest.mark.parametrize(
    "content",
    [b"TOBEORNOTTOBEORTOBEORNOT" * 50, bytes(range(256)) * 40 + b"\x00" * 9000],
)
def test_the_bounded_decoders_agree_with_qpdf(content):
    pdf = pikepdf.new()
    cases: list[tuple[Name | Array, bytes]] = [
        (Name.FlateDecode, zlib.compress(content)),
        (Name.RunLengthDecode, _run_length_encode(content)),
        (Name.ASCIIHexDecode, content.hex().encode() + b">"),
        (Array([Name.ASCII85Decode, Name.FlateDecode]), _a85(zlib.compress(content))),
    ]
    for filters, encoded in cases:
        stream = pikepdf.Stream(pdf, b"")
        stream.write(encoded, filter=filters)
        # qpdf's reading (RunLength is one of its "specialized" filters)
        assert stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized) == content
        budget = pdf_filters.Budget(10 * MiB)
        assert pdf_filters.decoded_size(stream, budget) == len(content)
    # LZW: qpdf's reading of our encoder's output, then ours, counting and keeping
    encoded = _lzw_encode(content)
    stream = pikepdf.Stream(pdf, b"")
    stream.write(encoded, filter=Name.LZWDecode)
    assert stream.read_bytes() == content
    assert pdf_filters.decoded_size(stream, pdf_filters.Budget(10 * MiB)) == len(content)
    assert pdf_filters._lzw(encoded, MiB, keep=True, early_change=1) == (len(content), content)
    with pytest.raises(pdf_filters.TooMuchData):
        pdf_filters.decoded_size(stream, pdf_filters.Budget(len(content) - 1))


def _run_length_encode(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), 128):
        chunk = data[start : start + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


def _a85(data: bytes) -> bytes:
    import base64

    return base64.a85encode(data) + b"~>"


def test_findings_name_each_kind_in_the_applicants_language():
    with translation.override("vi"):
        assert pdf_safety.labels(["open_action", "javascript"]) == (
            "mã JavaScript, hành động tự chạy khi mở tệp (OpenAction)"
        )
        assert pdf_safety.removal_notice([]) == ""
