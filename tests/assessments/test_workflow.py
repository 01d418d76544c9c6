"""The workflow's pure rules: the transition table and readiness."""

from __future__ import annotations

import pytest

from app.assessments.models import AssessmentStatus as S
from app.assessments.workflow import (
    TRANSITIONS,
    Move,
    ScoreFacts,
    next_status,
    readiness,
    review_complete,
)
from app.errors import WorkflowError


@pytest.mark.parametrize(
    ("move", "current", "expected"),
    [
        (Move.SIGN_OFF, S.DRAFT, S.SIGNED_OFF),
        (Move.SUBMIT, S.SIGNED_OFF, S.SUBMITTED),
        (Move.START_REVIEW, S.SUBMITTED, S.IN_REVIEW),
        (Move.RETURN, S.IN_REVIEW, S.RETURNED),
        (Move.FINALISE, S.IN_REVIEW, S.FINALISED),
        (Move.REOPEN, S.FINALISED, S.IN_REVIEW),
        (Move.PCT_EDIT, S.SIGNED_OFF, S.DRAFT),
        (Move.PCT_EDIT, S.RETURNED, S.DRAFT),
    ],
)
def test_allowed_moves_follow_the_diagram(move: Move, current: S, expected: S) -> None:
    assert next_status(move, current) is expected


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("move", list(Move))
def test_every_move_not_in_the_table_is_refused_with_a_reason(move: Move, current: S) -> None:
    if (move, current) in TRANSITIONS:
        return
    with pytest.raises(WorkflowError) as caught:
        next_status(move, current)
    assert "Cannot" in caught.value.detail
    assert ":" in caught.value.detail


def test_submitting_a_draft_says_the_board_must_sign_off_first() -> None:
    with pytest.raises(WorkflowError, match="the board must sign it off first"):
        next_status(Move.SUBMIT, S.DRAFT)


def test_nothing_moves_a_finalised_assessment_but_reopen() -> None:
    allowed = {move for (move, status) in TRANSITIONS if status is S.FINALISED}
    assert allowed == {Move.REOPEN}


def test_pct_edits_are_refused_once_submitted() -> None:
    for status in (S.SUBMITTED, S.IN_REVIEW, S.FINALISED):
        with pytest.raises(WorkflowError):
            next_status(Move.PCT_EDIT, status)


def _facts(**overrides: dict[str, object]) -> list[ScoreFacts]:
    facts = []
    for number in range(1, 12):
        values = {"has_score": True, "has_rationale": True, "evidence_count": 1}
        values.update(overrides.get(str(number), {}))
        facts.append(ScoreFacts(number=number, title=f"C{number}", **values))  # type: ignore[arg-type]
    return facts


def test_ready_when_every_competency_has_a_reasoned_score_and_evidence() -> None:
    assert readiness(_facts()).ready


def test_readiness_lists_each_missing_piece_by_competency() -> None:
    result = readiness(
        _facts(
            **{"3": {"has_score": False}, "7": {"evidence_count": 0}, "9": {"has_rationale": False}}
        )
    )
    assert not result.ready
    assert result.missing == (
        "Competency 3 (C3): no self-assessed level",
        "Competency 7 (C7): no evidence linked",
        "Competency 9 (C9): no rationale for the level",
    )


def test_review_is_complete_only_with_all_eleven_scores() -> None:
    assert review_complete(set(range(1, 12))) == []
    assert review_complete({1, 2, 3}) == list(range(4, 12))
