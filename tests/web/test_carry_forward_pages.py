"""Carry forward, where the PCT works and where the SHA reviews: beside each competency of
the next cycle's assessment, last cycle's self and SHA levels, the target the PCT set for
this year, and the open actions of last cycle's development plan (carried as actions, never
as scores). Clinicians see the levels but not the actions, which only the plan's readers
read. The overview links to the comparison and, once finalised, to the development plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import Assessment, AssessmentStatus, ReviewScore, SelfScore
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.development.models import ActionStatus, DevelopmentAction
from app.users.models import User
from tests.api_steps import ok, open_assessment, submitted
from tests.factories import auth, make_assessment
from tests.statements import counting
from tests.web.steps import sign_in
from tests.web.test_presented_evidence_pages import board_row, section

# Steps ------------------------------------------------------------------------------------------


def last_year_cycle(session: Session) -> Cycle:
    """A cycle a year before the test world's 2009/10 one."""
    return cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2008/09",
        opens_on=date(2008, 9, 1),
        submission_due=date(2008, 12, 12),
        review_due=date(2009, 1, 30),
        assessed_competencies=list(range(1, 11)),
    )


def action(
    session: Session,
    assessment: Assessment,
    text: str,
    *,
    competency: int | None = 4,
    status: ActionStatus = ActionStatus.ON_TRACK,
) -> DevelopmentAction:
    row = DevelopmentAction(
        assessment_id=assessment.id or 0,
        competency_number=competency,
        action=text,
        owner="Director of commissioning",
        due_on=date(2010, 3, 31),
        status=status,
    )
    session.add(row)
    session.commit()
    return row


def finalised_last_year(
    session: Session, world, *, status: AssessmentStatus = AssessmentStatus.FINALISED
) -> Assessment:
    """PCT a's 2008/09 assessment: competency 4 at self 2 and SHA 2, with a target of 3;
    competency 1 at self 1 without a target or a review."""
    previous = make_assessment(
        session, pct=world.a.pct, cycle=last_year_cycle(session), status=status
    )
    previous.submitted_at = datetime(2008, 12, 10, tzinfo=UTC)
    if status is AssessmentStatus.FINALISED:
        previous.finalised_at = datetime(2009, 1, 28, tzinfo=UTC)
    session.add(previous)
    session.add(
        SelfScore(
            assessment_id=previous.id or 0,
            competency_number=4,
            level=2,
            rationale="Some engagement.",
            target_level=3,
        )
    )
    session.add(
        SelfScore(assessment_id=previous.id or 0, competency_number=1, level=1, rationale="Early.")
    )
    session.add(
        ReviewScore(
            assessment_id=previous.id or 0,
            competency_number=4,
            level=2,
            comment="Agreed.",
            reviewer_id=world.reviewer.id or 0,
        )
    )
    session.commit()
    return previous


@dataclass
class Scene:
    previous: Assessment
    current: int
    open_on_4: DevelopmentAction
    done_on_4: DevelopmentAction
    general: DevelopmentAction


@pytest.fixture
def scene(client: TestClient, session: Session, world) -> Scene:
    """Last year's finalised assessment with an open and a done action on competency 4 and
    an open one on the whole; this year's assessment, a draft."""
    previous = finalised_last_year(session, world)
    found = Scene(
        previous=previous,
        current=open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"],
        open_on_4=action(session, previous, "Run locality listening events"),
        done_on_4=action(
            session, previous, "Publish the engagement strategy", status=ActionStatus.DONE
        ),
        general=action(session, previous, "Board development programme", competency=None),
    )
    return found


def page(client: TestClient, user: User, url: str) -> str:
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return unescape(response.text)


# The overview -----------------------------------------------------------------------------------


def test_the_overview_shows_last_years_levels_target_and_open_actions_beside_each_competency(
    client: TestClient, world, scene: Scene
) -> None:
    html = page(client, world.a.lead, f"/assessments/{scene.current}")
    assert "Last year (2008/09): self 2, SHA 2; target for this year 3; 1 open action" in board_row(
        html, 4
    )
    assert "Last year (2008/09): self 1, no SHA level" in board_row(html, 1)
    assert "open action" not in board_row(html, 1)
    assert "Last year (2008/09): not assessed" in board_row(html, 11)
    carried = section(html, "carried-forward")
    assert "2 open actions carried forward from the 2008/09 development plan" in carried
    assert "Board development programme" in carried
    assert f'href="/assessments/{scene.previous.id}/development-plan/{scene.general.id}"' in carried
    assert f'href="/assessments/{scene.current}/comparison">Compare with last year</a>' in html
    assert '/development-plan">Development plan</a>' not in html  # not finalised yet


def test_the_overview_carries_nothing_without_a_previous_finalised_assessment(
    client: TestClient, session: Session, world
) -> None:
    finalised_last_year(session, world, status=AssessmentStatus.IN_REVIEW)
    current = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    html = page(client, world.a.lead, f"/assessments/{current}")
    assert "Last year" not in html
    assert 'id="carried-forward"' not in html
    assert "Compare with last year" not in html
    competency = page(client, world.a.lead, f"/assessments/{current}/competencies/4")
    assert 'id="last-year"' not in competency


