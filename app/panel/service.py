"""The assurance panel: the SHA's reviewers record when it sat, who sat on it, who came for
the PCT and what it noted; everyone who may see the assessment may read it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from app import audit
from app.actors import Actor
from app.assessments import repository as assessments
from app.assessments.models import AssessmentStatus
from app.assessments.service import lock
from app.db import utcnow
from app.errors import InvalidInput, NotFound, StaleEdit, WorkflowError
from app.panel.models import Panel
from app.panel.schemas import PanelWrite
from app.permissions import Action
from app.wording import long_date


def panel_of(session: Session, actor: Actor, assessment_id: int) -> Panel | None:
    """The panel recorded for an assessment the actor may see, if any."""
    assessments.get_assessment(session, actor, assessment_id)
    return session.get(Panel, assessment_id)


def put_panel(session: Session, actor: Actor, assessment_id: int, *, data: PanelWrite) -> Panel:
    """Record (or correct) the panel, until the review is final."""
    assessment, _ = lock(session, actor, assessment_id, Action.RECORD_PANEL)
    if assessment.status is AssessmentStatus.FINALISED:
        raise WorkflowError("The review is final: its panel record can no longer change")
    cycle = assessments.cycle_of(session, assessment)
    latest = cycle.review_due + timedelta(days=366)
    if data.date < cycle.opens_on:
        raise InvalidInput(
            f"The panel date must not be before the cycle opened on {long_date(cycle.opens_on)}",
            field="date",
        )
    if data.date > latest:
        raise InvalidInput(
            f"The panel date must be by {long_date(latest)}, a year after the review deadline",
            field="date",
        )
    panel = session.get(Panel, assessment_id)
    if panel is not None and data.version is not None and data.version != panel.version:
        who = assessments.names(session, [panel.updated_by_id]).get(panel.updated_by_id or 0)
        raise StaleEdit(
            f"The panel record was changed by {who or 'someone else'} since you read it "
            f"(version {panel.version}, you had {data.version}); reload and try again",
            changed_by=who,
            current_version=panel.version,
        )
    before = audit.snapshot(panel) if panel else None
    if panel is None:
        panel = Panel(assessment_id=assessment_id, panel_date=data.date)
    panel.panel_date = data.date
    panel.members = [p.model_dump() for p in data.members]
    panel.pct_attendees = [p.model_dump() for p in data.pct_attendees]
    panel.notes = data.notes
    panel.updated_by_id = actor.user_id
    panel.updated_at = utcnow()
    session.add(panel)
    session.flush()
    audit.record(
        session,
        actor,
        entity="panel",
        entity_id=assessment_id,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(panel),
        organisation_id=assessment.organisation_id,
    )
    session.commit()
    return panel


def require_panel(session: Session, actor: Actor, assessment_id: int) -> Panel:
    panel = panel_of(session, actor, assessment_id)
    if panel is None:
        raise NotFound(f"No panel has been recorded for assessment {assessment_id} yet")
    return panel
