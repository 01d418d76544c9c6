"""The audit trail of one assessment, on its own page, in words: who, when, what changed,
before and after; newest first, in pages; read by administrators and the PCT's own lead."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.audit import AuditEvent
from app.audit.presenters import Change, Names, describe
from app.users.models import Role, User
from tests.api_steps import (
    log_evidence,
    ok,
    open_assessment,
    open_thread,
    ready_to_sign,
    review_all,
    sign_off,
)
from tests.factories import auth
from tests.statements import counting
from tests.web.steps import sign_in

# Steps ----------------------------------------------------------------------------------------


def given_names(session: Session, **people: User) -> None:
    for name, user in people.items():
        user.full_name = name.replace("_", " ")
        session.add(user)
    session.commit()


def given_a_returned_assessment(client: TestClient, session: Session, world) -> int:
    """Jane Lead scores, moves competency 3 from 2 to 3, the board signs off, she submits; Dr
    Rev scores competency 3 at 2, asks a question and returns it; Jane answers the point."""
    given_names(session, Jane_Lead=world.a.lead, Dr_Rev=world.reviewer)
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/3",
            json={"level": 3, "rationale": "Joint commissioning with the council."},
            headers=auth(world.a.lead),
        )
    )
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/3",
            json={"level": 2, "comment": "The council's part is not shown."},
            headers=auth(world.reviewer),
        )
    )
    open_thread(client, world.reviewer, aid, "Please send the board minutes.", 4)
    returned = ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={
                "reason": "More on competency 4.",
                "points": [{"competency_number": 4, "request": "Show the clinicians' part."}],
            },
            headers=auth(world.reviewer),
        )
    )
    point = returned["return_points"][0]["id"]
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{point}",
            json={"response": "Minutes of the PEC added."},
            headers=auth(world.a.lead),
        )
    )
    return aid


def sentences(html: str) -> list[str]:
    """Each event's sentence, in the page's order."""
    found = re.findall(r'<li id="event-\d+">\s*<p[^>]*>.*?</p>\s*<p[^>]*>(.*?)</p>', html, re.S)
    return [" ".join(s.split()).replace("&#39;", "'").replace("&amp;", "&") for s in found]


def event_html(html: str, words: str) -> str:
    for block in re.findall(
        r'<li id="event-\d+">(.*?)</li>\s*(?=<li id="event-|</ol>)', html, re.S
    ):
        if words in " ".join(block.split()).replace("&#39;", "'"):
            return " ".join(block.split()).replace("&#39;", "'")
    raise AssertionError(f"no event says {words!r}")


def changes_in(block: str) -> list[tuple[str, str, str]]:
    """The rows of an event's "what changed" table: what, before, after (as read)."""
    rows = re.findall(
        r"What changed </span>(.*?)</td>.*?Before </span>(.*?)</td>.*?After </span>(.*?)</td>",
        block,
    )
    return [tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in row) for row in rows]


# The words --------------------------------------------------------------------------------------


def test_the_pct_lead_reads_the_history_in_words_newest_first(
    client: TestClient, session: Session, world
) -> None:
    aid = given_a_returned_assessment(client, session, world)
    sign_in(client, world.a.lead)
    page = client.get(f"/assessments/{aid}/audit")
    assert page.status_code == 200
    said = sentences(page.text)
    expected = [
        "Jane Lead (PCT assurance lead) answered the SHA's point on competency 4",
        "Dr Rev (SHA reviewer) returned the assessment: More on competency 4.",
        "Dr Rev (SHA reviewer) wrote in the questions on competency 4",
        "Dr Rev (SHA reviewer) began the SHA's review",
        "Dr Rev (SHA reviewer) scored competency 3 at level 2 for the SHA's review",
        "Jane Lead (PCT assurance lead) submitted the assessment to the SHA (round 1), "
        "presenting 1 evidence item",
        "Test board member (board member) signed off the assessment for the board at its "
        "meeting on 1 December 2009, minute BD/09/147",
        "Jane Lead (PCT assurance lead) changed the self-assessed level of competency 3 from 2 "
        "to 3",
    ]
    assert said[: len(expected)] == expected
    assert said[-1] == "Jane Lead (PCT assurance lead) opened the assessment"
    assert (
        "Jane Lead (PCT assurance lead) added the evidence item “Five-year strategic plan” to "
        "the assessment" in said
    )
    assert (
        "Jane Lead (PCT assurance lead) rated the governance area Finance Amber (some concerns)"
        in said
    )
    assert (
        "Jane Lead (PCT assurance lead) added the outcome measure “Smoking prevalence in "
        "adults” to the assessment" in said
    )
    # Before and after, and what was said.
    change = event_html(page.text, "changed the self-assessed level of competency 3")
    assert ("Level", "2", "3") in changes_in(change)
    assert (
        "Rationale",
        "Why competency 3 sits at level 2.",
        "Joint commissioning with the council.",
    ) in changes_in(change)
    answered = event_html(page.text, "answered the SHA's point")
    assert "Minutes of the PEC added." in answered and "Show the clinicians' part." in answered
    returned = event_html(page.text, "returned the assessment")
    assert "Competency 4: Show the clinicians' part." in returned
    assert changes_in(returned) == [("Status", "In review", "Returned")]
    signed = event_html(page.text, "signed off the assessment")
    assert changes_in(signed) == [("Status", "Draft", "Signed off")]
    assert "Please send the board minutes." in event_html(page.text, "wrote in the questions")