def test_a_finalised_assessment_links_to_its_development_plan_for_its_readers(
    client: TestClient, session: Session, world, scene: Scene
) -> None:
    url = f"/assessments/{scene.previous.id}"
    plan = f'<a href="/assessments/{scene.previous.id}/development-plan">Development plan</a>'
    for reader in (world.a.lead, world.a.board, world.reviewer):
        html = page(client, reader, url)
        assert plan in html
        assert "Compare with last year" not in html  # nothing finalised before 2008/09
    assert plan not in page(client, world.a.clinician, url)


# A competency -----------------------------------------------------------------------------------


def test_the_competency_page_shows_last_year_and_carries_only_the_open_actions(
    client: TestClient, world, scene: Scene
) -> None:
    html = page(client, world.a.lead, f"/assessments/{scene.current}/competencies/4")
    last_year = section(html, "last-year")
    assert "Last year (2008/09)" in last_year
    assert "The PCT's level" in last_year and "Level 2" in last_year
    assert "The SHA's level" in last_year
    assert "Target set for this year" in last_year and "Level 3" in last_year
    assert "Open actions carried forward" in last_year
    link = f'href="/assessments/{scene.previous.id}/development-plan/{scene.open_on_4.id}"'
    assert link in last_year
    assert "Run locality listening events" in last_year
    assert "On track" in last_year and "Owner: Director of commissioning" in last_year
    assert "Due 31 March 2010" in last_year
    assert "Publish the engagement strategy" not in html  # done: not carried
    assert "Board development programme" not in last_year  # on the whole: the overview's


def test_last_years_levels_are_shown_and_never_copied_as_this_years_scores(
    client: TestClient, world, scene: Scene
) -> None:
    html = page(client, world.a.lead, f"/assessments/{scene.current}/competencies/4")
    form = section(html, "competency-4-self-score")
    assert "checked" not in form
    detail = ok(client.get(f"/api/v1/assessments/{scene.current}", headers=auth(world.a.lead)))
    assert detail["self_scores"] == [] or detail["self_scores"] == {}


def test_a_competency_without_open_actions_says_so(client: TestClient, world, scene: Scene) -> None:
    html = page(client, world.a.lead, f"/assessments/{scene.current}/competencies/1")
    last_year = section(html, "last-year")
    assert "No open actions on competency 1 in the 2008/09 development plan" in last_year
    assert "Not set" in last_year and "Not reviewed" in last_year


def test_a_clinician_sees_last_years_levels_but_not_its_development_actions(
    client: TestClient, world, scene: Scene
) -> None:
    board = page(client, world.a.clinician, f"/assessments/{scene.current}")
    assert "Last year (2008/09): self 2, SHA 2; target for this year 3" in board_row(board, 4)
    assert "open action" not in board
    assert "Board development programme" not in board
    html = page(client, world.a.clinician, f"/assessments/{scene.current}/competencies/4")
    last_year = section(html, "last-year")
    assert "Target set for this year" in last_year
    assert "Open actions carried forward" not in last_year
    assert "Run locality listening events" not in html


# The reviewer's competency page -----------------------------------------------------------------


def test_the_reviewer_sees_last_year_beside_the_competency_under_review(
    client: TestClient, session: Session, world
) -> None:
    previous = finalised_last_year(session, world)
    carried = action(session, previous, "Run locality listening events")
    current = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    html = page(client, world.reviewer, f"/assessments/{current['id']}/review/4")
    last_year = section(html, "last-year")
    assert "Last year (2008/09)" in last_year
    assert "Target set for this year" in last_year and "Level 3" in last_year
    assert f'href="/assessments/{previous.id}/development-plan/{carried.id}"' in last_year
    board = page(client, world.reviewer, f"/assessments/{current['id']}")
    assert "Last year (2008/09): self 2, SHA 2; target for this year 3; 1 open action" in (
        board_row(board, 4)
    )


# Statements -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("lead", "/assessments/{aid}"),
        ("lead", "/assessments/{aid}/competencies/4"),
        ("clinician", "/assessments/{aid}/competencies/4"),
        ("reviewer", "/assessments/{aid}/review/4"),
    ],
)
def test_carrying_forward_runs_the_same_statements_however_much_was_carried(
    client: TestClient, session: Session, world, who: str, path: str
) -> None:
    previous = finalised_last_year(session, world)
    action(session, previous, "The first action")
    current = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)
    user = {"lead": world.a.lead, "clinician": world.a.clinician, "reviewer": world.reviewer}[who]
    url = path.format(aid=current["id"])
    sign_in(client, user)

    def measure() -> int:
        with counting(session.connection()) as statements:
            response = client.get(url)
        assert response.status_code == 200, response.text[:200]
        assert "Last year (2008/09)" in response.text
        return len(statements)

    small = measure()
    for n in range(12):
        action(session, previous, f"Action {n}", competency=1 + n % 10)
        action(session, previous, f"Done {n}", status=ActionStatus.DONE)
    older = make_assessment(
        session,
        pct=world.a.pct,
        cycle=cycle_service.create_cycle(
            session,
            SYSTEM,
            name="2007/08",
            opens_on=date(2007, 9, 1),
            submission_due=date(2007, 12, 12),
            review_due=date(2008, 1, 30),
        ),
        status=AssessmentStatus.FINALISED,
    )
    action(session, older, "Older action")
    sign_in(client, user)
    large = measure()
    assert large == small, f"{url}: {small} statements, then {large} with more carried"
