"""The comparison reads in a fixed number of SQL statements, whatever the number of
competencies, criteria, governance ratings and other rows: measured at two data sizes, the
counts must be equal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.assessments.models import AssessmentStatus
from app.auth.service import actor_for_user
from app.comparison.service import Comparison, compare_assessment
from tests import factories
from tests.api_steps import log_evidence
from tests.comparison.steps import add_levels, assessment_with, cycle_of
from tests.factories import auth
from tests.statements import counting

CRITERIA = ("1.1", "1.2", "1.3", "11.1", "11.2", "11.3")
AREAS = ("strategy", "finance", "board")


def _all_levels(level: int, rating: str) -> dict[str, dict]:
    numbers = range(2, 12)
    return {
        "selfs": dict.fromkeys(numbers, level),
        "reviews": dict.fromkeys(numbers, level),
        "self_criteria": dict.fromkeys(CRITERIA, level),
        "review_criteria": dict.fromkeys(CRITERIA, level),
        "governance": dict.fromkeys(AREAS, rating),
        "panel": dict.fromkeys(AREAS, rating),
    }


def _setting(session: Session, world) -> tuple[int, int, list]:
    """PCT a's finalised 2008/09 assessment and its 2009/10 one in review (both on wcc-2009),
    each with one level: the ids, and the two cycles."""
    cycles = [cycle_of(session, 2008), cycle_of(session, 2009)]
    last = assessment_with(
        session, pct=world.a.pct, cycle=cycles[0], reviewer=world.reviewer, selfs={1: 1}
    )
    now = assessment_with(
        session,
        pct=world.a.pct,
        cycle=cycles[1],
        reviewer=world.reviewer,
        status=AssessmentStatus.IN_REVIEW,
        selfs={1: 2},
    )
    assert last.id is not None and now.id is not None
    return last.id, now.id, cycles


def _grow(client: TestClient, session: Session, world, last: int, now: int, cycles: list) -> None:
    """Every competency, criterion and governance area given a level by both sides in both
    years; other PCTs' assessments in both cycles; evidence."""
    add_levels(session, last, reviewer=world.reviewer, **_all_levels(2, "amber"))
    add_levels(session, now, reviewer=world.reviewer, **_all_levels(3, "green"))
    for _ in range(3):
        pct = factories.make_pct(session, sha=world.sha)
        for cycle in cycles:
            assessment_with(
                session, pct=pct, cycle=cycle, reviewer=world.reviewer, **_all_levels(2, "red")
            )
    for n in range(10):
        log_evidence(client, world.a.lead, world.a.pct.code, [1 + n % 11], title=f"Growth {n}")


def test_the_comparison_runs_five_statements_whatever_the_data(
    client: TestClient, session: Session, world
) -> None:
    last, now, cycles = _setting(session, world)
    user_id = world.reviewer.id
    assert user_id is not None

    def measure() -> tuple[int, Comparison]:
        session.expire_all()
        reviewer = actor_for_user(session, user_id)
        assert reviewer is not None
        with counting(session.connection()) as statements:
            comparison = compare_assessment(session, reviewer, now)
        return len(statements), comparison

    small, before = measure()
    _grow(client, session, world, last, now, cycles)
    large, after = measure()

    assert (len(before.compared), len(after.compared)) == (1, 11)  # there is more to compare
    assert sum(1 for line in after.criteria if line.movement) == 6
    assert large == small, f"{small} statements with one level, {large} with every level"
    # The assessment with its PCT and cycle; the previous finalised one; the levels of both
    # (competencies, criteria, governance): one statement each.
    assert small == 5, small


def test_without_a_previous_assessment_it_runs_two_statements(session: Session, world) -> None:
    now = assessment_with(
        session, pct=world.a.pct, cycle=world.cycle, reviewer=world.reviewer, selfs={4: 2}
    )
    assert now.id is not None and world.reviewer.id is not None
    reviewer = actor_for_user(session, world.reviewer.id)
    assert reviewer is not None
    with counting(session.connection()) as statements:
        comparison = compare_assessment(session, reviewer, now.id)
    assert comparison.previous is None
    assert len(statements) == 2


def test_the_comparison_api_runs_the_same_statements_at_two_data_sizes(
    client: TestClient, session: Session, world
) -> None:
    last, now, cycles = _setting(session, world)
    url = f"/api/v1/assessments/{now}/comparison"

    def measure() -> tuple[int, int]:
        with counting(session.connection()) as statements:
            response = client.get(url, headers=auth(world.a.lead))
        assert response.status_code == 200, response.text
        return len(statements), sum(1 for c in response.json()["competencies"] if c["movement"])

    small, compared_before = measure()
    _grow(client, session, world, last, now, cycles)
    large, compared_after = measure()
    assert (compared_before, compared_after) == (1, 11)
    assert large == small, f"{url}: {small} statements with little data, {large} with more"
