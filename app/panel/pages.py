"""The assurance panel as a page: the SHA's reviewers record when it sat, who sat on it, who
came for the PCT and what it noted; everyone else who may see the assessment reads it.

The form's people are typed one per line ("name, role"), and its date in three boxes; the
post goes through ``forms.submit_form`` to ``panel.service.put_panel``, the command the JSON
API calls, so a refusal comes back as the form again with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import field_validator
from sqlmodel import Session

from app.actors import Actor
from app.assessments import presenters
from app.assessments.models import AssessmentStatus
from app.assessments.presenters import AssessmentPage
from app.assessments.signing_pages import DATE_PARTS, DateParts
from app.deps import SessionDep
from app.forms import FormPost, FormProblem, blank_to_none, posted, render_form, submit_form
from app.panel import service
from app.panel.models import Panel
from app.panel.schemas import PanelWrite
from app.params import PathId
from app.permissions import Action, may_on_assessment
from app.web import PageActor, hx_redirect

router = APIRouter(include_in_schema=False)

PANEL_LABELS = {
    "date": "the date of the panel",
    "members": "the panel's members",
    "pct_attendees": "who came for the PCT",
    "notes": "the notes",
}
MAX_PEOPLE = 30
NAME_MAX = 200


def people_text(people: list[dict[str, str]]) -> str:
    """People as the form shows them: one per line, "name, role"."""
    return "\n".join(
        f"{p.get('name', '')}, {p['role']}" if p.get("role") else p.get("name", "") for p in people
    )


def _people(text: str, what: str) -> list[dict[str, str]]:
    """The people typed one per line ("name, role"), or ValueError saying which line is wrong."""
    found: list[dict[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _, role = (part.strip() for part in line.partition(","))
        if not name:
            raise ValueError(f"Line {number} of {what} has no name before the comma")
        if len(name) > NAME_MAX or len(role) > NAME_MAX:
            raise ValueError(
                f"Line {number} of {what} is too long: keep each name and role to "
                f"{NAME_MAX} characters"
            )
        found.append({"name": name, "role": role})
    if len(found) > MAX_PEOPLE:
        raise ValueError(f"List up to {MAX_PEOPLE} people in {what}, one per line")
    return found


class PanelForm(PanelWrite):
    """The panel as the page posts it: the date in three boxes, the people as lines."""

    @field_validator("date", mode="before")
    @classmethod
    def _from_boxes(cls, value: Any) -> Any:
        if isinstance(value, DateParts):
            return value.to_date(PANEL_LABELS["date"])
        return value

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, value: Any) -> Any:
        if isinstance(value, str):
            people = _people(value, PANEL_LABELS["members"])
            if not people:
                raise ValueError("Enter the panel's members, one person per line")
            return people
        return value

    @field_validator("pct_attendees", mode="before")
    @classmethod
    def _attendees(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _people(value, PANEL_LABELS["pct_attendees"])
        return value


@dataclass(frozen=True)
class PanelPage:
    """The panel page: the assessment, its panel (if recorded) and whether this actor may
    record it now."""

    view: AssessmentPage
    panel: Panel | None
    records: bool
    """The actor is one of the SHA's reviewers of this PCT."""

    @property
    def may_record(self) -> bool:
        return self.records and self.view.assessment.status is not AssessmentStatus.FINALISED

    @property
    def back(self) -> tuple[str, str]:
        """Where the back link leads, and its words."""
        base = f"/assessments/{self.view.record.id}"
        if self.records:
            return f"{base}/review", "Back to the review"
        return base, "Back to the assessment"

    def values(self) -> dict[str, Any]:
        """The form as saved now (blank until recorded)."""
        panel = self.panel
        when = panel.panel_date if panel else None
        return {
            "day": str(when.day) if when else "",
            "month": str(when.month) if when else "",
            "year": str(when.year) if when else "",
            "members": people_text(panel.members) if panel else "",
            "pct_attendees": people_text(panel.pct_attendees) if panel else "",
            "notes": panel.notes if panel else "",
            "version": panel.version if panel else None,
        }


def panel_page(session: Session, actor: Actor, assessment_id: int) -> PanelPage:
    view = presenters.assessment_page(session, actor, assessment_id)
    return PanelPage(
        view=view,
        panel=service.panel_of(session, actor, assessment_id),
        records=may_on_assessment(actor, Action.RECORD_PANEL, view.organisation),
    )


def _summary(errors: dict[str, str], parts: DateParts) -> dict[str, str]:
    """The error summary's links, in the order of the fields, each to the box it concerns
    (for the date, the first of its boxes in error)."""
    links: dict[str, str] = {}
    for field in PANEL_LABELS:
        if field in errors:
            target = f"panel_date-{parts.parts_in_error()[0]}" if field == "date" else field
            links[target] = errors[field]
    for field, message in errors.items():
        if field not in PANEL_LABELS:
            links.setdefault("panel-form", message)
    return links


def _page(
    request: Request,
    page: PanelPage,
    *,
    typed: dict[str, Any] | None = None,
    parts: DateParts | None = None,
    problem: FormProblem | None = None,
) -> Response:
    errors = problem.errors if problem else {}
    values = page.values()
    if typed is not None and parts is not None:
        values |= typed | {name: getattr(parts, name) for name in DATE_PARTS}
        if problem is not None and problem.current_version is not None:
            values["version"] = problem.current_version
    context = {
        "view": page.view,
        "page": page,
        "values": values,
        "errors": errors,
        "summary": _summary(errors, parts or DateParts("", "", "")),
        "date_parts_in_error": parts.parts_in_error() if parts and "date" in errors else [],
    }
    return render_form(request, "panel/panel.html", context, problem)


@router.get("/assessments/{assessment_id}/panel", response_class=HTMLResponse)
def panel(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _page(request, panel_page(session, actor, assessment_id))


@router.post("/assessments/{assessment_id}/panel", response_class=HTMLResponse)
def record_panel(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    typed = posted(form, "members", "pct_attendees", "notes", "version")
    boxes = posted(form, *(f"panel_date[{name}]" for name in DATE_PARTS))
    parts = DateParts(*(boxes[f"panel_date[{name}]"] for name in DATE_PARTS))
    data = {**blank_to_none(typed, "version"), "date": parts}
    return submit_form(
        session,
        schema=PanelForm,
        data=data,
        labels=PANEL_LABELS,
        form_field="panel-form",
        command=lambda body: service.put_panel(session, actor, assessment_id, data=body),
        done=lambda _: hx_redirect(
            request, f"/assessments/{assessment_id}/panel", flash="The panel record is saved."
        ),
        page=lambda problem: _page(
            request,
            panel_page(session, actor, assessment_id),
            typed=typed,
            parts=parts,
            problem=problem,
        ),
    )
