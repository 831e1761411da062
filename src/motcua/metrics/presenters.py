"""What the API, the pages and the exports show of a report: the NPSP reporting API's shape
(domain notes §2.4: scope, period, groups, metrics with ratio, score and max score), and the same
rows flattened for CSV and XLSX."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from motcua.metrics.indicators import band
from motcua.metrics.periods import Period
from motcua.metrics.selectors import Report


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def period_dict(period: Period) -> dict[str, Any]:
    quarter = (period.start.month - 1) // 3 + 1
    return {
        "timeType": period.kind,
        "year": period.start.year,
        "quarter": quarter if period.kind == "quarter" else None,
        "month": period.start.month if period.kind == "month" else None,
        "label": period.label,
        "fromDate": period.start,
        "toDate": period.end,
    }


def report_dict(report: Report, name: str) -> dict[str, Any]:
    return {
        "scope": {"kind": report.scope.kind, "code": report.scope.code, "name": name},
        "period": period_dict(report.period),
        "score": _number(report.total),
        "maxScore": 100,
        "band": report.band,
        "bandName": str(band(report.total)[1]),
        "groups": [
            {
                "id": g.group.api_id,
                "number": g.group.number,
                "name": str(g.group.name),
                "score": _number(g.score),
                "maxScore": g.group.max_points,
                "computableMaxScore": _number(g.computable_points),
                "metrics": [
                    {
                        "id": r.indicator.id,
                        "code": r.indicator.code,
                        "name": str(r.indicator.name),
                        "computable": r.figure is not None,
                        "notComputableReason": str(r.indicator.not_computable or ""),
                        "numerator": r.figure.numerator if r.figure else None,
                        "denominator": r.figure.denominator if r.figure else None,
                        "ratio": _number(r.figure.ratio) if r.figure else None,
                        "score": _number(r.figure.score) if r.figure else None,
                        "maxScore": _number(r.indicator.max_points),
                        "target": _number(r.indicator.target),
                        "steeringTarget": _number(r.target),
                    }
                    for r in g.results
                ],
            }
            for g in report.groups
        ],
    }


HEADER = (
    "scope",
    "scope_code",
    "period",
    "group",
    "indicator",
    "code",
    "name",
    "numerator",
    "denominator",
    "ratio_percent",
    "score",
    "max_score",
    "computable",
)


def report_rows(report: Report) -> list[tuple[Any, ...]]:
    rows = []
    for g in report.groups:
        for r in g.results:
            f = r.figure
            rows.append(
                (
                    report.scope.kind,
                    report.scope.code,
                    report.period.label,
                    g.group.number,
                    r.indicator.id,
                    r.indicator.code,
                    str(r.indicator.name),
                    f.numerator if f else "",
                    f.denominator if f else "",
                    "" if f is None or f.ratio is None else str(f.ratio),
                    "" if f is None or f.score is None else str(f.score),
                    str(r.indicator.max_points),
                    "yes" if f else str(r.indicator.not_computable),
                )
            )
    return rows


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(report_rows(report))
    return ("\ufeff" + out.getvalue()).encode()  # the BOM: spreadsheet programs read UTF-8


def xlsx(sheets: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]) -> bytes:
    """A workbook of one or more sheets, each (name, header, rows); numbers stay numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    for name, header, rows in sheets:
        sheet = book.add_worksheet(name[:31])
        sheet.write_row(0, 0, header, bold)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, [float(v) if isinstance(v, Decimal) else v for v in row])
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    return xlsx([(f"{report.scope.code} {report.period.label}", HEADER, report_rows(report))])


FOLLOWUP_HEADER = (
    "scope",
    "scope_code",
    "name",
    "indicator",
    "target_percent",
    "ratio_percent",
    "gap_points",
    "behind_since",
    "leader",
    "due_on",
)


def followup_rows(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["scope_kind"],
            r["scope_code"],
            r["name"],
            r["indicator"],
            Decimal(r["target"]),
            Decimal(r["ratio"]),
            Decimal(r["gap"]),
            r["since"],
            r["leader"],
            r["due_on"] or "",
        )
        for r in rows
    ]


def followup_xlsx(rows: list[dict[str, Any]], title: str) -> bytes:
    return xlsx([(title, FOLLOWUP_HEADER, followup_rows(rows))])


def followup_pdf(rows: list[dict[str, Any]], title: str, header: list[str]) -> bytes:
    """A landscape A4 table in the platform's font (Vietnamese glyphs), one line per row."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    from motcua.documents.rendering import BOLD, REGULAR, register_fonts

    register_fonts()
    out = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle(title)
    columns = [40, 110, 250, 300, 360, 420, 480, 560, 680]
    y = height - 50

    def heading() -> float:
        pdf.setFont(BOLD, 13)
        pdf.drawString(40, height - 30, title)
        pdf.setFont(BOLD, 8)
        for x, text in zip(columns, header, strict=False):
            pdf.drawString(x, height - 50, text)
        return float(height) - 66

    y = heading()
    pdf.setFont(REGULAR, 8)
    for r in followup_rows(rows):
        if y < 40:
            pdf.showPage()
            y = heading()
            pdf.setFont(REGULAR, 8)
        cells = [
            f"{r[0]} {r[1]}",
            str(r[2])[:28],
            r[3],
            f"{r[4]}%",
            f"{r[5]}%",
            str(r[6]),
            r[7],
            str(r[8])[:24],
            str(r[9]),
        ]
        for x, text in zip(columns, cells, strict=False):
            pdf.drawString(x, y, str(text))
        y -= 14
    if not rows:
        pdf.drawString(40, y, header[-1])
    pdf.showPage()
    pdf.save()
    return out.getvalue()
