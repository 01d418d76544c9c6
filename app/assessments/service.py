"""Assessment commands: open, self-score, sign off, submit, review, return, finalise, reopen.

Each public command checks the role (``permissions.require``) and the scope (reads through
``queries.visible_assessments``), applies the workflow table, writes audit events, and commits
once at its end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, delete, select

from app import audit
from app.actors import Actor
from app.assessments import queries, workflow
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.assessments.schemas import (
    EvidenceRatingWrite,
    ReviewScoreWrite,
    SelfScoreWrite,
)
from app.assessments.workflow import Move
from app.cycles.models import Cycle
from app.db import begin_write, utcnow
from app.errors import Conflict, InvalidInput, NotFound, StaleEdit, WorkflowError
from app.evidence.models import Attachment, EvidenceCompetency, EvidenceItem
from app.framework import service as framework_service
from app.framework.models import Framework
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, acts_for_pct, require

COMPETENCY_NUMBERS = workflow.COMPETENCY_NUMBERS


# Reads -------------------------------------------------------------------------------------


def get_assessment(
    session: Session, actor: Actor, assessment_id: int, *, for_update: bool = False
) -> Assessment:
    statement = queries.visible_assessments(actor).where(col(Assessment.id) == assessment_id)
    if for_update:
        statement = statement.with_for_update()
    assessment = session.exec(statement).first()
    if assessment is None:
        raise NotFound(f"Assessment {assessment_id} not found")
    return assessment


def list_assessments(
    session: Session,
    actor: Actor,
    *,
    cycle_id: int | None = None,
    organisation_code: str | None = None,
    status: AssessmentStatus | None = None,
) -> list[tuple[Assessment, Organisation, Cycle]]:
    statement = queries.visible_assessments(actor)
    if cycle_id is not None:
        statement = statement.where(col(Assessment.cycle_id) == cycle_id)
    if organisation_code:
        code = organisation_service.normalise_code(organisation_code)
        statement = statement.where(
            col(Assessment.organisation_id).in_(
                select(Organisation.id).where(col(Organisation.code) == code)
            )
        )
    if status is not None:
        statement = statement.where(col(Assessment.status) == status)
    return queries.summaries(session, statement)


def self_scores(session: Session, assessment_id: int) -> list[SelfScore]:
    return list(
        session.exec(
            select(SelfScore)
            .where(col(SelfScore.assessment_id) == assessment_id)
            .order_by(SelfScore.competency_number)
        ).all()
    )


def review_scores(session: Session, assessment_id: int) -> list[ReviewScore]:
    return list(
        session.exec(
            select(ReviewScore)
            .where(col(ReviewScore.assessment_id) == assessment_id)
            .order_by(ReviewScore.competency_number)
        ).all()
    )


def evidence_ratings(session: Session, assessment_id: int) -> list[EvidenceRating]:
    return list(
        session.exec(
            select(EvidenceRating)
            .where(col(EvidenceRating.assessment_id) == assessment_id)
            .order_by(EvidenceRating.evidence_id)
        ).all()
    )


def _framework_for(session: Session, assessment: Assessment) -> Any:
    cycle = session.get(Cycle, assessment.cycle_id)
    assert cycle is not None
    return framework_service.get_framework(cycle.framework_version)


def readiness(session: Session, assessment: Assessment) -> workflow.Readiness:
    framework = _framework_for(session, assessment)
    scores = {s.competency_number: s for s in self_scores(session, assessment.id or 0)}
    counts = queries.evidence_counts(session, assessment.organisation_id)
    return readiness_of(framework, scores, counts)


def readiness_of(
    framework: Framework, scores: Mapping[int, SelfScore], counts: Mapping[int, int]
) -> workflow.Readiness:
    """Readiness from scores and evidence counts already read (one rule, two callers)."""
    facts = [
        workflow.ScoreFacts(
            number=c.number,
            title=c.title,
            has_score=c.number in scores,
            has_rationale=bool(scores[c.number].rationale.strip()) if c.number in scores else False,
            evidence_count=counts.get(c.number, 0),
        )
        for c in framework.competencies
    ]
    return workflow.readiness(facts)


def presented_anywhere(session: Session, evidence_id: int) -> bool:
    """Whether any assessment (in any state) has frozen this item into a submission."""
    found = session.exec(
        select(EvidenceSnapshot.id).where(col(EvidenceSnapshot.evidence_id) == evidence_id).limit(1)
    ).first()
    return found is not None


# Shared steps (flush only) ------------------------------------------------------------------


def _check_version(assessment: Assessment, expected: int | None) -> None:
    if expected is not None and expected != assessment.version:
        raise StaleEdit(
            f"Assessment {assessment.id} was changed by someone else "
            f"(version {assessment.version}, you had {expected}); reload and try again"
        )


def _move(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    move: Move,
    *,
    detail: dict[str, Any] | None = None,
) -> None:
    """Apply a workflow move (409 if not allowed now) and audit it."""
    before = assessment.status
    assessment.status = workflow.next_status(move, assessment.status)
    assessment.updated_at = utcnow()
    session.add(assessment)
    session.flush()
    assert assessment.id is not None
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment.id,
        action=move.value,
        before={"status": before},
        after={"status": assessment.status, **(detail or {})},
        organisation_id=assessment.organisation_id,
    )


def revert_signed_off(session: Session, actor: Actor, organisation_id: int, *, cause: str) -> None:
    """A PCT-side change after sign-off (or after a return) takes the assessment back to draft."""
    affected = session.exec(
        select(Assessment).where(
            col(Assessment.organisation_id) == organisation_id,
            col(Assessment.status).in_([AssessmentStatus.SIGNED_OFF, AssessmentStatus.RETURNED]),
        )
    ).all()
    for assessment in affected:
        _move(session, actor, assessment, Move.PCT_EDIT, detail={"cause": cause})


def _pct_edit(session: Session, actor: Actor, assessment: Assessment, *, cause: str) -> None:
    if assessment.status is not AssessmentStatus.DRAFT:
        _move(session, actor, assessment, Move.PCT_EDIT, detail={"cause": cause})


def _require_pct_side(actor: Actor, assessment: Assessment, action: Action) -> None:
    require(actor, action)
    if not acts_for_pct(actor, assessment.organisation_id):
        raise NotFound(f"Assessment {assessment.id} not found")


def _require_reviewer(
    session: Session, actor: Actor, assessment: Assessment, action: Action
) -> None:
    require(actor, action)
    pct = session.get(Organisation, assessment.organisation_id)
    if pct is None or pct.parent_id != actor.sha_id:
        raise NotFound(f"Assessment {assessment.id} not found")


def _check_row_version(
    row: ReviewScore | EvidenceRating | None, expected: int | None, what: str
) -> None:
    if row is not None and expected is not None and expected != row.version:
        raise StaleEdit(
            f"{what} was changed by someone else (version {row.version}, you had {expected}); "
            "reload and try again"
        )


def _save_review_row(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    row: ReviewScore | EvidenceRating,
    *,
    entity: str,
    before: dict[str, Any] | None,
) -> None:
    """Save a reviewer's score or rating, audit it, and move a submitted assessment into
    review; commits."""
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session,
        actor,
        entity=entity,
        entity_id=row.id,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(row),
        organisation_id=assessment.organisation_id,
    )
    if assessment.status is AssessmentStatus.SUBMITTED:
        _move(session, actor, assessment, Move.START_REVIEW)
    session.commit()


def _check_competency(number: int) -> None:
    if number not in COMPETENCY_NUMBERS:
        raise NotFound(f"Competency {number} does not exist; competencies are numbered 1 to 11")


def _evidence_content(
    item: EvidenceItem, numbers: list[int], files: Sequence[Attachment]
) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "kind": item.kind.value,
        "occurred_on": item.occurred_on.isoformat(),
        "url": item.url,
        "practice_id": item.practice_id,
        "clinicians_involved": item.clinicians_involved,
        "practices_involved": item.practices_involved,
        "author_id": item.author_id,
        "version": item.version,
        "competency_numbers": numbers,
        "attachments": [
            {"id": a.id, "filename": a.filename, "sha256": a.sha256, "size": a.size} for a in files
        ],
    }


def canonical_hash(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_evidence_set(session: Session, organisation_id: int) -> list[dict[str, Any]]:
    """The PCT's evidence that supports at least one competency, as it stands now."""
    items = session.exec(
        select(EvidenceItem)
        .where(
            col(EvidenceItem.organisation_id) == organisation_id,
            col(EvidenceItem.id).in_(select(EvidenceCompetency.evidence_id)),
        )
        .order_by(EvidenceItem.id)
    ).all()
    ids = [item.id for item in items if item.id is not None]
    links: dict[int, list[int]] = {}
    for evidence_id, number in session.exec(
        select(EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number)
        .where(col(EvidenceCompetency.evidence_id).in_(ids))
        .order_by(EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number)
    ).all():
        links.setdefault(evidence_id, []).append(number)
    files: dict[int, list[Attachment]] = {}
    for attachment in session.exec(
        select(Attachment).where(col(Attachment.evidence_id).in_(ids)).order_by(Attachment.id)
    ).all():
        files.setdefault(attachment.evidence_id, []).append(attachment)
    return [
        _evidence_content(item, links.get(item.id or 0, []), files.get(item.id or 0, []))
        for item in items
    ]


