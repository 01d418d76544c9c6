"""Liveness and readiness probes."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from app import storage
from app.db import get_engine
from app.deps import SessionDep
from app.schema_migrations import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/healthz/database", responses={503: {"description": "Database unreachable"}})
def healthz_database(session: SessionDep) -> dict[str, str]:
    """The database answers a query (one statement, no schema check: see /readyz)."""
    session.exec(sa.select(sa.literal(1))).one()
    return {"status": "ok", "database": "ok"}


@router.get("/healthz/storage", responses={503: {"description": "File storage unreachable"}})
def healthz_storage() -> JSONResponse:
    """The file store (a folder, or the S3 bucket) answers. Not part of /readyz: with the
    store down, pages and reports still work and only files wait, so a server stays in use."""
    try:
        storage.current().check()
    except storage.StorageUnavailable:
        return JSONResponse(
            {"status": "unavailable", "detail": "File storage is not reachable"}, status_code=503
        )
    return JSONResponse({"status": "ok", "storage": "ok"})


@router.get("/readyz", responses={503: {"description": "Database unreachable or not migrated"}})
def readyz() -> JSONResponse:
    """The database answers and its schema is at the latest migration. Anyone may ask, so
    the answer names no revision (the operator has `wcc db upgrade`)."""
    try:
        with get_engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            revision = current_revision(connection)
    except SQLAlchemyError:
        return JSONResponse(
            {"status": "unavailable", "detail": "The database is not reachable"}, status_code=503
        )
    if revision != head_revision():
        return JSONResponse(
            {
                "status": "unavailable",
                "detail": "The database schema is not at the latest migration: "
                "run `wcc db upgrade`",
            },
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "schema": "current"})
