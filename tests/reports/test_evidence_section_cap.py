"""A competency with a great deal of evidence lists only its first items in the PDF, and says
that the spreadsheet export has them all, so that a report's size stays bounded however many
items a PCT presents."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session

from app.assessments.models import PresentedEvidence
from app.config import get_settings
from tests import factories
from tests.api_steps import ready_to_sign
from tests.factories import auth

EXTRA = 30
SHOWN = 25  # the items a competency lists in the PDF


def _flat(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def test_a_competency_with_many_items_lists_the_first_and_the_spreadsheet_lists_them_all(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "report_cache_mb", 0)
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    for n in range(1, EXTRA + 1):
        item = factories.make_evidence(
            session,
            pct=world.a.pct,
            author=world.a.clinician,
            competencies=[4],
            title=f"Pile item {n:02d} of {EXTRA}",
        )
        session.add(PresentedEvidence(assessment_id=assessment["id"], evidence_id=item.id))
    session.commit()
    presented = EXTRA + 1  # and the strategic plan, presented for every competency

    pdf = client.get(
        f"/api/v1/assessments/{assessment['id']}/report.pdf", headers=auth(world.a.lead)
    )
    assert pdf.status_code == 200
    text = _flat(pdf.content)
    competency_4 = text[text.index("Evidence (31)") :]
    assert (
        f"and {presented - SHOWN} more items: the full list is in the spreadsheet export"
        in competency_4
    )
    assert "more items: the full list" not in text[: text.index("Evidence (31)")]
    listed = competency_4[: competency_4.index("more items")]
    assert len(re.findall(r"\(#\d+\)", listed)) == SHOWN  # each row names its item's id
    appendix = text[text.rindex("Appendix A: Evidence manifest") :]
    assert all(f"Pile item {n:02d} of" in appendix for n in range(1, EXTRA + 1))

    xlsx = client.get(
        f"/api/v1/assessments/{assessment['id']}/export.xlsx", headers=auth(world.a.lead)
    )
    rows = list(load_workbook(io.BytesIO(xlsx.content))["Evidence"].values)[1:]
    assert len(rows) == presented
    assert {f"Pile item {n:02d} of {EXTRA}" for n in range(1, EXTRA + 1)} <= {r[1] for r in rows}
