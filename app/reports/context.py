"""Everything a report shows, gathered in a fixed number of queries and checked for scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.cycles.models import Cycle
from app.db import utcnow
from app.errors import NotFound
from app.evidence.models import KIND_LABELS
from app.framework import service as framework_service
from app.framework.models import Competency, Framework
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, assessment_scope, require
from app.reports.radar import radar_svg
from app.users.models import User

STATUS_LABELS = {
    AssessmentStatus.DRAFT: "Draft",
    AssessmentStatus.SIGNED_OFF: "Signed off",
    AssessmentStatus.SUBMITTED: "Submitted",
    AssessmentStatus.IN_REVIEW: "In review",
    AssessmentStatus.RETURNED: "Returned",
    AssessmentStatus.FINALISED: "Finalised",
}
RATING_LABELS = {
    "strong": "Strong",
    "adequate": "Adequate",
    "weak": "Weak",
    "not_relevant": "Not relevant",
}


@dataclass(frozen=True)
class EvidenceLine:
    id: int
    title: str
    kind: str
    occurred_on: date
    competency_numbers: list[int]
    rating: str | None
    rating_comment: str
    attachments: list[dict[str, Any]]
    snapshot_sha256: str | None
    clinicians_involved: int | None
    practices_involved: int | None


@dataclass(frozen=True)
class CompetencySection:
    competency: Competency
    self_score: SelfScore | None
    review_score: ReviewScore | None
    evidence: list[EvidenceLine]

    @property
    def diverges(self) -> bool:
        return bool(self.self_score and self.review_score) and (
            self.self_score.level != self.review_score.level  # type: ignore[union-attr]
        )


@dataclass
class AssessmentReport:
    assessment: Assessment
    organisation: Organisation
    sha: Organisation | None
    cycle: Cycle
    framework: Framework
    sections: list[CompetencySection]
    manifest: list[EvidenceLine]
    radar: Markup
    generated_at: datetime
    people: dict[int, str] = field(default_factory=dict)
    frozen: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.assessment.status]

    @property
    def is_final(self) -> bool:
        return self.assessment.status is AssessmentStatus.FINALISED

    def person(self, user_id: int | None) -> str:
        return self.people.get(user_id or 0, "")


def _evidence_lines(session: Session, assessment: Assessment) -> tuple[list[EvidenceLine], bool]:
    """The evidence as submitted (frozen snapshots) once submitted; until then, as it stands."""
    snapshots = session.exec(
        select(EvidenceSnapshot)
        .where(col(EvidenceSnapshot.assessment_id) == assessment.id)
        .order_by(EvidenceSnapshot.evidence_id)
    ).all()
    ratings: dict[int, EvidenceRating] = {
        r.evidence_id: r for r in assessment_service.evidence_ratings(session, assessment.id or 0)
    }
    frozen = bool(snapshots)
    contents: list[tuple[dict[str, Any], str | None]] = (
        [(s.content, s.sha256) for s in snapshots]
        if frozen
        else [
            (c, None)
            for c in assessment_service.current_evidence_set(session, assessment.organisation_id)
        ]
    )
    lines = []
    for content, digest in contents:
        rating = ratings.get(content["id"])
        lines.append(
            EvidenceLine(
                id=content["id"],
                title=content["title"],
                kind=KIND_LABELS.get(content["kind"], content["kind"]),
                occurred_on=date.fromisoformat(content["occurred_on"]),
                competency_numbers=list(content.get("competency_numbers", [])),
                rating=RATING_LABELS[rating.rating.value] if rating else None,
                rating_comment=rating.comment if rating else "",
                attachments=list(content.get("attachments", [])),
                snapshot_sha256=digest,
                clinicians_involved=content.get("clinicians_involved"),
                practices_involved=content.get("practices_involved"),
            )
        )
    lines.sort(key=lambda line: (line.occurred_on, line.id))
    return lines, frozen


def assessment_report(session: Session, actor: Actor, assessment_id: int) -> AssessmentReport:
    assessment = assessment_service.get_assessment(session, actor, assessment_id)
    assert assessment.id is not None
    organisation = session.get(Organisation, assessment.organisation_id)
    cycle = session.get(Cycle, assessment.cycle_id)
    assert organisation is not None and cycle is not None
    sha = session.get(Organisation, organisation.parent_id) if organisation.parent_id else None
    framework = framework_service.get_framework(cycle.framework_version)
    selfs = {s.competency_number: s for s in assessment_service.self_scores(session, assessment.id)}
    reviews = {
        s.competency_number: s for s in assessment_service.review_scores(session, assessment.id)
    }
    lines, frozen = _evidence_lines(session, assessment)
    sections = [
        CompetencySection(
            competency=c,
            self_score=selfs.get(c.number),
            review_score=reviews.get(c.number),
            evidence=[line for line in lines if c.number in line.competency_numbers],
        )
        for c in framework.competencies
    ]
    people_ids = {
        assessment.signed_off_by_id,
        assessment.submitted_by_id,
        assessment.finalised_by_id,
        *(s.reviewer_id for s in reviews.values()),
    } - {None}
    people = {
        user.id or 0: user.full_name
        for user in session.exec(select(User).where(col(User.id).in_(people_ids))).all()
    }
    numbers = [c.number for c in framework.competencies]
    return AssessmentReport(
        assessment=assessment,
        organisation=organisation,
        sha=sha,
        cycle=cycle,
        framework=framework,
        sections=sections,
        manifest=lines,
        radar=radar_svg(
            numbers,
            {n: s.level for n, s in selfs.items()},
            {n: s.level for n, s in reviews.items()},
        ),
        generated_at=utcnow(),
        people=people,
        frozen=frozen,
    )


@dataclass(frozen=True)
class PctLine:
    organisation: Organisation
    assessment: Assessment | None
    self_levels: dict[int, int]
    review_levels: dict[int, int]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.assessment.status] if self.assessment else "Not yet submitted"


@dataclass
class ShaReport:
    sha: Organisation
    cycle: Cycle
    framework: Framework
    pcts: list[PctLine]
    distribution: dict[int, Counter[int]]
    generated_at: datetime


def sha_report(session: Session, actor: Actor, cycle_id: int, sha_code: str) -> ShaReport:
    """Every PCT of the SHA in the cycle; scores only from assessments the caller may see."""
    require(actor, Action.READ_SHA_REPORT)
    sha = session.exec(
        select(Organisation).where(
            col(Organisation.code) == sha_code.strip().upper(),
            col(Organisation.kind) == OrganisationKind.SHA,
        )
    ).first()
    if sha is None or not (actor.is_admin or actor.sha_id == sha.id):
        raise NotFound(f"SHA {sha_code.strip().upper()!r} not found")
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"Cycle {cycle_id} not found")
    framework = framework_service.get_framework(cycle.framework_version)
    pcts = session.exec(
        select(Organisation)
        .where(
            col(Organisation.parent_id) == sha.id, col(Organisation.kind) == OrganisationKind.PCT
        )
        .order_by(Organisation.name)
    ).all()
    assessments = {
        a.organisation_id: a
        for a in session.exec(
            select(Assessment).where(
                col(Assessment.cycle_id) == cycle_id,
                col(Assessment.organisation_id).in_([p.id for p in pcts]),
                assessment_scope(actor),
            )
        ).all()
    }
    ids = [a.id for a in assessments.values()]
    # Only the levels, both kinds in one statement: the score rows also hold long texts.
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
    lines = []
    distribution: dict[int, Counter[int]] = {c.number: Counter() for c in framework.competencies}
    for pct in pcts:
        assessment = assessments.get(pct.id or 0)
        aid = assessment.id if assessment else None
        review_levels = reviews.get(aid or 0, {})
        for number, level in review_levels.items():
            distribution[number][level] += 1
        lines.append(PctLine(pct, assessment, selfs.get(aid or 0, {}), review_levels))
    return ShaReport(sha, cycle, framework, lines, distribution, utcnow())
