"""Every read of the assessment domain, always through the actor's scope.

``load_assessment`` gathers one assessment with everything shown about it into an
``AssessmentRecord`` in a fixed number of statements, whatever the data size; the API
schema, the page presenter and the report context are mappings over that record. The
smaller reads below serve the commands in ``service.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.actors import Actor
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
from app.assessments.record import AssessmentRecord, PresentedItem, Round
from app.assessments.snapshots import SelfAssessment, evidence_content, outcome_content
from app.assessments.workflow import FROZEN_STATUSES
from app.cycles.models import Cycle
from app.errors import NotFound
from app.evidence.models import (
    Attachment,
    CompetencyEvidenceCount,
    EvidenceCompetency,
    EvidenceItem,
)
from app.framework import service as framework_service
from app.governance.models import GovernanceRating, GovernanceReview
from app.organisations.models import Organisation
from app.organisations.service import normalise_code
from app.outcomes.models import Outcome
from app.outcomes.repository import actuals_of, presented_outcomes_for
from app.permissions import assessment_scope
from app.users.models import User

Sha = aliased(Organisation, name="sha")
Earlier = aliased(Cycle, name="earlier")


def visible_assessments(actor: Actor) -> sa.Select[tuple[Assessment]]:
    return select(Assessment).where(assessment_scope(actor))


def get_assessment(
    session: Session, actor: Actor, assessment_id: int, *, for_update: bool = False
) -> Assessment:
    """The assessment row, if the actor may see it (404 otherwise)."""
    statement = visible_assessments(actor).where(col(Assessment.id) == assessment_id)
    if for_update:
        statement = statement.with_for_update()
    assessment = session.exec(statement).first()
    if assessment is None:
        raise NotFound(f"Assessment {assessment_id} not found")
    return assessment


def load_assessment(
    session: Session, actor: Actor, assessment_id: int, *, full: bool = False
) -> AssessmentRecord:
    """One assessment as the actor may see it, with its PCT, SHA, cycle, framework, scores,
    ratings, presented evidence, return points and rounds. ``full`` adds the evidence's
    content (frozen at submission, or as it stands before) and the names of the people
    involved.

    Eleven statements, two more when the framework has criteria; with ``full``, at most
    seventeen (the evidence as it stands takes three more than frozen snapshots). Never more
    with more data.
    """
    previous_due = (
        select(Earlier.submission_due)
        .where(col(Earlier.opens_on) < Cycle.opens_on)
        .order_by(col(Earlier.opens_on).desc(), col(Earlier.id).desc())
        .limit(1)
        .correlate(Cycle)
        .scalar_subquery()
    )
    row = session.exec(
        select(Assessment, Organisation, Cycle, Sha, previous_due)
        .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .outerjoin(Sha, col(Sha.id) == Organisation.parent_id)
        .where(col(Assessment.id) == assessment_id, assessment_scope(actor))
    ).first()
    if row is None:
        raise NotFound(f"Assessment {assessment_id} not found")
    assessment, organisation, cycle, sha, previous_submission_due = row
    self_scores = {s.competency_number: s for s in self_scores_of(session, assessment_id)}
    review_scores = {s.competency_number: s for s in review_scores_of(session, assessment_id)}
    ratings = {r.evidence_id: r for r in ratings_of(session, assessment_id)}
    presented = presented_of(session, assessment_id)
    points = tuple(return_points_of(session, assessment_id))
    rounds = tuple(rounds_of(session, assessment_id))
    framework = framework_service.for_cycle(cycle)
    criteria: dict[str, CriterionScore] = {}
    review_criteria: dict[str, ReviewCriterionScore] = {}
    if any(c.criteria for c in framework.competencies):
        criteria = {c.criterion: c for c in criterion_scores_of(session, assessment_id)}
        review_criteria = {
            c.criterion: c for c in review_criterion_scores_of(session, assessment_id)
        }
    governance = {g.area: g for g in governance_of(session, assessment_id)}
    governance_reviews = {g.area: g for g in governance_reviews_of(session, assessment_id)}
    outcomes = tuple(presented_outcomes_of(session, assessment_id))
    evidence: tuple[PresentedItem, ...] | None = None
    people: dict[int, str] = {}
    frozen_ids: tuple[int, ...] = ()
    actuals: dict[int, dict[int, float]] = {}
    if full:
        actuals = actuals_of(session, [o.id for o in outcomes if o.id is not None])
        evidence = _presented_items(session, assessment, ratings)
        people = names(
            session,
            [
                assessment.signed_off_by_id,
                assessment.submitted_by_id,
                assessment.finalised_by_id,
                assessment.sign_off_withdrawn_by_id,
                *(s.reviewer_id for s in review_scores.values()),
                *(r.reviewer_id for r in ratings.values()),
                *(p.raised_by_id for p in points),
                *(p.responded_by_id for p in points),
                *(r.submitted_by_id for r in rounds),
                *(g.reviewer_id for g in governance_reviews.values()),
            ],
        )
        frozen_ids = tuple(item.evidence_id for item in evidence if item.sha256 is not None)
    elif assessment.status in FROZEN_STATUSES:
        frozen_ids = tuple(frozen_evidence_ids(session, assessment_id))
    return AssessmentRecord(
        assessment=assessment,
        organisation=organisation,
        sha=sha,
        cycle=cycle,
        framework=framework,
        self_scores=self_scores,
        review_scores=review_scores,
        ratings=ratings,
        presented=presented,
        frozen_ids=frozen_ids,
        return_points=points,
        rounds=rounds,
        evidence=evidence,
        people=people,
        criterion_scores=criteria,
        review_criterion_scores=review_criteria,
        governance=governance,
        governance_reviews=governance_reviews,
        outcomes=outcomes,
        actuals=actuals,
        previous_submission_due=previous_submission_due,
    )


def _presented_items(
    session: Session, assessment: Assessment, ratings: dict[int, EvidenceRating]
) -> tuple[PresentedItem, ...]:
    """The evidence as submitted (frozen snapshots) while the SHA has the assessment; at any
    other time, the presented items as they stand now. Ordered by date, then id."""
    if assessment.status in FROZEN_STATUSES:
        items = [
            PresentedItem(s.evidence_id, s.content, s.sha256, ratings.get(s.evidence_id))
            for s in snapshots_of(session, assessment.id or 0)
        ]
    else:
        items = [
            PresentedItem(content["id"], content, None, ratings.get(content["id"]))
            for content in presented_evidence_set(session, assessment.id or 0)
        ]
    return tuple(sorted(items, key=lambda item: (item.occurred_on, item.evidence_id)))


# Lists ----------------------------------------------------------------------------------------


def summaries(
    session: Session, statement: sa.Select[tuple[Assessment]]
) -> list[tuple[Assessment, Organisation, Cycle]]:
    """Each assessment with its PCT and cycle, in one query."""
    combined = select(Assessment, Organisation, Cycle)
    if statement.whereclause is not None:
        combined = combined.where(statement.whereclause)
    rows = session.exec(
        combined.join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .order_by(col(Cycle.opens_on).desc(), col(Organisation.name))
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def list_assessments(
    session: Session,
    actor: Actor,
    *,
    cycle_id: int | None = None,
    organisation_code: str | None = None,
    status: AssessmentStatus | None = None,
) -> list[tuple[Assessment, Organisation, Cycle]]:
    statement = visible_assessments(actor)
    if cycle_id is not None:
        statement = statement.where(col(Assessment.cycle_id) == cycle_id)
    if organisation_code:
        statement = statement.where(
            col(Assessment.organisation_id).in_(
                select(Organisation.id).where(
                    col(Organisation.code) == normalise_code(organisation_code)
                )
            )
        )
    if status is not None:
        statement = statement.where(col(Assessment.status) == status)
    return summaries(session, statement)


def count_by_status(session: Session) -> dict[AssessmentStatus, int]:
    counted = dict(
        session.exec(select(Assessment.status, sa.func.count()).group_by(Assessment.status)).all()
    )
    return {status: counted.get(status, 0) for status in AssessmentStatus}


def existing_id(session: Session, organisation_id: int, cycle_id: int) -> int | None:
    return session.exec(
        select(Assessment.id).where(
            col(Assessment.organisation_id) == organisation_id,
            col(Assessment.cycle_id) == cycle_id,
        )
    ).first()


def in_cycle_for(
    session: Session, actor: Actor, cycle_id: int, organisation_ids: Sequence[int]
) -> dict[int, Assessment]:
    """The visible assessments of these PCTs in a cycle, by PCT id."""
    return {
        a.organisation_id: a
        for a in session.exec(
            select(Assessment).where(
                col(Assessment.cycle_id) == cycle_id,
                col(Assessment.organisation_id).in_(list(organisation_ids)),
                assessment_scope(actor),
            )
        ).all()
    }


def levels_of(
    session: Session, assessment_ids: Sequence[int]
) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]]]:
    """Self and review levels of many assessments, by assessment then competency, in one
    statement that reads only the levels (the score rows also hold long texts)."""
    ids = list(assessment_ids)
    levels = sa.union_all(
        sa.select(
            sa.literal(True).label("is_review"),
            col(ReviewScore.assessment_id),
            col(ReviewScore.competency_number),
            col(ReviewScore.level),
        ).where(col(ReviewScore.assessment_id).in_(ids)),
        sa.select(
            sa.literal(False),
            col(SelfScore.assessment_id),
            col(SelfScore.competency_number),
            col(SelfScore.level),
        ).where(col(SelfScore.assessment_id).in_(ids)),
    )
    selfs: dict[int, dict[int, int]] = {}
    reviews: dict[int, dict[int, int]] = {}
    for is_review, assessment_id, number, level in session.execute(levels):
        (reviews if is_review else selfs).setdefault(assessment_id, {})[number] = level
    return selfs, reviews


def _no_level() -> sa.Cast[int]:
    return sa.cast(sa.null(), sa.Integer)


def levels_and_targets_of(
    session: Session, assessment_id: int
) -> dict[int, tuple[int | None, int | None, int | None]]:
    """One assessment's self level, the target the PCT set for the next cycle, and the
    review level, by competency, in one statement that reads only those."""
    rows = sa.union_all(
        sa.select(
            col(SelfScore.competency_number).label("number"),
            col(SelfScore.level).label("self_level"),
            col(SelfScore.target_level).label("target_level"),
            _no_level().label("review_level"),
        ).where(col(SelfScore.assessment_id) == assessment_id),
        sa.select(
            col(ReviewScore.competency_number),
            _no_level(),
            _no_level(),
            col(ReviewScore.level),
        ).where(col(ReviewScore.assessment_id) == assessment_id),
    )
    found: dict[int, tuple[int | None, int | None, int | None]] = {}
    for number, self_level, target, review in session.execute(rows):
        was = found.get(number, (None, None, None))
        found[number] = (
            self_level if self_level is not None else was[0],
            target if target is not None else was[1],
            review if review is not None else was[2],
        )
    return found


# One assessment's rows ---------------------------------------------------------------------------


def self_scores_of(session: Session, assessment_id: int) -> list[SelfScore]:
    return list(
        session.exec(
            select(SelfScore)
            .where(col(SelfScore.assessment_id) == assessment_id)
            .order_by(SelfScore.competency_number)
        ).all()
    )


def review_scores_of(session: Session, assessment_id: int) -> list[ReviewScore]:
    return list(
        session.exec(
            select(ReviewScore)
            .where(col(ReviewScore.assessment_id) == assessment_id)
            .order_by(ReviewScore.competency_number)
        ).all()
    )


def ratings_of(session: Session, assessment_id: int) -> list[EvidenceRating]:
    return list(
        session.exec(
            select(EvidenceRating)
            .where(col(EvidenceRating.assessment_id) == assessment_id)
            .order_by(EvidenceRating.evidence_id)
        ).all()
    )


def self_score(session: Session, assessment_id: int, number: int) -> SelfScore | None:
    return session.exec(
        select(SelfScore).where(
            col(SelfScore.assessment_id) == assessment_id,
            col(SelfScore.competency_number) == number,
        )
    ).first()


def review_score(session: Session, assessment_id: int, number: int) -> ReviewScore | None:
    return session.exec(
        select(ReviewScore).where(
            col(ReviewScore.assessment_id) == assessment_id,
            col(ReviewScore.competency_number) == number,
        )
    ).first()


def criterion_scores_of(session: Session, assessment_id: int) -> list[CriterionScore]:
    return list(
        session.exec(
            select(CriterionScore)
            .where(col(CriterionScore.assessment_id) == assessment_id)
            .order_by(CriterionScore.competency_number, CriterionScore.criterion)
        ).all()
    )


def review_criterion_scores_of(session: Session, assessment_id: int) -> list[ReviewCriterionScore]:
    return list(
        session.exec(
            select(ReviewCriterionScore)
            .where(col(ReviewCriterionScore.assessment_id) == assessment_id)
            .order_by(ReviewCriterionScore.competency_number, ReviewCriterionScore.criterion)
        ).all()
    )


def criterion_score(session: Session, assessment_id: int, criterion: str) -> CriterionScore | None:
    return session.exec(
        select(CriterionScore).where(
            col(CriterionScore.assessment_id) == assessment_id,
            col(CriterionScore.criterion) == criterion,
        )
    ).first()


def review_criterion_score(
    session: Session, assessment_id: int, criterion: str
) -> ReviewCriterionScore | None:
    return session.exec(
        select(ReviewCriterionScore).where(
            col(ReviewCriterionScore.assessment_id) == assessment_id,
            col(ReviewCriterionScore.criterion) == criterion,
        )
    ).first()


def governance_of(session: Session, assessment_id: int) -> list[GovernanceRating]:
    return list(
        session.exec(
            select(GovernanceRating).where(col(GovernanceRating.assessment_id) == assessment_id)
        ).all()
    )


def governance_reviews_of(session: Session, assessment_id: int) -> list[GovernanceReview]:
    return list(
        session.exec(
            select(GovernanceReview).where(col(GovernanceReview.assessment_id) == assessment_id)
        ).all()
    )


def presented_outcomes_of(session: Session, assessment_id: int) -> list[Outcome]:
    """The outcome measures the assessment presents, by title."""
    return presented_outcomes_for(session, [assessment_id]).get(assessment_id, [])


def self_assessment_of(session: Session, assessment_id: int) -> SelfAssessment:
    """What a sign-off now would sign, read afresh."""
    return SelfAssessment(
        scores=self_scores_of(session, assessment_id),
        evidence=presented_evidence_set(session, assessment_id),
        criteria=criterion_scores_of(session, assessment_id),
        governance=governance_of(session, assessment_id),
        outcomes=[outcome_content(o) for o in presented_outcomes_of(session, assessment_id)],
    )


def rating(session: Session, assessment_id: int, evidence_id: int) -> EvidenceRating | None:
    return session.exec(
        select(EvidenceRating).where(
            col(EvidenceRating.assessment_id) == assessment_id,
            col(EvidenceRating.evidence_id) == evidence_id,
        )
    ).first()


def reviewed_numbers(session: Session, assessment_id: int) -> set[int]:
    return set(
        session.exec(
            select(ReviewScore.competency_number).where(
                col(ReviewScore.assessment_id) == assessment_id
            )
        ).all()
    )


def snapshots_of(session: Session, assessment_id: int) -> list[EvidenceSnapshot]:
    return list(
        session.exec(
            select(EvidenceSnapshot)
            .where(col(EvidenceSnapshot.assessment_id) == assessment_id)
            .order_by(EvidenceSnapshot.evidence_id)
        ).all()
    )


def frozen_evidence_ids(session: Session, assessment_id: int) -> list[int]:
    """The items the last submission froze."""
    return list(
        session.exec(
            select(EvidenceSnapshot.evidence_id)
            .where(col(EvidenceSnapshot.assessment_id) == assessment_id)
            .order_by(EvidenceSnapshot.evidence_id)
        ).all()
    )


def presented_anywhere(session: Session, evidence_id: int) -> bool:
    """Whether any assessment (in any state) has frozen this item into a submission."""
    found = session.exec(
        select(EvidenceSnapshot.id).where(col(EvidenceSnapshot.evidence_id) == evidence_id).limit(1)
    ).first()
    return found is not None


def presenting(session: Session, actor: Actor, evidence_id: int) -> list[tuple[Assessment, Cycle]]:
    """The visible assessments that present this item now or whose submissions froze it,
    newest cycle first."""
    rows = session.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(
            sa.or_(
                col(Assessment.id).in_(
                    select(EvidenceSnapshot.assessment_id).where(
                        col(EvidenceSnapshot.evidence_id) == evidence_id
                    )
                ),
                col(Assessment.id).in_(
                    select(PresentedEvidence.assessment_id).where(
                        col(PresentedEvidence.evidence_id) == evidence_id
                    )
                ),
            ),
            assessment_scope(actor),
        )
        .order_by(col(Cycle.opens_on).desc())
    ).all()
    return [(assessment, cycle) for assessment, cycle in rows]


def pct_of(session: Session, assessment: Assessment) -> Organisation:
    pct = session.get(Organisation, assessment.organisation_id)
    assert pct is not None
    return pct


def cycle_of(session: Session, assessment: Assessment) -> Cycle:
    cycle = session.get(Cycle, assessment.cycle_id)
    assert cycle is not None
    return cycle


def names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.full_name).where(col(User.id).in_(wanted))).all())  # type: ignore[arg-type]


# The PCT's evidence as an assessment sees it -----------------------------------------------------


def evidence_counts(session: Session, organisation_id: int) -> dict[int, int]:
    """How many of the PCT's evidence items are linked to each competency (from the tally the
    database keeps: eleven rows at most, however much evidence there is)."""
    return dict(
        session.exec(
            select(CompetencyEvidenceCount.competency_number, CompetencyEvidenceCount.items).where(
                col(CompetencyEvidenceCount.organisation_id) == organisation_id,
                col(CompetencyEvidenceCount.items) > 0,
            )
        ).all()
    )


def presented_of(session: Session, assessment_id: int) -> dict[int, tuple[int, ...]]:
    """The items the assessment presents, each with the competencies it is linked to (one
    statement)."""
    presented: dict[int, list[int]] = {}
    for evidence_id, number in session.exec(
        select(PresentedEvidence.evidence_id, EvidenceCompetency.competency_number)
        .outerjoin(
            EvidenceCompetency,
            col(EvidenceCompetency.evidence_id) == PresentedEvidence.evidence_id,
        )
        .where(col(PresentedEvidence.assessment_id) == assessment_id)
        .order_by(PresentedEvidence.evidence_id, EvidenceCompetency.competency_number)
    ).all():
        numbers = presented.setdefault(evidence_id, [])
        if number is not None:
            numbers.append(number)
    return {evidence_id: tuple(numbers) for evidence_id, numbers in presented.items()}


def is_presented(session: Session, assessment_id: int, evidence_id: int) -> bool:
    return (
        session.exec(
            select(PresentedEvidence.evidence_id).where(
                col(PresentedEvidence.assessment_id) == assessment_id,
                col(PresentedEvidence.evidence_id) == evidence_id,
            )
        ).first()
        is not None
    )


def presented_evidence_set(session: Session, assessment_id: int) -> list[dict[str, object]]:
    """The items the assessment presents, as they stand now, each as the content a
    submission would freeze (three statements)."""
    items = session.exec(
        select(EvidenceItem)
        .where(
            col(EvidenceItem.id).in_(
                select(PresentedEvidence.evidence_id).where(
                    col(PresentedEvidence.assessment_id) == assessment_id
                )
            ),
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
        evidence_content(item, links.get(item.id or 0, []), files.get(item.id or 0, []))
        for item in items
    ]


def library_for_competency(
    session: Session, organisation_id: int, number: int, *, period: tuple[date, date]
) -> list[EvidenceItem]:
    """The PCT's items linked to a competency that an assessment could present: those dated
    inside the cycle's period first (newest first), then the older ones."""
    start, end = period
    inside = sa.and_(col(EvidenceItem.occurred_on) >= start, col(EvidenceItem.occurred_on) <= end)
    return list(
        session.exec(
            select(EvidenceItem)
            .where(
                col(EvidenceItem.organisation_id) == organisation_id,
                col(EvidenceItem.id).in_(
                    select(EvidenceCompetency.evidence_id).where(
                        col(EvidenceCompetency.competency_number) == number
                    )
                ),
            )
            .order_by(
                sa.case((inside, 0), else_=1),
                col(EvidenceItem.occurred_on).desc(),
                col(EvidenceItem.id).desc(),
            )
        ).all()
    )


