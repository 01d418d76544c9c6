"""The mails of the assurance cycle (SPEC §6.7). Each move that hands the work to someone
else tells the people whose turn it is:

- submitted: the reviewers of the PCT's SHA;
- returned, and provisional ratings shared: the PCT's leads and board members;
- sign-off withdrawn: the PCT's board members;
- finalised: the PCT's leads and board members;
- a message in a thread: the other side (the SHA's reviewers, or the PCT's leads and board).

Each mail is written into the outbox inside the transaction of the change, so it goes only if
the change commits. Recipients come from ``recipients`` and are only ever people of the
assessment's own PCT or its SHA; the person who acted is not told of their own act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.actors import Actor
from app.assessments.models import Assessment
from app.assessments.workflow import Move
from app.cycles.models import Cycle
from app.mail import recipients
from app.mail.models import MailKind
from app.mail.outbox import enqueue
from app.organisations.models import Organisation
from app.users.models import User
from app.wording import count, long_date

EXCERPT_MAX = 400


@dataclass(frozen=True)
class Notice:
    kind: MailKind
    subject: str
    heading: str
    paragraphs: tuple[str, ...]
    action_path: str
    action_label: str


@dataclass(frozen=True)
class Moved:
    """What a notice about a move is written from."""

    actor: Actor
    assessment: Assessment
    pct: Organisation
    cycle: Cycle
    detail: dict[str, Any]

    @property
    def who(self) -> str:
        return _name(self.actor)

    @property
    def page(self) -> str:
        return f"/assessments/{self.assessment.id}"


def _name(actor: Actor) -> str:
    if actor.is_system:
        return "An administrator"
    return actor.full_name or actor.label


def _submitted(moved: Moved) -> Notice:
    a = moved.assessment
    signed = ""
    if a.signed_off_meeting_date is not None:
        signed = (
            f"Its board signed it off at its meeting on {long_date(a.signed_off_meeting_date)} "
            f"(minute {a.signed_off_minute_reference})."
        )
    round_number = int(moved.detail.get("round") or 1)
    again = "" if round_number == 1 else f" again (round {round_number})"
    return Notice(
        kind=MailKind.SUBMITTED,
        subject=f"{moved.pct.name} has submitted its {moved.cycle.name} assessment",
        heading=f"{moved.pct.name} has submitted its {moved.cycle.name} assessment",
        paragraphs=tuple(
            p
            for p in (
                f"{moved.who} submitted {moved.pct.name}'s self-assessment for "
                f"{moved.cycle.name} to your SHA{again}.",
                signed,
                f"The review is due by {long_date(moved.cycle.review_due)}.",
            )
            if p
        ),
        action_path=f"{moved.page}/review",
        action_label="Review the assessment",
    )


def _returned(moved: Moved) -> Notice:
    points = moved.detail.get("points") or []
    return Notice(
        kind=MailKind.RETURNED,
        subject=f"The SHA has returned your {moved.cycle.name} assessment",
        heading=f"The SHA has returned {moved.pct.name}'s {moved.cycle.name} assessment",
        paragraphs=(
            f"{moved.who} returned the self-assessment with "
            f"{count(len(points), 'point')} to address.",
            f"The reason given: {moved.detail.get('reason', '')}",
            "Answer each point, ask your board to sign the assessment off again, then submit it.",
        ),
        action_path=moved.page,
        action_label="See the points to address",
    )


def _provisional(moved: Moved) -> Notice:
    return Notice(
        kind=MailKind.PROVISIONAL,
        subject=f"Provisional ratings for your {moved.cycle.name} assessment",
        heading=f"The SHA has shared provisional ratings for {moved.pct.name}",
        paragraphs=(
            f"{moved.who} shared the SHA's provisional ratings of {moved.pct.name}'s "
            f"{moved.cycle.name} assessment.",
            "Check them for factual accuracy and send your comments before the SHA makes "
            "them final.",
        ),
        action_path=f"{moved.page}/factual-accuracy",
        action_label="Check the ratings",
    )


def _sign_off_withdrawn(moved: Moved) -> Notice:
    return Notice(
        kind=MailKind.SIGN_OFF_WITHDRAWN,
        subject=f"The board's sign-off of the {moved.cycle.name} assessment was withdrawn",
        heading=f"The sign-off of {moved.pct.name}'s {moved.cycle.name} assessment was withdrawn",
        paragraphs=(
            f"{moved.who} withdrew the board's sign-off.",
            f"The reason given: {moved.detail.get('reason', '')}",
            "The assessment can be changed again. The board must sign it off again before it "
            "is submitted to the SHA.",
        ),
        action_path=moved.page,
        action_label="Open the assessment",
    )


def _finalised(moved: Moved) -> Notice:
    return Notice(
        kind=MailKind.FINALISED,
        subject=f"Your {moved.cycle.name} assessment is final",
        heading=f"The SHA has finalised {moved.pct.name}'s {moved.cycle.name} assessment",
        paragraphs=(
            f"{moved.who} made the SHA's review final.",
            "The assessment report shows the SHA's levels beside your own. Agree your "
            "development plan with the SHA from them.",
        ),
        action_path=moved.page,
        action_label="See the final assessment",
    )


@dataclass(frozen=True)
class _Telling:
    write: Callable[[Moved], Notice]
    audience: Callable[[Session, Moved], list[User]]


def _pct_leadership(session: Session, moved: Moved) -> list[User]:
    return recipients.of_pct(
        session, moved.pct, recipients.PCT_LEADERSHIP, leave_out=moved.actor.user_id
    )


def _board(session: Session, moved: Moved) -> list[User]:
    return recipients.of_pct(session, moved.pct, recipients.BOARD, leave_out=moved.actor.user_id)


def _reviewers(session: Session, moved: Moved) -> list[User]:
    return recipients.reviewers_of(session, moved.pct, leave_out=moved.actor.user_id)


TOLD_OF: dict[Move, _Telling] = {
    Move.SUBMIT: _Telling(_submitted, _reviewers),
    Move.RETURN: _Telling(_returned, _pct_leadership),
    Move.SHARE_PROVISIONAL: _Telling(_provisional, _pct_leadership),
    Move.WITHDRAW_SIGN_OFF: _Telling(_sign_off_withdrawn, _board),
    Move.FINALISE: _Telling(_finalised, _pct_leadership),
}


def _send(session: Session, notice: Notice, people: list[User], organisation_id: int) -> int:
    for person in people:
        enqueue(
            session,
            to=person.email,
            to_name=person.full_name,
            user_id=person.id,
            subject=notice.subject,
            template="notice",
            context={
                "heading": notice.heading,
                "paragraphs": list(notice.paragraphs),
                "action_path": notice.action_path,
                "action_label": notice.action_label,
            },
            kind=notice.kind,
            organisation_id=organisation_id,
        )
    return len(people)


def _pct_and_cycle(session: Session, assessment: Assessment) -> tuple[Organisation, Cycle]:
    """The assessment's PCT and cycle (both held by foreign keys, so always there)."""
    pct = session.get(Organisation, assessment.organisation_id)
    cycle = session.get(Cycle, assessment.cycle_id)
    assert pct is not None and cycle is not None
    return pct, cycle


