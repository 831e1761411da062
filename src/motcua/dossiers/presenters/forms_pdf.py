"""The one-stop forms 01–05 as downloadable PDF (A4, PDF/A-2b, Noto Sans embedded).

Each form is drawn from the same view-models as its HTML page (``dossier_view`` for the receipt,
form 01; ``notices_of`` for the notices 02–05) and with the same translated strings, so the
printed page and the PDF say the same thing in the reader's language; the national name and
motto are always Vietnamese. The heading and the PDF/A finishing are the signed results' own
(``documents.rendering``). The caller has read the dossier through the scoped selectors.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from django.http import HttpResponse
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from motcua.documents.rendering import (
    BOLD,
    HEIGHT,
    MARGIN,
    REGULAR,
    WIDTH,
    draw_national_heading,
    register_fonts,
    to_pdfa,
    wrap_text,
)
from motcua.documents.views import DOWNLOAD_POLICY
from motcua.dossiers.presenters.dossiers import DossierView, NoticeView
from motcua.portal.templatetags.motcua import field_tr

OFFICIAL_FORMS = ("02", "03", "04", "05")  # the notices with an official template (01 is the receipt)
BODY = 11.0
LINE = 15.0
LABEL_WIDTH = 170.0
SIGNATURE_WIDTH = 240.0


class _Flow:
    """Lines set from the top of an A4 page down, onto a new page when one is full."""

    def __init__(self, pdf: canvas.Canvas, y: float) -> None:
        self.pdf = pdf
        self.y = y

    def _room(self, lines: int = 1) -> None:
        if self.y - LINE * (lines - 1) < MARGIN:
            self.pdf.showPage()
            self.y = HEIGHT - MARGIN

    def space(self, points: float) -> None:
        self.y -= points

    def text(self, text: str, *, font: str = REGULAR, size: float = BODY, indent: float = 0) -> None:
        for line in wrap_text(text, font, size, WIDTH - 2 * MARGIN - indent):
            self._room()
            self.pdf.setFont(font, size)
            self.pdf.drawString(MARGIN + indent, self.y, line)
            self.y -= LINE

    def right(self, text: str, *, font: str = REGULAR, size: float = BODY) -> None:
        """Set flush right, as the form number and the signature block are on the page."""
        for line in wrap_text(text, font, size, SIGNATURE_WIDTH):
            self._room()
            self.pdf.setFont(font, size)
            self.pdf.drawRightString(WIDTH - MARGIN, self.y, line)
            self.y -= LINE

    def centred(self, text: str, *, font: str = BOLD, size: float = 14) -> None:
        for line in wrap_text(text, font, size, WIDTH - 2 * MARGIN):
            self._room()
            self.pdf.setFont(font, size)
            self.pdf.drawCentredString(WIDTH / 2, self.y, line)
            self.y -= size + 5

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        for label, value in rows:
            value_lines = wrap_text(value or "—", BOLD, BODY, WIDTH - 2 * MARGIN - LABEL_WIDTH)
            label_lines = wrap_text(label, REGULAR, BODY, LABEL_WIDTH - 8)
            self._room(max(len(value_lines), len(label_lines)))
            top = self.y
            self.pdf.setFont(REGULAR, BODY)
            for i, line in enumerate(label_lines):
                self.pdf.drawString(MARGIN, top - LINE * i, line)
            self.pdf.setFont(BOLD, BODY)
            for i, line in enumerate(value_lines):
                self.pdf.drawString(MARGIN + LABEL_WIDTH, top - LINE * i, line)
            self.y = top - LINE * max(len(value_lines), len(label_lines)) - 3


def _language() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _document(
    *,
    agency: str,
    number: str,
    issued: datetime.date | None,
    form_number: str,
    title: str,
    pdf_title: str,
) -> tuple[io.BytesIO, canvas.Canvas, _Flow]:
    """A new document with the form's heading drawn: the same parts, in the same order, as
    ``portal/patterns/national_heading.html``."""
    register_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1, initialFontName=REGULAR)
    pdf.setTitle(pdf_title)
    pdf.setAuthor(agency)
    pdf.setCreator("motcua")
    bottom = draw_national_heading(
        pdf,
        top=HEIGHT - MARGIN,
        upper=agency.upper(),
        agency=_("One-stop section").upper(),
        number_line=_("No.: %(number)s") % {"number": number},
        date_line=_("On %(day)s/%(month)s/%(year)s")
        % {
            "day": date_filter(issued, "d"),
            "month": date_filter(issued, "m"),
            "year": date_filter(issued, "Y"),
        },
    )
    flow = _Flow(pdf, bottom - 36)
    flow.right(_("Form No. %(form_number)s") % {"form_number": form_number}, font=BOLD)
    flow.space(10)
    flow.centred(title.upper())
    flow.space(8)
    return out, pdf, flow


def _finish(out: io.BytesIO, pdf: canvas.Canvas, *, title: str, creator: str) -> bytes:
    pdf.showPage()
    pdf.save()
    return to_pdfa(out.getvalue(), title=title, creator=creator, language=_language())


def _due_text(view: DossierView) -> str:
    """ "Result due on", worded as the receipt page words it."""
    dossier = view.dossier
    if not dossier.due_on:
        return _("set by the agency when it receives the dossier")
    text = date_filter(dossier.due_on, "d/m/Y")
    if dossier.working_days:
        days = dossier.working_days
        text += " (" + ngettext("%(days)s working day", "%(days)s working days", days) % {"days": days} + ")"
    elif dossier.working_days == 0:
        text += f" ({_('decided the same working day')})"
    return text


def receipt_pdf(view: DossierView, *, lookup_url: str) -> bytes:
    """Form 01: the receipt and appointment slip (``dossiers/receipt.html``) as PDF."""
    dossier = view.dossier
    title = _("RECEIPT OF DOSSIER AND APPOINTMENT FOR THE RESULT")
    out, pdf, flow = _document(
        agency=view.agency_name,
        number=dossier.code,
        issued=dossier.received_at,
        form_number="01",
        title=title,
        pdf_title=f"{title} {dossier.code}",
    )
    flow.centred(f"{_('Dossier code')}: {dossier.code}", font=REGULAR, size=12)
    flow.space(6)
    flow.text(_("%(agency)s has received the dossier of:") % {"agency": view.agency_name})
    flow.space(4)
    rows = [(_("Applicant"), dossier.applicant.name)]
    if dossier.submitted_by_id != dossier.applicant_id:
        rows.append((_("Submitted by"), dossier.submitted_by.name))
    rows += [(_("Procedure"), field_tr(dossier.procedure, "name")), (_("Channel"), str(view.channel_label))]
    if view.received_by:
        rows.append((_("Identity checked by"), str(view.identity_check_label)))
    flow.facts(rows)
    flow.space(6)
    flow.text(_("Components of the dossier"), font=BOLD, size=12)
    for number, component in enumerate(view.components, start=1):
        line = f"{number}. {component.name} — {component.provenance_label}"
        if component.registry_label:
            line += f" ({component.registry_label})"
        flow.text(line, indent=12)
    flow.space(6)
    flow.facts(
        [
            (_("Received at"), date_filter(dossier.received_at, "H:i, d/m/Y")),
            (_("Result due on"), _due_text(view)),
            (_("How the result is returned"), _("Electronically, to your data wallet")),
            (_("Lookup PIN"), view.lookup_pin),
        ]
    )
    if view.received_by:
        flow.space(10)
        flow.right(_("Receiving official"))
        flow.right(view.received_by, font=BOLD)
    flow.space(10)
    flow.text(
        _("Follow the dossier at the public lookup page with its code and this PIN.") + f" {lookup_url}",
        size=9,
    )
    return _finish(out, pdf, title=f"{title} {dossier.code}", creator=view.agency_name)


def notice_pdf(view: DossierView, item: NoticeView) -> bytes:
    """A notice with an official template, forms 02–05 (``dossiers/notices.html``), as PDF."""
    dossier, notice = view.dossier, item.notice
    title = str(item.form_label)
    out, pdf, flow = _document(
        agency=item.issued_by,
        number=notice.number,
        issued=notice.issued_at,
        form_number=notice.form,
        title=title,
        pdf_title=f"{title} {notice.number}",
    )
    flow.text(f"{_('To')}: {dossier.applicant.name}")
    about = f"{_('Dossier code')}: {dossier.code} — {field_tr(dossier.procedure, 'name')}"
    if item.step_label:
        about += f" ({_('at the step')}: {item.step_label})"
    flow.text(about)
    flow.space(6)
    flow.text(notice.reason)
    if item.items:
        flow.space(4)
        flow.text(f"{_('To supplement')}:")
        for number, name in enumerate(item.items, start=1):
            flow.text(f"{number}. {name}", indent=12)
    if notice.new_due_on:
        flow.space(4)
        new_date = date_filter(notice.new_due_on, "d/m/Y")
        flow.text(f"{_('We apologise for the delay. New appointment date')}: {new_date}", font=BOLD)
    flow.space(14)
    flow.right(item.issued_by, font=BOLD)
    flow.right(date_filter(notice.issued_at, "d/m/Y H:i"))
    return _finish(out, pdf, title=f"{title} {notice.number}", creator=item.issued_by)


def pdf_notice(view: DossierView, notices: Sequence[NoticeView], key: str) -> NoticeView | None:
    """The notice ``<dossier code>/<key>`` if it is one of forms 02–05, else ``None``."""
    number = f"{view.dossier.code}/{key}"
    return next(
        (n for n in notices if n.notice.number == number and n.notice.form in OFFICIAL_FORMS),
        None,
    )


def attachment(data: bytes, file_name: str) -> HttpResponse:
    """The PDF as a download (``Content-Disposition: attachment``), never cached by a proxy."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY  # as for every file the platform serves
    return response


def receipt_file_name(view: DossierView) -> str:
    return f"{view.dossier.code}-mau-01.pdf"


def notice_file_name(view: DossierView, item: NoticeView) -> str:
    return f"{view.dossier.code}-mau-{item.key}.pdf"
