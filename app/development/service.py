"""The development plan: once the SHA has finalised an assessment, the PCT's lead keeps its
actions (add, change, report progress with dated notes); the PCT's lead and board members and
the SHA's reviewers read them. Each command commits once, with its audit events."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from app import audit
from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import Assessment, AssessmentStatus
from app.assessments.service import lock
from app.db import utcnow
from app.development import repository
from app.development.models import DevelopmentAction, ProgressNote
from app.development.repository import PlannedAction
from app.development.rules import latest_due_on
from app.development.schemas import ActionCreate, ActionUpdate
from app.errors import InvalidInput, WorkflowError
from app.framework.models import Framework
from app.permissions import Action, require_development_reader
from app.versions import check_version
from app.wording import ENGLAND, long_date, today_in_england

# Checks (no writes) --------------------------------------------------------------------------


def _keeper(session: Session, actor: Actor, assessment_id: int) -> tuple[Assessment, Framework]:
    """The assessment, locked, once the actor keeps its plan and it is finalised."""
    assessment, framework = lock(session, actor, assessment_id, Action.KEEP_DEVELOPMENT_PLAN)
    if assessment.status is not AssessmentStatus.FINALISED:
        raise WorkflowError(
            "A development plan follows the SHA's final ratings: this assessment is "
            f"{assessment.status.label.lower()}, so add or change its actions once it is "
            "finalised"
        )
    return assessment, framework


def _check_competency(framework: Framework, number: int | None) -> None:
    if number is not None and framework.competency(number) is None:
        raise InvalidInput(
            f"This cycle does not assess competency {number}; it assesses competencies "
            f"{framework.numbers_text()}",
            field="competency_number",
        )


def finalised_on(assessment: Assessment) -> date | None:
    """The date, in England, the assessment was finalised."""
    if assessment.finalised_at is None:
        return None
    return assessment.finalised_at.astimezone(ENGLAND).date()


def _check_due_on(assessment: Assessment, due_on: date) -> None:
    earliest = finalised_on(assessment)
    if earliest is not None and due_on < earliest:
        raise InvalidInput(
            f"The due date must not be before {long_date(earliest)}, when the assessment was "
            "finalised",
            field="due_on",
        )
    latest = latest_due_on(today_in_england())
    if due_on > latest:
        raise InvalidInput(
            f"The due date must be within five years: {long_date(latest)} at the latest",
            field="due_on",
        )


def _audit(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    row: DevelopmentAction | ProgressNote,
    *,
    entity: str,
    before: dict[str, Any] | None,
) -> None:
    audit.record(
        session,
        actor,
        entity=entity,
        entity_id=row.id or 0,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(row),
        organisation_id=assessment.organisation_id,
    )


def _addable(session: Session, actor: Actor, assessment_id: int, data: ActionCreate) -> Assessment:
    """The assessment, locked, once the action may be added to its plan."""
    assessment, framework = _keeper(session, actor, assessment_id)
    _check_competency(framework, data.competency_number)
    _check_due_on(assessment, data.due_on)
    return assessment


# Commands ------------------------------------------------------------------------------------


def add_action(
    session: Session, actor: Actor, assessment_id: int, *, data: ActionCreate
) -> DevelopmentAction:
    """Add an action to the plan of a finalised assessment."""
    assessment = _addable(session, actor, assessment_id, data)
    now = utcnow()
    action = DevelopmentAction(
        assessment_id=assessment_id,
        competency_number=data.competency_number,
        action=data.action,
        owner=data.owner,
        due_on=data.due_on,
        support=data.support,
        support_note=data.support_note,
        created_by_id=actor.user_id,
        created_at=now,
        updated_by_id=actor.user_id,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    _audit(session, actor, assessment, action, entity="development_action", before=None)
    session.commit()
    return action


def check_action(
    session: Session, actor: Actor, assessment_id: int, *, data: ActionCreate
) -> ActionCreate:
    """What ``add_action`` would refuse, without adding anything: for a page that shows the
    action for the lead to check before it is added."""
    _addable(session, actor, assessment_id, data)
    return data


_CHANGEABLE = ("status", "action", "owner", "due_on", "support", "support_note")


def update_action(
    session: Session, actor: Actor, assessment_id: int, action_id: int, *, data: ActionUpdate
) -> DevelopmentAction:
    """Change an action's status or what it says, and keep a progress note (dated, with its
    writer and the status it set) when one is given."""
    assessment, _ = _keeper(session, actor, assessment_id)
    action = repository.action_in(session, assessment_id, action_id, for_update=True)
    check_version(session, action, data.version, f"Development action {action.id}")
    if data.due_on is not None and data.due_on != action.due_on:
        _check_due_on(assessment, data.due_on)
    before = audit.snapshot(action)
    changes = {
        name: value
        for name in _CHANGEABLE
        if (value := getattr(data, name)) is not None and value != getattr(action, name)
    }
    now = utcnow()
    if changes:
        for name, value in changes.items():
            setattr(action, name, value)
        action.updated_by_id = actor.user_id
        action.updated_at = now
        session.add(action)
        session.flush()
        _audit(session, actor, assessment, action, entity="development_action", before=before)
    if data.progress_note:
        note = ProgressNote(
            action_id=action_id,
            status=action.status,
            note=data.progress_note,
            written_by_id=actor.user_id,
            written_at=now,
        )
        session.add(note)
        session.flush()
        _audit(session, actor, assessment, note, entity="development_progress_note", before=None)
    session.commit()
    return action


# Reads ---------------------------------------------------------------------------------------


def _readable(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    """The assessment, once the actor may read its development plan."""
    assessment = assessments.get_assessment(session, actor, assessment_id)
    require_development_reader(actor, assessments.pct_of(session, assessment), assessment_id)
    return assessment


def plan_of(session: Session, actor: Actor, assessment_id: int) -> list[PlannedAction]:
    """The assessment's development actions with their progress notes."""
    _readable(session, actor, assessment_id)
    return repository.plan_of(session, assessment_id)


def planned_action(
    session: Session, actor: Actor, assessment_id: int, action_id: int
) -> PlannedAction:
    _readable(session, actor, assessment_id)
    action = repository.action_in(session, assessment_id, action_id)
    return repository.with_notes(session, [action])[0]


def overdue_actions(
    session: Session, actor: Actor, *, pct_id: int | None = None, sha_id: int | None = None
) -> list[DevelopmentAction]:
    """The actions overdue today (in England) that the actor may read: of one PCT, or of every
    PCT of an SHA; longest overdue first."""
    return repository.overdue_actions(
        session, actor, today=today_in_england(), pct_id=pct_id, sha_id=sha_id
    )


def overdue_counts(
    session: Session, actor: Actor, *, pct_id: int | None = None, sha_id: int | None = None
) -> dict[int, int]:
    """How many actions the actor may read are overdue today (in England), by PCT id: of one
    PCT, or of every PCT of an SHA."""
    return repository.overdue_counts(
        session, actor, today=today_in_england(), pct_id=pct_id, sha_id=sha_id
    )


def carried_forward(
    session: Session, actor: Actor, assessment_id: int
) -> dict[int | None, list[DevelopmentAction]]:
    """The open actions this assessment's PCT carries forward from its previous finalised
    assessment, by competency (None: on the assessment as a whole)."""
    assessment = _readable(session, actor, assessment_id)
    found = assessments.previous_finalised(
        session, actor, assessments.cycle_of(session, assessment), [assessment.organisation_id]
    )
    if assessment.organisation_id not in found:
        return {}
    previous, _ = found[assessment.organisation_id]
    return repository.open_actions_of(session, previous.id or 0)
