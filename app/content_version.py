"""The content version: a single row (id 1) left from the read cache, which nothing changes
any more.

Triggers used to replace the number on every write to a table API reads are built from, so
that a cached answer could be checked for freshness within the statement that signs the
caller in. The cache did not pay under a mixed workload and was removed with the triggers
(migration 9463d2f479de). The row stays only because the sign-in statement
(app.auth.service) still reads it into ``Actor.content_version``, and app.tables and
tests/test_backup.py name the table; dropping it is a migration together with those edits.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ContentVersion(SQLModel, table=True):
    """A single row (id 1); its number no longer changes."""

    __tablename__ = "content_version"

    id: int = Field(primary_key=True)
    version: int = Field(sa_type=sa.BigInteger)
