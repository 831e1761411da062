"""Rendering a result as PDF/A-2b: one A4 page with the national heading, the issuing agency,
the document's number and date, its title and data, and a QR code for the public verifier.

The text is set in Noto Sans, shipped in ``documents/fonts`` (every Vietnamese glyph and ₫;
SIL Open Font License), embedded as a subset. The page is drawn with reportlab, then
``pikepdf.pdfa`` adds the output intent and XMP metadata and validates the bytes it writes, so
a document that would not conform is never signed.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
PDFA_FLAVOUR = "2b"
MARGIN = 56.0
WIDTH, HEIGHT = A4


@dataclass(frozen=True)
class Page:
    """What a result shows (already in Vietnamese: the document is the legal text)."""

    agency_name: str
    parent_name: str  # the agency above it, printed over its name (e.g. the province)
    number: str
    place: str
    issued_on: datetime.date
    title: str
    rows: Sequence[tuple[str, str]]
    holder: str
    verify_url: str
    signer_note: str
    pdf_title: str


@lru_cache(maxsize=1)
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "NotoSans-Bold.ttf")))


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if line and pdfmetrics.stringWidth(candidate, font, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def draw_national_heading(
    pdf: canvas.Canvas, *, top: float, upper: str, agency: str, number_line: str, date_line: str
) -> float:
    """The two-column heading of an official document (Decree 30/2020 layout), shared by the
    signed results and the one-stop forms 01–05: ``upper`` (regular) over ``agency`` (bold,
    wrapped) and the number on the left; the national name and motto, always in Vietnamese,
    over ``date_line`` on the right. Returns the lowest baseline it drew on."""
    register_fonts()
    left_x = MARGIN + 110
    right_x = WIDTH - MARGIN - 140
    pdf.setFont(REGULAR, 10)
    pdf.drawCentredString(left_x, top, upper)
    pdf.setFont(BOLD, 10)
    agency_lines = wrap_text(agency, BOLD, 10, 210)
    for i, line in enumerate(agency_lines):
        pdf.drawCentredString(left_x, top - 14 * (i + 1), line)
    pdf.setFont(REGULAR, 10)
    number_y = top - 14 * (len(agency_lines) + 1) - 4
    pdf.drawCentredString(left_x, number_y, number_line)
    pdf.setFont(BOLD, 10)
    pdf.drawCentredString(right_x, top, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.setFont(BOLD, 11)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.drawCentredString(right_x, top - 15, motto)
    half = pdfmetrics.stringWidth(motto, BOLD, 11) / 2
    pdf.setLineWidth(0.6)
    pdf.line(right_x - half, top - 19, right_x + half, top - 19)
    pdf.setFont(REGULAR, 10)
    pdf.drawCentredString(right_x, top - 38, date_line)
    return min(number_y, top - 38)


def _qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code as filled runs of modules (vector: sharp at any zoom, no image to embed).
    A fixed mask skips segno's mask search (~20 ms); any of the eight masks is a valid code."""
    matrix = segno.make(data, error="m", mask=0, boost_error=False).matrix
    modules = len(matrix)
    pdf.saveState()
    pdf.translate(x, y + size)
    pdf.scale(size / modules, -size / modules)
    path = pdf.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < modules:
            if row[c]:
                start = c
                while c < modules and row[c]:
                    c += 1
                path.rect(start, r, c - start, 1)
            else:
                c += 1
    pdf.drawPath(path, stroke=0, fill=1)
    pdf.restoreState()


def _draw(page: Page) -> bytes:
    register_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1, initialFontName=REGULAR)
    pdf.setTitle(page.pdf_title)
    pdf.setAuthor(page.agency_name)
    pdf.setCreator("motcua")
    top = HEIGHT - MARGIN
    day = page.issued_on
    draw_national_heading(
        pdf,
        top=top,
        upper=page.parent_name.upper(),
        agency=page.agency_name.upper(),
        number_line=f"Số: {page.number}",
        date_line=f"{page.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
    )
    # title and data
    y = top - 100
    pdf.setFont(BOLD, 15)
    for line in wrap_text(page.title.upper(), BOLD, 15, WIDTH - 2 * MARGIN):
        pdf.drawCentredString(WIDTH / 2, y, line)
        y -= 20
    y -= 16
    label_width = 190.0
    value_width = WIDTH - 2 * MARGIN - label_width
    for label, value in page.rows:
        value_lines = wrap_text(value or "—", REGULAR, 11, value_width)
        pdf.setFont(REGULAR, 11)
        pdf.drawString(MARGIN, y, f"{label}:")
        pdf.setFont(BOLD, 11)
        for line in value_lines:
            pdf.drawString(MARGIN + label_width, y, line)
            y -= 16
        y -= 4
        if y < 240:
            break  # one page: a result's data fits; the verifier shows the rest
    # the signature note and the QR code for the verifier
    pdf.setFont(REGULAR, 10)
    note_y = 205.0
    for line in wrap_text(page.signer_note, REGULAR, 10, 300):
        pdf.drawString(WIDTH - MARGIN - 300, note_y, line)
        note_y -= 14
    _qr(pdf, page.verify_url, MARGIN, 90, 100)
    pdf.setFont(REGULAR, 8)
    pdf.drawString(MARGIN, 78, "Quét mã để xác minh văn bản / Scan to verify:")
    for i, line in enumerate(wrap_text(page.verify_url, REGULAR, 8, WIDTH - 2 * MARGIN)):
        pdf.drawString(MARGIN, 66 - 10 * i, line)
    pdf.drawRightString(WIDTH - MARGIN, 78, f"Người nhận: {page.holder}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def render(page: Page, *, validate: bool = False) -> bytes:
    """The page as PDF/A-2b bytes.

    Every page of every result type is drawn by the same code with the same font and no
    images, so conformance is a property of this module, proved by validating the written bytes
    (``validate=True``: ``pikepdf.pdfa.PdfaError`` if they do not conform) in the tests and by
    ``motcua pki check``-style runs; the signing path skips the second parse (~45 ms)."""
    return to_pdfa(_draw(page), title=page.pdf_title, creator=page.agency_name, validate=validate)


def to_pdfa(drawn: bytes, *, title: str, creator: str, language: str = "vi", validate: bool = False) -> bytes:
    """Bytes drawn by reportlab with the embedded fonts above, as PDF/A-2b: reportlab's page
    transitions removed, XMP metadata (title, creator, language) and the output intent added."""
    with pikepdf.open(io.BytesIO(drawn)) as document:
        for pdf_page in document.pages:
            if "/Trans" in pdf_page.obj:  # reportlab's empty page transition; not allowed in PDF/A
                del pdf_page.obj["/Trans"]
        with document.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:creator"] = [creator]
            meta["dc:language"] = [language]
        out = io.BytesIO()
        if validate:
            pikepdf.pdfa.save(document, out, PDFA_FLAVOUR)
        else:
            pikepdf.pdfa.prepare(document, PDFA_FLAVOUR)
            document.save(out, **pikepdf.pdfa.resolve_save_kwargs(pikepdf.pdfa.Flavour(PDFA_FLAVOUR)))
    return out.getvalue()
