"""What a decision page showed, so that a decision is taken on exactly that.

Each decision page (sign-off, withdrawal of a sign-off, submission, return, provisional
ratings, finalise, reopen) carries a ``seen`` token in its form: for each part of the
assessment the page shows (a competency's self-assessment, an evidence item, the governance
ratings, the board's sign-off, a review level, the status, the round), the value it showed
and a digest of everything it showed about that part. The decision's service compares the
token with the assessment as it stands, under the row lock, and refuses with ``StaleEdit``
(409) naming each part that changed and who changed it.

Why not the version alone: the assessment's version counts changes of its own row, so it is
too strict (a change the page never showed refuses the decision) and not strict enough (an
evidence item edited in the library, or a review level changed while in review, leaves it
as it was). The token promises what the page showed, nothing more and nothing less.

A form without the token (an older page, a script) is checked by the version, as before. A
token that cannot be read is treated as showing something else: the decision is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assessments import repository
from app.assessments.models import AssessmentStatus
from app.assessments.record import AssessmentRecord
from app.assessments.snapshots import canonical_hash, criterion_content, score_content
from app.assessments.workflow import Move
from app.errors import StaleEdit

MAX_TOKEN = 200_000
"""The longest token read; anything longer was not written by a page."""
PART_DIGEST = 16
"""Hex characters kept of each part's digest: enough to tell a change, short enough for a
form with a hundred evidence items."""

SELF_ASSESSMENT_MOVES = frozenset({Move.SIGN_OFF, Move.SUBMIT})
"""The decisions whose pages show the whole self-assessment (the record must be loaded with
its evidence, ``full``)."""


@dataclass(frozen=True)
class Part:
    """One thing a decision page shows: its key, the short value the page showed (a level, a
    status, a round; "" when there is none) and the digest of all it showed about it."""

    key: str
    value: str
    digest: str


@dataclass(frozen=True)
class Decision:
    """How a decision's refusal ends: what to check, and the step."""

    what: str
    step: str


DECISIONS: Mapping[Move, Decision] = {
    Move.SIGN_OFF: Decision("the self-assessment", "sign it off"),
    Move.SUBMIT: Decision("the self-assessment", "submit it"),
    Move.WITHDRAW_SIGN_OFF: Decision("the sign-off", "withdraw it"),
    Move.RETURN: Decision("the assessment", "return it"),
    Move.SHARE_PROVISIONAL: Decision("the ratings", "share them"),
    Move.FINALISE: Decision("the review", "finalise it"),
    Move.REOPEN: Decision("the review", "reopen it"),
}


def _digest(value: Any) -> str:
    return canonical_hash(value)[:PART_DIGEST]


def _level(value: int | None) -> str:
    return "" if value is None else str(value)


# The parts each page shows ------------------------------------------------------------------------


def _status(record: AssessmentRecord) -> list[Part]:
    status = record.status.value
    return [Part("status", status, _digest(status))]


def _round(record: AssessmentRecord) -> list[Part]:
    last = record.rounds[-1].fingerprint if record.rounds else None
    return [Part("round", str(record.round), _digest([record.round, last]))]


def _sign_off(record: AssessmentRecord) -> list[Part]:
    a = record.assessment
    signed = [
        a.signed_off_fingerprint,
        a.signed_off_at.isoformat() if a.signed_off_at else None,
        a.signed_off_by_id,
        a.signed_off_meeting_date.isoformat() if a.signed_off_meeting_date else None,
        a.signed_off_minute_reference,
    ]
    return [Part("sign-off", "", _digest(signed))]


