"""What the PBC register API takes and gives.

Money is in pence, as a whole number, in and out (``indicative_budget``,
``freed_up_resources``); each read also gives it in words as pounds. Every refusal speaks
plainly and names the field and the limit; the rules between dates (decided after
submitted, implemented after decided) are the service's, so that the pages share them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.development.schemas import a_choice, known_fields, text
from app.params import MAX_ID
from app.pbc.models import (
    MAX_BUDGET_PENCE,
    MAX_FREED_PENCE,
    MAX_GPS,
    MAX_LIST_SIZE,
    MAX_PRACTICES,
    TITLE_MAX,
    Decision,
    EarnedAutonomy,
)
from app.pbc.rules import SLOW_DAYS, pounds

TIERS = [t.value for t in EarnedAutonomy]
DECISIONS = [d.value for d in Decision]
PENCE = (
    "In pence, as a whole number (£1,250,000 is 125000000), from 0 to {limit}; leave it out "
    "(or null) when not known"
)
TIER_DESCRIPTION = "The autonomy the group has earned: " + "; ".join(
    f"`{t.value}`: {t.label}" for t in EarnedAutonomy
)


def whole_number(value: Any, *, what: str, limit: int, money: bool = False) -> int:
    """A whole number from 0 to ``limit``, refused in words naming the limit."""
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise ValueError(f"Give {what} as a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"Give {what} as a whole number" + (" of pence" if money else ""))
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "")
        if not cleaned.lstrip("-").isdigit():
            raise ValueError(f"Give {what} as a whole number")
        value = int(cleaned)
    if value < 0:
        raise ValueError(f"{what[0].upper()}{what[1:]} cannot be negative")
    if value > limit:
        shown = pounds(limit) if money else f"{limit:,}"
        raise ValueError(f"{what[0].upper()}{what[1:]} can be at most {shown}")
    return value


def a_date(value: Any, *, what: str) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"Give {what} as a date such as 2009-06-30")


class RegisterWrite(BaseModel):
    """The group's register entry, as a whole: what is left out is kept empty (the tier:
    none)."""

    model_config = ConfigDict(extra="forbid")

    practice_count: int | None = Field(
        default=None,
        description=f"Member practices, as the group reports them: 0 to {MAX_PRACTICES}",
    )
    gp_count: int = Field(description=f"GPs in the group's practices: 0 to {MAX_GPS:,}")
    list_size: int = Field(
        description=f"Patients registered with its practices: 0 to {MAX_LIST_SIZE:,}"
    )
    indicative_budget: int | None = Field(
        default=None, description="The indicative budget. " + PENCE.format(limit=MAX_BUDGET_PENCE)
    )
    budget_shared_on: date | None = Field(
        default=None,
        description="When the PCT shared the indicative budget with the group (needs the "
        "budget; not after today)",
    )
    earned_autonomy: EarnedAutonomy = Field(
        default=EarnedAutonomy.NONE, description=TIER_DESCRIPTION
    )
    version: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The version you last read: a change made since is refused (409)",
    )

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, data: Any) -> Any:
        return known_fields(data, cls, required=("gp_count", "list_size"))

    @field_validator("practice_count", mode="before")
    @classmethod
    def _practices(cls, value: Any) -> Any:
        if value is None:
            return None
        return whole_number(value, what="the number of practices", limit=MAX_PRACTICES)

    @field_validator("gp_count", mode="before")
    @classmethod
    def _gps(cls, value: Any) -> Any:
        return whole_number(value, what="the number of GPs", limit=MAX_GPS)

    @field_validator("list_size", mode="before")
    @classmethod
    def _list_size(cls, value: Any) -> Any:
        return whole_number(value, what="the registered list size", limit=MAX_LIST_SIZE)

    @field_validator("indicative_budget", mode="before")
    @classmethod
    def _budget(cls, value: Any) -> Any:
        if value is None:
            return None
        return whole_number(value, what="the indicative budget", limit=MAX_BUDGET_PENCE, money=True)

    @field_validator("budget_shared_on", mode="before")
    @classmethod
    def _shared_on(cls, value: Any) -> Any:
        return None if value is None else a_date(value, what="the date the budget was shared")

    @field_validator("earned_autonomy", mode="before")
    @classmethod
    def _tier(cls, value: Any) -> Any:
        if value is None:
            return EarnedAutonomy.NONE.value
        return a_choice(value, what="the earned autonomy", choices=TIERS)


class BusinessCaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description=f"What the case proposes: 1 to {TITLE_MAX} characters")
    submitted_on: date = Field(description="When the group submitted it: not after today")
    decided_on: date | None = Field(
        default=None,
        description="When the PCT decided: not before it was submitted; give it with the "
        "decision, or neither",
    )
    decision: Decision | None = Field(
        default=None, description=f"One of {', '.join(DECISIONS)}; give it with `decided_on`"
    )
    implemented_on: date | None = Field(
        default=None, description="When it was put into effect: not before the decision"
    )
    freed_up_resources: int | None = Field(
        default=None,
        description="The resources it freed up. " + PENCE.format(limit=MAX_FREED_PENCE),
    )

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, data: Any) -> Any:
        return known_fields(data, cls, required=("title", "submitted_on"))

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        return text(
            value, what="the title", limit=TITLE_MAX, empty="Give the business case a title"
        )

    @field_validator("submitted_on", mode="before")
    @classmethod
    def _submitted(cls, value: Any) -> Any:
        return a_date(value, what="the date it was submitted")

    @field_validator("decided_on", mode="before")
    @classmethod
    def _decided(cls, value: Any) -> Any:
        return None if value is None else a_date(value, what="the date of the decision")

    @field_validator("implemented_on", mode="before")
    @classmethod
    def _implemented(cls, value: Any) -> Any:
        return None if value is None else a_date(value, what="the date it was put into effect")

    @field_validator("decision", mode="before")
    @classmethod
    def _decision(cls, value: Any) -> Any:
        return None if value is None else a_choice(value, what="the decision", choices=DECISIONS)

    @field_validator("freed_up_resources", mode="before")
    @classmethod
    def _freed(cls, value: Any) -> Any:
        if value is None:
            return None
        return whole_number(value, what="the resources freed up", limit=MAX_FREED_PENCE, money=True)


class BusinessCaseUpdate(BusinessCaseCreate):
    """A change to a business case: a field left out stays as it is; a null clears it (not
    the title or the date it was submitted)."""

    title: str | None = Field(default=None, description=f"1 to {TITLE_MAX} characters")  # type: ignore[assignment]
    submitted_on: date | None = Field(default=None, description="Not after today")  # type: ignore[assignment]
    version: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="The version you last read: a change made since is refused (409)",
    )

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, data: Any) -> Any:
        return known_fields(data, cls, required=())

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str | None:
        if value is None:
            raise ValueError("The title cannot be cleared: give the business case a title")
        return text(
            value, what="the title", limit=TITLE_MAX, empty="Give the business case a title"
        )

    @field_validator("submitted_on", mode="before")
    @classmethod
    def _submitted(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("The date it was submitted cannot be cleared")
        return a_date(value, what="the date it was submitted")

    @model_validator(mode="after")
    def _something(self) -> BusinessCaseUpdate:
        if not self.model_fields_set - {"version"}:
            raise ValueError("Nothing to change: give the decision, its date, or another field")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields given, nulls included (a null clears)."""
        return {name: getattr(self, name) for name in self.model_fields_set - {"version"}}