# Return points and rounds ----------------------------------------------------------------------


def return_points_of(session: Session, assessment_id: int) -> list[ReturnPoint]:
    return list(
        session.exec(
            select(ReturnPoint)
            .where(col(ReturnPoint.assessment_id) == assessment_id)
            .order_by(ReturnPoint.round, ReturnPoint.id)
        ).all()
    )


def return_point(session: Session, assessment_id: int, point_id: int) -> ReturnPoint:
    point = session.exec(
        select(ReturnPoint).where(
            col(ReturnPoint.id) == point_id, col(ReturnPoint.assessment_id) == assessment_id
        )
    ).first()
    if point is None:
        raise NotFound(f"Return point {point_id} not found in assessment {assessment_id}")
    return point


def rounds_of(session: Session, assessment_id: int) -> list[Round]:
    """Every submission of the assessment, without its content (one statement)."""
    rows = session.exec(
        select(
            Submission.round,
            Submission.submitted_at,
            Submission.submitted_by_id,
            Submission.fingerprint,
            Submission.digests,
        )
        .where(col(Submission.assessment_id) == assessment_id)
        .order_by(Submission.round)
    ).all()
    return [Round(*row) for row in rows]


def submission(session: Session, assessment_id: int, round_number: int) -> Submission:
    found = session.exec(
        select(Submission).where(
            col(Submission.assessment_id) == assessment_id,
            col(Submission.round) == round_number,
        )
    ).first()
    if found is None:
        raise NotFound(f"Assessment {assessment_id} has no round {round_number}")
    return found