def _self_assessment(record: AssessmentRecord) -> list[Part]:
    """Each competency's self-assessment (score and criteria), each presented item, the
    governance ratings and the outcomes; and the whole, as a sign-off would fingerprint it."""
    parts: list[Part] = []
    for competency in record.competencies:
        score = record.self_scores.get(competency.number)
        criteria = [
            criterion_content(record.criterion_scores[k.number])
            for k in competency.criteria
            if k.number in record.criterion_scores
        ]
        shown = [score_content(score) if score else None, criteria]
        parts.append(
            Part(
                f"competency-{competency.number}",
                _level(score.level if score else None),
                _digest(shown),
            )
        )
    for content in record.evidence_contents:
        parts.append(Part(f"evidence-{content['id']}", "", _digest(content)))
    digests = record.digests()
    for key in ("governance", "outcomes"):
        parts.append(Part(key, "", digests.get(key, "")[:PART_DIGEST]))
    parts.append(Part("whole", "", record.fingerprint))
    return parts


def _review(record: AssessmentRecord) -> list[Part]:
    """Each review level with its comment and criteria, and the panel's governance ratings."""
    parts: list[Part] = []
    for competency in record.competencies:
        review = record.review_scores.get(competency.number)
        criteria = [
            [k.number, row.level, row.comment]
            for k in competency.criteria
            if (row := record.review_criterion_scores.get(k.number)) is not None
        ]
        shown = [review.level, review.comment, criteria] if review else [None, None, criteria]
        parts.append(
            Part(
                f"review-{competency.number}",
                _level(review.level if review else None),
                _digest(shown),
            )
        )
    governance = [
        [line.area.value, line.review.rating.value, line.review.comment]
        for line in record.governance_lines
        if line.review is not None
    ]
    parts.append(Part("review-governance", "", _digest(governance)))
    return parts


def _finalised(record: AssessmentRecord) -> list[Part]:
    at = record.assessment.finalised_at
    return [Part("finalised", "", _digest(at.isoformat() if at else None))]


SHOWN: Mapping[Move, tuple[Callable[[AssessmentRecord], list[Part]], ...]] = {
    Move.SIGN_OFF: (_status, _self_assessment),
    Move.SUBMIT: (_status, _sign_off, _self_assessment),
    Move.WITHDRAW_SIGN_OFF: (_status, _sign_off),
    Move.RETURN: (_status, _round),
    Move.SHARE_PROVISIONAL: (_status, _round, _review),
    Move.FINALISE: (_status, _round, _review),
    Move.REOPEN: (_status, _round, _finalised),
}


def parts(record: AssessmentRecord, move: Move) -> list[Part]:
    """What the page of ``move`` shows, part by part (the record needs ``full`` for the
    moves in ``SELF_ASSESSMENT_MOVES``)."""
    return [part for shown in SHOWN[move] for part in shown(record)]


