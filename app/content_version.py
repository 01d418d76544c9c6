"""The content version: one number that every write to the data API reads are built from
replaces, so that a cached answer can be checked for freshness within the statement that signs
the caller in (see app.read_cache).

Database triggers keep it (migration 7d2b5c9e4a16), whatever writes: the service layer, the
demo loader, a restore. The new value is random, so that a restored or rebuilt database never
repeats a value a running server has seen. On PostgreSQL the change is made once per
transaction, at commit (a deferred trigger), so the row is locked only for the last moment of a
writing transaction and never before any other row.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Tables an API read may be built from: a write to any of them changes the version.
CONTENT_TABLES = frozenset(
    {
        "assessment",
        "attachment",
        "cycle",
        "evidence_competency",
        "evidence_item",
        "evidence_rating",
        "evidence_snapshot",
        "organisation",
        "review_score",
        "self_score",
        "user_account",
    }
)
# Tables no cached read shows: sign-in bookkeeping, the audit trail (never cached), and tables
# derived from a content table by trigger.
OTHER_TABLES = frozenset(
    {
        "audit_event",
        "browser_session",
        "competency_evidence_count",
        "content_version",
        "sign_in_attempt",
    }
)


class ContentVersion(SQLModel, table=True):
    """A single row (id 1) holding the current content version."""

    __tablename__ = "content_version"

    id: int = Field(primary_key=True)
    version: int = Field(sa_type=sa.BigInteger)
