"""Each list, dashboard and read runs a fixed number of SQL statements, whatever the data:
measured at two data sizes, the counts must be equal."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import AssessmentStatus
from app.assessments.repository import load_assessment
from app.auth.service import actor_for_user
from app.cycles import service as cycle_service
from app.development.models import ActionStatus, DevelopmentAction
from tests import factories
from tests.api_steps import log_evidence, ok, open_assessment, present, submitted
from tests.factories import auth
from tests.statements import counting
from tests.web.steps import sign_in


def _grow(client: TestClient, session: Session, world, *, items: int) -> None:
    """More of everything the pages list: evidence (with links), other PCTs' assessments,
    reviews and ratings."""
    for n in range(items):
        log_evidence(
            client, world.a.clinician, world.a.pct.code, [1 + n % 11, 4], title=f"Growth {n}"
        )
    for _ in range(2):
        pct = factories.make_pct(session, sha=world.sha)
        lead = factories.make_user(session, role=factories.Role.PCT_LEAD, organisation=pct)
        board = factories.make_user(session, role=factories.Role.BOARD_MEMBER, organisation=pct)
        done = submitted(client, lead, board, pct.code, world.cycle.id)
        ok(
            client.put(
                f"/api/v1/assessments/{done['id']}/review-scores/2",
                json={"level": 2, "comment": "Agreed."},
                headers=auth(world.reviewer),
            )
        )


READS = [
    ("lead", "/api/v1/evidence?limit=50"),
    ("lead", "/api/v1/evidence?q=growth&competency=4"),
    ("lead", "/api/v1/assessments"),
    ("lead", "/api/v1/assessments/{aid}"),
    ("lead", "/api/v1/organisations"),
    ("lead", "/api/v1/audit"),
    ("lead", "/"),
    ("lead", "/assessments/{aid}"),
    ("lead", "/assessments/{aid}/competencies/4"),
    ("lead", "/evidence"),
    ("reviewer", "/"),
    ("reviewer", "/reviews"),
    ("reviewer", "/assessments/{aid}/review"),
    ("reviewer", "/assessments/{aid}/review/4"),
    ("reviewer", "/api/v1/evidence"),
]


@pytest.mark.parametrize(("who", "path"), READS)
def test_reads_run_the_same_number_of_statements_at_two_data_sizes(
    client: TestClient, session: Session, world, who: str, path: str
) -> None:
    log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Growth to start with")
    assessment = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    user = world.a.lead if who == "lead" else world.reviewer
    url = path.format(aid=assessment["id"])
    sign_in(client, user)

    def measure() -> int:
        with counting(session.connection()) as statements:
            response = client.get(url)
        assert response.status_code == 200, response.text[:200]
        return len(statements)

    small = measure()
    _grow(client, session, world, items=25)
    sign_in(client, user)
    large = measure()
    assert large == small, f"{url}: {small} statements with little data, {large} with more"


@pytest.mark.parametrize("full", [False, True], ids=["api", "full"])
@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_assessment_record_loads_in_the_same_statements_at_two_data_sizes(
    client: TestClient, session: Session, world, state: str, full: bool
) -> None:
    """``load_assessment`` is what the API, the pages and the reports read an assessment
    through: before submission (evidence as it stands) and after (frozen snapshots)."""
    first = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Growth to start with")
    if state == "submitted":
        assessment = submitted(
            client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id
        )
    else:
        assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
        present(client, world.a.lead, assessment["id"], first["id"])
    user_id = world.a.lead.id
    assert user_id is not None

    def measure() -> tuple[int, int]:
        session.expire_all()
        lead = actor_for_user(session, user_id)
        assert lead is not None
        with counting(session.connection()) as statements:
            record = load_assessment(session, lead, assessment["id"], full=full)
        return len(statements), len(record.evidence or ())

    small, items_before = measure()
    _grow(client, session, world, items=25)
    if state == "draft":
        for item in ok(
            client.get(
                "/api/v1/evidence",
                params={"q": "growth", "limit": 100},
                headers=auth(world.a.lead),
            )
        )["items"]:
            present(client, world.a.lead, assessment["id"], item["id"])
    large, items_after = measure()
    if full and state == "draft":
        assert items_after > items_before  # the evidence as it stands did grow
    assert large == small, f"{small} statements with little data, {large} with more"


@pytest.mark.parametrize("who", ["lead", "board"])
def test_the_pct_home_runs_the_same_statements_with_no_overdue_actions_and_with_many(
    client: TestClient, session: Session, world, who: str
) -> None:
    """The overdue development actions are one statement, however many there are and however
    many plans they are in."""
    submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    user = world.a.lead if who == "lead" else world.a.board
    sign_in(client, user)

    def measure() -> tuple[int, str]:
        with counting(session.connection()) as statements:
            response = client.get("/")
        assert response.status_code == 200, response.text[:200]
        return len(statements), response.text

    small, before = measure()
    assert 'id="overdue-actions"' not in before
    for year in (2007, 2008):
        earlier = cycle_service.create_cycle(
            session,
            SYSTEM,
            name=f"{year}/{(year + 1) % 100:02d}",
            opens_on=date(year, 9, 16),
            submission_due=date(year, 12, 18),
            review_due=date(year + 1, 5, 21),
        )
        finalised = factories.make_assessment(
            session, pct=world.a.pct, cycle=earlier, status=AssessmentStatus.FINALISED
        )
        for number in (1, 4, 7):
            session.add(
                DevelopmentAction(
                    assessment_id=finalised.id or 0,
                    competency_number=number,
                    action="Hold a stakeholder event.",
                    owner="Chief executive",
                    due_on=date(year + 1, 9, 30),
                    status=ActionStatus.AT_RISK,
                )
            )
    session.commit()
    sign_in(client, user)
    large, after = measure()
    assert "6 development actions are overdue" in after
    assert large == small, f"/: {small} statements with no overdue actions, {large} with six"


@pytest.mark.parametrize("who", ["lead", "reviewer"])
def test_the_pbc_overview_runs_the_same_statements_for_two_groups_and_for_many(
    client: TestClient, session: Session, world, who: str
) -> None:
    """Every group's register, practices and business cases are read in a fixed number of
    statements, however many groups and cases there are."""
    from tests.pbc.steps import add_case, make_group, put_register

    user = world.a.lead if who == "lead" else world.reviewer

    def grow(groups: int) -> None:
        for _ in range(groups):
            code = make_group(session, world.a.pct, practices=2).code
            put_register(client, world.a.lead, code)
            add_case(client, world.a.lead, code)
            add_case(
                client,
                world.a.lead,
                code,
                title="Another",
                decision="deferred",
                implemented_on=None,
            )

    def measure() -> tuple[int, str]:
        with counting(session.connection()) as statements:
            response = client.get("/pbc")
        assert response.status_code == 200, response.text[:200]
        return len(statements), response.text

    grow(2)
    sign_in(client, user)
    small, _ = measure()
    grow(6)
    sign_in(client, user)
    large, page = measure()
    assert page.count('/pbc">') == 8
    assert large == small, f"/pbc: {small} statements with two groups, {large} with eight"