def fingerprint(session: Session, assessment: Assessment) -> str:
    """SHA-256 of the self-assessment and its evidence set: what a board signs."""
    scores = [
        {
            "competency_number": s.competency_number,
            "level": s.level,
            "rationale": s.rationale,
            "improvement_action": s.improvement_action,
            "target_level": s.target_level,
        }
        for s in self_scores(session, assessment.id or 0)
    ]
    evidence = current_evidence_set(session, assessment.organisation_id)
    return canonical_hash({"self_scores": scores, "evidence": evidence})


# Commands ------------------------------------------------------------------------------------


def open_assessment(
    session: Session, actor: Actor, *, organisation_code: str, cycle_id: int
) -> Assessment:
    begin_write(session)
    require(actor, Action.OPEN_ASSESSMENT)
    organisation = organisation_service.find_by_code(session, organisation_code)
    if organisation is None or not (actor.is_admin or acts_for_pct(actor, organisation.id or 0)):
        raise NotFound(f"Organisation {organisation_code.strip().upper()!r} not found")
    if organisation.kind is not OrganisationKind.PCT:
        raise InvalidInput(f"{organisation.code} is not a PCT; assessments belong to PCTs")
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise InvalidInput(f"Cycle {cycle_id} does not exist")
    existing = session.exec(
        select(Assessment.id).where(
            col(Assessment.organisation_id) == organisation.id,
            col(Assessment.cycle_id) == cycle_id,
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"{organisation.code} already has an assessment for {cycle.name} (id {existing})"
        )
    assert organisation.id is not None
    assessment = Assessment(organisation_id=organisation.id, cycle_id=cycle_id)
    session.add(assessment)
    session.flush()
    assert assessment.id is not None
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment.id,
        action="create",
        after=audit.snapshot(assessment),
        organisation_id=organisation.id,
    )
    session.commit()
    return assessment