def test_the_reviewers_scores_and_governance_ratings_are_in_the_trail(
    client: TestClient, session: Session, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    review_all(client, world.reviewer, aid)
    for reader in (world.a.lead, world.admin):
        sign_in(client, reader)
        said = sentences(client.get(f"/assessments/{aid}/audit").text)
        assert any("scored competency 4 at level 2 for the SHA's review" in s for s in said)
        assert any(
            "rated the governance area Finance Amber (some concerns) for the SHA's panel" in s
            for s in said
        )


def test_a_long_history_comes_in_pages_of_fifty_newest_first(
    client: TestClient, session: Session, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    for n in range(60):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/self-scores/5",
                json={"level": 1 + n % 4, "rationale": f"Version {n}."},
                headers=auth(world.a.lead),
            )
        )
    sign_in(client, world.a.lead)
    first = client.get(f"/assessments/{aid}/audit")
    assert "61 changes: page 1 of 2" in first.text
    assert len(sentences(first.text)) == 50
    newest = first.text[first.text.index('<li id="event-') :].split("<hr")[0]
    assert "Version 59." in newest
    assert f'href="/assessments/{aid}/audit?page=2"' in first.text
    second = client.get(f"/assessments/{aid}/audit?page=2")
    said = sentences(second.text)
    assert len(said) == 11 and said[-1].endswith("opened the assessment")


def test_the_page_runs_the_same_number_of_statements_however_long_the_history(
    client: TestClient, session: Session, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4])["id"]
    sign_in(client, world.a.lead)

    def statements() -> int:
        with counting(session.connection()) as seen:
            assert client.get(f"/assessments/{aid}/audit").status_code == 200
        return len(seen)

    few = statements()
    for n in range(5):
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/self-scores/{n + 1}",
                json={"level": 2, "rationale": "Because."},
                headers=auth(world.a.lead),
            )
        )
    ok(client.put(f"/api/v1/assessments/{aid}/evidence/{item}", headers=auth(world.a.lead)), 204)
    assert statements() == few


# Who may read it --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("lead", 200),
        ("board", 403),
        ("clinician", 403),
        ("reviewer", 403),
        ("other_reviewer", 404),
        ("other_lead", 404),
    ],
)
def test_administrators_and_the_pcts_own_lead_read_it_others_are_refused(
    client: TestClient, session: Session, world, who: str, status: int
) -> None:
    aid = given_a_returned_assessment(client, session, world)
    user = {
        "admin": world.admin,
        "lead": world.a.lead,
        "board": world.a.board,
        "clinician": world.a.clinician,
        "reviewer": world.reviewer,
        "other_reviewer": world.other_reviewer,
        "other_lead": world.b.lead,
    }[who]
    sign_in(client, user)
    assert client.get(f"/assessments/{aid}/audit").status_code == status
    overview = client.get(f"/assessments/{aid}")
    if overview.status_code == 200:
        linked = f'href="/assessments/{aid}/audit"' in overview.text
        assert linked is (status == 200)


