"""The audit trail of one assessment, in words: who changed what, when, before and after.

/assessments/{id}/audit     newest first, 50 events a page (?page=2)
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.actors import Actor
from app.assessments.models import Assessment
from app.audit import history
from app.audit.presenters import EventLine, Names, describe
from app.deps import SessionDep
from app.params import PathId
from app.web import PageActor, render, templates

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def audit_trail_url(actor: Actor | None, assessment: Assessment) -> str | None:
    """The address of the assessment's audit trail, for those who may read it (else None):
    what the assessment's page links to."""
    if actor is None or assessment.id is None:
        return None
    if not history.may_read(actor, assessment.organisation_id):
        return None
    return f"/assessments/{assessment.id}/audit"


templates.env.globals["audit_trail_url"] = audit_trail_url


@dataclass(frozen=True)
class TrailPage:
    """A page of the trail, as the template shows it."""

    found: history.AssessmentHistory
    lines: list[EventLine]
    page: int
    pages: int

    @property
    def url(self) -> str:
        return f"/assessments/{self.found.assessment.id}/audit"

    @property
    def first_number(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    def page_url(self, number: int) -> str:
        return self.url if number == 1 else f"{self.url}?page={number}"


def _page_number(page: str) -> int:
    digits = page if page.isascii() and page.isdigit() and len(page) < 7 else ""
    return max(int(digits or 1), 1)


@router.get("/assessments/{assessment_id}/audit", response_class=HTMLResponse)
def audit_trail(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, page: str = "1"
) -> Response:
    number = _page_number(page)
    found = history.assessment_history(
        session, actor, assessment_id, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    names = Names(evidence=found.evidence_titles, actions=found.action_texts)
    lines = [describe(e.event, e.actor_name, e.actor_role, names) for e in found.events]
    trail = TrailPage(found, lines, number, max(ceil(found.total / PAGE_SIZE), 1))
    return render(request, "assessments/audit_trail.html", {"trail": trail})
