"""Documented error responses for the OpenAPI description."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    detail: str


class WorkflowErrorDetail(BaseModel):
    detail: str
    missing: list[str] = []


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {
        401: "Not signed in",
        403: "Your role may not do this",
        404: "Not found, or not visible to you",
        409: "Workflow or concurrency conflict; the message says why",
        413: "File too large",
        415: "File type not accepted",
        422: "Invalid input",
        503: "Busy, or file storage cannot be reached: try again in a few minutes",
    }
    return {
        code: {
            "model": WorkflowErrorDetail if code == 409 else ErrorDetail,
            "description": words[code],
        }
        for code in codes
        if code != 422
    } | ({422: {"description": words[422]}} if 422 in codes else {})