def current_provisional(session: Session, assessment_id: int) -> ProvisionalRating | None:
    """The ratings last shared as provisional for the round now under review (none when the
    SHA has not shared any since the last submission)."""
    latest_round = (
        select(sa.func.max(Submission.round))
        .where(col(Submission.assessment_id) == assessment_id)
        .scalar_subquery()
    )
    return session.exec(
        select(ProvisionalRating)
        .where(
            col(ProvisionalRating.assessment_id) == assessment_id,
            col(ProvisionalRating.round) == latest_round,
        )
        .order_by(col(ProvisionalRating.id).desc())
        .limit(1)
    ).first()


def provisionals_of(session: Session, assessment_id: int) -> list[ProvisionalRating]:
    """Every sharing of provisional ratings, oldest first, with the PCT's answers."""
    return list(
        session.exec(
            select(ProvisionalRating)
            .where(col(ProvisionalRating.assessment_id) == assessment_id)
            .order_by(col(ProvisionalRating.id))
        ).all()
    )


def moderation_of(session: Session, assessment_id: int) -> list[ModerationChange]:
    """The moderation log: every change to a provisional rating, oldest first."""
    return list(
        session.exec(
            select(ModerationChange)
            .where(col(ModerationChange.assessment_id) == assessment_id)
            .order_by(col(ModerationChange.id))
        ).all()
    )


def previous_finalised(
    session: Session, actor: Actor, cycle: Cycle, organisation_ids: Sequence[int]
) -> dict[int, tuple[Assessment, Cycle]]:
    """Each PCT's previous finalised assessment, by PCT id: the latest finalised assessment of
    the PCT in a cycle that opened before ``cycle`` did, among those the actor may see. One
    statement, whatever the number of PCTs."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    latest_first = sa.func.row_number().over(
        partition_by=col(Assessment.organisation_id),
        order_by=(col(Cycle.opens_on).desc(), col(Cycle.id).desc()),
    )
    ranked = (
        select(col(Assessment.id).label("assessment_id"), latest_first.label("place"))
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .where(
            col(Assessment.organisation_id).in_(ids),
            col(Assessment.status) == AssessmentStatus.FINALISED,
            col(Cycle.opens_on) < cycle.opens_on,
            assessment_scope(actor),
        )
        .subquery()
    )
    rows = session.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .join(ranked, ranked.c.assessment_id == Assessment.id)
        .where(ranked.c.place == 1)
    ).all()
    return {a.organisation_id: (a, c) for a, c in rows}
