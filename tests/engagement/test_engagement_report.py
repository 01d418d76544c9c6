"""The report's competency 4 section carries the engagement table: a real PDF, read back."""

from __future__ import annotations

import io
import re
from datetime import date

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from tests.api_steps import submitted
from tests.engagement.setting import build, item
from tests.factories import auth


def test_the_reports_competency_4_section_shows_the_engagement_in_a_table(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    item(session, world, on=date(2009, 7, 1), unit=s.in_group[0], clinicians=6)
    item(session, world, on=date(2009, 9, 1), clinicians=11)
    aid = submitted(client, world.a.lead, world.a.board, s.pct.code, world.cycle.id)["id"]
    response = client.get(f"/api/v1/assessments/{aid}/report.pdf", headers=auth(world.reviewer))
    assert response.status_code == 200, response.text
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    found = [p for p in pages if "Clinician engagement in" in p]
    assert len(found) == 1
    text = re.sub(r"\s+", " ", found[0])
    assert "4. Collaborate with clinicians" in text
    assert "1 of 4 practices engaged (25%)" in text
    assert "Events logged 2" in text and "Clinician attendances 17" in text
    assert f"{s.group.name} 1 of 2 practices engaged" in text
