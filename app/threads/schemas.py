"""What the threads API takes and gives."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.params import MAX_ID
from app.threads.models import MESSAGE_MAX


def message_text(value: str) -> str:
    """A message as kept: trimmed, neither empty nor longer than the limit."""
    text = value.strip()
    if not text:
        raise ValueError("Write a message")
    if len(text) > MESSAGE_MAX:
        raise ValueError(
            f"A message can be at most {MESSAGE_MAX:,} characters; this one has {len(text):,}"
        )
    return text


class MessageWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(description=f"1 to {MESSAGE_MAX:,} characters")

    @field_validator("message")
    @classmethod
    def _message(cls, value: str) -> str:
        return message_text(value)


class ThreadWrite(MessageWrite):
    competency_number: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The competency it is about (none: general)"
    )


class MessageRead(BaseModel):
    id: int
    author_id: int | None
    author_name: str | None
    from_sha: bool
    """Written on the SHA's side (else the PCT's)."""
    body: str
    sent_at: datetime


class ThreadRead(BaseModel):
    id: int
    assessment_id: int
    competency_number: int | None
    opened_by_id: int | None
    opened_at: datetime
    last_message_at: datetime
    unread: int
    """Messages from others that the caller has not yet read."""
    messages: list[MessageRead]
