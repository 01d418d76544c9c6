"""Assessments: one per PCT per cycle, with self scores, review scores and ratings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column
from app.evidence.models import COMPETENCY_RANGE_SQL
from app.tags import TaggedStatus

LEVEL_RANGE_SQL = "level BETWEEN 1 AND 4"


class AssessmentStatus(TaggedStatus):
    DRAFT = "draft"
    SIGNED_OFF = "signed_off"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    PROVISIONAL = "provisional"
    FINALISED = "finalised"

    @classmethod
    def tags(cls) -> Mapping[Any, tuple[str, str]]:
        return _STATUS_LABELS


_STATUS_LABELS: dict[AssessmentStatus, tuple[str, str]] = {
    AssessmentStatus.DRAFT: ("Draft", "grey"),
    AssessmentStatus.SIGNED_OFF: ("Signed off", "blue"),
    AssessmentStatus.SUBMITTED: ("Submitted", "purple"),
    AssessmentStatus.IN_REVIEW: ("In review", "yellow"),
    AssessmentStatus.RETURNED: ("Returned", "orange"),
    AssessmentStatus.PROVISIONAL: ("Provisional", "pink"),
    AssessmentStatus.FINALISED: ("Finalised", "green"),
}


class EvidenceRatingValue(StrEnum):
    STRONG = "strong"
    ADEQUATE = "adequate"
    WEAK = "weak"
    NOT_RELEVANT = "not_relevant"

    @property
    def label(self) -> str:
        return _RATING_LABELS[self]


_RATING_LABELS: dict[EvidenceRatingValue, str] = {
    EvidenceRatingValue.STRONG: "Strong",
    EvidenceRatingValue.ADEQUATE: "Adequate",
    EvidenceRatingValue.WEAK: "Weak",
    EvidenceRatingValue.NOT_RELEVANT: "Not relevant",
}


_assessment_version = version_column()


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "cycle_id"),
        sa.Index("ix_assessment_cycle_id_status", "cycle_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    cycle_id: int = Field(foreign_key="cycle.id")
    status: AssessmentStatus = Field(
        default=AssessmentStatus.DRAFT,
        sa_type=enum_column(AssessmentStatus, "assessment_status"),
    )
    signed_off_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_off_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    # The signer's name as it was when they signed: the record keeps it whatever it becomes.
    signed_off_by_name: str | None = Field(default=None, max_length=200)
    signed_off_fingerprint: str | None = Field(default=None, max_length=64)
    signed_off_meeting_date: date | None = None
    signed_off_minute_reference: str | None = Field(default=None, max_length=100)
    sign_off_withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sign_off_withdrawn_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    sign_off_withdrawn_reason: str | None = Field(default=None, sa_type=sa.Text)
    # A hash per competency of what the board last signed (kept when the sign-off is
    # withdrawn), so that the next sign-off can show what changed since.
    last_signed_digests: dict[str, str] | None = Field(default=None, sa_type=sa.JSON)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    return_reason: str | None = Field(default=None, sa_type=sa.Text)
    provisional_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    provisional_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    finalised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finalised_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_assessment_version)

    __mapper_args__ = {"version_id_col": _assessment_version}


_self_score_version = version_column()


class SelfScore(SQLModel, table=True):
    """The PCT's own level for one competency, with its reasoning."""

    __tablename__ = "self_score"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "competency_number"),
        sa.CheckConstraint(COMPETENCY_RANGE_SQL, name="competency_number_range"),
        sa.CheckConstraint(LEVEL_RANGE_SQL, name="level_range"),
        sa.CheckConstraint(
            "target_level IS NULL OR target_level BETWEEN 1 AND 4", name="target_level_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    competency_number: int = Field(ge=1)
    level: int = Field(ge=1)
    rationale: str = Field(default="", sa_type=sa.Text)
    improvement_action: str | None = Field(default=None, sa_type=sa.Text)
    target_level: int | None = Field(default=None, ge=1)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_self_score_version)

    __mapper_args__ = {"version_id_col": _self_score_version}


_review_score_version = version_column()


class ReviewScore(SQLModel, table=True):
    """The SHA reviewer's level for one competency, with a comment."""

    __tablename__ = "review_score"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "competency_number"),
        sa.CheckConstraint(COMPETENCY_RANGE_SQL, name="competency_number_range"),
        sa.CheckConstraint(LEVEL_RANGE_SQL, name="level_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    competency_number: int = Field(ge=1)
    level: int = Field(ge=1)
    comment: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user_account.id")
    scored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_review_score_version)

    __mapper_args__ = {"version_id_col": _review_score_version}


CRITERION_SQL = "criterion LIKE '%.%'"
_criterion_score_version = version_column()


class CriterionScore(SQLModel, table=True):
    """The PCT's own level for one criterion of a competency ("1.2"), with its reasoning;
    the competency's level follows from all of them by the framework's rule."""

    __tablename__ = "criterion_score"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "criterion"),
        sa.CheckConstraint(COMPETENCY_RANGE_SQL, name="competency_number_range"),
        sa.CheckConstraint(LEVEL_RANGE_SQL, name="level_range"),
        sa.CheckConstraint(CRITERION_SQL, name="criterion_numbered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    competency_number: int = Field(ge=1)
    criterion: str = Field(max_length=8)
    level: int = Field(ge=1)
    rationale: str = Field(default="", sa_type=sa.Text)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_criterion_score_version)

    __mapper_args__ = {"version_id_col": _criterion_score_version}


