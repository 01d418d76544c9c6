"""Which server is rendering which report now, so that servers sharing the database render
each report once (``app.reports.render_lease``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime

HOLDER_MAX = 120


class ReportRender(SQLModel, table=True):
    __tablename__ = "report_render"

    key: str = Field(primary_key=True, max_length=64)
    """The report's cache key (``app.reports.cache.key``)."""
    holder: str = Field(max_length=HOLDER_MAX)
    """Machine, process and a random part: the server rendering it."""
    expires_at: datetime = Field(sa_type=UTCDateTime)
    """After this the render is taken to have failed and another server may take it."""
