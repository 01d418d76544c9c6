"""The demo data: realistic, complete, consistent with the workflow, and idempotent."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import service as assessment_service
from app.assessments.models import Assessment, AssessmentStatus, EvidenceSnapshot
from app.cycles.models import Cycle
from app.demo import load_demo
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind
from app.tables import metadata
from app.users.models import Role, User

UNAUDITED = {"evidence_competency", "evidence_snapshot"}


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
    # Competency links and frozen evidence are audited inside their item's and assessment's events.
    audited = {k: v for k, v in first.created.items() if k not in UNAUDITED}
    assert after_first["audit_event"] == sum(audited.values())


def test_demo_covers_every_status_role_and_the_real_organisations(session: Session) -> None:
    result = load_demo(session)
    statuses = set(session.exec(select(Assessment.status)).all())
    assert statuses == set(AssessmentStatus)
    organisations = {o.code: o for o in session.exec(select(Organisation)).all()}
    kinds = [o.kind for o in organisations.values()]
    assert kinds.count(OrganisationKind.SHA) >= 3
    assert kinds.count(OrganisationKind.PCT) >= 8
    assert {"Q32", "Q36", "Q39", "5N1", "5N2", "5QL", "5A4", "5NC", "5C4"} <= set(organisations)
    assert organisations["5N1"].name == "Leeds PCT"
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


def test_demo_submissions_froze_evidence_for_every_competency_dated_before_the_deadline(
    session: Session,
) -> None:
    load_demo(session)
    submitted = session.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(col(Assessment.submitted_at).is_not(None))
    ).all()
    assert len(submitted) >= 5
    for assessment, cycle in submitted:
        frozen = session.exec(
            select(EvidenceSnapshot.content).where(
                col(EvidenceSnapshot.assessment_id) == assessment.id
            )
        ).all()
        numbers = {n for content in frozen for n in content["competency_numbers"]}
        assert numbers == set(range(1, 12)), (assessment.id, numbers)
        assert max(content["occurred_on"] for content in frozen) <= cycle.submission_due.isoformat()
