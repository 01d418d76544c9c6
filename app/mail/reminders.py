"""Deadline reminders (SPEC §6.7): 14 and 3 days before a cycle's ``submission_due``, the
leads of every PCT that has not yet submitted are told how far it has got.

Each reminder has a dedup key naming the PCT, the cycle, the threshold and the lead, so it is
written once however often reminders are run and however many workers run them at once: the
outbox's unique key turns a second insert into nothing. A run that missed a threshold's day
(the service was down) sends it on the next run; a run that finds itself already within a
nearer threshold sends only that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.assessments.models import Assessment, AssessmentStatus
from app.cycles.models import Cycle
from app.db import begin_write
from app.mail import recipients
from app.mail.models import MailKind
from app.mail.outbox import enqueue
from app.organisations.models import Organisation, OrganisationKind
from app.wording import count, long_date

THRESHOLDS: tuple[int, ...] = (14, 3)


def threshold_for(days_left: int) -> int | None:
    """The reminder due with ``days_left`` days to the deadline: the nearest threshold it is
    within, or None before the first one and after the deadline."""
    if days_left < 0:
        return None
    within = [days for days in THRESHOLDS if days_left <= days]
    return min(within) if within else None


def dedup_key(pct: Organisation, cycle: Cycle, threshold: int, user_id: int | None) -> str:
    return f"reminder:{pct.code}:{cycle.id}:{threshold}:{user_id}"


@dataclass(frozen=True)
class Sent:
    written: int
    """Reminders written by this run."""
    pcts: int
    """PCTs not yet submitted in a cycle with a reminder due."""


_WHERE_IT_STANDS: dict[AssessmentStatus, str] = {
    AssessmentStatus.DRAFT: "Your self-assessment is in draft: the board has not signed it off.",
    AssessmentStatus.SIGNED_OFF: (
        "Your board has signed the self-assessment off: it is ready to submit."
    ),
}


def _where_it_stands(assessment: Assessment | None) -> str:
    if assessment is None:
        return "Your PCT has not started its self-assessment for this cycle."
    return _WHERE_IT_STANDS.get(
        assessment.status, "Your self-assessment has not been submitted to the SHA yet."
    )


def _time_left(days_left: int) -> tuple[str, str]:
    """("in 3 days", "There are 3 days left to submit it to the SHA.") and the like."""
    if days_left == 0:
        return "today", "It must be submitted to the SHA by the end of today."
    verb = "is" if days_left == 1 else "are"
    return (
        f"in {count(days_left, 'day')}",
        f"There {verb} {count(days_left, 'day')} left to submit it to the SHA.",
    )


def _cycles_due(session: Session, today: date) -> list[tuple[Cycle, int]]:
    cycles = session.exec(
        select(Cycle).where(col(Cycle.opens_on) <= today, col(Cycle.submission_due) >= today)
    ).all()
    due = []
    for cycle in cycles:
        days_left = (cycle.submission_due - today).days
        threshold = threshold_for(days_left)
        if threshold is not None:
            due.append((cycle, threshold))
    return due


def send_reminders(session: Session, today: date) -> Sent:
    """Write the reminders due on ``today`` into the outbox and commit them."""
    begin_write(session)
    written = 0
    pcts_told = 0
    pcts = session.exec(
        select(Organisation)
        .where(col(Organisation.kind) == OrganisationKind.PCT)
        .order_by(col(Organisation.code))
    ).all()
    due = _cycles_due(session, today)
    leads = (
        recipients.active_in(session, [p.id for p in pcts if p.id], recipients.LEADS) if due else {}
    )
    for cycle, threshold in due:
        assessments = {
            a.organisation_id: a
            for a in session.exec(select(Assessment).where(col(Assessment.cycle_id) == cycle.id))
        }
        days_left = (cycle.submission_due - today).days
        when, left = _time_left(days_left)
        for pct in pcts:
            assessment = assessments.get(pct.id or 0)
            if assessment is not None and assessment.submitted_at is not None:
                continue
            pcts_told += 1
            page = f"/assessments/{assessment.id}" if assessment is not None else "/"
            for lead in leads.get(pct.id or 0, []):
                mail = enqueue(
                    session,
                    to=lead.email,
                    to_name=lead.full_name,
                    user_id=lead.id,
                    subject=f"{cycle.name} self-assessment due {when}: {pct.name}",
                    template="notice",
                    context={
                        "heading": (
                            f"{pct.name}'s {cycle.name} self-assessment is due on "
                            f"{long_date(cycle.submission_due)}"
                        ),
                        "paragraphs": [
                            left,
                            _where_it_stands(assessment),
                        ],
                        "action_path": page,
                        "action_label": "Open the assessment" if assessment else "Start it",
                    },
                    kind=MailKind.REMINDER,
                    organisation_id=pct.id,
                    dedup_key=dedup_key(pct, cycle, threshold, lead.id),
                )
                written += mail is not None
    session.commit()
    return Sent(written=written, pcts=pcts_told)
