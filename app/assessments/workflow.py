"""The assessment workflow as data: the transition table, the readiness rule, divergence.

Pure functions only; ``service.py`` applies them inside a transaction and ``record.py``
asks them what a page or report should show.

    draft ──sign_off──▶ signed_off ──submit──▶ submitted ──first review──▶ in_review
      ▲                    │  ▲                     │                        │    │   │
      └─withdraw sign-off──┘  │     returned ◀──────┴────────return──────────┘    │ share
                              │     ▲  │ (PCT revises, answers each point)  finalise  ▼
                              └sign_off┘◀──────────────return──────────────┐   │  provisional
                                                                           │   ▼  (PCT checks
                                          finalised ◀───────finalise───────┴─ facts; SHA
                                              └──reopen──▶ in_review           moderates)

A signed-off assessment is locked for the PCT: nothing moves it back but a withdrawal of the
sign-off, with a reason. A returned one stays returned while the PCT revises it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.assessments.models import AssessmentStatus as S
from app.errors import WorkflowError


class Move(StrEnum):
    SIGN_OFF = "sign_off"
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    RETURN = "return"
    FINALISE = "finalise"
    REOPEN = "reopen"
    PCT_EDIT = "pct_edit"
    WITHDRAW_SIGN_OFF = "withdraw_sign_off"
    SHARE_PROVISIONAL = "share_provisional"
    CHECK_FACTS = "check_facts"
    MODERATE = "moderate"

    @property
    def label(self) -> str:
        return _MOVE_LABELS[self]


_MOVE_LABELS: Mapping[Move, str] = {
    Move.SIGN_OFF: "Sign off",
    Move.SUBMIT: "Submit to the SHA",
    Move.START_REVIEW: "Open the review",
    Move.RETURN: "Return to the PCT",
    Move.FINALISE: "Finalise the review",
    Move.REOPEN: "Reopen",
    Move.PCT_EDIT: "Change the self-assessment",
    Move.WITHDRAW_SIGN_OFF: "Withdraw the sign-off",
    Move.SHARE_PROVISIONAL: "Share provisional ratings",
    Move.CHECK_FACTS: "Check the provisional ratings for factual accuracy",
    Move.MODERATE: "Change a provisional rating",
}


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
    (Move.FINALISE, S.PROVISIONAL): S.FINALISED,
    (Move.SHARE_PROVISIONAL, S.IN_REVIEW): S.PROVISIONAL,
    (Move.CHECK_FACTS, S.PROVISIONAL): S.PROVISIONAL,
    (Move.MODERATE, S.PROVISIONAL): S.PROVISIONAL,
    (Move.RETURN, S.PROVISIONAL): S.RETURNED,
    (Move.REOPEN, S.FINALISED): S.IN_REVIEW,
    (Move.PCT_EDIT, S.DRAFT): S.DRAFT,
    (Move.PCT_EDIT, S.RETURNED): S.RETURNED,
    # Back to draft; to returned instead when the SHA had returned it since its last
    # submission (the service decides, from the assessment's dates).
    (Move.WITHDRAW_SIGN_OFF, S.SIGNED_OFF): S.DRAFT,
}

_WHY: Mapping[S, str] = {
    S.DRAFT: "it is still a draft",
    S.SIGNED_OFF: "it is signed off and waiting to be submitted",
    S.SUBMITTED: "it has been submitted to the SHA",
    S.IN_REVIEW: "the SHA is reviewing it",
    S.RETURNED: "the SHA has returned it to the PCT",
    S.PROVISIONAL: "the SHA has shared provisional ratings",
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
    Move.WITHDRAW_SIGN_OFF: "withdraw the sign-off of",
    Move.SHARE_PROVISIONAL: "share provisional ratings for",
    Move.CHECK_FACTS: "check the provisional ratings of",
    Move.MODERATE: "change a provisional rating of",
}

_HINT: Mapping[tuple[Move, S], str] = {
    (Move.SUBMIT, S.DRAFT): "the board must sign it off first",
    (Move.SUBMIT, S.RETURNED): "the board must sign off the revised assessment first",
    (Move.FINALISE, S.SUBMITTED): "score every competency first",
    (Move.START_REVIEW, S.RETURNED): "the PCT must resubmit it first",
    (Move.PCT_EDIT, S.SIGNED_OFF): (
        "to change it, a PCT lead or board member must first withdraw the sign-off, giving a reason"
    ),
    (Move.SHARE_PROVISIONAL, S.SUBMITTED): "score every competency first",
    (Move.START_REVIEW, S.PROVISIONAL): (
        "once the PCT has checked them for factual accuracy, change a rating with a reason"
    ),
    (Move.CHECK_FACTS, S.IN_REVIEW): "the SHA has not shared provisional ratings yet",
    (Move.CHECK_FACTS, S.SUBMITTED): "the SHA has not shared provisional ratings yet",
}

# Statuses in which the PCT's evidence set is frozen: no change to those items.
FROZEN_STATUSES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.PROVISIONAL, S.FINALISED})


def _statuses_allowing(move: Move) -> frozenset[S]:
    return frozenset(status for (m, status) in TRANSITIONS if m is move)


# Derived from the table, so that a page or a home screen never restates it.
PCT_EDITABLE = _statuses_allowing(Move.PCT_EDIT)
"""The PCT may change its self-assessment."""
AWAITING_REVIEW = _statuses_allowing(Move.START_REVIEW)
"""In a reviewer's queue: the reviewer may score it now."""
REVIEW_DONE = frozenset({S.RETURNED, S.FINALISED})
WITH_THE_SHA = AWAITING_REVIEW | {S.PROVISIONAL}
"""The SHA holds it: in review, or its ratings shared as provisional until it finalises."""
"""Handed back or finished: out of the reviewer's queue. (A reviewer sees an assessment
from its first submission on, in every later status: ``permissions.assessment_scope``.)"""


