"""Scores and evidence as a spreadsheet (xlsx, openpyxl) and the scores as CSV, with the same
columns and real types: numbers as numbers, dates as dates."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from app.reports.context import AssessmentReport

SCORE_COLUMNS = [
    "Competency number",
    "Competency",
    "Self level",
    "Rationale",
    "Improvement action",
    "Target level",
    "Review level",
    "Review comment",
]
EVIDENCE_COLUMNS = [
    "Evidence ID",
    "Title",
    "Kind",
    "Date",
    "Competencies",
    "Clinicians involved",
    "Practices involved",
    "Rating",
    "Rating comment",
    "Attachments",
    "Attachment SHA-256",
]


def score_rows(report: AssessmentReport) -> list[list[Any]]:
    return [
        [
            s.competency.number,
            s.competency.title,
            s.self_score.level if s.self_score else None,
            s.self_score.rationale if s.self_score else "",
            (s.self_score.improvement_action or "") if s.self_score else "",
            s.self_score.target_level if s.self_score else None,
            s.review_score.level if s.review_score else None,
            s.review_score.comment if s.review_score else "",
        ]
        for s in report.sections
    ]


def evidence_rows(report: AssessmentReport) -> list[list[Any]]:
    return [
        [
            e.id,
            e.title,
            e.kind.label,
            e.occurred_on,
            ", ".join(str(n) for n in e.competency_numbers),
            e.clinicians_involved,
            e.practices_involved,
            e.rating_label or "",
            e.rating_comment,
            "; ".join(a["filename"] for a in e.attachments),
            "; ".join(a["sha256"] for a in e.attachments),
        ]
        for e in report.manifest
    ]


def _safe_cell(value: Any) -> Any:
    """Text as a spreadsheet can hold it: without the control characters it cannot (text an
    older release stored with them still exports), and kept as text where a spreadsheet
    would run it as a formula."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_xlsx(report: AssessmentReport) -> bytes:
    book = Workbook()
    scores = book.active
    scores.title = "Scores"
    evidence = book.create_sheet("Evidence")
    for sheet, columns, rows in (
        (scores, SCORE_COLUMNS, score_rows(report)),
        (evidence, EVIDENCE_COLUMNS, evidence_rows(report)),
    ):
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for column_cells in sheet.columns:
            width = max(len(str(c.value or "")) for c in column_cells[:50])
            sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width, 10), 60)
            for cell in column_cells[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(report: AssessmentReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SCORE_COLUMNS)
    for row in score_rows(report):
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return buffer.getvalue()