def test_an_assessment_that_does_not_exist_is_not_found(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    assert client.get("/assessments/999999/audit").status_code == 404
    assert client.get("/assessments/1/audit?page=abc").status_code in (200, 404)


# The words of the other kinds of event (the presenter alone) ------------------------------------

LEAD = ("Jane Lead", Role.PCT_LEAD)
REVIEWER = ("Dr Rev", Role.SHA_REVIEWER)
BOARD = ("Ann Chair", Role.BOARD_MEMBER)
NAMES = Names(evidence={12: "Patient panel minutes"}, actions={5: "Hold a stakeholder event."})


def event(entity: str, action: str, before: dict | None, after: dict | None) -> AuditEvent:
    return AuditEvent(
        id=1,
        occurred_at=datetime(2010, 1, 14, 10, 32, tzinfo=UTC),
        actor_label="someone@x.nhs.test",
        entity=entity,
        entity_id=1,
        action=action,
        before=before,
        after=after,
    )


@pytest.mark.parametrize(
    ("who", "happened", "says"),
    [
        (
            BOARD,
            event(
                "assessment",
                "withdraw_sign_off",
                {"status": "signed_off"},
                {"status": "draft", "reason": "A score was wrong."},
            ),
            "Ann Chair (board member) withdrew the board's sign-off",
        ),
        (
            REVIEWER,
            event("assessment", "finalise", {"status": "provisional"}, {"status": "finalised"}),
            "Dr Rev (SHA reviewer) finalised the review",
        ),
        (
            REVIEWER,
            event(
                "assessment",
                "share_provisional",
                {"status": "in_review"},
                {"status": "provisional", "round": 1},
            ),
            "Dr Rev (SHA reviewer) shared the SHA's ratings with the PCT as provisional (round 1)",
        ),
        (
            LEAD,
            event(
                "assessment",
                "check_facts",
                {"status": "provisional"},
                {"status": "provisional", "accepted": True, "comments": []},
            ),
            "Jane Lead (PCT assurance lead) accepted the provisional ratings as they stand",
        ),
        (
            LEAD,
            event(
                "assessment",
                "withdraw_evidence",
                {"evidence_id": 3, "title": "Old minutes"},
                None,
            ),
            "Jane Lead (PCT assurance lead) took the evidence item “Old minutes” out of the "
            "assessment",
        ),
        (
            REVIEWER,
            event(
                "evidence_rating",
                "update",
                {"evidence_id": 12, "rating": "weak", "comment": ""},
                {"evidence_id": 12, "rating": "strong", "comment": ""},
            ),
            "Dr Rev (SHA reviewer) changed the rating of the evidence item “Patient panel "
            "minutes” from Weak to Strong",
        ),
        (
            REVIEWER,
            event(
                "moderation_change",
                "create",
                None,
                {"subject": "competency", "key": "3", "before": "2", "after": "3", "reason": "X"},
            ),
            "Dr Rev (SHA reviewer) changed the provisional rating of competency 3 from 2 to 3",
        ),
        (
            LEAD,
            event(
                "criterion_score",
                "update",
                {"competency_number": 1, "criterion": "1.2", "level": 2},
                {"competency_number": 1, "criterion": "1.2", "level": 3},
            ),
            "Jane Lead (PCT assurance lead) changed the self-assessed level of criterion 1.2 "
            "from 2 to 3",
        ),
        (
            LEAD,
            event(
                "self_score",
                "derive",
                {"competency_number": 1, "level": 2},
                {"competency_number": 1, "level": 3},
            ),
            "Jane Lead (PCT assurance lead) changed a criterion of competency 1, which moved its "
            "self-assessed level from 2 to 3",
        ),
        (
            LEAD,
            event(
                "governance_rating",
                "update",
                {"area": "finance", "rating": "green", "narrative": "In balance."},
                {"area": "finance", "rating": "amber", "narrative": "In balance."},
            ),
            "Jane Lead (PCT assurance lead) changed the rating of the governance area Finance "
            "from Green to Amber",
        ),
        (
            LEAD,
            event(
                "development_action",
                "update",
                {"competency_number": 4, "action": "Hold an event.", "status": "not_started"},
                {"competency_number": 4, "action": "Hold an event.", "status": "on_track"},
            ),
            "Jane Lead (PCT assurance lead) changed the status of a development action from "
            "Not started to On track",
        ),
        (
            LEAD,
            event(
                "development_progress_note",
                "create",
                None,
                {"action_id": 5, "status": "at_risk", "note": "Venue lost."},
            ),
            "Jane Lead (PCT assurance lead) reported progress on a development action: At risk",
        ),
        (
            REVIEWER,
            event(
                "panel", "create", None, {"panel_date": "2010-01-14", "members": [], "notes": ""}
            ),
            "Dr Rev (SHA reviewer) recorded the SHA's assurance panel of 14 January 2010",
        ),
        (
            (None, None),
            event("assessment", "reopen", {"status": "finalised"}, {"status": "in_review"}),
            "someone@x.nhs.test reopened the finalised review",
        ),
    ],
    ids=lambda value: value.entity + ":" + value.action if isinstance(value, AuditEvent) else "",
)
def test_each_kind_of_event_is_told_in_words(
    who: tuple[str | None, Role | None], happened: AuditEvent, says: str
) -> None:
    line = describe(happened, who[0], who[1], NAMES)
    assert line.sentence == says
    assert line.when == "14 January 2010 at 10:32"


def test_a_reason_is_quoted_and_a_changed_status_shown_before_and_after() -> None:
    line = describe(
        event(
            "assessment",
            "withdraw_sign_off",
            {"status": "signed_off"},
            {"status": "returned", "reason": "A score was wrong."},
        ),
        *BOARD,
    )
    assert line.quote == "A score was wrong."
    assert line.changes == [Change("Status", "Signed off", "Returned")]
