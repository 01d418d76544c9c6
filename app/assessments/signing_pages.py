"""The board's sign-off, its withdrawal, and the lead's submission, as pages.

Each is a check-your-answers page (GET), a form post through ``forms.submit_form`` (POST),
and a confirmation panel (GET ``…/done``): a plain post is answered with a 303 to the panel,
an htmx post with ``HX-Redirect``; a refusal comes back as the same page, with the error
summary linked to the field and everything typed still in the form. Each form sends back
what its page showed (``seen``, see ``assessments.seen``): a decision on an assessment that
changed since is refused (409), saying what changed, with the page as it stands now.

    /assessments/{id}/sign-off            board member: the whole self-assessment, then the
                                          meeting date, the minute and the declaration
    /assessments/{id}/withdraw-sign-off   lead or board member: a reason, then back to draft
    /assessments/{id}/submit              lead: what the board signed, then to the SHA
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import field_validator
from sqlmodel import Session

from app.actors import Actor
from app.assessments import presenters, service, workflow
from app.assessments.models import AssessmentStatus
from app.assessments.presenters import AssessmentPage
from app.assessments.record import AssessmentRecord
from app.assessments.schemas import SignOffRequest, TransitionRequest, WithdrawSignOffRequest
from app.assessments.seen import token as seen_token
from app.assessments.workflow import Move
from app.deps import SessionDep
from app.forms import FormPost, FormProblem, blank_to_none, posted, render_form, submit_form
from app.params import PathId
from app.web import PageActor, hx_redirect

router = APIRouter(include_in_schema=False)

DECLARATION = (
    "I confirm the board has considered this self-assessment and its evidence and agrees it"
)
SIGN_OFF_LABELS = {
    "meeting_date": "the date of the board meeting",
    "minute_reference": "the minute reference",
    "declaration": "the declaration",
}
WITHDRAW_LABELS = {"reason": "why the sign-off is withdrawn"}
DATE_PARTS = ("day", "month", "year")
# Refusals that name no field are linked to these (each is on its page in every state).
SIGN_OFF_FORM = "sign-off"
SUBMIT_FORM = "submit-to-sha"


# What the board signs -------------------------------------------------------------------------


def short(fingerprint: str | None) -> str:
    """The first twelve characters: enough to tell two fingerprints apart by eye."""
    return (fingerprint or "")[:12]


def grouped(fingerprint: str | None) -> str:
    """The whole fingerprint in groups of eight, so that it wraps on a phone."""
    text = fingerprint or ""
    return " ".join(text[i : i + 8] for i in range(0, len(text), 8))


@dataclass(frozen=True)
class SigningPage:
    """A sign-off, withdrawal or submission page: the assessment (loaded full), the
    fingerprint of what it holds now, and whether the actor may take the step now (or why
    not)."""

    view: AssessmentPage
    move: Move
    fingerprint: str
    refusal: str = ""
    """Why the step cannot be taken now; empty when it can."""

    @property
    def record(self) -> AssessmentRecord:
        return self.view.record

    @property
    def allowed(self) -> bool:
        return not self.refusal

    @property
    def shows_form(self) -> bool:
        """The form is offered: the step is allowed now and, for a sign-off, nothing is
        missing."""
        if self.move is Move.SIGN_OFF:
            return self.allowed and self.record.readiness.ready
        if self.move is Move.SUBMIT:
            return self.allowed and not self.changed_since_sign_off
        return self.allowed

    @property
    def shows_readiness(self) -> bool:
        """Whether "ready for sign-off" means anything now: only while the PCT may change
        it (never once signed off or submitted)."""
        return self.view.assessment.status in workflow.PCT_EDITABLE

    @property
    def seen(self) -> str:
        """What this page shows, for its form to send back (``assessments.seen``)."""
        return seen_token(self.record, self.move)

    @property
    def short_fingerprint(self) -> str:
        return short(self.fingerprint)

    @property
    def full_fingerprint(self) -> str:
        return grouped(self.fingerprint)

    @property
    def signed_fingerprint(self) -> str | None:
        return self.view.assessment.signed_off_fingerprint

    @property
    def signed_short_fingerprint(self) -> str:
        return short(self.signed_fingerprint)

    @property
    def changed_since_sign_off(self) -> bool:
        """The board signed something other than what the assessment holds now (the lock
        should make this impossible; the page says so if it ever happens)."""
        signed = self.signed_fingerprint
        return bool(signed) and signed != self.fingerprint

    @property
    def compared_round(self) -> int | None:
        """The round the competencies are compared with, when there has been one."""
        return self.record.changed[0]

    @property
    def changed_numbers(self) -> list[int]:
        return sorted(self.record.changed[1])

    @property
    def changed_since_signed(self) -> list[int] | None:
        """The competencies changed since the board last signed, after a withdrawal or a
        return; None when there is no earlier sign-off to compare with."""
        changed = self.record.changed_since_signed
        return None if changed is None else sorted(changed)

    @property
    def signed_by(self) -> str:
        return self.view.person(self.view.assessment.signed_off_by_id) or "A board member"

    @property
    def withdrawn_by(self) -> str:
        return self.view.person(self.view.assessment.sign_off_withdrawn_by_id) or "Someone"


def signing_page(session: Session, actor: Actor, assessment_id: int, move: Move) -> SigningPage:
    """The page for ``move`` (``presenters.step_page``), with the reason when the status does
    not allow it now."""
    view = presenters.step_page(session, actor, assessment_id, move, full=True)
    return SigningPage(
        view=view,
        move=move,
        fingerprint=view.record.fingerprint,
        refusal=view.record.why_not_now(move) or "",
    )


# The meeting date, from its three boxes --------------------------------------------------------


@dataclass(frozen=True)
class DateParts:
    """What was typed in the day, month and year boxes."""

    day: str
    month: str
    year: str

    def blank(self) -> list[str]:
        return [name for name in DATE_PARTS if not getattr(self, name).strip()]

    def to_date(self, what: str) -> date:
        """The date, or ValueError with a sentence saying what is wrong with it."""
        blank = self.blank()
        if len(blank) == len(DATE_PARTS):
            raise ValueError(f"Enter {what}")
        if blank:
            raise ValueError(f"{what[:1].upper()}{what[1:]} must include a {' and '.join(blank)}")
        day, month, year = (getattr(self, name).strip() for name in DATE_PARTS)
        if not all(p.isascii() and p.isdigit() for p in (day, month, year)):
            raise ValueError(f"{what[:1].upper()}{what[1:]} must be a real date, in numbers")
        if len(year) != 4:
            raise ValueError("The year must have 4 numbers, for example 2009")
        if len(day) > 2 or len(month) > 2:
            raise ValueError(f"{what[:1].upper()}{what[1:]} must be a real date")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValueError(f"{what[:1].upper()}{what[1:]} must be a real date") from None

    def parts_in_error(self) -> list[str]:
        """The boxes to mark: the ones left blank, when some were filled; else all three."""
        blank = self.blank()
        return blank if 0 < len(blank) < len(DATE_PARTS) else list(DATE_PARTS)


class SignOffForm(SignOffRequest):
    """The sign-off as the page posts it: the meeting date in three boxes; every mistake is
    found at once by the request's own rules."""

    @field_validator("meeting_date", mode="before")
    @classmethod
    def _from_boxes(cls, value: Any) -> Any:
        if isinstance(value, DateParts):
            return value.to_date(SIGN_OFF_LABELS["meeting_date"])
        return value


