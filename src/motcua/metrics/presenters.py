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
