"""The practice-based commissioning register: for each PBC group, what the PCT holds about it
(its practices, GPs and registered list, the indicative budget it shared and when, and the
autonomy the group has earned) and the business cases the group brought to the PCT."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, enum_column, utcnow, version_column

MAX_GPS = 2_000
"""No PBC group had more GPs than this; a larger number is a typing error."""
MAX_PRACTICES = 500
MAX_LIST_SIZE = 5_000_000
"""A registered list larger than any PCT's population is a typing error."""
MAX_BUDGET_PENCE = 200_000_000_000
"""£2 billion, in pence: more than any PCT's whole allocation."""
MAX_FREED_PENCE = 50_000_000_000
"""£500 million, in pence."""
TITLE_MAX = 300


class EarnedAutonomy(StrEnum):
    """How much freedom the PCT gives the group over its indicative budget, earned by a
    record of managing it well (the PCT's own tiers; none while it is new)."""

    NONE = "none"
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"

    @property
    def label(self) -> str:
        return _AUTONOMY_LABELS[self][0]

    @property
    def description(self) -> str:
        return _AUTONOMY_LABELS[self][1]


_AUTONOMY_LABELS: dict[EarnedAutonomy, tuple[str, str]] = {
    EarnedAutonomy.NONE: ("No earned autonomy yet", "Every business case goes to the PCT"),
    EarnedAutonomy.LEVEL_1: (
        "Level 1: keeps a share of savings",
        "Keeps a share of the savings it makes, for schemes the PCT agrees",
    ),
    EarnedAutonomy.LEVEL_2: (
        "Level 2: agrees small schemes itself",
        "Agrees small schemes within its budget itself and reports them to the PCT",
    ),
    EarnedAutonomy.LEVEL_3: (
        "Level 3: commissions within its budget",
        "Commissions services within its indicative budget, held to account afterwards",
    ),
}


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"

    @property
    def label(self) -> str:
        return _DECISION_LABELS[self][0]

    @property
    def tag_colour(self) -> str:
        return _DECISION_LABELS[self][1]


_DECISION_LABELS: dict[Decision, tuple[str, str]] = {
    Decision.APPROVED: ("Approved", "green"),
    Decision.REJECTED: ("Rejected", "red"),
    Decision.DEFERRED: ("Deferred", "yellow"),
}


_register_version = version_column()


class PbcRegister(SQLModel, table=True):
    """The PCT's register entry for one PBC group (an organisation of kind ``pbc_group``)."""

    __tablename__ = "pbc_register"
    __table_args__ = (
        sa.CheckConstraint(
            f"practice_count IS NULL OR practice_count BETWEEN 0 AND {MAX_PRACTICES}",
            name="practice_count_range",
        ),
        sa.CheckConstraint(f"gp_count BETWEEN 0 AND {MAX_GPS}", name="gp_count_range"),
        sa.CheckConstraint(f"list_size BETWEEN 0 AND {MAX_LIST_SIZE}", name="list_size_range"),
        sa.CheckConstraint(
            f"indicative_budget IS NULL OR indicative_budget BETWEEN 0 AND {MAX_BUDGET_PENCE}",
            name="indicative_budget_range",
        ),
        sa.CheckConstraint(
            "budget_shared_on IS NULL OR indicative_budget IS NOT NULL",
            name="budget_shared_needs_budget",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", unique=True)
    practice_count: int | None = None
    gp_count: int
    list_size: int
    indicative_budget: int | None = Field(default=None, sa_type=sa.BigInteger)
    """In pence."""
    budget_shared_on: date | None = None
    earned_autonomy: EarnedAutonomy = Field(
        default=EarnedAutonomy.NONE, sa_type=enum_column(EarnedAutonomy, "earned_autonomy")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_register_version)

    __mapper_args__ = {"version_id_col": _register_version}


_case_version = version_column()


class BusinessCase(SQLModel, table=True):
    """A business case a PBC group put to its PCT: when, what the PCT decided and when, when
    it was put into effect, and the resources it freed up."""

    __tablename__ = "business_case"
    __table_args__ = (
        sa.CheckConstraint(
            "decided_on IS NULL OR decided_on >= submitted_on", name="decided_after_submitted"
        ),
        sa.CheckConstraint(
            "implemented_on IS NULL OR (decided_on IS NOT NULL AND implemented_on >= decided_on)",
            name="implemented_after_decided",
        ),
        sa.CheckConstraint(
            "(decided_on IS NULL) = (decision IS NULL)", name="decision_with_its_date"
        ),
        sa.CheckConstraint(
            f"freed_up_resources IS NULL OR freed_up_resources BETWEEN 0 AND {MAX_FREED_PENCE}",
            name="freed_up_resources_range",
        ),
        sa.Index("ix_business_case_group_id_submitted_on", "group_id", "submitted_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    submitted_on: date
    decided_on: date | None = None
    decision: Decision | None = Field(
        default=None, sa_type=enum_column(Decision, "business_case_decision")
    )
    implemented_on: date | None = None
    freed_up_resources: int | None = Field(default=None, sa_type=sa.BigInteger)
    """In pence."""
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_case_version)

    __mapper_args__ = {"version_id_col": _case_version}
