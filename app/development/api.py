"""JSON routes for the development plan of a finalised assessment."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from app.deps import CurrentActor, SessionDep
from app.development import service
from app.development.repository import PlannedAction
from app.development.rules import is_overdue
from app.development.schemas import ActionCreate, ActionRead, ActionUpdate, ProgressNoteRead
from app.openapi_errors import errors
from app.params import PathId
from app.wording import today_in_england

router = APIRouter(prefix="/api/v1/assessments", tags=["development plan"])


def action_read(planned: PlannedAction, today: date) -> ActionRead:
    action = planned.action
    return ActionRead(
        id=action.id or 0,
        assessment_id=action.assessment_id,
        competency_number=action.competency_number,
        action=action.action,
        owner=action.owner,
        due_on=action.due_on,
        support=action.support,
        support_note=action.support_note,
        status=action.status,
        overdue=is_overdue(action, today),
        created_by_id=action.created_by_id,
        created_by_name=planned.name(action.created_by_id),
        created_at=action.created_at,
        updated_by_id=action.updated_by_id,
        updated_by_name=planned.name(action.updated_by_id),
        updated_at=action.updated_at,
        version=action.version,
        progress_notes=[
            ProgressNoteRead(
                id=note.id or 0,
                note=note.note,
                status=note.status,
                written_by_id=note.written_by_id,
                written_by_name=planned.name(note.written_by_id),
                written_at=note.written_at,
            )
            for note in planned.notes
        ],
    )


@router.get(
    "/{assessment_id}/development-actions",
    response_model=list[ActionRead],
    responses=errors(401, 403, 404, 422),
)
def list_actions(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> list[ActionRead]:
    """The assessment's development plan: actions on the whole assessment first, then by
    competency and due date, each with its progress notes (oldest first). Read by the PCT's
    lead and board members and by its SHA's reviewers."""
    today = today_in_england()
    return [action_read(p, today) for p in service.plan_of(session, actor, assessment_id)]


@router.post(
    "/{assessment_id}/development-actions",
    status_code=201,
    response_model=ActionRead,
    responses=errors(401, 403, 404, 409, 422),
)
def add_action(
    assessment_id: PathId, body: ActionCreate, session: SessionDep, actor: CurrentActor
) -> ActionRead:
    """The PCT's lead adds an action to the plan, once the assessment is finalised (409
    before). It starts as `not_started`."""
    action = service.add_action(session, actor, assessment_id, data=body)
    planned = service.planned_action(session, actor, assessment_id, action.id or 0)
    return action_read(planned, today_in_england())


@router.get(
    "/{assessment_id}/development-actions/{action_id}",
    response_model=ActionRead,
    responses=errors(401, 403, 404, 422),
)
def read_action(
    assessment_id: PathId, action_id: PathId, session: SessionDep, actor: CurrentActor
) -> ActionRead:
    """One development action with its progress notes."""
    planned = service.planned_action(session, actor, assessment_id, action_id)
    return action_read(planned, today_in_england())


@router.patch(
    "/{assessment_id}/development-actions/{action_id}",
    response_model=ActionRead,
    responses=errors(401, 403, 404, 409, 422),
)
def update_action(
    assessment_id: PathId,
    action_id: PathId,
    body: ActionUpdate,
    session: SessionDep,
    actor: CurrentActor,
) -> ActionRead:
    """The PCT's lead reports progress (a status, and a note kept with its date, writer and
    the status it set) or changes what the action says. Send the `version` you read: a
    change made since is refused (409)."""
    service.update_action(session, actor, assessment_id, action_id, data=body)
    planned = service.planned_action(session, actor, assessment_id, action_id)
    return action_read(planned, today_in_england())