def _date_parts(form: FormPost) -> DateParts:
    typed = posted(form, *(f"meeting_date[{name}]" for name in DATE_PARTS))
    return DateParts(*(typed[f"meeting_date[{name}]"] for name in DATE_PARTS))


def _sign_off_errors(
    errors: dict[str, str], parts: DateParts, *, form_shown: bool
) -> dict[str, str]:
    """The error summary's links in the order of the fields on the page, each to the box
    it concerns (the first date box in error for the meeting date); when the page shows no
    form (the assessment cannot be signed off now), every message links to the section that
    says why."""
    links: dict[str, str] = {}
    for field in (*SIGN_OFF_LABELS, SIGN_OFF_FORM):
        if field not in errors:
            continue
        if not form_shown:
            target = SIGN_OFF_FORM
        elif field == "meeting_date":
            target = f"meeting_date-{parts.parts_in_error()[0]}"
        else:
            target = field
        links.setdefault(target, errors[field])
    return links


# The board's sign-off --------------------------------------------------------------------------


def _sign_off(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    typed: dict[str, Any] | None = None,
    parts: DateParts | None = None,
    problem: FormProblem | None = None,
) -> Response:
    page = signing_page(session, actor, assessment_id, Move.SIGN_OFF)
    parts = parts or DateParts("", "", "")
    errors = problem.errors if problem else {}
    context = {
        "view": page.view,
        "signing": page,
        "values": {
            **{name: getattr(parts, name) for name in DATE_PARTS},
            "minute_reference": (typed or {}).get("minute_reference", ""),
            "declaration": (typed or {}).get("declaration") == "yes",
        },
        "errors": errors,
        "summary": _sign_off_errors(errors, parts, form_shown=page.shows_form),
        "date_parts_in_error": parts.parts_in_error() if "meeting_date" in errors else [],
        "declaration_text": DECLARATION,
    }
    return render_form(request, "assessments/sign_off.html", context, problem, block="sign_off")