def put_self_score(
    session: Session, actor: Actor, assessment_id: int, number: int, *, data: SelfScoreWrite
) -> SelfScore:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_pct_side(actor, assessment, Action.SCORE_SELF)
    _check_competency(number)
    workflow.next_status(Move.PCT_EDIT, assessment.status)
    score = session.exec(
        select(SelfScore).where(
            col(SelfScore.assessment_id) == assessment_id,
            col(SelfScore.competency_number) == number,
        )
    ).first()
    if score is not None and data.version is not None and data.version != score.version:
        raise StaleEdit(
            f"The self-assessment of competency {number} was changed by someone else "
            f"(version {score.version}, you had {data.version}); reload and try again",
            current=_self_score_view(score),
        )
    if score is None and data.version is not None and data.version != 1:
        raise StaleEdit(f"The self-assessment of competency {number} no longer exists")
    before = _self_score_view(score) if score else None
    if score is None:
        score = SelfScore(assessment_id=assessment_id, competency_number=number, level=data.level)
    score.level = data.level
    score.rationale = data.rationale
    score.improvement_action = data.improvement_action or None
    score.target_level = data.target_level
    score.updated_by_id = actor.user_id
    score.updated_at = utcnow()
    session.add(score)
    session.flush()
    assert score.id is not None
    audit.record(
        session,
        actor,
        entity="self_score",
        entity_id=score.id,
        action="update" if before else "create",
        before=before,
        after=_self_score_view(score),
        organisation_id=assessment.organisation_id,
    )
    _pct_edit(session, actor, assessment, cause=f"self-score {number} changed")
    assessment.updated_at = utcnow()
    session.add(assessment)
    session.commit()
    return score