def after_move(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    move: Move,
    detail: dict[str, Any] | None = None,
) -> int:
    """Write the mails a move causes into the session (none for most moves); how many."""
    telling = TOLD_OF.get(move)
    if telling is None:
        return 0
    pct, cycle = _pct_and_cycle(session, assessment)
    moved = Moved(actor=actor, assessment=assessment, pct=pct, cycle=cycle, detail=detail or {})
    return _send(session, telling.write(moved), telling.audience(session, moved), pct.id or 0)


def excerpt(text: str) -> str:
    """A message's first few lines, cut at a word near ``EXCERPT_MAX`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_MAX:
        return flat
    return flat[:EXCERPT_MAX].rsplit(" ", 1)[0] + " …"


def after_message(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    *,
    competency_number: int | None,
    text: str,
    first: bool,
) -> int:
    """Tell the other side of a thread about a new message; how many were told."""
    pct, cycle = _pct_and_cycle(session, assessment)
    if actor.is_pct_side:
        people = recipients.reviewers_of(session, pct, leave_out=actor.user_id)
        side = pct.name
    else:
        people = recipients.of_pct(session, pct, recipients.PCT_LEADERSHIP, leave_out=actor.user_id)
        side = "the SHA"
    about = f"competency {competency_number}" if competency_number else "the whole assessment"
    asked = "asked a question" if first else "replied"
    notice = Notice(
        kind=MailKind.MESSAGE,
        subject=f"A message about {pct.name}'s {cycle.name} assessment",
        heading=f"A message about {pct.name}'s {cycle.name} assessment",
        paragraphs=(
            f"{_name(actor)} ({side}) {asked} on {about}:",
            f"“{excerpt(text)}”",
        ),
        action_path=f"/assessments/{assessment.id}/questions",
        action_label="Read and answer",
    )
    return _send(session, notice, people, pct.id or 0)
