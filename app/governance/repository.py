"""Reads of governance ratings across many assessments (one assessment's ratings come with its
record, ``assessments.repository.load_assessment``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col

from app.governance.models import GovernanceArea, GovernanceRating, GovernanceReview, Rag


@dataclass
class Ratings:
    """One assessment's governance ratings by area: the PCT's own and the SHA's."""

    pct: dict[GovernanceArea, Rag] = field(default_factory=dict)
    sha: dict[GovernanceArea, Rag] = field(default_factory=dict)


def ratings_for(session: Session, assessment_ids: Sequence[int]) -> dict[int, Ratings]:
    """The PCT's and the SHA's rating of each area for many assessments, by assessment, in one
    statement that reads only the ratings (the rows also hold long narratives)."""
    ids = list(assessment_ids)
    found: dict[int, Ratings] = {}
    if not ids:
        return found
    rows = sa.union_all(
        sa.select(
            sa.literal(True).label("is_review"),
            col(GovernanceReview.assessment_id),
            col(GovernanceReview.area),
            col(GovernanceReview.rating),
        ).where(col(GovernanceReview.assessment_id).in_(ids)),
        sa.select(
            sa.literal(False),
            col(GovernanceRating.assessment_id),
            col(GovernanceRating.area),
            col(GovernanceRating.rating),
        ).where(col(GovernanceRating.assessment_id).in_(ids)),
    )
    for is_review, assessment_id, area, rating in session.execute(rows):
        ratings = found.setdefault(assessment_id, Ratings())
        (ratings.sha if is_review else ratings.pct)[GovernanceArea(area)] = Rag(rating)
    return found
