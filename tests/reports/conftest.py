"""A reviewed assessment for the report tests."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok, present, ready_to_sign, sign_off
from tests.factories import auth

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def reviewed(client: TestClient, world) -> dict:
    """PCT a's assessment: evidence with a file and markup in its title, presented, signed
    off at a minuted board meeting, submitted, reviewed."""
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    item = log_evidence(
        client,
        world.a.clinician,
        world.a.pct.code,
        [4],
        kind="engagement",
        title="<b>Locality</b> forum & <script>alert(1)</script>",
        clinicians_involved=23,
    )
    upload = client.post(
        f"/api/v1/evidence/{item['id']}/attachments",
        files={"file": ("forum minutes.pdf", PDF_BYTES, "application/pdf")},
        headers=auth(world.a.clinician),
    )
    ok(upload, 201)
    present(client, world.a.lead, aid, item["id"])
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/4",
            json={
                "level": 3,
                "rationale": "Most practices take part in pathway redesign.",
                "target_level": 4,
            },
            headers=auth(world.a.lead),
        )
    )
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/4",
            json={"level": 2, "comment": "Engagement is real but uneven across localities."},
            headers=auth(world.reviewer),
        )
    )
    return {"id": aid, "item": item, "sha256": hashlib.sha256(PDF_BYTES).hexdigest()}