def review_move(current: S) -> Move:
    """The move a reviewer's change of a score or rating makes now: part of the review, or
    (once ratings are shared as provisional) moderation, which needs a reason."""
    return Move.MODERATE if current is S.PROVISIONAL else Move.START_REVIEW


def why_not(move: Move, current: S) -> str:
    """Why ``move`` is not allowed in ``current`` (for a refusal or a disabled button)."""
    hint = _HINT.get((move, current))
    reason = f"Cannot {_MOVE_WORDS[move]} this assessment: {_WHY[current]}"
    return f"{reason}; {hint}" if hint else reason


def hint(move: Move, current: S) -> str | None:
    """What must happen first for ``move`` to be allowed, where there is a plain answer."""
    return _HINT.get((move, current))


def next_status(move: Move, current: S) -> S:
    """The status after ``move``, or WorkflowError saying why it is not allowed now."""
    target = TRANSITIONS.get((move, current))
    if target is None:
        raise WorkflowError(why_not(move, current))
    return target


def allowed_moves(current: S) -> frozenset[Move]:
    return frozenset(move for (move, status) in TRANSITIONS if status is current)


# Readiness ------------------------------------------------------------------------------------


class Gap(StrEnum):
    """One thing a competency still lacks before the board may sign off."""

    NO_LEVEL = "no self-assessed level"
    NO_CRITERION_LEVEL = "not every criterion has a level yet"
    NO_RATIONALE = "no rationale for the level"
    NO_EVIDENCE = "no evidence presented"
    OPEN_POINT = "a point the SHA raised is not yet answered"


@dataclass(frozen=True)
class ScoreFacts:
    """What readiness needs to know about one competency."""

    number: int
    title: str
    has_score: bool
    has_rationale: bool
    evidence_count: int
    open_points: int = 0
    unscored_criteria: tuple[str, ...] = ()
    """Criteria still without a level, for a competency scored through criteria."""
    evidence_in_period: int | None = None
    """How many of its presented items are dated in the cycle's assurance year (None when
    the evidence's dates are not known)."""


def gaps(fact: ScoreFacts) -> tuple[Gap, ...]:
    """What one competency lacks for sign-off (empty when it is ready)."""
    found: list[Gap] = []
    if fact.unscored_criteria:
        found.append(Gap.NO_CRITERION_LEVEL)
    elif not fact.has_score:
        found.append(Gap.NO_LEVEL)
    elif not fact.has_rationale:
        found.append(Gap.NO_RATIONALE)
    if fact.evidence_count == 0:
        found.append(Gap.NO_EVIDENCE)
    if fact.open_points:
        found.append(Gap.OPEN_POINT)
    return tuple(found)


