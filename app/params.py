"""Bounds for ids in paths, queries and bodies: anything outside is a 422, never a database
error (both databases store ids as 32-bit integers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**31 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
PathNumber = Annotated[int, Path(ge=0, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int | None, Field(default=None, ge=1, le=MAX_ID)]
# A criterion of a competency, such as "1.2"; one the framework does not have is not found.
PathCriterion = Annotated[str, Path(min_length=1, max_length=10)]
