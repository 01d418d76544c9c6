"""Presenters for the assessment pages: everything a template shows, worked out here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import queries, service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.assessments.workflow import Readiness
from app.cycles.models import Cycle
from app.evidence.models import EvidenceCompetency, EvidenceItem
from app.framework import service as framework_service
from app.framework.models import Competency, Framework
from app.organisations.models import Organisation
from app.permissions import Action, can
from app.users.models import Role

S = AssessmentStatus


@dataclass(frozen=True)
class CompetencyRow:
    competency: Competency
    self_score: SelfScore | None
    review_score: ReviewScore | None
    evidence_count: int
    gaps: list[str]

    @property
    def ready(self) -> bool:
        return not self.gaps

    @property
    def diverges(self) -> bool:
        return bool(self.self_score and self.review_score) and (
            self.self_score.level != self.review_score.level  # type: ignore[union-attr]
        )


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str
    enabled: bool
    reason: str = ""


@dataclass
class AssessmentView:
    assessment: Assessment
    organisation: Organisation
    cycle: Cycle
    framework: Framework
    readiness: Readiness
    rows: list[CompetencyRow]
    actions: list[NextAction] = field(default_factory=list)
    can_edit: bool = False
    can_review: bool = False

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.self_score)


def _gaps(number: int, score: SelfScore | None, count: int) -> list[str]:
    gaps = []
    if score is None:
        gaps.append("no self-assessed level")
    elif not score.rationale.strip():
        gaps.append("no rationale")
    if count == 0:
        gaps.append("no evidence linked")
    return gaps


def _actions(actor: Actor, view: AssessmentView) -> list[NextAction]:
    status = view.assessment.status
    aid = view.assessment.id
    actions: list[NextAction] = []
    if actor.role is Role.BOARD_MEMBER:
        if status in {S.DRAFT, S.RETURNED}:
            reason = (
                ""
                if view.readiness.ready
                else (f"{len(view.readiness.missing)} thing(s) are missing; see the list below")
            )
            actions.append(
                NextAction("Sign off", f"/assessments/{aid}/sign-off", view.readiness.ready, reason)
            )
        elif status is S.SIGNED_OFF:
            actions.append(NextAction("Sign off", "", False, "The board has signed this off"))
    if actor.role is Role.PCT_LEAD:
        if status is S.SIGNED_OFF:
            actions.append(NextAction("Submit to the SHA", f"/assessments/{aid}/submit", True))
        elif status in {S.DRAFT, S.RETURNED}:
            actions.append(
                NextAction("Submit to the SHA", "", False, "The board must sign it off first")
            )
    if actor.role is Role.SHA_REVIEWER and status in {
        S.SUBMITTED,
        S.IN_REVIEW,
        S.RETURNED,
        S.FINALISED,
    }:
        actions.append(NextAction("Open the review", f"/assessments/{aid}/review", True))
    return actions


def assessment_view(session: Session, actor: Actor, assessment_id: int) -> AssessmentView:
    assessment = service.get_assessment(session, actor, assessment_id)
    assert assessment.id is not None
    organisation = session.get(Organisation, assessment.organisation_id)
    cycle = session.get(Cycle, assessment.cycle_id)
    assert organisation is not None and cycle is not None
    framework = framework_service.get_framework(cycle.framework_version)
    selfs = {s.competency_number: s for s in service.self_scores(session, assessment.id)}
    reviews = {s.competency_number: s for s in service.review_scores(session, assessment.id)}
    counts = queries.evidence_counts(session, assessment.organisation_id)
    rows = [
        CompetencyRow(
            competency=c,
            self_score=selfs.get(c.number),
            review_score=reviews.get(c.number),
            evidence_count=counts.get(c.number, 0),
            gaps=_gaps(c.number, selfs.get(c.number), counts.get(c.number, 0)),
        )
        for c in framework.competencies
    ]
    view = AssessmentView(
        assessment=assessment,
        organisation=organisation,
        cycle=cycle,
        framework=framework,
        readiness=service.readiness_of(framework, selfs, counts),
        rows=rows,
        can_edit=can(actor, Action.SCORE_SELF)
        and assessment.status in {S.DRAFT, S.SIGNED_OFF, S.RETURNED},
        can_review=can(actor, Action.SCORE_REVIEW)
        and assessment.status in {S.SUBMITTED, S.IN_REVIEW},
    )
    view.actions = _actions(actor, view)
    return view


def evidence_for_competency(
    session: Session, organisation_id: int, number: int
) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """The PCT's items linked to a competency, and its other items (to link in place)."""
    linked_ids = select(EvidenceCompetency.evidence_id).where(
        col(EvidenceCompetency.competency_number) == number
    )
    items = session.exec(
        select(EvidenceItem)
        .where(col(EvidenceItem.organisation_id) == organisation_id)
        .order_by(col(EvidenceItem.occurred_on).desc(), col(EvidenceItem.id).desc())
    ).all()
    linked_set = set(
        session.exec(
            linked_ids.where(col(EvidenceCompetency.evidence_id).in_([i.id for i in items]))
        ).all()
    )
    linked = [i for i in items if i.id in linked_set]
    others = [i for i in items if i.id not in linked_set]
    return linked, others


@dataclass(frozen=True)
class PresentedItem:
    evidence_id: int
    content: dict[str, Any]
    rating: EvidenceRating | None


def presented_by_competency(session: Session, assessment_id: int) -> dict[int, list[PresentedItem]]:
    """The frozen evidence of a submission, grouped by competency, with the reviewer's ratings."""
    snapshots = session.exec(
        select(EvidenceSnapshot)
        .where(col(EvidenceSnapshot.assessment_id) == assessment_id)
        .order_by(EvidenceSnapshot.evidence_id)
    ).all()
    ratings = {r.evidence_id: r for r in service.evidence_ratings(session, assessment_id)}
    grouped: dict[int, list[PresentedItem]] = {}
    for snapshot in snapshots:
        item = PresentedItem(
            snapshot.evidence_id, snapshot.content, ratings.get(snapshot.evidence_id)
        )
        for number in snapshot.content.get("competency_numbers", []):
            grouped.setdefault(number, []).append(item)
    return grouped
