"""The demo data: realistic, complete, consistent with the workflow, and idempotent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import service as assessment_service
from app.assessments.models import Assessment, AssessmentStatus
from app.demo import load_demo
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind
from app.tables import metadata
from app.users.models import Role, User


def _counts(session: Session) -> dict[str, int]:
    return {
        name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for name, table in metadata.tables.items()
    }


def test_demo_twice_leaves_the_same_row_counts(session: Session) -> None:
    first = load_demo(session)
    after_first = _counts(session)
    second = load_demo(session)
    assert _counts(session) == after_first
    assert sum(first.created.values()) > 300
    assert second.created == {}
    assert after_first["audit_event"] == sum(first.created.values())


def test_demo_covers_every_status_role_and_the_real_organisations(session: Session) -> None:
    result = load_demo(session)
    statuses = set(session.exec(select(Assessment.status)).all())
    assert statuses == set(AssessmentStatus)
    kinds = [o.kind for o in session.exec(select(Organisation)).all()]
    assert kinds.count(OrganisationKind.SHA) >= 3
    assert kinds.count(OrganisationKind.PCT) >= 8
    assert session.exec(select(sa.func.count()).select_from(EvidenceItem)).one() >= 60
    assert set(session.exec(select(User.role)).all()) == set(Role)
    leodis = session.exec(select(Organisation).where(Organisation.code == "5N1-LEO")).one()
    assert (leodis.name, leodis.population) == ("Leodis Healthcare", 203_000)
    assert {role for role, *_ in result.sign_ins} == {r.value for r in Role}


def test_demo_assessments_past_draft_are_ready_and_the_signed_off_one_can_be_submitted(
    session: Session,
) -> None:
    load_demo(session)
    for assessment in session.exec(
        select(Assessment).where(col(Assessment.status) != AssessmentStatus.DRAFT)
    ).all():
        assert assessment_service.readiness(session, assessment).ready, assessment.id
    signed = session.exec(
        select(Assessment).where(col(Assessment.status) == AssessmentStatus.SIGNED_OFF)
    ).one()
    lead = session.exec(
        select(User).where(
            col(User.organisation_id) == signed.organisation_id, col(User.role) == Role.PCT_LEAD
        )
    ).one()
    actor = Actor(
        user_id=lead.id,
        label=lead.email,
        role=lead.role,
        organisation_id=signed.organisation_id,
        pct_id=signed.organisation_id,
    )
    submitted = assessment_service.submit(session, actor, signed.id or 0)
    assert submitted.status is AssessmentStatus.SUBMITTED