def _self_score_view(score: SelfScore) -> dict[str, Any]:
    return audit.snapshot(score, exclude=frozenset({"updated_at", "updated_by_id"}))


def sign_off(
    session: Session, actor: Actor, assessment_id: int, *, expected_version: int | None = None
) -> Assessment:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_pct_side(actor, assessment, Action.SIGN_OFF)
    _check_version(assessment, expected_version)
    workflow.next_status(Move.SIGN_OFF, assessment.status)
    ready = readiness(session, assessment)
    if not ready.ready:
        raise WorkflowError(
            f"Cannot sign off: {len(ready.missing)} thing(s) missing", missing=list(ready.missing)
        )
    assessment.signed_off_at = utcnow()
    assessment.signed_off_by_id = actor.user_id
    assessment.signed_off_fingerprint = fingerprint(session, assessment)
    _move(
        session,
        actor,
        assessment,
        Move.SIGN_OFF,
        detail={"fingerprint": assessment.signed_off_fingerprint},
    )
    session.commit()
    return assessment


def submit(
    session: Session, actor: Actor, assessment_id: int, *, expected_version: int | None = None
) -> Assessment:
    """Send to the SHA, freezing each evidence item as it stands now."""
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_pct_side(actor, assessment, Action.SUBMIT)
    _check_version(assessment, expected_version)
    workflow.next_status(Move.SUBMIT, assessment.status)
    if fingerprint(session, assessment) != assessment.signed_off_fingerprint:
        raise WorkflowError(
            "Cannot submit: the self-assessment or its evidence changed after the board signed "
            "it off; the board must sign it off again"
        )
    session.exec(
        delete(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == assessment_id)
    )
    evidence = current_evidence_set(session, assessment.organisation_id)
    now = utcnow()
    session.add_all(
        EvidenceSnapshot(
            assessment_id=assessment_id,
            evidence_id=content["id"],
            content=content,
            sha256=canonical_hash(content),
            frozen_at=now,
        )
        for content in evidence
    )
    assessment.submitted_at = now
    assessment.submitted_by_id = actor.user_id
    assessment.return_reason = None
    assessment.returned_at = None
    _move(
        session,
        actor,
        assessment,
        Move.SUBMIT,
        detail={"evidence_ids": [content["id"] for content in evidence]},
    )
    session.commit()
    return assessment


