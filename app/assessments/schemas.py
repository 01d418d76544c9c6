"""What the assessment API takes and gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.assessments.models import AssessmentStatus, EvidenceRatingValue
from app.governance.schemas import GovernanceRatingRead, GovernanceReviewRead
from app.params import MAX_ID
from app.wording import today_in_england

# The framework of the assessment's cycle says which levels exist; the service checks.
Level = Annotated[int, Field(ge=1, le=MAX_ID, description="A level of the cycle's framework")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_code: str = Field(min_length=1, max_length=12)
    cycle_id: int = Field(ge=1, le=MAX_ID)


class SelfScoreWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level | None = Field(
        default=None,
        description="Required, except for a competency scored through criteria, whose level "
        "follows from theirs (given, it must be that level)",
    )
    rationale: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
    ]
    improvement_action: LongText | None = None
    target_level: Level | None = None
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you last read"
    )


class ReviewScoreWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level | None = Field(
        default=None,
        description="Required, except for a competency scored through criteria, whose level "
        "follows from theirs (given, it must be that level)",
    )
    comment: LongText = ""
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    reason: LongText | None = Field(
        default=None,
        description="Why a rating shared as provisional changes (needed then; kept in the "
        "moderation log)",
    )


class CriterionScoreWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level
    rationale: LongText = ""
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you last read"
    )


class CriterionReviewWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level
    comment: LongText = ""
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    reason: LongText | None = Field(
        default=None,
        description="Why a rating shared as provisional changes (needed then; kept in the "
        "moderation log)",
    )


class EvidenceRatingWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: EvidenceRatingValue
    comment: LongText = ""
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    reason: LongText | None = Field(
        default=None,
        description="Why a rating shared as provisional changes (needed then; kept in the "
        "moderation log)",
    )


RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]


class ReturnPointWrite(BaseModel):
    """One thing the PCT must address: on a competency, or general (no number)."""

    model_config = ConfigDict(extra="forbid")

    competency_number: int | None = Field(default=None, ge=1, le=MAX_ID)
    request: RequiredText


class ReturnRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RequiredText
    points: list[ReturnPointWrite] | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="At least one; without this field the reason becomes one general point",
    )
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class ReturnPointResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    response: RequiredText
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class SignOffRequest(BaseModel):
    """The board's decision: the meeting that ratified the self-assessment, its minute, and
    the declaration. A meeting still to come, or no declaration, is refused here, for the
    API and the page alike."""

    model_config = ConfigDict(extra="forbid")

    meeting_date: date
    minute_reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    # Checked even when left out: a sign-off without the declaration is refused.
    declaration: bool = Field(default=False, validate_default=True)
    version: int | None = Field(default=None, ge=1, le=MAX_ID)

    @field_validator("meeting_date")
    @classmethod
    def _met_already(cls, value: date) -> date:
        if value > today_in_england():
            raise ValueError(
                "The meeting date must be today or in the past: sign off after the board has met"
            )
        return value

    @field_validator("declaration")
    @classmethod
    def _declared(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                "Confirm the declaration: that the board has considered the self-assessment "
                "and its evidence and agrees it"
            )
        return value


class WithdrawSignOffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RequiredText
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class ReopenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)] = ""
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class TransitionRequest(BaseModel):
    """Optional body for sign-off, submit, finalise and reopen."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class SelfScoreRead(BaseModel):
    competency_number: int
    level: int
    rationale: str
    improvement_action: str | None
    target_level: int | None
    updated_at: datetime
    version: int


class ReviewScoreRead(BaseModel):
    competency_number: int
    level: int
    comment: str
    reviewer_id: int
    scored_at: datetime
    version: int


class CriterionScoreRead(BaseModel):
    competency_number: int
    criterion: str
    level: int
    rationale: str
    updated_at: datetime
    version: int
    competency_level: int | None = Field(
        description="The competency's level, once every criterion has one"
    )


class CriterionReviewRead(BaseModel):
    competency_number: int
    criterion: str
    level: int
    comment: str
    reviewer_id: int
    scored_at: datetime
    version: int
    competency_level: int | None = Field(
        description="The competency's review level, once every criterion has one"
    )


