"""The report through the SHA's review as it was run: "provisional" on every page until
final, the panel, the PCT's factual-accuracy answer and the moderation log. Real PDFs, read
back with pypdf."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.api_steps import check_facts, ok, reviewed, share_provisional
from tests.factories import auth

PANEL = {
    "date": "2010-03-11",
    "members": [{"name": "Dr Ruth Adeyemi", "role": "Panel chair"}],
    "pct_attendees": [{"name": "Sarah Lin", "role": "Chief executive"}],
    "notes": "Challenge on procurement skills.",
}


def _pages(client: TestClient, user, aid: int) -> list[str]:
    response = client.get(f"/api/v1/assessments/{aid}/report.pdf", headers=auth(user))
    assert response.status_code == 200, response.text[:300]
    return [
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(response.content)).pages
    ]


def test_provisional_on_every_page_then_the_final_report_records_the_review(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    ok(client.put(f"/api/v1/assessments/{aid}/panel", json=PANEL, headers=auth(world.reviewer)))
    share_provisional(client, world.reviewer, aid)
    pages = _pages(client, world.a.lead, aid)
    assert len(pages) > 3
    assert all("PROVISIONAL" in page for page in pages), [
        i for i, page in enumerate(pages) if "PROVISIONAL" not in page
    ]
    text = " ".join(pages)
    assert "The SHA's panel and moderation" in text
    assert "Dr Ruth Adeyemi, Panel chair" in text and "Sarah Lin, Chief executive" in text
    assert "The PCT has not yet checked them for factual accuracy." in text

    check_facts(client, world.a.lead, aid, [{"competency_number": 4, "comment": "June, not May."}])
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/4",
            json={"level": 3, "comment": "Better.", "reason": "The June survey reached all."},
            headers=auth(world.reviewer),
        )
    )
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    final = _pages(client, world.a.lead, aid)
    assert not any("PROVISIONAL" in page or "DRAFT" in page for page in final)
    text = " ".join(final)
    assert "The PCT sent 1 factual-accuracy comment" in text
    assert "June, not May." in text
    assert "Changes after the provisional ratings (moderation log)" in text
    assert "The June survey reached all." in text


def test_a_report_before_any_review_record_has_no_such_section(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    text = " ".join(_pages(client, world.a.lead, aid))
    assert "DRAFT" in text
    assert "The SHA's panel and moderation" not in text
