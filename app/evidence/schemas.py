"""What the evidence API takes and gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, StringConstraints

from app.evidence.models import EvidenceKind
from app.params import MAX_ID

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
# Which numbers exist is the framework's to say; the service checks them.
CompetencyNumber = Annotated[int, Field(ge=1, le=MAX_ID)]
MAX_LINKS = 100


def _distinct_sorted(numbers: list[int]) -> list[int]:
    if not numbers:
        raise ValueError("Link the item to at least one competency")
    return sorted(set(numbers))


CompetencyNumbers = Annotated[
    list[CompetencyNumber], Field(max_length=MAX_LINKS), AfterValidator(_distinct_sorted)
]


def _count_of(what: str, most: int) -> AfterValidator:
    """A count of people or practices: a whole number from 0 to ``most``, refused in words."""

    def check(value: int | None) -> int | None:
        if value is None:
            return None
        if value < 0:
            raise ValueError(f"The number of {what} involved cannot be less than 0")
        if value > most:
            raise ValueError(f"The number of {what} involved cannot be more than {most:,}")
        return value

    return AfterValidator(check)


ClinicianCount = Annotated[
    int | None,
    Field(json_schema_extra={"minimum": 0, "maximum": 100_000}),
    _count_of("clinicians", 100_000),
]
PracticeCount = Annotated[
    int | None,
    Field(json_schema_extra={"minimum": 0, "maximum": 10_000}),
    _count_of("practices", 10_000),
]


def _url_text(value: HttpUrl | None) -> str | None:
    return str(value) if value is not None else None


class EvidenceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_code: str = Field(min_length=1, max_length=12)
    title: Title
    description: Description = ""
    kind: EvidenceKind
    occurred_on: date
    competency_numbers: CompetencyNumbers
    url: Annotated[HttpUrl | None, Field(max_length=2000)] = None
    practice_code: str | None = Field(default=None, max_length=12)
    clinicians_involved: ClinicianCount = None
    practices_involved: PracticeCount = None


class EvidenceUpdate(BaseModel):
    """Fields to change; those left out stay as they are. ``version`` guards against
    overwriting someone else's change."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Description | None = None
    kind: EvidenceKind | None = None
    occurred_on: date | None = None
    competency_numbers: CompetencyNumbers | None = None
    url: Annotated[HttpUrl | None, Field(max_length=2000)] = None
    practice_code: str | None = Field(default=None, max_length=12)
    clinicians_involved: ClinicianCount = None
    practices_involved: PracticeCount = None
    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class EvidenceVersion(BaseModel):
    """A page's confirmation of a change to an item (delete it, take a competency off it):
    the version the page showed, so that a change made since is not overlooked."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, le=MAX_ID)


class AttachmentRead(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class EvidenceRead(BaseModel):
    id: int
    organisation_code: str
    title: str
    description: str
    kind: EvidenceKind
    occurred_on: date
    competency_numbers: list[int]
    url: str | None
    practice_code: str | None
    practice_name: str | None = Field(
        default=None, description="The practice's name, when the item is logged for a practice"
    )
    pbc_group_name: str | None = Field(
        default=None,
        description="The PBC group's name: the group the item is logged for, or its practice's",
    )
    clinicians_involved: int | None
    practices_involved: int | None
    author_id: int
    author_name: str
    attachments: list[AttachmentRead]
    is_frozen: bool
    created_at: datetime
    updated_at: datetime
    version: int


class EvidencePage(BaseModel):
    items: list[EvidenceRead]
    total: int
    limit: int
    offset: int
