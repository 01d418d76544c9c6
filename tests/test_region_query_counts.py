"""The region page runs a fixed number of SQL statements whatever the number of PCTs and
evidence items: measured for an SHA with 2 PCTs and again with many more PCTs (submitted and
reviewed, drafts, not started) and more evidence, the counts must be equal."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.development.models import ActionStatus, DevelopmentAction
from tests import factories
from tests.api_steps import log_evidence, ok, open_assessment, submitted
from tests.factories import auth
from tests.statements import counting
from tests.web.steps import sign_in

MORE_PCTS = 9


def _grow(client: TestClient, session: Session, world, *, pcts: int, items: int) -> None:
    """More evidence in PCT a, and more PCTs in the SHA: every third submitted and reviewed
    in part (with development actions overdue), every third a draft, the rest not started."""
    for n in range(items):
        log_evidence(
            client, world.a.clinician, world.a.pct.code, [1 + n % 11, 4], title=f"Growth {n}"
        )
    for n in range(pcts):
        pct = factories.make_pct(session, sha=world.sha)
        lead = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=pct)
        board = factories.make_user(session, role=factories.Role.BOARD_MEMBER, organisation=pct)
        if n % 3 == 0:
            done = submitted(client, lead, board, pct.code, world.cycle.id)
            ok(
                client.put(
                    f"/api/v1/assessments/{done['id']}/review-scores/2",
                    json={"level": 3, "comment": "Agreed."},
                    headers=auth(world.reviewer),
                )
            )
            for status in (ActionStatus.NOT_STARTED, ActionStatus.AT_RISK):
                session.add(
                    DevelopmentAction(
                        assessment_id=done["id"],
                        action="Hold a stakeholder event.",
                        owner="Chief executive",
                        due_on=date(2009, 9, 30),
                        status=status,
                    )
                )
            session.commit()
        elif n % 3 == 1:
            open_assessment(client, lead, pct.code, world.cycle.id)


@pytest.mark.parametrize("status", ["", "late", "submitted"])
@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_the_region_page_runs_the_same_number_of_statements_for_2_pcts_and_for_many(
    client: TestClient, session: Session, world, who: str, status: str
) -> None:
    log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Growth to start with")
    submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    open_assessment(client, world.b.lead, world.b.pct.code, world.cycle.id)
    user = world.reviewer if who == "reviewer" else world.admin
    url = f"/region?sha={world.sha.code}&status={status}"
    sign_in(client, user)

    def measure() -> tuple[int, int]:
        with counting(session.connection()) as statements:
            response = client.get(url)
        assert response.status_code == 200, response.text[:200]
        return len(statements), response.text.count('id="pct-')

    small, listed_before = measure()
    _grow(client, session, world, pcts=MORE_PCTS, items=25)
    sign_in(client, user)
    large, listed_after = measure()
    if not status:
        assert (listed_before, listed_after) == (2, 2 + MORE_PCTS)
    assert large == small, f"{url}: {small} statements for 2 PCTs, {large} for {2 + MORE_PCTS}"