_review_criterion_score_version = version_column()


class ReviewCriterionScore(SQLModel, table=True):
    """The SHA reviewer's level for one criterion of a competency, with a comment."""

    __tablename__ = "review_criterion_score"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "criterion"),
        sa.CheckConstraint(COMPETENCY_RANGE_SQL, name="competency_number_range"),
        sa.CheckConstraint(LEVEL_RANGE_SQL, name="level_range"),
        sa.CheckConstraint(CRITERION_SQL, name="criterion_numbered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    competency_number: int = Field(ge=1)
    criterion: str = Field(max_length=8)
    level: int = Field(ge=1)
    comment: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user_account.id")
    scored_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_review_criterion_score_version)

    __mapper_args__ = {"version_id_col": _review_criterion_score_version}


_evidence_rating_version = version_column()


class EvidenceRating(SQLModel, table=True):
    """A reviewer's rating of one evidence item within one assessment."""

    __tablename__ = "evidence_rating"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "evidence_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    rating: EvidenceRatingValue = Field(
        sa_type=enum_column(EvidenceRatingValue, "evidence_rating_value")
    )
    comment: str = Field(default="", sa_type=sa.Text)
    reviewer_id: int = Field(foreign_key="user_account.id")
    rated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_evidence_rating_version)

    __mapper_args__ = {"version_id_col": _evidence_rating_version}


class EvidenceSnapshot(SQLModel, table=True):
    """An evidence item exactly as it stood when the assessment was submitted."""

    __tablename__ = "evidence_snapshot"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "evidence_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    evidence_id: int = Field(foreign_key="evidence_item.id", index=True)
    content: dict[str, Any] = Field(sa_type=sa.JSON)
    sha256: str = Field(max_length=64, min_length=64)
    frozen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PresentedEvidence(SQLModel, table=True):
    """An item of the PCT's library that the lead has added to an assessment: the curated
    set the board signs and a submission freezes."""

    __tablename__ = "presented_evidence"

    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", primary_key=True)
    evidence_id: int = Field(
        foreign_key="evidence_item.id", ondelete="CASCADE", primary_key=True, index=True
    )
    added_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Submission(SQLModel, table=True):
    """One round: the assessment as the lead submitted it, kept whatever happens after."""

    __tablename__ = "submission"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "round"),
        sa.CheckConstraint("round >= 1", name="round_from_one"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    round: int
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    fingerprint: str = Field(max_length=64, min_length=64)
    content: dict[str, Any] = Field(sa_type=sa.JSON)
    # A hash per competency number (as text) of its self-score and presented evidence, so
    # that a page can say what changed since this round without reading ``content``.
    digests: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)


_return_point_version = version_column()


class ReturnPoint(SQLModel, table=True):
    """One thing the SHA asked the PCT to address when it returned the assessment, on a
    competency or in general, with the PCT's response."""

    __tablename__ = "return_point"
    __table_args__ = (
        sa.CheckConstraint(
            "competency_number IS NULL OR " + COMPETENCY_RANGE_SQL,
            name="competency_number_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    round: int
    competency_number: int | None = None
    request: str = Field(sa_type=sa.Text)
    raised_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    raised_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    response: str | None = Field(default=None, sa_type=sa.Text)
    responded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_return_point_version)

    __mapper_args__ = {"version_id_col": _return_point_version}


class ProvisionalRating(SQLModel, table=True):
    """The SHA's ratings shared with the PCT before they are final, as they stood when
    shared, with the PCT's check of them for factual accuracy."""

    __tablename__ = "provisional_rating"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    round: int
    """The submission round the ratings judge."""
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    levels: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    """What was shared: ``{"competencies": {"3": 2}, "criteria": {"1.2": 3},
    "governance": {"finance": "amber"}}``."""
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    comments: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    """The PCT's factual-accuracy comments, each ``{"competency_number", "comment"}``; none
    when the PCT accepted the ratings as they stand."""


class ModerationChange(SQLModel, table=True):
    """One change the SHA made to a rating after sharing it as provisional, with the reason."""

    __tablename__ = "moderation_change"
    __table_args__ = (
        sa.CheckConstraint(
            "competency_number IS NULL OR " + COMPETENCY_RANGE_SQL,
            name="competency_number_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    provisional_id: int = Field(foreign_key="provisional_rating.id", ondelete="CASCADE")
    subject: str = Field(max_length=12)
    """``competency``, ``criterion`` or ``governance``."""
    key: str = Field(max_length=12)
    """The competency number, criterion ("1.2") or governance area changed."""
    competency_number: int | None = None
    before: str | None = Field(default=None, max_length=12)
    after: str = Field(max_length=12)
    reason: str = Field(sa_type=sa.Text)
    changed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
