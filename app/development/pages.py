"""The development plan as pages. Once the SHA has finalised an assessment, the PCT's lead
keeps its actions here; the PCT's board members, the SHA's reviewers and administrators read
them.

    /assessments/{id}/development-plan                      every action of the plan
    /assessments/{id}/development-plan/new                  add an action: the form, and
                                                            (posted) check it, then add it
    /assessments/{id}/development-plan/{action}/added       the confirmation
    /assessments/{id}/development-plan/{action}             one action with its progress
                                                            notes, and the lead's progress
                                                            form (posted: check, then save)
    /assessments/{id}/development-plan/{action}/updated     the confirmation

Both forms post to their own address in three steps, named by the button pressed (as the
return form does): ``check`` (Continue) gives the form again with its error summary, or the
check page, which carries everything typed in hidden fields; ``change`` gives the form again
with everything typed; ``confirm`` runs the service command the JSON API calls, then the
confirmation. A refusal at any step is the form again, with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationInfo, field_validator
from sqlmodel import Session

from app.actors import Actor
from app.assessments import presenters
from app.assessments.models import AssessmentStatus
from app.assessments.presenters import AssessmentPage
from app.assessments.signing_pages import DATE_PARTS, DateParts
from app.deps import SessionDep
from app.development import service
from app.development.models import (
    ActionStatus,
    DevelopmentAction,
    ProgressNote,
    SupportKind,
)
from app.development.repository import PlannedAction
from app.development.rules import is_overdue
from app.development.schemas import STATUSES, SUPPORTS, ActionCreate, ActionUpdate, a_date
from app.forms import FormPost, FormProblem, blank_to_none, posted, render_form, submit_form
from app.framework.models import Competency
from app.params import PathId
from app.permissions import Action, may_on_assessment, require_on_assessment
from app.web import PageActor, hx_redirect, render
from app.wording import count, long_date, today_in_england

router = APIRouter(include_in_schema=False)

WHOLE = "whole"
"""The competency list's choice for an action on the assessment as a whole."""
ADD_FORM = "action-form"
UPDATE_FORM = "update-form"
DUE_ON = "due_on"

ACTION_LABELS = {
    "competency_number": "the competency",
    "action": "the action",
    "owner": "the owner",
    DUE_ON: "the due date",
    "support": "the support offered",
    "support_note": "the note on support",
}
ACTION_FIELDS = ("competency_number", "action", "owner", "support", "support_note")
UPDATE_LABELS = {"status": "the status", "progress_note": "the progress note"}

CHOOSE_COMPETENCY = "Choose the competency the action develops, or the assessment as a whole"
CHOOSE_SUPPORT = "Choose the support the SHA offers, or No support offered"
CHOOSE_STATUS = "Choose the status: not started, on track, at risk or done"
NOTHING_TO_SAVE = "Choose a new status or write a progress note"


# The forms as the pages post them ------------------------------------------------------------


class ActionForm(ActionCreate):
    """An action as the add form posts it: the competency chosen from a list (or the
    assessment as a whole), the due date in three boxes, the support as a choice."""

    @field_validator("competency_number", mode="before")
    @classmethod
    def _competency(cls, value: Any) -> Any:
        if value is None or value == WHOLE:
            return None
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 2:
            return int(value)
        raise ValueError(CHOOSE_COMPETENCY)

    @field_validator("due_on", mode="before")
    @classmethod
    def _due_on(cls, value: Any) -> Any:
        if isinstance(value, DateParts):
            return value.to_date(ACTION_LABELS[DUE_ON])
        return a_date(value)

    @field_validator("support", mode="before")
    @classmethod
    def _support(cls, value: Any) -> Any:
        if isinstance(value, str) and value in SUPPORTS:
            return value
        raise ValueError(CHOOSE_SUPPORT)