class PracticeRead(BaseModel):
    code: str
    name: str
    list_size: int | None = Field(description="Its registered population, where recorded")


class RegisterEntryRead(BaseModel):
    practice_count: int | None
    gp_count: int
    list_size: int
    indicative_budget: int | None = Field(description="In pence")
    indicative_budget_text: str = Field(description="In pounds, in words: £1,250,000")
    budget_shared_on: date | None
    earned_autonomy: EarnedAutonomy
    earned_autonomy_text: str
    updated_by_name: str | None
    updated_at: datetime
    version: int


class BusinessCaseRead(BaseModel):
    id: int
    group_code: str
    title: str
    submitted_on: date
    decided_on: date | None
    decision: Decision | None
    implemented_on: date | None
    freed_up_resources: int | None = Field(description="In pence")
    freed_up_resources_text: str = Field(description="In pounds, in words")
    days_to_decision: int | None = Field(description="Days from submission to decision")
    days_waiting: int | None = Field(
        description="For an undecided case: days since it was submitted, to today (in England)"
    )
    slow: bool = Field(description=f"Decided, or waiting, after more than {SLOW_DAYS} days")
    created_by_name: str | None
    updated_by_name: str | None
    updated_at: datetime
    version: int


class RegisterRead(BaseModel):
    group_code: str
    group_name: str
    pct_code: str
    pct_name: str
    entry: RegisterEntryRead | None = Field(description="None until the PCT records it")
    practices: list[PracticeRead] = Field(description="Member practices recorded, by name")
    business_cases: list[BusinessCaseRead] = Field(description="Newest submitted first")
    median_days_to_decision: float | None = Field(
        description="Of the decided cases, deferrals left out"
    )
