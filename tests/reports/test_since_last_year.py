"""The assurance report's "Since last year": each competency and governance area against the
PCT's previous finalised assessment, as the comparison API gives it, with the movement in words
and arrows; a plain sentence where there is nothing earlier. Real PDFs of the demo's
assessments that have a previous year, read back with pypdf."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments.models import Assessment, AssessmentStatus
from app.auth.service import actor_for_user
from app.comparison import serialisers
from app.comparison.service import compare_assessment
from app.cycles.models import Cycle
from app.demo import load_demo
from app.organisations.models import Organisation
from app.reports.context import assessment_report
from app.reports.documents import assessment_html
from app.reports.pdf import render_pdf
from app.schema_migrations import upgrade
from app.users.models import Role, User
from tests.databases import fresh_database, new_database_url
from tests.factories import auth

ARROWS = {"up": "\u2191", "down": "\u2193", "same": "="}
DASH = "\u2013"


@pytest.fixture(scope="module")
def demo_engine(run_dir: Path) -> Iterator[Engine]:
    """A database of its own with the demo loaded once, shared by this module."""
    from app.db import create_db_engine

    with fresh_database(new_database_url(run_dir, "since")) as url:
        upgrade(url)
        engine = create_db_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            load_demo(session)
        yield engine
        engine.dispose()


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Session]:
    """A session on the demo database whose changes are rolled back after the test."""
    connection = demo_engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


def _person(session: Session, code: str, role: Role) -> Actor:
    user = session.exec(
        select(User)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(col(Organisation.code) == code, col(User.role) == role)
        .order_by(col(User.id))
    ).first()
    assert user is not None and user.id is not None
    actor = actor_for_user(session, user.id)
    assert actor is not None
    return actor


def _assessment(session: Session, code: str, cycle: str) -> Assessment:
    found = session.exec(
        select(Assessment)
        .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(col(Organisation.code) == code, col(Cycle.name) == cycle)
    ).one()
    assert found.id is not None
    return found


def _section(session: Session, actor: Actor, assessment_id: int, out: Path) -> str:
    """The report's "Since last year" section as text, on one line; the PDF is kept at
    ``out`` for looking at."""
    pdf = render_pdf(assessment_html(assessment_report(session, actor, assessment_id)))
    out.write_bytes(pdf)
    # Each page's text on one line, without the DRAFT mark across it.
    pages = [
        re.sub(r"\s+", " ", p.extract_text()).removeprefix("DRAFT ")
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
    contents = next(i for i, page in enumerate(pages) if page.startswith("Contents"))
    assert re.search(r"Front sheet \.+ 1 Since last year \.+ \d+ 1\. ", pages[contents])
    return next(p for p in pages[contents + 1 :] if p.startswith("Since last year"))


def _row(line: dict, shown: bool, *, rating: bool = False) -> str:
    """A table row as pypdf reads it back, from the comparison API's line."""
    key = "rating" if rating else "level"
    cells = []
    for when in ("previous_self", "previous_review", "current_self", "current_review"):
        value = line[f"{when}_{key}"]
        cells.append(DASH if value is None else str(value).capitalize())
    if not shown:
        cells[3] = "Not yet shared"
    movement = line["movement"]
    if movement is None:
        words = line["note"]
    else:
        direction, by = movement["direction"], movement["by"]
        unit = ("step" if by == 1 else "steps") if rating else ("level" if by == 1 else "levels")
        same = "Same rating" if rating else "Same level"
        words = f"{ARROWS[direction]} " + (
            same if direction == "same" else f"{direction.capitalize()} {by} {unit}"
        )
        if movement["compared"] == "self":
            words += " (PCT's own)"
    label = line["area"].capitalize() if rating else f"{line['competency_number']}. {line['title']}"
    return f"{label} {' '.join(cells)} {words}"


def test_tower_hamlets_2009_10_shows_each_level_against_its_finalised_2008_09(
    demo: Session, tmp_path: Path
) -> None:
    assessment = _assessment(demo, "5C4", "2009/10")
    lead = _person(demo, "5C4", Role.PCT_LEAD)
    assert assessment.status is AssessmentStatus.FINALISED
    expected = serialisers.comparison(compare_assessment(demo, lead, assessment.id or 0))
    assert expected.previous is not None and expected.previous.cycle_name == "2008/09"

    section = _section(demo, lead, assessment.id or 0, tmp_path / "tower-hamlets-2009-10.pdf")

    summary = section.split(" Compared with")[0]
    assert re.fullmatch(
        r"Since last year Since 2008/09: \d+ competenc(y|ies) up, \d+ down and \d+ the same\.",
        summary,
    )
    assert "Compared with Tower Hamlets PCT's assessment of 2008/09, finalised on " in section
    body = expected.model_dump(mode="json")
    for line in body["competencies"]:
        assert _row(line, True) in section
    assert any(
        line["movement"] and line["movement"]["direction"] == "up" for line in body["competencies"]
    )
    assert f"11. Make sound financial investments {DASH} {DASH} " in section
    assert section.count("Not assessed in 2008/09.") == 1  # competency 11 alone
    for line in body["governance"]:
        assert _row(line, True, rating=True) in section
    assert "scored competency 1 as a whole, not through criteria" in section
    assert "Not yet shared" not in section  # finalised: the SHA's levels are the PCT's too


def test_leeds_in_review_shows_its_lead_the_movement_of_its_own_levels_until_shared(
    demo: Session, tmp_path: Path
) -> None:
    assessment = _assessment(demo, "5N1", "2009/10")
    assert assessment.status is AssessmentStatus.IN_REVIEW
    lead = _person(demo, "5N1", Role.PCT_LEAD)
    reviewer = _person(demo, "Q32", Role.SHA_REVIEWER)
    for_lead = serialisers.comparison(compare_assessment(demo, lead, assessment.id or 0))
    for_sha = serialisers.comparison(compare_assessment(demo, reviewer, assessment.id or 0))
    assert (for_lead.current_review_shown, for_sha.current_review_shown) == (False, True)
    assert any(c.current_review_level for c in for_sha.competencies)  # the SHA has begun

    section = _section(demo, lead, assessment.id or 0, tmp_path / "leeds-2009-10.pdf")

    assert "The SHA's levels for 2009/10 are shown once it returns the assessment" in section
    for line in for_lead.model_dump(mode="json")["competencies"]:
        assert _row(line, False) in section
    assert "(PCT's own)" in section


def test_a_report_with_no_earlier_finalised_assessment_says_so_in_a_sentence(
    client: TestClient, world, reviewed: dict
) -> None:
    response = client.get(
        f"/api/v1/assessments/{reviewed['id']}/report.pdf", headers=auth(world.a.lead)
    )
    assert response.status_code == 200, response.text
    text = re.sub(
        r"\s+",
        " ",
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages),
    )

    assert (
        f"{world.a.pct.name} has no earlier finalised assessment to compare {world.cycle.name} "
        "with." in text
    )
    assert "Since last year" not in text