def lacks_recent_evidence(fact: ScoreFacts) -> bool:
    """A competency presents evidence, none of it dated in the cycle's assurance year: worth
    a look before sign-off, never a bar to it."""
    return bool(fact.evidence_count) and fact.evidence_in_period == 0


@dataclass(frozen=True)
class Readiness:
    ready: bool
    missing: tuple[str, ...]
    notes: tuple[str, ...] = ()
    """What is worth a look before sign-off without stopping it."""


@dataclass(frozen=True)
class WholeFacts:
    """What readiness needs to know beyond the competencies."""

    general_open_points: int = 0
    governance_unrated: tuple[str, ...] = ()
    """Governance areas (their labels) the PCT has not rated."""
    outcomes_presented: int = 1
    assurance_year: str = "this assurance year"
    """The cycle's assurance year, for a sentence ("the 2009/10 assurance year (from 18
    December 2008)")."""


def readiness(facts: Sequence[ScoreFacts], whole: WholeFacts | None = None) -> Readiness:
    """Ready for sign-off: every assessed competency has a level with a rationale, and
    presented evidence; each governance area a rating (with its narrative); at least one
    outcome measure presented; and every point of a return answered."""
    whole = whole or WholeFacts()
    missing = [
        f"Competency {fact.number} ({fact.title}): {gap}"
        for fact in sorted(facts, key=lambda f: f.number)
        for gap in gaps(fact)
    ]
    missing += [f"Governance ({area}): no rating" for area in whole.governance_unrated]
    if not whole.outcomes_presented:
        missing.append("Outcomes: no outcome measure presented")
    if whole.general_open_points:
        missing.append(
            f"{whole.general_open_points} general point(s) the SHA raised: not yet answered"
        )
    notes = tuple(
        f"Competency {fact.number} ({fact.title}): no evidence presented is dated in "
        f"{whole.assurance_year}"
        for fact in sorted(facts, key=lambda f: f.number)
        if lacks_recent_evidence(fact)
    )
    return Readiness(ready=not missing, missing=tuple(missing), notes=notes)


def unreviewed(assessed: Iterable[int], scored: Iterable[int]) -> list[int]:
    """The assessed competencies still without a review score."""
    done = set(scored)
    return [n for n in sorted(assessed) if n not in done]


def not_reviewed(unscored: Sequence[int], unrated: Sequence[str], *, still: str = "") -> str:
    """What stops a finalise, in words: "competencies 10, 11 have no review score; governance
    (strategy, board) has no SHA rating" ("" when nothing); ``still`` is put after each part
    (" yet")."""
    parts: list[str] = []
    if unscored:
        listed = ", ".join(str(n) for n in unscored)
        parts.append(f"competencies {listed} have no review score{still}")
    if unrated:
        parts.append(
            f"governance ({', '.join(a.lower() for a in unrated)}) has no SHA rating{still}"
        )
    return "; ".join(parts)


def not_checked(current: S, *, checked: bool, provisional_step: bool, cycle: str) -> str:
    """What stops a finalise before the PCT's factual-accuracy check, in words ("" when
    nothing): ratings shared as provisional wait for the PCT's answer, and a cycle with the
    provisional step never finalises without one. ``checked``: the PCT has answered the
    ratings shared for the current round."""
    if checked:
        return ""
    if current is S.PROVISIONAL:
        return (
            "the PCT has not yet checked the provisional ratings for factual accuracy: the "
            "review can be final once it has answered"
        )
    if provisional_step:
        return (
            f"in {cycle} the SHA shares its ratings as provisional first: share them, and "
            "finalise once the PCT has checked them for factual accuracy"
        )
    return ""


def diverges(self_level: int | None, review_level: int | None) -> bool:
    """The reviewer's level differs from the PCT's own (both given)."""
    return self_level is not None and review_level is not None and self_level != review_level