def token(record: AssessmentRecord, move: Move) -> str:
    """The ``seen`` token of the page of ``move``: its parts, as text safe in a form field."""
    shown = [[p.key, p.value, p.digest] for p in parts(record, move)]
    text = json.dumps([move.value, shown], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read(seen: str, move: Move) -> dict[str, Part] | None:
    """The parts a token says were shown, or None when it is not a token of this move's page."""
    if len(seen) > MAX_TOKEN:
        return None
    try:
        text = base64.urlsafe_b64decode(seen + "=" * (-len(seen) % 4)).decode()
        kind, shown = json.loads(text)
        if kind != move.value:
            return None
        return {str(k): Part(str(k), str(v), str(d)) for k, v, d in shown}
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        return None


# What changed, in words ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Who last changed each competency's self-assessment and review level."""

    self_scores: Mapping[int, str]
    reviews: Mapping[int, str]


def _by(who: str) -> str:
    return who or "Someone"


def _number(key: str) -> int | None:
    tail = key.rpartition("-")[2]
    return int(tail) if tail.isdigit() else None


def _evidence_title(record: AssessmentRecord, evidence_id: int) -> str:
    item = record.presented_item(evidence_id) if record.evidence is not None else None
    return f'"{item.title}"' if item else str(evidence_id)


def describe(
    record: AssessmentRecord, key: str, before: Part | None, now: Part | None, names: Names
) -> str | None:
    """One change in words, or None for a part that only sums up the others."""
    number = _number(key)
    old, new = (before.value if before else ""), (now.value if now else "")
    if key == "whole":
        return None
    if key == "status":
        label = AssessmentStatus(new).label.lower() if new else "gone"
        if old in _STATUSES:
            was = AssessmentStatus(old).label.lower()
            return f"the assessment's status changed from {was} to {label}"
        return f"the assessment's status is now {label}"
    if key == "round":
        return f"the PCT submitted round {new}"
    if key == "sign-off":
        return "the board's sign-off changed"
    if key == "finalised":
        return "the review was finalised again"
    if key == "governance":
        return "the governance ratings changed"
    if key == "outcomes":
        return "the outcomes presented changed"
    if key == "review-governance":
        return "the panel's governance ratings changed"
    if key.startswith("evidence-") and number is not None:
        title = _evidence_title(record, number)
        if before is None:
            return f"evidence item {title} was added to the assessment"
        if now is None:
            return f"evidence item {title} was taken out of the assessment"
        return f"evidence item {title} changed"
    if key.startswith("competency-") and number is not None:
        who = _by(names.self_scores.get(number, ""))
        if old and new and old != new:
            return f"{who} changed competency {number}'s level from {old} to {new}"
        return f"{who} changed the self-assessment of competency {number}"
    if key.startswith("review-") and number is not None:
        who = _by(names.reviews.get(number, ""))
        if old and new and old != new:
            return f"{who} changed the review level of competency {number} from {old} to {new}"
        return f"{who} changed the review of competency {number}"
    return f"{key.replace('-', ' ')} changed"


_STATUSES = frozenset(s.value for s in AssessmentStatus)
MOST_NAMED = 6


def _listed(changes: Sequence[str]) -> str:
    named = list(changes[:MOST_NAMED])
    more = len(changes) - len(named)
    if more:
        named.append(f"{more} more {'change' if more == 1 else 'changes'}")
    if len(named) == 1:
        return named[0]
    return "; ".join(named[:-1]) + " and " + named[-1]


def changes(
    record: AssessmentRecord, move: Move, shown: Mapping[str, Part], names: Names
) -> list[str] | None:
    """What changed since the page showed ``shown``, in words; [] for a change of no part
    named; None when nothing changed."""
    now = {p.key: p for p in parts(record, move)}
    if all(shown.get(k) == p for k, p in now.items()) and shown.keys() == now.keys():
        return None
    said: list[str] = []
    for key in [*now, *(k for k in shown if k not in now)]:
        before, after = shown.get(key), now.get(key)
        if before is not None and after is not None and before.digest == after.digest:
            continue
        text = describe(record, key, before, after, names)
        if text:
            said.append(text)
    return said


def _names(session: Session, record: AssessmentRecord) -> Names:
    """Who last changed each self-assessment and review level (one statement)."""
    self_by = {n: s.updated_by_id for n, s in record.self_scores.items()}
    review_by = {n: s.reviewer_id for n, s in record.review_scores.items()}
    people = repository.names(session, [*self_by.values(), *review_by.values()])
    return Names(
        self_scores={n: people.get(i or 0, "") for n, i in self_by.items()},
        reviews={n: people.get(i or 0, "") for n, i in review_by.items()},
    )


def check(session: Session, record: AssessmentRecord, move: Move, seen: str | None) -> None:
    """Refuse (``StaleEdit``, 409) when the assessment no longer shows what the page showed;
    nothing to check without a token."""
    if seen is None:
        return
    decision = DECISIONS[move]
    again = f"Check {decision.what} again before you {decision.step}."
    shown = read(seen, move)
    if shown is None:
        raise StaleEdit(
            "This page is out of date: the assessment may have changed since it was shown. "
            + again,
            current_version=record.assessment.version,
        )
    said = changes(record, move, shown, _names(session, record))
    if said is None:
        return
    what = _listed(said) if said else "the assessment changed"
    raise StaleEdit(
        f"Since you opened this page, {what}. {again}",
        current_version=record.assessment.version,
    )