@router.get("/assessments/{assessment_id}/sign-off", response_class=HTMLResponse)
def sign_off_page(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _sign_off(request, session, actor, assessment_id)


@router.post("/assessments/{assessment_id}/sign-off")
def sign_off(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    typed = posted(form, "minute_reference", "declaration", "version", "fingerprint", "seen")
    parts = _date_parts(form)
    data = {
        "meeting_date": parts,
        "minute_reference": typed["minute_reference"],
        "declaration": typed["declaration"] == "yes",
        **blank_to_none({"version": typed["version"]}, "version"),
    }

    def command(body: SignOffForm) -> object:
        # What the board read on the page is what it signs: refused if anything changed since.
        return service.sign_off(
            session,
            actor,
            assessment_id,
            data=body,
            read=typed["fingerprint"] or None,
            shown=typed["seen"] or None,
        )

    return submit_form(
        session,
        schema=SignOffForm,
        data=data,
        labels=SIGN_OFF_LABELS,
        form_field=SIGN_OFF_FORM,
        command=command,
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/sign-off/done"),
        page=lambda problem: _sign_off(
            request, session, actor, assessment_id, typed=typed, parts=parts, problem=problem
        ),
    )


@router.get("/assessments/{assessment_id}/sign-off/done", response_class=HTMLResponse)
def signed_off(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    if view.assessment.status is not AssessmentStatus.SIGNED_OFF:
        return hx_redirect(request, f"/assessments/{assessment_id}")
    page = SigningPage(
        view=view, move=Move.SIGN_OFF, fingerprint=view.assessment.signed_off_fingerprint or ""
    )
    return render_form(
        request, "assessments/sign_off_done.html", {"view": view, "signing": page}, None
    )


# Withdrawing the sign-off ----------------------------------------------------------------------


def _withdraw(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    *,
    typed: dict[str, Any] | None = None,
    problem: FormProblem | None = None,
) -> Response:
    page = signing_page(session, actor, assessment_id, Move.WITHDRAW_SIGN_OFF)
    context = {
        "view": page.view,
        "signing": page,
        "values": {"reason": (typed or {}).get("reason", "")},
        "errors": problem.errors if problem else {},
        "done": False,
    }
    return render_form(
        request, "assessments/withdraw_sign_off.html", context, problem, block="withdraw"
    )


@router.get("/assessments/{assessment_id}/withdraw-sign-off", response_class=HTMLResponse)
def withdraw_sign_off_page(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _withdraw(request, session, actor, assessment_id)


@router.post("/assessments/{assessment_id}/withdraw-sign-off")
def withdraw_sign_off(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    typed = posted(form, "reason", "version")
    shown = posted(form, "seen")["seen"] or None
    return submit_form(
        session,
        schema=WithdrawSignOffRequest,
        data=blank_to_none(typed, "version"),
        labels=WITHDRAW_LABELS,
        command=lambda body: service.withdraw_sign_off(
            session,
            actor,
            assessment_id,
            reason=body.reason,
            expected_version=body.version,
            shown=shown,
        ),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/withdraw-sign-off/done"),
        page=lambda problem: _withdraw(
            request, session, actor, assessment_id, typed=typed, problem=problem
        ),
    )


@router.get("/assessments/{assessment_id}/withdraw-sign-off/done", response_class=HTMLResponse)
def sign_off_withdrawn(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    withdrawn = view.assessment.sign_off_withdrawn_at is not None
    if not withdrawn or view.assessment.status not in workflow.PCT_EDITABLE:
        return hx_redirect(request, f"/assessments/{assessment_id}")
    page = SigningPage(view=view, move=Move.WITHDRAW_SIGN_OFF, fingerprint="")
    context = {"view": view, "signing": page, "values": {}, "errors": {}, "done": True}
    return render_form(request, "assessments/withdraw_sign_off.html", context, None)


# Submission to the SHA -------------------------------------------------------------------------


def _submit(
    request: Request,
    session: Session,
    actor: Actor,
    assessment_id: int,
    problem: FormProblem | None = None,
) -> Response:
    page = signing_page(session, actor, assessment_id, Move.SUBMIT)
    context = {"view": page.view, "signing": page, "errors": problem.errors if problem else {}}
    return render_form(request, "assessments/submit.html", context, problem, block="submit")


@router.get("/assessments/{assessment_id}/submit", response_class=HTMLResponse)
def submit_page(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    return _submit(request, session, actor, assessment_id)


@router.post("/assessments/{assessment_id}/submit")
def submit(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId, form: FormPost
) -> Response:
    shown = posted(form, "seen")["seen"] or None
    return submit_form(
        session,
        schema=TransitionRequest,
        data=blank_to_none(posted(form, "version"), "version"),
        labels={},
        form_field=SUBMIT_FORM,
        command=lambda body: service.submit(
            session, actor, assessment_id, expected_version=body.version, shown=shown
        ),
        done=lambda _: hx_redirect(request, f"/assessments/{assessment_id}/submit/done"),
        page=lambda problem: _submit(request, session, actor, assessment_id, problem),
    )


@router.get("/assessments/{assessment_id}/submit/done", response_class=HTMLResponse)
def submitted(
    request: Request, session: SessionDep, actor: PageActor, assessment_id: PathId
) -> Response:
    view = presenters.assessment_page(session, actor, assessment_id, full=True)
    if view.assessment.status not in workflow.FROZEN_STATUSES or not view.record.rounds:
        return hx_redirect(request, f"/assessments/{assessment_id}")
    page = SigningPage(view=view, move=Move.SUBMIT, fingerprint=view.record.rounds[-1].fingerprint)
    return render_form(
        request, "assessments/submit_done.html", {"view": view, "signing": page}, None
    )
