"""Everything a report shows, gathered in a fixed number of queries and checked for scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlmodel import Session

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import Assessment, AssessmentStatus
from app.assessments.record import AssessmentRecord, CompetencyLine, PresentedItem, RecordView
from app.cycles.models import Cycle
from app.db import utcnow
from app.errors import NotFound
from app.framework import service as framework_service
from app.framework.models import Framework
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, require
from app.reports.radar import radar_svg


@dataclass
class AssessmentReport(RecordView):
    """The assurance report of one assessment: a mapping over its record."""

    record: AssessmentRecord
    radar: Markup
    generated_at: datetime

    @property
    def sections(self) -> tuple[CompetencyLine, ...]:
        return self.record.lines

    @property
    def manifest(self) -> tuple[PresentedItem, ...]:
        return self.record.evidence or ()

    @property
    def frozen(self) -> bool:
        return self.record.frozen

    @property
    def status_label(self) -> str:
        return self.assessment.status.label

    @property
    def is_final(self) -> bool:
        return self.assessment.status is AssessmentStatus.FINALISED


def assessment_report(session: Session, actor: Actor, assessment_id: int) -> AssessmentReport:
    record = assessment_repository.load_assessment(session, actor, assessment_id, full=True)
    return AssessmentReport(
        record=record,
        radar=radar_svg(
            list(record.framework.numbers),
            {n: s.level for n, s in record.self_scores.items()},
            {n: s.level for n, s in record.review_scores.items()},
        ),
        generated_at=utcnow(),
    )


@dataclass(frozen=True)
class PctLine:
    organisation: Organisation
    assessment: Assessment | None
    self_levels: dict[int, int]
    review_levels: dict[int, int]

    @property
    def status_label(self) -> str:
        return self.assessment.status.label if self.assessment else "Not yet submitted"


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
    sha = organisation_service.find_by_code(session, sha_code)
    if (
        sha is None
        or sha.kind is not OrganisationKind.SHA
        or not (actor.is_admin or actor.sha_id == sha.id)
    ):
        raise NotFound(f"SHA {sha_code.strip().upper()!r} not found")
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"Cycle {cycle_id} not found")
    framework = framework_service.get_framework(cycle.framework_version)
    pcts = organisation_service.pcts_of(session, sha)
    assessments = assessment_repository.in_cycle_for(
        session, actor, cycle_id, [p.id for p in pcts if p.id is not None]
    )
    selfs, reviews = assessment_repository.levels_of(
        session, [a.id for a in assessments.values() if a.id is not None]
    )
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
