"""The tally of each PCT's evidence per competency, kept by the database, always equals a
count of the links themselves, whichever way links and items come and go."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.repository import evidence_counts
from tests.api_steps import log_evidence, ok
from tests.factories import auth

LIVE = sa.text(
    "SELECT evidence_item.organisation_id, evidence_competency.competency_number, count(*) "
    "FROM evidence_competency "
    "JOIN evidence_item ON evidence_item.id = evidence_competency.evidence_id "
    "GROUP BY evidence_item.organisation_id, evidence_competency.competency_number"
)
TALLY = sa.text(
    "SELECT organisation_id, competency_number, items FROM competency_evidence_count "
    "WHERE items <> 0"
)


def _same(session: Session) -> dict[tuple[int, int], int]:
    live = {(o, n): c for o, n, c in session.execute(LIVE)}
    tally = {(o, n): c for o, n, c in session.execute(TALLY)}
    assert tally == live
    return live


def test_the_tally_follows_links_added_changed_and_deleted(
    client: TestClient, session: Session, world
) -> None:
    pct = world.a.pct.id
    first = log_evidence(client, world.a.lead, world.a.pct.code, [1, 4])
    second = log_evidence(client, world.a.clinician, world.a.pct.code, [4, 7, 11])
    log_evidence(client, world.b.lead, world.b.pct.code, [4])
    assert _same(session)[(pct, 4)] == 2
    assert evidence_counts(session, pct) == {1: 1, 4: 2, 7: 1, 11: 1}

    ok(
        client.patch(
            f"/api/v1/evidence/{second['id']}",
            json={"competency_numbers": [2, 4], "version": second["version"]},
            headers=auth(world.a.lead),
        )
    )
    _same(session)
    assert evidence_counts(session, pct) == {1: 1, 2: 1, 4: 2}

    deleted = client.delete(
        f"/api/v1/evidence/{first['id']}",
        params={"version": first["version"]},
        headers=auth(world.a.lead),
    )
    assert deleted.status_code == 204
    _same(session)
    assert evidence_counts(session, pct) == {2: 1, 4: 1}

    # An item deleted straight in the database (as a clean-up script might) takes its links
    # and its share of the tally with it.
    session.execute(sa.text("DELETE FROM evidence_item WHERE id = :id"), {"id": second["id"]})
    _same(session)
    assert evidence_counts(session, pct) == {}
    assert evidence_counts(session, world.b.pct.id) == {4: 1}
