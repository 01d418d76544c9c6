"""The assessment workflow as data: the transition table and the readiness rule.

Pure functions only; ``service.py`` applies them inside a transaction.

    draft ──sign_off──▶ signed_off ──submit──▶ submitted ──first review──▶ in_review
      ▲                    │                        │                        │    │
      └──any PCT edit──────┘        returned ◀──────┴────────return──────────┘    │
      ▲                                │                                   finalise
      └────────PCT edit────────────────┘                                         ▼
                                                                   finalised ──reopen──▶ in_review
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.assessments.models import AssessmentStatus as S
from app.errors import WorkflowError

COMPETENCY_NUMBERS = tuple(range(1, 12))


class Move(StrEnum):
    SIGN_OFF = "sign_off"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    FINALISE = "finalise"
    REOPEN = "reopen"
    PCT_EDIT = "pct_edit"


# (move, from status) -> to status. Anything not listed is refused with a 409.
TRANSITIONS: Mapping[tuple[Move, S], S] = {
    (Move.SIGN_OFF, S.DRAFT): S.SIGNED_OFF,
    (Move.SIGN_OFF, S.RETURNED): S.SIGNED_OFF,
    (Move.SUBMIT, S.SIGNED_OFF): S.SUBMITTED,
    (Move.START_REVIEW, S.SUBMITTED): S.IN_REVIEW,
    (Move.START_REVIEW, S.IN_REVIEW): S.IN_REVIEW,
    (Move.RETURN, S.SUBMITTED): S.RETURNED,
    (Move.RETURN, S.IN_REVIEW): S.RETURNED,
    (Move.FINALISE, S.IN_REVIEW): S.FINALISED,
    (Move.REOPEN, S.FINALISED): S.IN_REVIEW,
    (Move.PCT_EDIT, S.DRAFT): S.DRAFT,
    (Move.PCT_EDIT, S.SIGNED_OFF): S.DRAFT,
    (Move.PCT_EDIT, S.RETURNED): S.DRAFT,
}

_WHY: Mapping[S, str] = {
    S.DRAFT: "it is still a draft",
    S.SIGNED_OFF: "it is signed off and waiting to be submitted",
    S.SUBMITTED: "it has been submitted to the SHA",
    S.IN_REVIEW: "the SHA is reviewing it",
    S.RETURNED: "the SHA has returned it to the PCT",
    S.FINALISED: "it is finalised",
}

_MOVE_WORDS: Mapping[Move, str] = {
    Move.SIGN_OFF: "sign off",
    Move.SUBMIT: "submit",
    Move.START_REVIEW: "review",
    Move.RETURN: "return",
    Move.FINALISE: "finalise",
    Move.REOPEN: "reopen",
    Move.PCT_EDIT: "change",
}

_HINT: Mapping[tuple[Move, S], str] = {
    (Move.SUBMIT, S.DRAFT): "the board must sign it off first",
    (Move.SUBMIT, S.RETURNED): "the board must sign off the revised assessment first",
    (Move.FINALISE, S.SUBMITTED): "score all eleven competencies first",
    (Move.START_REVIEW, S.RETURNED): "the PCT must resubmit it first",
}

# Statuses in which the PCT's evidence set is frozen: no change to those items.
FROZEN_STATUSES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.FINALISED})


def next_status(move: Move, current: S) -> S:
    """The status after ``move``, or WorkflowError saying why it is not allowed now."""
    target = TRANSITIONS.get((move, current))
    if target is None:
        hint = _HINT.get((move, current))
        reason = f"Cannot {_MOVE_WORDS[move]} this assessment: {_WHY[current]}"
        raise WorkflowError(f"{reason}; {hint}" if hint else reason)
    return target


def allowed_moves(current: S) -> frozenset[Move]:
    return frozenset(move for (move, status) in TRANSITIONS if status is current)


@dataclass(frozen=True)
class ScoreFacts:
    """What readiness needs to know about one competency."""

    number: int
    title: str
    has_score: bool
    has_rationale: bool
    evidence_count: int


@dataclass(frozen=True)
class Readiness:
    ready: bool
    missing: tuple[str, ...]


def readiness(facts: Sequence[ScoreFacts]) -> Readiness:
    """Ready for sign-off: all eleven self-scores with a rationale, and evidence for each."""
    missing: list[str] = []
    for fact in sorted(facts, key=lambda f: f.number):
        label = f"Competency {fact.number} ({fact.title})"
        if not fact.has_score:
            missing.append(f"{label}: no self-assessed level")
        elif not fact.has_rationale:
            missing.append(f"{label}: no rationale for the level")
        if fact.evidence_count == 0:
            missing.append(f"{label}: no evidence linked")
    return Readiness(ready=not missing, missing=tuple(missing))


def review_complete(scored_numbers: set[int]) -> list[int]:
    """The competencies still without a review score."""
    return [n for n in COMPETENCY_NUMBERS if n not in scored_numbers]
