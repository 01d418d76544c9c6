"""Assessment commands: open, self-score, present evidence, sign off, withdraw a sign-off,
submit, review, return, answer a return, finalise, reopen.

Each public command checks the role and the actor's relation to the PCT (``permissions``),
reads through the scoped ``repository``, applies the workflow table, writes audit events,
and commits once at its end. Reads for display live in ``repository.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, delete

from app import audit
from app.actors import Actor
from app.assessments import repository, seen, snapshots, workflow
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    EvidenceRating,
    EvidenceSnapshot,
    ModerationChange,
    PresentedEvidence,
    ProvisionalRating,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.assessments.record import signed_at_meeting
from app.assessments.schemas import (
    EvidenceRatingWrite,
    ReturnPointResponse,
    ReturnPointWrite,
    ReviewScoreWrite,
    SelfScoreWrite,
    SignOffRequest,
)
from app.assessments.workflow import Move
from app.cycles.models import Cycle
from app.db import begin_write, utcnow
from app.errors import Conflict, InvalidInput, NotFound, StaleEdit, WorkflowError
from app.evidence.models import EvidenceItem
from app.framework import service as framework_service
from app.framework.models import Competency, Framework
from app.governance.models import AREAS, GovernanceReview
from app.mail import notices
from app.organisations import service as organisation_service
from app.organisations.models import OrganisationKind
from app.permissions import Action, acts_for_pct, require, require_on_assessment
from app.wording import missing

# Shared steps (flush only) ------------------------------------------------------------------


def lock(
    session: Session, actor: Actor, assessment_id: int, action: Action
) -> tuple[Assessment, Framework]:
    """The assessment, locked for this transaction, once the actor may take ``action`` on it;
    with the framework it is scored against."""
    begin_write(session)
    assessment = repository.get_assessment(session, actor, assessment_id, for_update=True)
    require_on_assessment(actor, action, repository.pct_of(session, assessment), assessment_id)
    cycle = repository.cycle_of(session, assessment)
    return assessment, framework_service.for_cycle(cycle)


def check_version(assessment: Assessment, expected: int | None) -> None:
    if expected is not None and expected != assessment.version:
        raise StaleEdit(
            f"Assessment {assessment.id} was changed by someone else "
            f"(version {assessment.version}, you had {expected}); reload and try again",
            current_version=assessment.version,
        )


def check_seen(
    session: Session, actor: Actor, assessment: Assessment, move: Move, shown: str | None
) -> None:
    """409 naming what changed when the assessment no longer holds what the decision's page
    showed (``shown``, its ``seen`` token); nothing to check without one."""
    if shown is None:
        return
    full = move in seen.SELF_ASSESSMENT_MOVES
    record = repository.load_assessment(session, actor, assessment.id or 0, full=full)
    seen.check(session, record, move, shown)


def apply_move(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    move: Move,
    *,
    detail: dict[str, Any] | None = None,
    to: AssessmentStatus | None = None,
) -> None:
    """Apply a workflow move (409 if not allowed now), audit it and write the mails it causes
    (``mail.notices``); ``to`` names the status where the service, not the table, decides it."""
    before = assessment.status
    assessment.status = to or workflow.next_status(move, assessment.status)
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
    notices.after_move(session, actor, assessment, move, detail)


def require_pct_edit(assessment: Assessment) -> None:
    """409 unless the PCT may change its self-assessment now; a signed-off one names the
    sign-off and how to withdraw it."""
    if (Move.PCT_EDIT, assessment.status) in workflow.TRANSITIONS:
        return
    if assessment.status is AssessmentStatus.SIGNED_OFF:
        raise WorkflowError(signed_off_refusal(assessment))
    raise WorkflowError(workflow.why_not(Move.PCT_EDIT, assessment.status))


def signed_off_refusal(assessment: Assessment, what: str = "this assessment") -> str:
    """Why a signed-off assessment (or evidence it presents) cannot be changed, naming the
    sign-off and how to withdraw it."""
    meeting = signed_at_meeting(assessment)
    presents = "" if what == "this assessment" else " that presents it"
    return (
        f"Cannot change {what}: the board signed off the assessment{presents}{meeting}; to "
        "change it, a PCT lead or board member must first withdraw the sign-off, giving a reason"
    )


def _who(session: Session, user_id: int | None) -> str | None:
    return repository.names(session, [user_id]).get(user_id or 0)


def check_row_version(
    session: Session,
    row: SelfScore
    | ReviewScore
    | CriterionScore
    | ReviewCriterionScore
    | EvidenceRating
    | ReturnPoint
    | None,
    expected: int | None,
    what: str,
    *,
    changed_by_id: int | None,
    current: dict[str, Any],
) -> None:
    if row is None or expected is None or expected == row.version:
        return
    who = _who(session, changed_by_id)
    by = f" by {who}" if who else " by someone else"
    raise StaleEdit(
        f"{what} was changed{by} since you read it (version {row.version}, you had "
        f"{expected}); reload and try again",
        changed_by=who,
        current=current,
        current_version=row.version,
    )


@dataclass(frozen=True)
class Moderation:
    """A change to a rating the SHA has shared as provisional: what it changes, and why."""

    shared: ProvisionalRating
    reason: str


def review_open(session: Session, assessment: Assessment, reason: str | None) -> Moderation | None:
    """Whether the reviewer may change a score or rating now (409 if not): while reviewing,
    freely; once ratings are shared as provisional, only after the PCT has checked them for
    factual accuracy, and with a reason for the moderation log."""
    move = workflow.review_move(assessment.status)
    workflow.next_status(move, assessment.status)
    if move is not Move.MODERATE:
        return None
    shared = repository.current_provisional(session, assessment.id or 0)
    if shared is None or shared.responded_at is None:
        raise WorkflowError(
            "Cannot change a provisional rating yet: the PCT has not checked the provisional "
            "ratings for factual accuracy; change ratings once it has answered"
        )
    if not (reason or "").strip():
        raise InvalidInput(
            "Give a reason for changing a rating shared as provisional: it is kept in the "
            "moderation log the PCT sees",
            field="reason",
        )
    return Moderation(shared, (reason or "").strip())


def log_moderation(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    moderation: Moderation | None,
    *,
    subject: str,
    key: str,
    competency_number: int | None,
    before: object,
    after: object,
) -> None:
    """Keep one change of a provisional rating in the moderation log (flush only)."""
    if moderation is None:
        return
    change = ModerationChange(
        assessment_id=assessment.id or 0,
        provisional_id=moderation.shared.id or 0,
        subject=subject,
        key=key,
        competency_number=competency_number,
        before=None if before is None else str(before),
        after=str(after),
        reason=moderation.reason,
        changed_by_id=actor.user_id,
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        actor,
        entity="moderation_change",
        entity_id=change.id or 0,
        action="create",
        before=None,
        after=audit.snapshot(change),
        organisation_id=assessment.organisation_id,
    )


def save_review_row(
    session: Session,
    actor: Actor,
    assessment: Assessment,
    row: ReviewScore | ReviewCriterionScore | GovernanceReview | EvidenceRating,
    *,
    entity: str,
    before: dict[str, Any] | None,
) -> None:
    """Save a reviewer's score or rating, audit it, and move a submitted assessment into
    review; commits. The assessment's version moves with every review change, so that a
    decision sent with the version it read (share provisional ratings, finalise) is refused
    when a score changed since."""
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
        apply_move(session, actor, assessment, Move.START_REVIEW)
    else:
        touch(session, assessment)
    session.commit()


def check_competency(framework: Framework, number: int) -> Competency:
    """The competency, if the cycle assesses it (404 otherwise)."""
    competency = framework.competency(number)
    if competency is None:
        raise NotFound(
            f"Competency {number} is not assessed in this cycle; it assesses competencies "
            f"{framework.numbers_text()}"
        )
    return competency


def competency_level(
    framework: Framework,
    competency: Competency,
    level: int | None,
    criterion_levels: Callable[[], dict[str, int]],
) -> int:
    """The level a competency's score takes: the one entered; for a competency scored
    through criteria, the one that follows from theirs (422 when they are not all scored,
    or when a different level was entered)."""
    if not competency.criteria:
        if level is None:
            raise InvalidInput(f"Choose a level from {framework.levels_text()}", field="level")
        return level
    levels = criterion_levels()
    unscored = [k.number for k in competency.criteria if k.number not in levels]
    if unscored:
        raise InvalidInput(
            f"Competency {competency.number} is scored through its criteria "
            f"{competency.criteria_text}: give {', '.join(unscored)} a level first; the "
            "competency's level then follows from them",
            field="level",
        )
    derived = framework.rolled_up([levels[k.number] for k in competency.criteria])
    if level is not None and level != derived:
        raise InvalidInput(
            f"Competency {competency.number}'s level follows from its criteria "
            f"{competency.criteria_text}: it is {derived}, not {level}",
            field="level",
        )
    return derived


def check_level(framework: Framework, level: int | None, *, field: str, what: str) -> None:
    if level is not None and level not in framework.level_numbers:
        raise InvalidInput(f"Choose {what} from {framework.levels_text()}", field=field)


def touch(session: Session, assessment: Assessment) -> None:
    assessment.updated_at = utcnow()
    session.add(assessment)


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
        raise InvalidInput(f"Cycle {cycle_id} does not exist", field="cycle_id")
    assert organisation.id is not None
    existing = repository.existing_id(session, organisation.id, cycle_id)
    if existing is not None:
        raise Conflict(
            f"{organisation.code} already has an assessment for {cycle.name} (id {existing})"
        )
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


def _self_score_view(score: SelfScore) -> dict[str, Any]:
    return audit.snapshot(score, exclude=frozenset({"updated_at", "updated_by_id"}))


def put_self_score(
    session: Session, actor: Actor, assessment_id: int, number: int, *, data: SelfScoreWrite
) -> SelfScore:
    assessment, framework = lock(session, actor, assessment_id, Action.SCORE_SELF)
    competency = check_competency(framework, number)
    check_level(framework, data.level, field="level", what="a level")
    check_level(framework, data.target_level, field="target_level", what="a target level")
    require_pct_edit(assessment)
    level = competency_level(
        framework,
        competency,
        data.level,
        lambda: {
            c.criterion: c.level for c in repository.criterion_scores_of(session, assessment_id)
        },
    )
    score = repository.self_score(session, assessment_id, number)
    if score is not None:
        check_row_version(
            session,
            score,
            data.version,
            f"The self-assessment of competency {number}",
            changed_by_id=score.updated_by_id,
            current=_self_score_view(score),
        )
    elif data.version is not None and data.version != 1:
        raise StaleEdit(f"The self-assessment of competency {number} no longer exists")
    before = _self_score_view(score) if score else None
    if score is None:
        score = SelfScore(assessment_id=assessment_id, competency_number=number, level=level)
    score.level = level
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
    touch(session, assessment)
    session.commit()
    return score


def _presentable(session: Session, assessment: Assessment, evidence_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, evidence_id)
    if item is None or item.organisation_id != assessment.organisation_id:
        raise NotFound(f"Evidence item {evidence_id} not found in this PCT's library")
    return item


def present_evidence(session: Session, actor: Actor, assessment_id: int, evidence_id: int) -> bool:
    """Add a library item to what the assessment presents; True if it was not there yet
    (adding it again changes nothing)."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_SELF)
    item = _presentable(session, assessment, evidence_id)
    require_pct_edit(assessment)
    if repository.is_presented(session, assessment_id, evidence_id):
        session.rollback()
        return False
    session.add(
        PresentedEvidence(
            assessment_id=assessment_id, evidence_id=evidence_id, added_by_id=actor.user_id
        )
    )
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment_id,
        action="present_evidence",
        after={"evidence_id": evidence_id, "title": item.title},
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return True