class UpdateForm(ActionUpdate):
    """Progress as the action's page posts it: the status (left out when it stays as it was)
    and a progress note, with the version the page showed."""

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and value in STATUSES):
            return value
        raise ValueError(CHOOSE_STATUS)

    @field_validator("progress_note")
    @classmethod
    def _note_or_status(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and "status" in info.data and info.data["status"] is None:
            raise ValueError(NOTHING_TO_SAVE)
        return value


def _due_parts(form: FormPost) -> DateParts:
    typed = posted(form, *(f"{DUE_ON}[{name}]" for name in DATE_PARTS))
    return DateParts(*(typed[f"{DUE_ON}[{name}]"] for name in DATE_PARTS))


# What the pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteLine:
    """A progress note: what it says, who wrote it, when, and the status it set."""

    note: ProgressNote
    by: str

    @property
    def written_on(self) -> str:
        return long_date(self.note.written_at)


@dataclass(frozen=True)
class ActionLine:
    """One action of the plan as the pages show it."""

    planned: PlannedAction
    competency: Competency | None
    href: str
    today: date

    @property
    def action(self) -> DevelopmentAction:
        return self.planned.action

    @property
    def what(self) -> str:
        """ "Competency 4: …" or "The assessment as a whole"."""
        return competency_words(self.action.competency_number, self.competency)

    @property
    def overdue(self) -> bool:
        return is_overdue(self.action, self.today)

    @property
    def due_text(self) -> str:
        """ "1 March 2010", or "Overdue: due 1 March 2010"."""
        due = long_date(self.action.due_on)
        return f"Overdue: due {due}" if self.overdue else due

    @property
    def notes(self) -> tuple[NoteLine, ...]:
        """Oldest first."""
        return tuple(
            NoteLine(n, self.planned.name(n.written_by_id) or "Someone at the PCT")
            for n in self.planned.notes
        )

    @property
    def latest(self) -> NoteLine | None:
        notes = self.notes
        return notes[-1] if notes else None

    @property
    def added(self) -> str:
        """ "Added on 1 June 2009 by Jane Lead"."""
        by = self.planned.name(self.action.created_by_id)
        return f"Added on {long_date(self.action.created_at)}" + (f" by {by}" if by else "")


def competency_words(number: int | None, competency: Competency | None) -> str:
    if number is None:
        return "The assessment as a whole"
    if competency is None:
        return f"Competency {number}"
    return f"Competency {number}: {competency.title}"


@dataclass(frozen=True)
class PlanView:
    """The assessment a plan belongs to, and whether this reader keeps the plan."""

    view: AssessmentPage
    keeps: bool
    """The actor is the PCT's lead, who keeps the plan."""

    @property
    def url(self) -> str:
        return f"/assessments/{self.view.assessment.id}/development-plan"

    @property
    def finalised(self) -> bool:
        return self.view.assessment.status is AssessmentStatus.FINALISED

    @property
    def may_change(self) -> bool:
        """The lead may add actions and report progress now: once the SHA has finalised."""
        return self.keeps and self.finalised

    @property
    def caption(self) -> str:
        return f"{self.view.organisation.name}, {self.view.cycle.name}"

    @property
    def not_final(self) -> str:
        """Why there is no plan to keep yet (empty once finalised)."""
        if self.finalised:
            return ""
        status = self.view.assessment.status.label.lower()
        then = " The PCT's lead adds its actions then." if not self.keeps else ""
        return (
            "A development plan follows the SHA's final ratings. This assessment is "
            f"{status}, so its actions can be added once the SHA has finalised it.{then}"
        )

    @property
    def back(self) -> tuple[str, str]:
        """The assessment's page for this reader, and its words."""
        base = f"/assessments/{self.view.assessment.id}"
        if self.view.reviews:
            return f"{base}/review", "Back to the review"
        return base, "Back to the assessment"

    @property
    def competencies(self) -> tuple[Competency, ...]:
        return self.view.framework.competencies

    def line(self, planned: PlannedAction, today: date) -> ActionLine:
        number = planned.action.competency_number
        return ActionLine(
            planned,
            self.view.framework.competency(number) if number is not None else None,
            f"{self.url}/{planned.action.id}",
            today,
        )


@dataclass(frozen=True)
class PlanPage:
    plan: PlanView
    lines: tuple[ActionLine, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.overdue)

    @property
    def overdue_text(self) -> str:
        """ "1 action is overdue", "3 actions are overdue"."""
        n = self.overdue
        return f"{count(n, 'action')} {'is' if n == 1 else 'are'} overdue"

    @property
    def open_count(self) -> int:
        return sum(1 for line in self.lines if line.action.status is not ActionStatus.DONE)


@dataclass(frozen=True)
class ActionPage:
    plan: PlanView
    line: ActionLine

    @property
    def url(self) -> str:
        return self.line.href

    def values(self) -> dict[str, Any]:
        """The progress form as the action stands now."""
        action = self.line.action
        return {"status": action.status.value, "progress_note": "", "version": action.version}


def _plan_view(session: Session, actor: Actor, assessment_id: int) -> PlanView:
    view = presenters.assessment_page(session, actor, assessment_id)
    return PlanView(view, may_on_assessment(actor, Action.KEEP_DEVELOPMENT_PLAN, view.organisation))


def plan_page(session: Session, actor: Actor, assessment_id: int) -> PlanPage:
    """The plan for one of its readers (403 for a clinician, 404 for anyone else)."""
    planned = service.plan_of(session, actor, assessment_id)
    plan = _plan_view(session, actor, assessment_id)
    today = today_in_england()
    return PlanPage(plan, tuple(plan.line(p, today) for p in planned))


def keeper_view(session: Session, actor: Actor, assessment_id: int) -> PlanView:
    """The plan for the PCT's lead, who keeps it: 403 for a role that never does, 404 for
    anyone who may not see the assessment."""
    plan = _plan_view(session, actor, assessment_id)
    require_on_assessment(
        actor, Action.KEEP_DEVELOPMENT_PLAN, plan.view.organisation, assessment_id
    )
    return plan


def action_page(session: Session, actor: Actor, assessment_id: int, action_id: int) -> ActionPage:
    planned = service.planned_action(session, actor, assessment_id, action_id)
    plan = _plan_view(session, actor, assessment_id)
    return ActionPage(plan, plan.line(planned, today_in_england()))


# The plan ------------------------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/development-plan", response_class=HTMLResponse)
def development_plan(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    page = plan_page(session, actor, assessment_id)
    return render(request, "development/plan.html", {"page": page, "plan": page.plan})


# Add an action -------------------------------------------------------------------------------


def _add_summary(errors: dict[str, str], parts: DateParts, plan: PlanView) -> dict[str, str]:
    """The error summary's links in the order of the fields, each to the element it concerns
    (the first date box in error for the due date); with no form on the page (not finalised),
    to the words that say why."""
    links: dict[str, str] = {}
    for field in (*ACTION_LABELS, ADD_FORM):
        if field not in errors:
            continue
        if not plan.may_change:
            target = ADD_FORM
        elif field == DUE_ON:
            target = f"{DUE_ON}-{parts.parts_in_error()[0]}"
        else:
            target = field
        links.setdefault(target, errors[field])
    return links


def _add_form(
    request: Request,
    plan: PlanView,
    typed: dict[str, str] | None = None,
    parts: DateParts | None = None,
    problem: FormProblem | None = None,
) -> Response:
    errors = problem.errors if problem else {}
    parts = parts or DateParts("", "", "")
    values = {name: "" for name in ACTION_FIELDS} | (typed or {})
    values |= {name: getattr(parts, name) for name in DATE_PARTS}
    context = {
        "plan": plan,
        "values": values,
        "errors": errors,
        "summary": _add_summary(errors, parts, plan),
        "date_parts_in_error": parts.parts_in_error() if DUE_ON in errors else [],
        "supports": list(SupportKind),
    }
    return render_form(request, "development/new.html", context, problem)


def _add_check(
    request: Request, plan: PlanView, data: ActionCreate, typed: dict[str, str], parts: DateParts
) -> Response:
    number = data.competency_number
    context = {
        "plan": plan,
        "data": data,
        "competency": competency_words(
            number, plan.view.framework.competency(number) if number is not None else None
        ),
        "hidden": typed | {f"{DUE_ON}[{name}]": getattr(parts, name) for name in DATE_PARTS},
    }
    return render(request, "development/new_check.html", context)


@router.get("/assessments/{assessment_id}/development-plan/new", response_class=HTMLResponse)
def new_action(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _add_form(request, keeper_view(session, actor, assessment_id))


@router.post("/assessments/{assessment_id}/development-plan/new", response_class=HTMLResponse)
def add_action(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    plan = keeper_view(session, actor, assessment_id)
    typed = posted(form, *ACTION_FIELDS)
    parts = _due_parts(form)
    step = posted(form, "step")["step"]
    if step == "change":
        return _add_form(request, plan, typed, parts)
    confirm = step == "confirm"
    return submit_form(
        session,
        schema=ActionForm,
        data={**typed, DUE_ON: parts},
        labels=ACTION_LABELS,
        form_field=ADD_FORM,
        command=lambda data: (
            service.add_action(session, actor, assessment_id, data=data)
            if confirm
            else service.check_action(session, actor, assessment_id, data=data)
        ),
        done=lambda result: (
            hx_redirect(request, f"{plan.url}/{result.id}/added")
            if isinstance(result, DevelopmentAction)
            else _add_check(request, plan, result, typed, parts)
        ),
        page=lambda problem: _add_form(
            request, keeper_view(session, actor, assessment_id), typed, parts, problem
        ),
    )


@router.get(
    "/assessments/{assessment_id}/development-plan/{action_id}/added", response_class=HTMLResponse
)
def action_added(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    action_id: PathId,
) -> Response:
    page = action_page(session, actor, assessment_id, action_id)
    return render(request, "development/added.html", {"page": page, "plan": page.plan})


# One action, and its progress ------------------------------------------------------------------


def _action_page(
    request: Request,
    page: ActionPage,
    typed: dict[str, str] | None = None,
    problem: FormProblem | None = None,
) -> Response:
    errors = problem.errors if problem else {}
    values = page.values() | (typed or {})
    if problem is not None and problem.current_version is not None:
        values["version"] = problem.current_version
    if not page.plan.may_change:
        # No form to correct: every message leads to the words that say why.
        summary = {UPDATE_FORM: next(iter(errors.values()))} if errors else {}
    else:
        summary = {
            field: errors[field] for field in (*UPDATE_LABELS, UPDATE_FORM) if field in errors
        }
    context = {
        "page": page,
        "plan": page.plan,
        "values": values,
        "errors": errors,
        "summary": summary,
        "problem": problem,
        "statuses": list(ActionStatus),
    }
    return render_form(request, "development/action.html", context, problem)


def _update_check(
    request: Request, page: ActionPage, data: UpdateForm, typed: dict[str, str]
) -> Response:
    context = {
        "page": page,
        "plan": page.plan,
        "status": data.status or page.line.action.status,
        "changes_status": data.status is not None,
        "note": data.progress_note or "",
        "hidden": typed,
    }
    return render(request, "development/action_check.html", context)


@router.get(
    "/assessments/{assessment_id}/development-plan/{action_id}", response_class=HTMLResponse
)
def development_action(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    action_id: PathId,
) -> Response:
    return _action_page(request, action_page(session, actor, assessment_id, action_id))


@router.post(
    "/assessments/{assessment_id}/development-plan/{action_id}", response_class=HTMLResponse
)
def update_action(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    action_id: PathId,
    form: FormPost,
) -> Response:
    page = action_page(session, actor, assessment_id, action_id)
    require_on_assessment(
        actor, Action.KEEP_DEVELOPMENT_PLAN, page.plan.view.organisation, assessment_id
    )
    typed = posted(form, "status", "progress_note", "version")
    step = posted(form, "step")["step"]
    if step == "change":
        return _action_page(request, page, typed)
    confirm = step == "confirm"
    # A status left as it was is no change: only a new one is sent.
    status = typed["status"] if typed["status"] != page.line.action.status.value else ""
    data = blank_to_none({**typed, "status": status}, "status", "version")
    return submit_form(
        session,
        schema=UpdateForm,
        data=data,
        labels=UPDATE_LABELS,
        form_field=UPDATE_FORM,
        command=lambda body: (
            service.update_action(session, actor, assessment_id, action_id, data=body)
            if confirm
            else body
        ),
        done=lambda result: (
            hx_redirect(request, f"{page.url}/updated")
            if isinstance(result, DevelopmentAction)
            else _update_check(request, page, result, typed)
        ),
        page=lambda problem: _action_page(
            request, action_page(session, actor, assessment_id, action_id), typed, problem
        ),
    )


@router.get(
    "/assessments/{assessment_id}/development-plan/{action_id}/updated",
    response_class=HTMLResponse,
)
def action_updated(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    assessment_id: PathId,
    action_id: PathId,
) -> Response:
    page = action_page(session, actor, assessment_id, action_id)
    return render(request, "development/updated.html", {"page": page, "plan": page.plan})