def put_review_score(
    session: Session, actor: Actor, assessment_id: int, number: int, *, data: ReviewScoreWrite
) -> ReviewScore:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_reviewer(session, actor, assessment, Action.SCORE_REVIEW)
    _check_competency(number)
    workflow.next_status(Move.START_REVIEW, assessment.status)
    own = session.exec(
        select(SelfScore.level).where(
            col(SelfScore.assessment_id) == assessment_id,
            col(SelfScore.competency_number) == number,
        )
    ).first()
    if own is not None and own != data.level and not data.comment:
        raise InvalidInput(
            f"The PCT assessed competency {number} at level {own}: say why you score it "
            f"{data.level} in a comment"
        )
    score = session.exec(
        select(ReviewScore).where(
            col(ReviewScore.assessment_id) == assessment_id,
            col(ReviewScore.competency_number) == number,
        )
    ).first()
    _check_row_version(score, data.version, f"The review score of competency {number}")
    before = audit.snapshot(score) if score else None
    assert actor.user_id is not None
    if score is None:
        score = ReviewScore(
            assessment_id=assessment_id,
            competency_number=number,
            level=data.level,
            reviewer_id=actor.user_id,
        )
    score.level = data.level
    score.comment = data.comment
    score.reviewer_id = actor.user_id
    score.scored_at = utcnow()
    _save_review_row(session, actor, assessment, score, entity="review_score", before=before)
    return score


def put_evidence_rating(
    session: Session,
    actor: Actor,
    assessment_id: int,
    evidence_id: int,
    *,
    data: EvidenceRatingWrite,
) -> EvidenceRating:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_reviewer(session, actor, assessment, Action.RATE_EVIDENCE)
    workflow.next_status(Move.START_REVIEW, assessment.status)
    if evidence_id not in queries.presented_evidence_ids(session, assessment_id):
        raise NotFound(f"Evidence item {evidence_id} is not part of assessment {assessment_id}")
    rating = session.exec(
        select(EvidenceRating).where(
            col(EvidenceRating.assessment_id) == assessment_id,
            col(EvidenceRating.evidence_id) == evidence_id,
        )
    ).first()
    _check_row_version(rating, data.version, f"The rating of evidence item {evidence_id}")
    before = audit.snapshot(rating) if rating else None
    assert actor.user_id is not None
    if rating is None:
        rating = EvidenceRating(
            assessment_id=assessment_id,
            evidence_id=evidence_id,
            rating=data.rating,
            reviewer_id=actor.user_id,
        )
    rating.rating = data.rating
    rating.comment = data.comment
    rating.reviewer_id = actor.user_id
    rating.rated_at = utcnow()
    _save_review_row(session, actor, assessment, rating, entity="evidence_rating", before=before)
    return rating


def return_assessment(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
) -> Assessment:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_reviewer(session, actor, assessment, Action.RETURN)
    _check_version(assessment, expected_version)
    if not reason.strip():
        raise InvalidInput("Give the PCT a reason for returning the assessment")
    assessment.return_reason = reason.strip()
    assessment.returned_at = utcnow()
    _move(session, actor, assessment, Move.RETURN, detail={"reason": assessment.return_reason})
    session.commit()
    return assessment


def finalise(
    session: Session, actor: Actor, assessment_id: int, *, expected_version: int | None = None
) -> Assessment:
    begin_write(session)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _require_reviewer(session, actor, assessment, Action.FINALISE)
    _check_version(assessment, expected_version)
    workflow.next_status(Move.FINALISE, assessment.status)
    scored = {s.competency_number for s in review_scores(session, assessment_id)}
    unscored = workflow.review_complete(scored)
    if unscored:
        listed = ", ".join(str(n) for n in unscored)
        raise WorkflowError(
            f"Cannot finalise: competencies {listed} have no review score",
            missing=[f"Competency {n}: no review score" for n in unscored],
        )
    assessment.finalised_at = utcnow()
    assessment.finalised_by_id = actor.user_id
    _move(session, actor, assessment, Move.FINALISE)
    session.commit()
    return assessment


def reopen(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Assessment:
    begin_write(session)
    require(actor, Action.REOPEN)
    assessment = get_assessment(session, actor, assessment_id, for_update=True)
    _check_version(assessment, expected_version)
    assessment.finalised_at = None
    assessment.finalised_by_id = None
    _move(session, actor, assessment, Move.REOPEN, detail={"reason": reason or ""})
    session.commit()
    return assessment
