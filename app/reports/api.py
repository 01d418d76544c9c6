"""Report and export routes: the PCT assurance report, the SHA summary, spreadsheets."""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId
from app.reports import context, documents, sha_summary, spreadsheet
from app.reports.cache import CachedPdf, cached_pdf
from app.reports.pool import render_pdf_in_pool

router = APIRouter(prefix="/api/v1", tags=["reports"])
PDF = {"content": {"application/pdf": {}}, "description": "The report"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(parts)).strip("-")


def _download(body: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def _pdf(pdf: CachedPdf, filename: str) -> Response:
    """The report, saying whether it was rendered now or kept (``X-Report-Source``)."""
    response = _download(pdf.body, "application/pdf", filename)
    response.headers["X-Report-Source"] = pdf.source
    return response


@router.get(
    "/assessments/{assessment_id}/report.pdf",
    response_class=Response,
    responses={200: PDF, **errors(401, 404, 503)},
)
async def assessment_report(
    assessment_id: PathId, session: SessionDep, actor: CurrentActor
) -> Response:
    """The PCT assurance report as PDF; marked as a draft on every page until finalised."""
    report = await run_in_threadpool(context.assessment_report, session, actor, assessment_id)
    render = partial(render_pdf_in_pool, organisation=report.organisation.code)
    pdf = await cached_pdf(documents.assessment_html(report), render)
    return _pdf(
        pdf, _filename("wcc", report.organisation.code, report.cycle.name, "report") + ".pdf"
    )


@router.get(
    "/assessments/{assessment_id}/export.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX: {}}, "description": "Scores and evidence"},
        **errors(401, 404),
    },
)
def assessment_xlsx(assessment_id: PathId, session: SessionDep, actor: CurrentActor) -> Response:
    """Scores and evidence as an Excel workbook (two sheets)."""
    report = context.assessment_report(session, actor, assessment_id)
    name = _filename("wcc", report.organisation.code, report.cycle.name) + ".xlsx"
    return _download(spreadsheet.to_xlsx(report), XLSX, name)


@router.get(
    "/assessments/{assessment_id}/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "Scores"}, **errors(401, 404)},
)
def assessment_csv(assessment_id: PathId, session: SessionDep, actor: CurrentActor) -> Response:
    """The scores as CSV, with the same columns as the workbook's Scores sheet."""
    report = context.assessment_report(session, actor, assessment_id)
    name = _filename("wcc", report.organisation.code, report.cycle.name, "scores") + ".csv"
    return _download(spreadsheet.to_csv(report), "text/csv; charset=utf-8", name)


@router.get(
    "/cycles/{cycle_id}/sha-report.pdf",
    response_class=Response,
    responses={200: PDF, **errors(401, 403, 404, 422, 503)},
)
async def sha_report(
    cycle_id: PathId,
    session: SessionDep,
    actor: CurrentActor,
    sha_code: Annotated[str, Query(min_length=1, max_length=12)],
) -> Response:
    """Every PCT of the SHA in the cycle, for its board: a heat map of levels (review, else
    self, with the gap), governance, outcomes against trajectory, status, and the movement
    since the previous cycle's finalised assessments."""
    report = await run_in_threadpool(sha_summary.sha_report, session, actor, cycle_id, sha_code)
    render = partial(render_pdf_in_pool, organisation=report.sha.code)
    pdf = await cached_pdf(documents.sha_html(report), render)
    return _pdf(pdf, _filename("wcc", report.sha.code, report.cycle.name, "summary") + ".pdf")


class HeatmapGovernance(BaseModel):
    rating: str
    """red, amber or green"""
    rated_by: str
    """"sha" once the SHA's panel has rated the area, else "pct"."""


class HeatmapOutcome(BaseModel):
    title: str
    on_trajectory: bool | None
    """Whether the latest actual meets the value aimed for that year; null with no actual
    to compare."""
    status: str


class HeatmapRow(BaseModel):
    organisation_code: str
    organisation_name: str
    status: str
    self_levels: dict[int, int]
    review_levels: dict[int, int]
    gaps: dict[int, int]
    governance: dict[str, HeatmapGovernance] = {}
    outcomes: list[HeatmapOutcome] = []
    previous_finalised: bool = False
    """Whether the PCT has a previous finalised assessment (the latest finalised one of an
    earlier cycle, as ``GET /assessments/{id}/comparison`` finds it): only then are previous
    levels and movement given."""
    previous_review_levels: dict[int, int] = {}
    """The SHA's final levels in that assessment, for the competencies this cycle assesses."""
    movement: dict[int, int] = {}
    """This cycle's review level minus the previous cycle's final one, where both are
    known."""


class Heatmap(BaseModel):
    sha_code: str
    cycle_id: int
    competencies: list[int]
    """The competencies the cycle assesses."""
    rows: list[HeatmapRow]
    previous_cycle_id: int | None = None
    """The cycle before this one by dates, that movement is measured against."""
    previous_cycle_name: str | None = None


@router.get(
    "/cycles/{cycle_id}/heatmap", response_model=Heatmap, responses=errors(401, 403, 404, 422)
)
def sha_heatmap(
    cycle_id: PathId,
    session: SessionDep,
    actor: CurrentActor,
    sha_code: Annotated[str, Query(min_length=1, max_length=12)],
) -> Heatmap:
    """The regional view as data: each PCT of the SHA by competency the cycle assesses, with
    self level, review level and the gap between them (review minus self), its governance
    ratings (the SHA's where given, else the PCT's) and its outcome measures against their
    trajectories, and each level's movement since the previous cycle's finalised assessment,
    for assessments the caller may see."""
    return _heatmap(sha_summary.sha_report(session, actor, cycle_id, sha_code), cycle_id)


def _heatmap(report: sha_summary.ShaReport, cycle_id: int) -> Heatmap:
    previous = report.previous_cycle
    return Heatmap(
        sha_code=report.sha.code,
        cycle_id=cycle_id,
        competencies=[c.number for c in report.framework.competencies],
        previous_cycle_id=previous.id if previous else None,
        previous_cycle_name=previous.name if previous else None,
        rows=[
            HeatmapRow(
                organisation_code=line.organisation.code,
                organisation_name=line.organisation.name,
                status=line.status_label,
                self_levels=line.self_levels,
                review_levels=line.review_levels,
                gaps={
                    n: line.review_levels[n] - line.self_levels[n]
                    for n in line.review_levels
                    if n in line.self_levels
                },
                governance={
                    cell.area.value: HeatmapGovernance(
                        rating=cell.rating.value, rated_by="sha" if cell.by_sha else "pct"
                    )
                    for cell in line.governance
                    if cell.rating is not None
                },
                outcomes=[
                    HeatmapOutcome(
                        title=o.outcome.title,
                        on_trajectory=o.status.on_trajectory,
                        status=o.status.text,
                    )
                    for o in line.outcomes
                ],
                previous_finalised=line.has_previous,
                previous_review_levels=line.previous_review_levels,
                movement={m.number: m.change for m in line.compared if m.change is not None},
            )
            for line in report.pcts
        ],
    )