def withdraw_evidence(session: Session, actor: Actor, assessment_id: int, evidence_id: int) -> bool:
    """Take an item out of what the assessment presents (it stays in the library); True if
    it was there."""
    assessment, _ = lock(session, actor, assessment_id, Action.SCORE_SELF)
    item = _presentable(session, assessment, evidence_id)
    require_pct_edit(assessment)
    if not repository.is_presented(session, assessment_id, evidence_id):
        session.rollback()
        return False
    session.exec(
        delete(PresentedEvidence).where(
            col(PresentedEvidence.assessment_id) == assessment_id,
            col(PresentedEvidence.evidence_id) == evidence_id,
        )
    )
    audit.record(
        session,
        actor,
        entity="assessment",
        entity_id=assessment_id,
        action="withdraw_evidence",
        before={"evidence_id": evidence_id, "title": item.title},
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return True


def sign_off(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    data: SignOffRequest,
    read: str | None = None,
    shown: str | None = None,
) -> Assessment:
    """The board's decision at a minuted meeting: records the meeting, the minute, who and
    when, and the fingerprint of what was signed. ``read`` is the fingerprint of what the
    board was shown, and ``shown`` the page's ``seen`` token, if it was shown them: refused
    (409) when the assessment no longer holds that, naming what changed."""
    assessment, _ = lock(session, actor, assessment_id, Action.SIGN_OFF)
    record = repository.load_assessment(session, actor, assessment_id, full=True)
    seen.check(session, record, Move.SIGN_OFF, shown)
    if read is not None and read != record.fingerprint:
        raise StaleEdit(
            "The self-assessment or its evidence changed after you opened this page: check it "
            "again below, then sign it off",
            current_version=assessment.version,
        )
    check_version(assessment, data.version)
    workflow.next_status(Move.SIGN_OFF, assessment.status)
    ready = record.readiness
    if not ready.ready:
        raise WorkflowError(
            f"Cannot sign off: {missing(len(ready.missing))}",
            missing=list(ready.missing),
        )
    assessment.signed_off_at = utcnow()
    assessment.signed_off_by_id = actor.user_id
    assessment.signed_off_by_name = actor.full_name or actor.label
    assessment.signed_off_fingerprint = record.fingerprint
    assessment.last_signed_digests = record.digests()
    assessment.signed_off_meeting_date = data.meeting_date
    assessment.signed_off_minute_reference = data.minute_reference
    assessment.sign_off_withdrawn_at = None
    assessment.sign_off_withdrawn_by_id = None
    assessment.sign_off_withdrawn_reason = None
    apply_move(
        session,
        actor,
        assessment,
        Move.SIGN_OFF,
        detail={
            "fingerprint": assessment.signed_off_fingerprint,
            "meeting_date": data.meeting_date.isoformat(),
            "minute_reference": data.minute_reference,
        },
    )
    session.commit()
    return assessment


def withdraw_sign_off(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    reason: str,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    """Undo the board's sign-off so that the PCT may change the assessment: back to draft, or
    to returned when the SHA had returned it since its last submission."""
    assessment, _ = lock(session, actor, assessment_id, Action.WITHDRAW_SIGN_OFF)
    check_seen(session, actor, assessment, Move.WITHDRAW_SIGN_OFF, shown)
    check_version(assessment, expected_version)
    if not reason.strip():
        raise InvalidInput("Say why the sign-off is withdrawn", field="reason")
    workflow.next_status(Move.WITHDRAW_SIGN_OFF, assessment.status)
    signed = {
        "signed_off_at": audit.snapshot(assessment).get("signed_off_at"),
        "signed_off_by_id": assessment.signed_off_by_id,
        "fingerprint": assessment.signed_off_fingerprint,
        "meeting_date": (
            assessment.signed_off_meeting_date.isoformat()
            if assessment.signed_off_meeting_date
            else None
        ),
        "minute_reference": assessment.signed_off_minute_reference,
    }
    was_returned = assessment.returned_at is not None and (
        assessment.submitted_at is None or assessment.returned_at > assessment.submitted_at
    )
    assessment.sign_off_withdrawn_at = utcnow()
    assessment.sign_off_withdrawn_by_id = actor.user_id
    assessment.sign_off_withdrawn_reason = reason.strip()
    assessment.signed_off_at = None
    assessment.signed_off_by_id = None
    assessment.signed_off_by_name = None
    assessment.signed_off_fingerprint = None
    assessment.signed_off_meeting_date = None
    assessment.signed_off_minute_reference = None
    apply_move(
        session,
        actor,
        assessment,
        Move.WITHDRAW_SIGN_OFF,
        detail={"reason": reason.strip(), "withdrawn": signed},
        to=AssessmentStatus.RETURNED if was_returned else None,
    )
    session.commit()
    return assessment


def submit(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    """Send to the SHA as the next round, freezing each presented item as it stands now and
    keeping the whole self-assessment as that round."""
    assessment, framework = lock(session, actor, assessment_id, Action.SUBMIT)
    check_seen(session, actor, assessment, Move.SUBMIT, shown)
    check_version(assessment, expected_version)
    workflow.next_status(Move.SUBMIT, assessment.status)
    signed = repository.self_assessment_of(session, assessment_id)
    evidence = signed.evidence
    fingerprint = signed.fingerprint
    if fingerprint != assessment.signed_off_fingerprint:
        raise WorkflowError(
            "Cannot submit: the self-assessment or its evidence changed after the board signed "
            "it off; the board must sign it off again"
        )
    session.exec(
        delete(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == assessment_id)
    )
    now = utcnow()
    session.add_all(
        EvidenceSnapshot(
            assessment_id=assessment_id,
            evidence_id=content["id"],
            content=content,
            sha256=snapshots.canonical_hash(content),
            frozen_at=now,
        )
        for content in evidence
    )
    round_number = len(repository.rounds_of(session, assessment_id)) + 1
    session.add(
        Submission(
            assessment_id=assessment_id,
            round=round_number,
            submitted_at=now,
            submitted_by_id=actor.user_id,
            fingerprint=fingerprint,
            content={
                **signed.content(),
                "sign_off": {
                    "signed_off_by_id": assessment.signed_off_by_id,
                    "signed_off_at": audit.snapshot(assessment).get("signed_off_at"),
                    "meeting_date": (
                        assessment.signed_off_meeting_date.isoformat()
                        if assessment.signed_off_meeting_date
                        else None
                    ),
                    "minute_reference": assessment.signed_off_minute_reference,
                },
            },
            digests=signed.digests(framework.numbers),
        )
    )
    assessment.submitted_at = now
    assessment.submitted_by_id = actor.user_id
    apply_move(
        session,
        actor,
        assessment,
        Move.SUBMIT,
        detail={"round": round_number, "evidence_ids": [content["id"] for content in evidence]},
    )
    session.commit()
    return assessment


def put_review_score(
    session: Session, actor: Actor, assessment_id: int, number: int, *, data: ReviewScoreWrite
) -> ReviewScore:
    assessment, framework = lock(session, actor, assessment_id, Action.SCORE_REVIEW)
    competency = check_competency(framework, number)
    check_level(framework, data.level, field="level", what="a level")
    moderation = review_open(session, assessment, data.reason)
    level = competency_level(
        framework,
        competency,
        data.level,
        lambda: {
            c.criterion: c.level
            for c in repository.review_criterion_scores_of(session, assessment_id)
        },
    )
    own = repository.self_score(session, assessment_id, number)
    if own is not None and workflow.diverges(own.level, level) and not data.comment:
        raise InvalidInput(
            f"The PCT assessed competency {number} at level {own.level}: say why you score it "
            f"{level} in a comment",
            field="comment",
        )
    score = repository.review_score(session, assessment_id, number)
    if score is not None:
        check_row_version(
            session,
            score,
            data.version,
            f"The review score of competency {number}",
            changed_by_id=score.reviewer_id,
            current={"level": score.level, "comment": score.comment},
        )
    before = audit.snapshot(score) if score else None
    assert actor.user_id is not None
    if score is None:
        score = ReviewScore(
            assessment_id=assessment_id,
            competency_number=number,
            level=level,
            reviewer_id=actor.user_id,
        )
    log_moderation(
        session,
        actor,
        assessment,
        moderation,
        subject="competency",
        key=str(number),
        competency_number=number,
        before=score.level if score else None,
        after=level,
    )
    score.level = level
    score.comment = data.comment
    score.reviewer_id = actor.user_id
    score.scored_at = utcnow()
    save_review_row(session, actor, assessment, score, entity="review_score", before=before)
    return score


def put_evidence_rating(
    session: Session,
    actor: Actor,
    assessment_id: int,
    evidence_id: int,
    *,
    data: EvidenceRatingWrite,
) -> EvidenceRating:
    assessment, _ = lock(session, actor, assessment_id, Action.RATE_EVIDENCE)
    if evidence_id not in repository.frozen_evidence_ids(session, assessment_id):
        raise NotFound(f"Evidence item {evidence_id} is not part of assessment {assessment_id}")
    moderation = review_open(session, assessment, data.reason)
    rating = repository.rating(session, assessment_id, evidence_id)
    if rating is not None:
        check_row_version(
            session,
            rating,
            data.version,
            f"The rating of evidence item {evidence_id}",
            changed_by_id=rating.reviewer_id,
            current={"rating": rating.rating.value, "comment": rating.comment},
        )
    before = audit.snapshot(rating) if rating else None
    assert actor.user_id is not None
    if rating is None:
        rating = EvidenceRating(
            assessment_id=assessment_id,
            evidence_id=evidence_id,
            rating=data.rating,
            reviewer_id=actor.user_id,
        )
    log_moderation(
        session,
        actor,
        assessment,
        moderation,
        subject="evidence",
        key=str(evidence_id),
        competency_number=None,
        before=rating.rating.value if before else None,
        after=data.rating.value,
    )
    rating.rating = data.rating
    rating.comment = data.comment
    rating.reviewer_id = actor.user_id
    rating.rated_at = utcnow()
    save_review_row(session, actor, assessment, rating, entity="evidence_rating", before=before)
    return rating


def return_assessment(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    reason: str,
    points: list[ReturnPointWrite] | None = None,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    """Hand the assessment back to the PCT with the points it must address (without any
    points given, the reason is the one general point)."""
    assessment, framework = lock(session, actor, assessment_id, Action.RETURN)
    check_seen(session, actor, assessment, Move.RETURN, shown)
    check_version(assessment, expected_version)
    if not reason.strip():
        raise InvalidInput("Give the PCT a reason for returning the assessment", field="reason")
    if points is not None and not points:
        raise InvalidInput("Add at least one point for the PCT to address", field="points")
    asked = points or [ReturnPointWrite(request=reason.strip())]
    for point in asked:
        number = point.competency_number
        if number is not None and framework.competency(number) is None:
            raise InvalidInput(
                f"A point names competency {number}, which does not exist; competencies are "
                f"numbered {framework.numbers_text()}",
                field="points",
            )
    workflow.next_status(Move.RETURN, assessment.status)
    round_number = len(repository.rounds_of(session, assessment_id))
    now = utcnow()
    made = [
        ReturnPoint(
            assessment_id=assessment_id,
            round=round_number,
            competency_number=point.competency_number,
            request=point.request,
            raised_by_id=actor.user_id,
            raised_at=now,
        )
        for point in asked
    ]
    session.add_all(made)
    assessment.return_reason = reason.strip()
    assessment.returned_at = now
    apply_move(
        session,
        actor,
        assessment,
        Move.RETURN,
        detail={
            "reason": assessment.return_reason,
            "round": round_number,
            "points": [
                {"competency_number": p.competency_number, "request": p.request} for p in made
            ],
        },
    )
    session.commit()
    return assessment


def answer_return_point(
    session: Session,
    actor: Actor,
    assessment_id: int,
    point_id: int,
    *,
    data: ReturnPointResponse,
) -> ReturnPoint:
    """The PCT's response to one point of a return, while it may revise the assessment."""
    assessment, _ = lock(session, actor, assessment_id, Action.ANSWER_RETURN)
    point = repository.return_point(session, assessment_id, point_id)
    require_pct_edit(assessment)
    check_row_version(
        session,
        point,
        data.version,
        "The response to this point",
        changed_by_id=point.responded_by_id,
        current={"response": point.response or ""},
    )
    before = audit.snapshot(point)
    point.response = data.response
    point.responded_by_id = actor.user_id
    point.responded_at = utcnow()
    session.add(point)
    session.flush()
    audit.record(
        session,
        actor,
        entity="return_point",
        entity_id=point_id,
        action="update",
        before=before,
        after=audit.snapshot(point),
        organisation_id=assessment.organisation_id,
    )
    touch(session, assessment)
    session.commit()
    return point


def review_gaps(
    session: Session, assessment_id: int, framework: Framework
) -> tuple[list[int], list[str]]:
    """The assessed competencies without a review score, and the governance areas (their
    labels) without the SHA's rating."""
    unscored = workflow.unreviewed(
        framework.numbers, repository.reviewed_numbers(session, assessment_id)
    )
    reviewed_areas = {g.area for g in repository.governance_reviews_of(session, assessment_id)}
    return unscored, [area.label for area in AREAS if area not in reviewed_areas]


def check_reviewed(session: Session, assessment_id: int, framework: Framework, doing: str) -> None:
    """409 listing what is missing unless every score and governance rating is in."""
    unscored, unrated = review_gaps(session, assessment_id, framework)
    if unscored or unrated:
        raise WorkflowError(
            f"Cannot {doing}: {workflow.not_reviewed(unscored, unrated)}",
            missing=[f"Competency {n}: no review score" for n in unscored]
            + [f"Governance ({a}): no SHA rating" for a in unrated],
        )


def finalise(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    """Make the review final. In a cycle with the provisional step, only once the PCT has
    checked the ratings of this round, shared as provisional, for factual accuracy."""
    assessment, framework = lock(session, actor, assessment_id, Action.FINALISE)
    check_seen(session, actor, assessment, Move.FINALISE, shown)
    check_version(assessment, expected_version)
    workflow.next_status(Move.FINALISE, assessment.status)
    check_reviewed(session, assessment_id, framework, "finalise")
    shared = repository.current_provisional(session, assessment_id)
    cycle = repository.cycle_of(session, assessment)
    unchecked = workflow.not_checked(
        assessment.status,
        checked=shared is not None and shared.responded_at is not None,
        provisional_step=cycle.provisional_step,
        cycle=cycle.name,
    )
    if unchecked:
        raise WorkflowError(f"Cannot finalise: {unchecked}")
    assessment.finalised_at = utcnow()
    assessment.finalised_by_id = actor.user_id
    apply_move(session, actor, assessment, Move.FINALISE)
    session.commit()
    return assessment


def reopen(
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    shown: str | None = None,
) -> Assessment:
    begin_write(session)
    require(actor, Action.REOPEN)
    assessment = repository.get_assessment(session, actor, assessment_id, for_update=True)
    check_seen(session, actor, assessment, Move.REOPEN, shown)
    check_version(assessment, expected_version)
    assessment.finalised_at = None
    assessment.finalised_by_id = None
    apply_move(session, actor, assessment, Move.REOPEN, detail={"reason": reason or ""})
    session.commit()
    return assessment
