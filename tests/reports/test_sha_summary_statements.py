"""The SHA summary reads every PCT's levels, governance, outcomes and last year's final levels
in a fixed number of SQL statements, whatever the number of PCTs: measured at two sizes, the
counts must be equal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.service import actor_for_user
from app.reports.sha_summary import sha_report
from tests import factories
from tests.api_steps import ok, ready_to_sign, review_governance, sign_off, submitted
from tests.factories import auth
from tests.reports.steps import (
    BREASTFEEDING,
    add_outcome,
    finalise,
    previous_year_cycle,
    put,
    year_one_assessment,
)
from tests.statements import counting
from tests.world import PctUsers


def _pct_with_full_record(
    client: TestClient,
    session: Session,
    world,
    *,
    reviewed: bool,
    finalised_in: int | None = None,
) -> None:
    """Another PCT of the SHA, submitted with governance and two measures with actuals; with
    ``finalised_in``, after an assessment in that (earlier) cycle that the SHA finalised."""
    pct = factories.make_pct(session, sha=world.sha)
    lead = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=pct)
    board = factories.make_user(session, role=factories.Role.BOARD_MEMBER, organisation=pct)
    if finalised_in is not None:
        clinician = factories.make_user(session, role=factories.Role.CLINICIAN, organisation=pct)
        earlier = year_one_assessment(
            client,
            PctUsers(pct=pct, lead=lead, board=board, clinician=clinician),
            finalised_in,
            reviewer=world.reviewer,
            panel={"strategy": "amber", "finance": "green", "board": "green"},
        )
        finalise(client, world.reviewer, earlier)
    aid = ready_to_sign(client, lead, pct.code, world.cycle.id)["id"]
    [smoking] = ok(client.get(f"/api/v1/organisations/{pct.code}/outcomes", headers=auth(lead)))
    for year, value in {2009: 23.1, 2010: 21.7}.items():
        put(
            client,
            lead,
            f"/api/v1/organisations/{pct.code}/outcomes/{smoking['id']}/actuals/{year}",
            {"value": value},
        )
    add_outcome(client, lead, pct.code, aid, BREASTFEEDING, {2009: 44.0, 2010: 48.5})
    sign_off(client, board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(lead)))
    if reviewed:
        put(
            client,
            world.reviewer,
            f"/api/v1/assessments/{aid}/review-scores/3",
            {"level": 2, "comment": "Agreed."},
        )
        review_governance(client, world.reviewer, aid)


def test_the_sha_summary_runs_the_same_statements_for_two_pcts_as_for_six(
    client: TestClient, session: Session, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_governance(client, world.reviewer, aid)
    user_id, cycle_id, sha_code = world.reviewer.id, world.cycle.id, world.sha.code
    assert user_id is not None and cycle_id is not None

    def measure() -> tuple[int, int]:
        session.expire_all()
        reviewer = actor_for_user(session, user_id)
        assert reviewer is not None
        with counting(session.connection()) as statements:
            report = sha_report(session, reviewer, cycle_id, sha_code)
        return len(statements), sum(len(line.outcomes) for line in report.pcts)

    small, measures_before = measure()
    for n in range(4):
        _pct_with_full_record(client, session, world, reviewed=n % 2 == 0)
    large, measures_after = measure()
    assert (measures_before, measures_after) == (1, 9)  # the larger SHA has more to show
    assert large == small, f"{small} statements for 2 PCTs, {large} for 6"
    # The SHA, the cycle, the cycle before it (none here), its PCTs, their assessments,
    # levels, governance ratings, presented measures and their actuals: one statement each.
    assert small <= 9, small


def test_the_sha_summary_reads_last_years_levels_in_the_same_statements_for_two_pcts_as_for_six(
    client: TestClient, session: Session, world
) -> None:
    before = previous_year_cycle(session)
    earlier = year_one_assessment(
        client,
        world.a,
        before,
        reviewer=world.reviewer,
        panel={"strategy": "green", "finance": "green", "board": "green"},
    )
    finalise(client, world.reviewer, earlier)
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_governance(client, world.reviewer, aid)
    user_id, cycle_id, sha_code = world.reviewer.id, world.cycle.id, world.sha.code
    assert user_id is not None and cycle_id is not None

    def measure() -> tuple[int, int]:
        session.expire_all()
        reviewer = actor_for_user(session, user_id)
        assert reviewer is not None
        with counting(session.connection()) as statements:
            report = sha_report(session, reviewer, cycle_id, sha_code)
            compared = sum(len(line.previous_review_levels) for line in report.pcts)
        return len(statements), compared

    small, compared_before = measure()
    for n in range(4):
        _pct_with_full_record(client, session, world, reviewed=n % 2 == 0, finalised_in=before)
    large, compared_after = measure()
    # Last year's final levels (competencies 1 to 10) of one PCT, then of five.
    assert (compared_before, compared_after) == (10, 50)
    assert large == small, f"{small} statements for 2 PCTs, {large} for 6"
    # As above, and last year's assessments of the PCTs (their levels come with this year's).
    assert small <= 10, small


def test_the_heatmap_runs_the_same_statements_for_two_pcts_as_for_six(
    client: TestClient, session: Session, world
) -> None:
    submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    url = f"/api/v1/cycles/{world.cycle.id}/heatmap?sha_code={world.sha.code}"

    def measure() -> int:
        with counting(session.connection()) as statements:
            response = client.get(url, headers=auth(world.reviewer))
        assert response.status_code == 200, response.text
        return len(statements)

    small = measure()
    for n in range(4):
        _pct_with_full_record(client, session, world, reviewed=n % 2 == 0)
    large = measure()
    assert large == small
