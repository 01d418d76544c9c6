"""What the development plan API takes and gives.

Every refusal here speaks plainly and names what to fix; the rules that need the assessment
(the competencies its cycle assesses, the date it was finalised) are the service's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.development.models import (
    ACTION_MAX,
    OWNER_MAX,
    PROGRESS_NOTE_MAX,
    SUPPORT_NOTE_MAX,
    ActionStatus,
    SupportKind,
)
from app.development.rules import LATEST_YEARS_AHEAD
from app.params import MAX_ID


def _words(values: list[str], last: str = "or") -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + f" {last} {values[-1]}"


STATUSES = [s.value for s in ActionStatus]
SUPPORTS = [s.value for s in SupportKind]

SUPPORT_DESCRIPTION = (
    "The support the SHA offers for this action: "
    + "; ".join(f"`{kind.value}`: {kind.label}" for kind in SupportKind)
    + ". Leave it out for `none`."
)


def text(value: Any, *, what: str, limit: int, empty: str | None = None) -> str:
    """Text as kept: trimmed, at most ``limit`` characters, and not empty when ``empty`` says
    what to do instead."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"Write {what} as text")
    kept = value.strip()
    if empty and not kept:
        raise ValueError(empty)
    if len(kept) > limit:
        raise ValueError(
            f"{what[0].upper()}{what[1:]} can be at most {limit:,} characters; this has "
            f"{len(kept):,}"
        )
    return kept


ACTION_EMPTY = "Write the action: what will be done"
OWNER_EMPTY = "Name the owner: who answers for the action"


def a_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("Give the due date as a date such as 2010-09-30")


def a_choice(value: Any, *, what: str, choices: list[str]) -> Any:
    if isinstance(value, str) and value in choices:
        return value
    raise ValueError(f"Choose {what} from {_words(choices)}")


def a_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("Give the competency by its number, such as 4")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError("Give the competency by its number, such as 4")
        value = int(value)
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"There is no competency {value}")
    return value


def known_fields(data: Any, model: type[BaseModel], *, required: tuple[str, ...]) -> Any:
    """Refuse, in words, a body with a field the model does not take or without one it
    needs."""
    if not isinstance(data, dict):
        return data
    allowed = list(model.model_fields)
    unknown = [str(name) for name in data if name not in allowed]
    if unknown:
        raise ValueError(
            f"{_words(unknown, 'and')} cannot be given here; give only {_words(allowed, 'and')}"
        )
    absent = [name for name in required if name not in data]
    if absent:
        missing = "they are" if len(absent) > 1 else "it is"
        raise ValueError(f"Give {_words(absent, 'and')}: {missing} missing")
    return data


class ActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    competency_number: int | None = Field(
        default=None,
        description="The competency the action develops, one the cycle assesses (leave it "
        "out for an action on the assessment as a whole)",
    )
    action: str = Field(description=f"What will be done: 1 to {ACTION_MAX:,} characters")
    owner: str = Field(
        description=f"Who answers for it, by name or post: 1 to {OWNER_MAX} characters"
    )
    due_on: date = Field(
        description="When it is due: not before the assessment was finalised, and at most "
        f"{LATEST_YEARS_AHEAD} years from today"
    )
    support: SupportKind = Field(default=SupportKind.NONE, description=SUPPORT_DESCRIPTION)
    support_note: str = Field(
        default="",
        description="The support in words (such as the FESC lot or the programme): up to "
        f"{SUPPORT_NOTE_MAX:,} characters",
    )

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, data: Any) -> Any:
        return known_fields(data, cls, required=("action", "owner", "due_on"))

    @field_validator("competency_number", mode="before")
    @classmethod
    def _competency(cls, value: Any) -> Any:
        return None if value is None else a_number(value)

    @field_validator("action", mode="before")
    @classmethod
    def _action(cls, value: Any) -> str:
        return text(value, what="the action", limit=ACTION_MAX, empty=ACTION_EMPTY)

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> str:
        return text(value, what="the owner", limit=OWNER_MAX, empty=OWNER_EMPTY)

    @field_validator("due_on", mode="before")
    @classmethod
    def _due_on(cls, value: Any) -> Any:
        return a_date(value)

    @field_validator("support", mode="before")
    @classmethod
    def _support(cls, value: Any) -> Any:
        if value is None:
            return SupportKind.NONE.value
        return a_choice(value, what="the support", choices=SUPPORTS)

    @field_validator("support_note", mode="before")
    @classmethod
    def _support_note(cls, value: Any) -> str:
        return text(value, what="the note on support", limit=SUPPORT_NOTE_MAX)