class EvidenceRatingRead(BaseModel):
    evidence_id: int
    rating: EvidenceRatingValue
    comment: str
    reviewer_id: int
    rated_at: datetime
    version: int


class PresentedEvidenceRead(BaseModel):
    evidence_id: int
    competency_numbers: list[int]


class ReturnPointRead(BaseModel):
    id: int
    round: int
    competency_number: int | None
    request: str
    raised_by_id: int | None
    raised_at: datetime
    response: str | None
    responded_by_id: int | None
    responded_at: datetime | None
    version: int


class FactualAccuracyComment(BaseModel):
    """One thing the PCT says is factually wrong in the provisional ratings: on a competency,
    or general (no number)."""

    model_config = ConfigDict(extra="forbid")

    competency_number: int | None = Field(default=None, ge=1, le=MAX_ID)
    comment: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)
    ]


class FactualAccuracyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comments: list[FactualAccuracyComment] = Field(
        max_length=100, description="The PCT's comments; an empty list accepts the ratings"
    )
    version: int | None = Field(default=None, ge=1, le=MAX_ID)
    provisional_id: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The id of the provisional ratings answered (from GET .../provisional); "
        "409 if the SHA has shared other ratings since",
    )


class ProvisionalRead(BaseModel):
    """Ratings the SHA shared as provisional, and the PCT's answer."""

    id: int
    round: int
    issued_at: datetime
    issued_by_id: int | None
    issued_by_name: str | None
    levels: dict[str, dict[str, int | str]]
    """``competencies`` (number → level), ``criteria`` ("1.2" → level) and ``governance``
    (area → red, amber or green), as shared."""
    responded_at: datetime | None
    responded_by_id: int | None
    responded_by_name: str | None
    accepted: bool | None
    """True when the PCT accepted them as they stand; null until it answers."""
    comments: list[FactualAccuracyComment]


class ModerationChangeRead(BaseModel):
    """One change to a rating after it was shared as provisional."""

    id: int
    provisional_id: int
    subject: str
    """``competency``, ``criterion``, ``governance`` or ``evidence``."""
    key: str
    competency_number: int | None
    before: str | None
    after: str
    reason: str
    changed_by_id: int | None
    changed_by_name: str | None
    changed_at: datetime


class SubmissionSummary(BaseModel):
    round: int
    submitted_at: datetime
    submitted_by_id: int | None
    submitted_by_name: str | None
    fingerprint: str


class SubmissionRead(SubmissionSummary):
    """A round as it was submitted: the frozen self-scores and evidence (and, from later
    versions of the record, whatever else the round held)."""

    content: dict[str, object]


class ReadinessRead(BaseModel):
    ready: bool
    missing: list[str]


class AssessmentSummary(BaseModel):
    id: int
    organisation_code: str
    organisation_name: str
    cycle_id: int
    cycle_name: str
    status: AssessmentStatus
    submitted_at: datetime | None
    finalised_at: datetime | None
    updated_at: datetime
    version: int


class AssessmentRead(AssessmentSummary):
    framework_version: str
    assessed_competencies: list[int]
    signed_off_at: datetime | None
    signed_off_by_id: int | None
    signed_off_fingerprint: str | None
    signed_off_meeting_date: date | None
    signed_off_minute_reference: str | None
    sign_off_withdrawn_at: datetime | None
    sign_off_withdrawn_reason: str | None
    submitted_by_id: int | None
    returned_at: datetime | None
    return_reason: str | None
    finalised_by_id: int | None
    self_scores: list[SelfScoreRead]
    review_scores: list[ReviewScoreRead]
    evidence_ratings: list[EvidenceRatingRead]
    presented_evidence_ids: list[int]
    presented_evidence: list[PresentedEvidenceRead]
    return_points: list[ReturnPointRead]
    rounds: int
    readiness: ReadinessRead
    criterion_scores: list[CriterionScoreRead] = []
    review_criterion_scores: list[CriterionReviewRead] = []
    governance: list[GovernanceRatingRead] = []
    governance_reviews: list[GovernanceReviewRead] = []
    presented_outcome_ids: list[int] = []
    provisional_at: datetime | None = None
    """When the SHA last shared its ratings as provisional."""
