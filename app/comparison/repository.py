"""The reads of the comparison with last year, always through the actor's scope, each for
any number of assessments at once: so a comparison, or the SHA summary's comparisons of all
its PCTs, takes a fixed number of statements whatever the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import (
    Assessment,
    CriterionScore,
    ReviewCriterionScore,
)
from app.cycles.models import Cycle
from app.errors import NotFound
from app.governance import repository as governance_repository
from app.governance.models import GovernanceArea, Rag
from app.organisations.models import Organisation


@dataclass(frozen=True)
class Levels:
    """One assessment's levels as the comparison reads them: per competency, per criterion
    and per governance area, the PCT's own and the SHA's."""

    self_levels: Mapping[int, int] = field(default_factory=dict)
    review_levels: Mapping[int, int] = field(default_factory=dict)
    self_criteria: Mapping[str, int] = field(default_factory=dict)
    review_criteria: Mapping[str, int] = field(default_factory=dict)
    self_governance: Mapping[GovernanceArea, Rag] = field(default_factory=dict)
    review_governance: Mapping[GovernanceArea, Rag] = field(default_factory=dict)


def assessment(
    session: Session, actor: Actor, assessment_id: int
) -> tuple[Assessment, Organisation, Cycle]:
    """The assessment with its PCT and cycle, if the actor may read it (404 otherwise): one
    statement, under the scope the assessment's own reads use."""
    found = assessment_repository.summaries(
        session,
        assessment_repository.visible_assessments(actor).where(col(Assessment.id) == assessment_id),
    )
    if not found:
        raise NotFound(f"Assessment {assessment_id} not found")
    return found[0]


def levels(session: Session, assessment_ids: Sequence[int]) -> dict[int, Levels]:
    """The levels of many assessments, by assessment: three statements, each reading only
    levels and ratings (the rows also hold long texts)."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    selfs, reviews = assessment_repository.levels_of(session, ids)
    self_criteria, review_criteria = criterion_levels_of(session, ids)
    governance = governance_repository.ratings_for(session, ids)
    found = {}
    for i in ids:
        ratings = governance.get(i) or governance_repository.Ratings()
        found[i] = Levels(
            self_levels=selfs.get(i, {}),
            review_levels=reviews.get(i, {}),
            self_criteria=self_criteria.get(i, {}),
            review_criteria=review_criteria.get(i, {}),
            self_governance=ratings.pct,
            review_governance=ratings.sha,
        )
    return found


def criterion_levels_of(
    session: Session, assessment_ids: Sequence[int]
) -> tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]:
    """The PCT's and the SHA's level of each criterion of many assessments, by assessment
    then criterion, in one statement."""
    ids = list(assessment_ids)
    rows = sa.union_all(
        sa.select(
            sa.literal(True).label("is_review"),
            col(ReviewCriterionScore.assessment_id),
            col(ReviewCriterionScore.criterion),
            col(ReviewCriterionScore.level),
        ).where(col(ReviewCriterionScore.assessment_id).in_(ids)),
        sa.select(
            sa.literal(False),
            col(CriterionScore.assessment_id),
            col(CriterionScore.criterion),
            col(CriterionScore.level),
        ).where(col(CriterionScore.assessment_id).in_(ids)),
    )
    selfs: dict[int, dict[str, int]] = {}
    reviews: dict[int, dict[str, int]] = {}
    for is_review, assessment_id, criterion, level in session.execute(rows):
        (reviews if is_review else selfs).setdefault(assessment_id, {})[criterion] = level
    return selfs, reviews
