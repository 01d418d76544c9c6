"""Every read of development plans: one assessment's actions with their progress notes, the
overdue actions of a PCT or an SHA's PCTs, and the open actions a PCT carries forward from
its previous finalised assessment. Each in a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment
from app.development.models import ActionStatus, DevelopmentAction, ProgressNote
from app.errors import NotFound
from app.organisations.models import Organisation
from app.permissions import development_plan_scope


@dataclass(frozen=True)
class PlannedAction:
    """An action with its progress notes (oldest first) and the names of the people who
    wrote them or changed it."""

    action: DevelopmentAction
    notes: tuple[ProgressNote, ...]
    names: dict[int, str]

    def name(self, user_id: int | None) -> str | None:
        return self.names.get(user_id or 0)


def _plan_order() -> tuple[sa.ColumnElement[object], ...]:
    """Actions on the assessment as a whole first, then by competency, then by due date."""
    return (
        col(DevelopmentAction.competency_number).is_not(None),
        col(DevelopmentAction.competency_number),
        col(DevelopmentAction.due_on),
        col(DevelopmentAction.id),
    )


def _open() -> sa.ColumnElement[bool]:
    return col(DevelopmentAction.status) != ActionStatus.DONE


def _overdue(today: date) -> sa.ColumnElement[bool]:
    """The SQL twin of ``models.is_overdue``."""
    return sa.and_(_open(), col(DevelopmentAction.due_on) < today)


def action_in(
    session: Session, assessment_id: int, action_id: int, *, for_update: bool = False
) -> DevelopmentAction:
    """One action of the assessment (404 if it has no such action)."""
    statement = select(DevelopmentAction).where(
        col(DevelopmentAction.id) == action_id,
        col(DevelopmentAction.assessment_id) == assessment_id,
    )
    if for_update:
        statement = statement.with_for_update()
    action = session.exec(statement).first()
    if action is None:
        raise NotFound(f"Development action {action_id} not found in assessment {assessment_id}")
    return action


def _notes_of(session: Session, action_ids: Sequence[int]) -> dict[int, list[ProgressNote]]:
    notes: dict[int, list[ProgressNote]] = defaultdict(list)
    if action_ids:
        for note in session.exec(
            select(ProgressNote)
            .where(col(ProgressNote.action_id).in_(list(action_ids)))
            .order_by(col(ProgressNote.action_id), col(ProgressNote.id))
        ).all():
            notes[note.action_id].append(note)
    return notes


def with_notes(session: Session, actions: Sequence[DevelopmentAction]) -> list[PlannedAction]:
    """The actions with their progress notes and the people's names: two statements."""
    notes = _notes_of(session, [a.id for a in actions if a.id is not None])
    people = [p for a in actions for p in (a.created_by_id, a.updated_by_id)]
    people += [n.written_by_id for found in notes.values() for n in found]
    names = assessments.names(session, people)
    return [PlannedAction(a, tuple(notes.get(a.id or 0, ())), names) for a in actions]


def plan_of(session: Session, assessment_id: int) -> list[PlannedAction]:
    """The assessment's actions, with their notes: three statements however many there are."""
    actions = session.exec(
        select(DevelopmentAction)
        .where(col(DevelopmentAction.assessment_id) == assessment_id)
        .order_by(*_plan_order())
    ).all()
    return with_notes(session, actions)


def _of_organisations(*, pct_id: int | None, sha_id: int | None) -> list[sa.ColumnElement[bool]]:
    """Conditions over ``Assessment``: of this PCT, of the PCTs of this SHA."""
    conditions: list[sa.ColumnElement[bool]] = []
    if pct_id is not None:
        conditions.append(col(Assessment.organisation_id) == pct_id)
    if sha_id is not None:
        pcts = select(Organisation.id).where(col(Organisation.parent_id) == sha_id)
        conditions.append(col(Assessment.organisation_id).in_(pcts))
    return conditions


def overdue_actions(
    session: Session,
    actor: Actor,
    *,
    today: date,
    pct_id: int | None = None,
    sha_id: int | None = None,
) -> list[DevelopmentAction]:
    """The overdue actions the actor may read, of one PCT or of every PCT of an SHA (or all
    they may read), longest overdue first: one statement."""
    statement = (
        select(DevelopmentAction)
        .join(Assessment, col(Assessment.id) == DevelopmentAction.assessment_id)
        .where(
            _overdue(today),
            development_plan_scope(actor),
            *_of_organisations(pct_id=pct_id, sha_id=sha_id),
        )
        .order_by(col(DevelopmentAction.due_on), col(DevelopmentAction.id))
    )
    return list(session.exec(statement).all())


def overdue_counts(
    session: Session,
    actor: Actor,
    *,
    today: date,
    pct_id: int | None = None,
    sha_id: int | None = None,
) -> dict[int, int]:
    """How many actions are overdue, by PCT id (PCTs with none are left out), of one PCT or
    of every PCT of an SHA: one statement."""
    statement = (
        sa.select(col(Assessment.organisation_id), sa.func.count(col(DevelopmentAction.id)))
        .join(Assessment, col(Assessment.id) == DevelopmentAction.assessment_id)
        .where(
            _overdue(today),
            development_plan_scope(actor),
            *_of_organisations(pct_id=pct_id, sha_id=sha_id),
        )
        .group_by(col(Assessment.organisation_id))
    )
    return {pct: total for pct, total in session.execute(statement).all()}


def open_actions_of(
    session: Session, assessment_id: int
) -> dict[int | None, list[DevelopmentAction]]:
    """The open (not done) actions of one assessment's plan, by competency number (None: on
    the assessment as a whole), in plan order: one statement."""
    actions = session.exec(
        select(DevelopmentAction)
        .where(col(DevelopmentAction.assessment_id) == assessment_id, _open())
        .order_by(*_plan_order())
    ).all()
    by_competency: dict[int | None, list[DevelopmentAction]] = defaultdict(list)
    for action in actions:
        by_competency[action.competency_number].append(action)
    return dict(by_competency)