class ActionUpdate(BaseModel):
    """A change to an action: its status with a progress note, and any of what it says.
    A field left out (or null) stays as it is."""

    model_config = ConfigDict(extra="forbid")

    status: ActionStatus | None = Field(default=None, description=f"One of {', '.join(STATUSES)}")
    progress_note: str | None = Field(
        default=None,
        description="Progress in words, kept as a dated note with who wrote it and the status "
        f"it set: up to {PROGRESS_NOTE_MAX:,} characters",
    )
    action: str | None = Field(default=None, description=f"1 to {ACTION_MAX:,} characters")
    owner: str | None = Field(default=None, description=f"1 to {OWNER_MAX} characters")
    due_on: date | None = None
    support: SupportKind | None = Field(default=None, description=SUPPORT_DESCRIPTION)
    support_note: str | None = Field(
        default=None, description=f"Up to {SUPPORT_NOTE_MAX:,} characters"
    )
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you last read"
    )

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, data: Any) -> Any:
        return known_fields(data, cls, required=())

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        return None if value is None else a_choice(value, what="the status", choices=STATUSES)

    @field_validator("progress_note", mode="before")
    @classmethod
    def _progress_note(cls, value: Any) -> str | None:
        note = text(value, what="the progress note", limit=PROGRESS_NOTE_MAX)
        return note or None

    @field_validator("action", mode="before")
    @classmethod
    def _action(cls, value: Any) -> str | None:
        if value is None:
            return None
        return text(value, what="the action", limit=ACTION_MAX, empty=ACTION_EMPTY)

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> str | None:
        if value is None:
            return None
        return text(value, what="the owner", limit=OWNER_MAX, empty=OWNER_EMPTY)

    @field_validator("due_on", mode="before")
    @classmethod
    def _due_on(cls, value: Any) -> Any:
        return None if value is None else a_date(value)

    @field_validator("support", mode="before")
    @classmethod
    def _support(cls, value: Any) -> Any:
        return None if value is None else a_choice(value, what="the support", choices=SUPPORTS)

    @field_validator("support_note", mode="before")
    @classmethod
    def _support_note(cls, value: Any) -> str | None:
        if value is None:
            return None
        return text(value, what="the note on support", limit=SUPPORT_NOTE_MAX)

    @model_validator(mode="after")
    def _something(self) -> ActionUpdate:
        changes = self.model_dump(exclude={"version"}, exclude_none=True)
        if not changes:
            raise ValueError(
                "Nothing to change: give a status, a progress note, or what the action says"
            )
        return self


class ProgressNoteRead(BaseModel):
    id: int
    note: str
    status: ActionStatus
    """The status the change that wrote the note set."""
    written_by_id: int | None
    written_by_name: str | None
    written_at: datetime


class ActionRead(BaseModel):
    id: int
    assessment_id: int
    competency_number: int | None
    action: str
    owner: str
    due_on: date
    support: SupportKind
    support_note: str
    status: ActionStatus
    overdue: bool = Field(description="Not done, and its due date is before today (in England)")
    created_by_id: int | None
    created_by_name: str | None
    created_at: datetime
    updated_by_id: int | None
    updated_by_name: str | None
    updated_at: datetime
    version: int
    progress_notes: list[ProgressNoteRead] = Field(description="Oldest first")
