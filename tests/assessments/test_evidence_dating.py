"""Evidence and the assurance year: wherever presented evidence is shown (the competency page,
its library picker, the reviewer's competency page, the report), an item dated before last
year's submission deadline says so, beside the notes for items dated outside this cycle's
assurance year; the picker lists the year's items first; and readiness notes, without
stopping a sign-off, a competency whose evidence is all dated outside the year."""

from __future__ import annotations

from datetime import date
from html import unescape

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments import workflow
from app.assessments.repository import load_assessment
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.reports.context import assessment_report
from app.reports.documents import assessment_html
from tests.api_steps import (
    log_evidence,
    ok,
    open_assessment,
    present,
    present_outcome,
    rate_governance,
    score_all,
    sign_off,
)
from tests.assessment_moves import actor
from tests.factories import auth
from tests.web.steps import sign_in
from tests.web.test_presented_evidence_pages import library_part, presents_part, section

BEFORE_BOTH = (
    "Dated before this assurance year and before last year's submission deadline (12 December 2008)"
)


def last_year_cycle(session: Session, *, submission_due: date = date(2008, 12, 12)) -> Cycle:
    return cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2008/09",
        opens_on=date(2008, 9, 1),
        submission_due=submission_due,
        review_due=max(submission_due, date(2009, 1, 30)),
    )


def given_items_around_the_year(client: TestClient, world, aid: int) -> dict[str, int]:
    """Items for competency 4 dated before last year's deadline, between it and the start of
    this assurance year (18 December 2008), inside the year, and after it; all presented
    but the inside one, which stays in the library."""
    dates = {
        "old": "2008-06-03",
        "between": "2008-12-15",
        "inside": "2009-10-14",
        "after": "2010-06-10",
    }
    ids = {
        name: log_evidence(
            client, world.a.lead, world.a.pct.code, [4], title=f"Item {name}", occurred_on=day
        )["id"]
        for name, day in dates.items()
    }
    for name in ("old", "between", "after"):
        present(client, world.a.lead, aid, ids[name])
    return ids


def mark_of(text: str, title: str) -> str:
    """The text from an item's title to the next item's (or the end)."""
    start = text.index(title)
    following = text.find("Item ", start + len(title))
    return text[start : following if following != -1 else len(text)]


# The notes --------------------------------------------------------------------------------------


def test_the_competency_page_marks_items_dated_before_last_years_submission_deadline(
    client: TestClient, session: Session, world
) -> None:
    last_year_cycle(session)
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    given_items_around_the_year(client, world, aid)
    sign_in(client, world.a.lead)
    html = unescape(client.get(f"/assessments/{aid}/competencies/4").text)
    presents = presents_part(html)
    assert BEFORE_BOTH in mark_of(presents, "Item old")
    between = mark_of(presents, "Item between")
    assert "Dated before this assurance year" in between
    assert "submission deadline" not in between
    assert "Dated after this assurance year" in mark_of(presents, "Item after")
    library = library_part(html)
    assert "Item inside" in library and "Dated" not in mark_of(library, "Item inside")


def test_the_notes_are_unchanged_when_there_is_no_earlier_cycle(client: TestClient, world) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    given_items_around_the_year(client, world, aid)
    sign_in(client, world.a.lead)
    presents = presents_part(unescape(client.get(f"/assessments/{aid}/competencies/4").text))
    assert "submission deadline" not in presents
    assert "Dated before this assurance year" in mark_of(presents, "Item old")


def test_an_item_inside_the_year_but_before_a_late_deadline_last_year_is_marked(
    client: TestClient, session: Session, world
) -> None:
    last_year_cycle(session, submission_due=date(2009, 2, 1))
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    lead = actor(session, world.a.lead)
    record = load_assessment(session, lead, aid)
    assert record.previous_submission_due == date(2009, 2, 1)
    assert record.dating_note(date(2009, 1, 10)) == (
        "Dated before last year's submission deadline (1 February 2009)"
    )
    assert record.dating_note(date(2009, 3, 1)) == ""


def test_the_reviewer_and_the_report_see_the_same_marks(
    client: TestClient, session: Session, world
) -> None:
    last_year_cycle(session)
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    plan = log_evidence(client, world.a.lead, world.a.pct.code, list(range(1, 12)), title="Plan")
    present(client, world.a.lead, aid, plan["id"])
    given_items_around_the_year(client, world, aid)
    score_all(client, world.a.lead, aid)
    rate_governance(client, world.a.lead, aid)
    present_outcome(client, world.a.lead, world.a.pct.code, aid)
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))

    sign_in(client, world.reviewer)
    html = unescape(client.get(f"/assessments/{aid}/review/4").text)
    evidence = html[html.index('id="evidence-heading"') : html.index('id="review-heading"')]
    assert BEFORE_BOTH in mark_of(evidence, "Item old")
    assert "Dated after this assurance year" in mark_of(evidence, "Item after")

    report = unescape(
        assessment_html(assessment_report(session, actor(session, world.reviewer), aid))
    )
    assert BEFORE_BOTH in report


# Readiness --------------------------------------------------------------------------------------


def test_readiness_notes_a_competency_whose_evidence_is_all_outside_the_year_and_signs_off(
    client: TestClient, world
) -> None:
    lead, code = world.a.lead, world.a.pct.code
    aid = open_assessment(client, lead, code, world.cycle.id)["id"]
    others = [n for n in range(1, 12) if n != 4]
    plan = log_evidence(client, lead, code, others, title="Strategic plan")
    old = log_evidence(client, lead, code, [4], title="Old PBC minutes", occurred_on="2008-06-03")
    present(client, lead, aid, plan["id"])
    present(client, lead, aid, old["id"])
    score_all(client, lead, aid)
    rate_governance(client, lead, aid)
    present_outcome(client, lead, code, aid)

    sign_in(client, lead)
    board = unescape(client.get(f"/assessments/{aid}").text)
    notes = section(board, "readiness-notes")
    assert "Worth a look before sign-off" in notes
    assert "These do not stop the board signing off." in notes
    assert "Competency 4 (" in notes
    assert "no evidence presented is dated in the " in notes
    assert "assurance year (from 18 December 2008)" in notes
    assert "Competency 1 (" not in notes
    assert "Ready for board sign-off." in board
    page = unescape(client.get(f"/assessments/{aid}/competencies/4").text)
    assert 'id="competency-4-dating"' in page
    assert "None of this evidence is dated in the " in page
    assert 'id="competency-4-dating"' not in client.get(f"/assessments/{aid}/competencies/1").text

    sign_off(client, world.a.board, aid)
    signed = unescape(client.get(f"/assessments/{aid}").text)
    assert 'id="readiness-notes"' not in signed  # news only while the PCT may change it


def test_a_note_never_stops_readiness() -> None:
    facts = [
        workflow.ScoreFacts(4, "Engage", True, True, evidence_count=2, evidence_in_period=0),
        workflow.ScoreFacts(5, "Partners", True, True, evidence_count=1, evidence_in_period=1),
        workflow.ScoreFacts(6, "Needs", True, True, evidence_count=0, evidence_in_period=0),
        workflow.ScoreFacts(7, "Unknown", True, True, evidence_count=3),
    ]
    whole = workflow.WholeFacts(assurance_year="the 2009/10 assurance year")
    readiness = workflow.readiness(facts, whole)
    assert readiness.notes == (
        "Competency 4 (Engage): no evidence presented is dated in the 2009/10 assurance year",
    )
    assert readiness.missing == ("Competency 6 (Needs): no evidence presented",)
    ready = workflow.readiness([facts[0]], whole)
    assert ready.ready and ready.notes
