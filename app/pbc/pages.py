"""The PBC register as pages. The PCT's lead keeps it; the PCT's people, a group's own
clinicians and the SHA's reviewers read it.

    /pbc                                                  every group the reader may read
    /organisations/{code}/pbc                             one group: register, practices,
                                                          business cases
    /organisations/{code}/pbc/register                    edit the register (check, save)
    /organisations/{code}/pbc/register/saved              the confirmation
    /organisations/{code}/pbc/business-cases/new          add a business case
    /organisations/{code}/pbc/business-cases/{id}/added   the confirmation
    /organisations/{code}/pbc/business-cases/{id}         one case, and the lead's update form
    /organisations/{code}/pbc/business-cases/{id}/updated the confirmation

Each form posts to its own address in three steps named by the button pressed, as the
development plan's do: ``check`` gives the form again with its error summary, or the check
page carrying everything typed in hidden fields; ``change`` gives the form again as typed;
``confirm`` runs the service command the JSON API calls, then the confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationInfo, field_validator
from sqlmodel import Session
from starlette.datastructures import FormData

from app.actors import Actor
from app.assessments.signing_pages import DATE_PARTS, DateParts
from app.deps import SessionDep
from app.errors import NotFound
from app.forms import FormPost, FormProblem, posted, render_form, submit_form
from app.params import PathId
from app.pbc import rules, service
from app.pbc.models import (
    MAX_BUDGET_PENCE,
    MAX_FREED_PENCE,
    MAX_PRACTICES,
    BusinessCase,
    Decision,
    EarnedAutonomy,
    PbcRegister,
)
from app.pbc.repository import GroupRow
from app.pbc.schemas import (
    DECISIONS,
    TIERS,
    BusinessCaseCreate,
    BusinessCaseUpdate,
    RegisterWrite,
    whole_number,
)
from app.pbc.service import GroupRecord
from app.permissions import may_keep_pbc_register
from app.web import PageActor, hx_redirect, render
from app.wording import count, long_date, today_in_england

router = APIRouter(include_in_schema=False)

Code = Annotated[str, Path(min_length=1, max_length=12)]

REGISTER_LABELS = {
    "practice_count": "the number of practices",
    "gp_count": "the number of GPs",
    "list_size": "the registered list size",
    "indicative_budget": "the indicative budget",
    "budget_shared_on": "the date the budget was shared",
    "earned_autonomy": "the earned autonomy",
}
CASE_LABELS = {
    "title": "the title",
    "submitted_on": "the date it was submitted",
    "decision": "the decision",
    "decided_on": "the date of the decision",
    "implemented_on": "the date it was put into effect",
    "freed_up_resources": "the resources freed up",
}
UPDATE_LABELS = {k: v for k, v in CASE_LABELS.items() if k not in ("title", "submitted_on")}
DATE_FIELDS = ("budget_shared_on", "submitted_on", "decided_on", "implemented_on")
NOT_DECIDED = "undecided"
_POUNDS = re.compile(r"^-?\d+(\.\d{1,2})?$")


# Typed values as the forms post them ------------------------------------------------------------


def pence(value: Any, *, what: str, limit: int) -> int | None:
    """Pounds as typed ("£1,250,000", "1250000.50") in pence; blank is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return whole_number(value, what=what, limit=limit, money=True)
    typed = value.strip().replace(",", "").replace("£", "").replace(" ", "")
    if not _POUNDS.match(typed):
        raise ValueError(f"Enter {what} in pounds, such as 1,250,000")
    whole, _, part = typed.lstrip("-").partition(".")
    amount = int(whole) * 100 + int((part + "00")[:2])
    return whole_number(
        -amount if typed.startswith("-") else amount, what=what, limit=limit, money=True
    )


def optional_date(value: Any, what: str) -> Any:
    if isinstance(value, DateParts):
        return None if len(value.blank()) == len(DATE_PARTS) else value.to_date(what)
    return value


def _blank_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class RegisterForm(RegisterWrite):
    @field_validator("practice_count", mode="before")
    @classmethod
    def _practices(cls, value: Any) -> Any:
        value = _blank_none(value)
        if value is None:
            return None
        return whole_number(value, what=REGISTER_LABELS["practice_count"], limit=MAX_PRACTICES)

    @field_validator("indicative_budget", mode="before")
    @classmethod
    def _budget(cls, value: Any) -> Any:
        return pence(value, what=REGISTER_LABELS["indicative_budget"], limit=MAX_BUDGET_PENCE)

    @field_validator("budget_shared_on", mode="before")
    @classmethod
    def _shared_on(cls, value: Any) -> Any:
        return optional_date(value, REGISTER_LABELS["budget_shared_on"])

    @field_validator("earned_autonomy", mode="before")
    @classmethod
    def _tier(cls, value: Any) -> Any:
        if isinstance(value, str) and value in TIERS:
            return value
        raise ValueError("Choose the earned autonomy, or No earned autonomy yet")


class _DecisionFields(BaseModel):
    """How both business-case forms read the decision: dates in three boxes, the decision
    chosen (or not yet), money in pounds."""

    @field_validator("decided_on", "implemented_on", mode="before", check_fields=False)
    @classmethod
    def _dates(cls, value: Any, info: ValidationInfo) -> Any:
        return optional_date(value, CASE_LABELS[info.field_name or ""])

    @field_validator("decision", mode="before", check_fields=False)
    @classmethod
    def _decision(cls, value: Any) -> Any:
        if value in (None, NOT_DECIDED):
            return None
        if isinstance(value, str) and value in DECISIONS:
            return value
        raise ValueError("Choose the decision, or Not decided yet")

    @field_validator("freed_up_resources", mode="before", check_fields=False)
    @classmethod
    def _freed(cls, value: Any) -> Any:
        return pence(value, what=CASE_LABELS["freed_up_resources"], limit=MAX_FREED_PENCE)


class CaseForm(_DecisionFields, BusinessCaseCreate):
    """A business case as the add form posts it."""

    @field_validator("submitted_on", mode="before")
    @classmethod
    def _submitted(cls, value: Any) -> Any:
        if isinstance(value, DateParts):
            return value.to_date(CASE_LABELS["submitted_on"])
        return value


class CaseUpdateForm(_DecisionFields, BusinessCaseUpdate):
    """The decision as the case's page posts it: every field, a blank one cleared."""


def _parts(form: FormData, name: str) -> DateParts:
    typed = posted(form, *(f"{name}[{part}]" for part in DATE_PARTS))
    return DateParts(*(typed[f"{name}[{part}]"] for part in DATE_PARTS))


@dataclass(frozen=True)
class Typed:
    """A form as posted: its text fields and its date boxes, kept to show again."""

    text: dict[str, str]
    dates: dict[str, DateParts]

    @classmethod
    def read(cls, form: FormData, fields: tuple[str, ...], dates: tuple[str, ...]) -> Typed:
        return cls(posted(form, *fields), {name: _parts(form, name) for name in dates})

    def data(self) -> dict[str, Any]:
        """For the schema: a blank version (nothing saved yet) is none."""
        data: dict[str, Any] = {**self.text, **self.dates}
        if "version" in data and not data["version"]:
            data["version"] = None
        return data

    def values(self) -> dict[str, Any]:
        """What the form shows."""
        shown: dict[str, Any] = dict(self.text)
        for name, parts in self.dates.items():
            shown[name] = {part: getattr(parts, part) for part in DATE_PARTS}
        return shown

    def hidden(self) -> dict[str, str]:
        """Everything typed, as the check page carries it."""
        carried = dict(self.text)
        for name, parts in self.dates.items():
            carried |= {f"{name}[{part}]": getattr(parts, part) for part in DATE_PARTS}
        return carried


def _date_boxes(day: date | None) -> dict[str, str]:
    if day is None:
        return {part: "" for part in DATE_PARTS}
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _pounds_typed(amount: int | None) -> str:
    return "" if amount is None else rules.pounds(amount).removeprefix("£")


def summary_links(
    errors: dict[str, str], labels: dict[str, str], typed: Typed | None, first: str
) -> dict[str, str]:
    """The error summary's links in the order of the fields, each to the element it
    concerns (the first date box in error for a date)."""
    links: dict[str, str] = {}
    for field in (*labels, first):
        if field not in errors:
            continue
        target = field
        if field in DATE_FIELDS:
            parts = typed.dates.get(field) if typed else None
            target = f"{field}-{(parts.parts_in_error() if parts else ['day'])[0]}"
        links.setdefault(target, errors[field])
    return links


def date_errors(errors: dict[str, str], typed: Typed | None) -> dict[str, list[str]]:
    """The date boxes to mark, by field."""
    if typed is None:
        return {}
    return {name: parts.parts_in_error() for name, parts in typed.dates.items() if name in errors}


# What the pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLine:
    case: BusinessCase
    href: str
    today: date

    @property
    def days(self) -> int | None:
        return rules.days_to_decision(self.case)

    @property
    def waiting(self) -> int | None:
        return rules.days_waiting(self.case, self.today)

    @property
    def slow(self) -> bool:
        return rules.is_slow(self.case, self.today)

    @property
    def days_text(self) -> str:
        """ "45 days", or "Waiting 120 days so far"."""
        if self.days is not None:
            return count(self.days, "day")
        return f"Waiting {count(self.waiting or 0, 'day')} so far"

    @property
    def decision_text(self) -> str:
        return self.case.decision.label if self.case.decision else "Not decided yet"

    @property
    def freed_text(self) -> str:
        return rules.pounds(self.case.freed_up_resources) or "Not recorded"


@dataclass(frozen=True)
class GroupPage:
    record: GroupRecord
    keeps: bool
    today: date

    @property
    def url(self) -> str:
        return f"/organisations/{self.record.group.code}/pbc"

    @property
    def group(self) -> Any:
        return self.record.group

    @property
    def entry(self) -> PbcRegister | None:
        return self.record.entry

    @property
    def caption(self) -> str:
        return f"{self.record.group.name}, {self.record.pct.name}"

    @property
    def lines(self) -> tuple[CaseLine, ...]:
        return tuple(
            CaseLine(c, f"{self.url}/business-cases/{c.id}", self.today) for c in self.record.cases
        )

    @property
    def median_text(self) -> str:
        return rules.days_text(rules.median_days_to_decision(self.record.cases))

    @property
    def slow_count(self) -> int:
        return sum(1 for line in self.lines if line.slow)

    @property
    def budget_text(self) -> str:
        if self.entry is None or self.entry.indicative_budget is None:
            return "Not recorded"
        return rules.pounds(self.entry.indicative_budget)

    @property
    def shared_text(self) -> str:
        if self.entry is None or self.entry.budget_shared_on is None:
            return "Not shared yet"
        return long_date(self.entry.budget_shared_on)

    @property
    def updated_text(self) -> str:
        if self.entry is None:
            return ""
        by = self.record.name(self.entry.updated_by_id)
        return f"Last changed on {long_date(self.entry.updated_at)}" + (f" by {by}" if by else "")

    def line(self, case: BusinessCase) -> CaseLine:
        return CaseLine(case, f"{self.url}/business-cases/{case.id}", self.today)


@dataclass(frozen=True)
class OverviewRow:
    row: GroupRow
    today: date

    @property
    def href(self) -> str:
        return f"/organisations/{self.row.group.code}/pbc"

    @property
    def practices_text(self) -> str:
        entry = self.row.entry
        if entry is not None and entry.practice_count is not None:
            return f"{entry.practice_count:,}"
        return f"{self.row.practices_recorded:,}"

    @property
    def gps_text(self) -> str:
        return f"{self.row.entry.gp_count:,}" if self.row.entry else "Not recorded"

    @property
    def list_text(self) -> str:
        return f"{self.row.entry.list_size:,}" if self.row.entry else "Not recorded"

    @property
    def budget_text(self) -> str:
        if self.row.entry is None or self.row.entry.indicative_budget is None:
            return "Not recorded"
        return rules.pounds(self.row.entry.indicative_budget)

    @property
    def tier_text(self) -> str:
        return self.row.entry.earned_autonomy.label if self.row.entry else "Not recorded"

    @property
    def median_text(self) -> str:
        return rules.days_text(rules.median_days_to_decision(self.row.cases))

    @property
    def slow_count(self) -> int:
        return sum(1 for c in self.row.cases if rules.is_slow(c, self.today))


def group_page(session: Session, actor: Actor, code: str) -> GroupPage:
    record = service.group_record(session, actor, code)
    return GroupPage(record, may_keep_pbc_register(actor, record.group), today_in_england())


def keeper_page(session: Session, actor: Actor, code: str) -> GroupPage:
    """The group for the lead who keeps its register: 404 for a reader who may not see it,
    403 for one who does not keep it."""
    service.kept_group(session, actor, code)
    return group_page(session, actor, code)


# Every group, and one -----------------------------------------------------------------------------


@router.get("/pbc", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, actor: PageActor) -> Response:
    today = today_in_england()
    rows = [OverviewRow(r, today) for r in service.groups(session, actor)]
    pcts: dict[str, list[OverviewRow]] = {}
    for row in rows:
        pcts.setdefault(row.row.pct.name, []).append(row)
    return render(request, "pbc/overview.html", {"pcts": pcts, "rows": rows})


@router.get("/organisations/{code}/pbc", response_class=HTMLResponse)
def group(request: Request, session: SessionDep, actor: PageActor, code: Code) -> Response:
    return render(request, "pbc/group.html", {"page": group_page(session, actor, code)})


# The form steps, shared ------------------------------------------------------------------------


def _steps(
    request: Request,
    session: SessionDep,
    form: FormData,
    *,
    schema: type[Any],
    typed: Typed,
    labels: dict[str, str],
    first: str,
    show_form: Callable[[Typed, FormProblem | None], Response],
    check: Callable[[Any], Any],
    save: Callable[[Any], Any],
    check_page: Callable[[Any], Response],
    saved_url: Callable[[Any], str],
) -> Response:
    step = posted(form, "step")["step"]
    if step == "change":
        return show_form(typed, None)
    confirm = step == "confirm"
    return submit_form(
        session,
        schema=schema,
        data=typed.data(),
        labels=labels,
        form_field=first,
        command=lambda data: ("saved", save(data)) if confirm else ("checked", check(data)),
        done=lambda result: (
            hx_redirect(request, saved_url(result[1]))
            if result[0] == "saved"
            else check_page(result[1])
        ),
        page=lambda problem: show_form(typed, problem),
    )


def _form(
    request: Request,
    template: str,
    page: GroupPage,
    values: dict[str, Any],
    labels: dict[str, str],
    typed: Typed | None,
    problem: FormProblem | None,
    **extra: Any,
) -> Response:
    errors = problem.errors if problem else {}
    if problem is not None and problem.current_version is not None:
        values["version"] = problem.current_version
    context = {
        "page": page,
        "values": values,
        "errors": errors,
        "summary": summary_links(errors, labels, typed, next(iter(labels))),
        "date_errors": date_errors(errors, typed),
        "problem": problem,
        "tiers": list(EarnedAutonomy),
        "decisions": list(Decision),
        **extra,
    }
    return render_form(request, template, context, problem)


def _check(
    request: Request,
    page: GroupPage,
    *,
    title: str,
    action: str,
    rows: list[tuple[str, str, str]],
    hidden: dict[str, str],
    button: str,
    note: str,
) -> Response:
    context = {
        "page": page,
        "title": title,
        "action": action,
        "rows": rows,
        "hidden": hidden,
        "button": button,
        "note": note,
    }
    return render(request, "pbc/check.html", context)


def _date_row(day: date | None, none: str) -> str:
    return long_date(day) if day else none


# Edit the register ----------------------------------------------------------------------------

REGISTER_TEXT = (
    "practice_count",
    "gp_count",
    "list_size",
    "indicative_budget",
    "earned_autonomy",
    "version",
)


def _register_values(page: GroupPage) -> dict[str, Any]:
    entry = page.entry
    if entry is None:
        return {
            "practice_count": str(len(page.record.practices) or ""),
            "gp_count": "",
            "list_size": "",
            "indicative_budget": "",
            "budget_shared_on": _date_boxes(None),
            "earned_autonomy": EarnedAutonomy.NONE.value,
            "version": "",
        }
    return {
        "practice_count": "" if entry.practice_count is None else str(entry.practice_count),
        "gp_count": str(entry.gp_count),
        "list_size": str(entry.list_size),
        "indicative_budget": _pounds_typed(entry.indicative_budget),
        "budget_shared_on": _date_boxes(entry.budget_shared_on),
        "earned_autonomy": entry.earned_autonomy.value,
        "version": str(entry.version),
    }


def _register_form(
    request: Request,
    page: GroupPage,
    typed: Typed | None = None,
    problem: FormProblem | None = None,
) -> Response:
    values = _register_values(page) | (typed.values() if typed else {})
    return _form(request, "pbc/register.html", page, values, REGISTER_LABELS, typed, problem)


@router.get("/organisations/{code}/pbc/register", response_class=HTMLResponse)
def edit_register(request: Request, session: SessionDep, actor: PageActor, code: Code) -> Response:
    return _register_form(request, keeper_page(session, actor, code))


@router.post("/organisations/{code}/pbc/register", response_class=HTMLResponse)
def post_register(
    request: Request, session: SessionDep, actor: PageActor, code: Code, form: FormPost
) -> Response:
    page = keeper_page(session, actor, code)
    typed = Typed.read(form, REGISTER_TEXT, ("budget_shared_on",))

    def check_page(data: RegisterWrite) -> Response:
        rows = [
            (
                "Member practices",
                "practice_count",
                "" if data.practice_count is None else f"{data.practice_count:,}" or "Not given",
            ),
            ("GPs", "gp_count", f"{data.gp_count:,}"),
            ("Registered list size", "list_size", f"{data.list_size:,} patients"),
            (
                "Indicative budget",
                "indicative_budget",
                rules.pounds(data.indicative_budget) or "Not recorded",
            ),
            (
                "Budget shared with the group",
                "budget_shared_on-day",
                _date_row(data.budget_shared_on, "Not shared yet"),
            ),
            ("Earned autonomy", "earned_autonomy", data.earned_autonomy.label),
        ]
        rows = [(k, f, v or "Not given") for k, f, v in rows]
        return _check(
            request,
            page,
            title="Check the register before saving it",
            action=f"{page.url}/register",
            rows=rows,
            hidden=typed.hidden(),
            button="Save the register",
            note=f"{page.record.pct.name}'s people, the group's clinicians and the SHA's "
            "reviewers read the register.",
        )

    return _steps(
        request,
        session,
        form,
        schema=RegisterForm,
        typed=typed,
        labels=REGISTER_LABELS,
        first="practice_count",
        show_form=lambda t, p: _register_form(request, keeper_page(session, actor, code), t, p),
        check=lambda data: service.check_register_write(session, actor, code, data=data),
        save=lambda data: service.put_register(session, actor, code, data=data),
        check_page=check_page,
        saved_url=lambda _entry: f"{page.url}/register/saved",
    )


@router.get("/organisations/{code}/pbc/register/saved", response_class=HTMLResponse)
def register_saved(request: Request, session: SessionDep, actor: PageActor, code: Code) -> Response:
    page = group_page(session, actor, code)
    context = {
        "page": page,
        "heading": "Register saved",
        "text": page.caption,
        "links": [(page.url, f"Back to {page.group.name}"), ("/pbc", "Every PBC group")],
    }
    return render(request, "pbc/done.html", context)


# Add a business case ---------------------------------------------------------------------------

CASE_TEXT = ("title", "decision", "freed_up_resources")
CASE_DATES = ("submitted_on", "decided_on", "implemented_on")


def _case_rows(
    data: BusinessCaseCreate | BusinessCaseUpdate, *, with_title: bool
) -> list[tuple[str, str, str]]:
    rows = []
    if with_title:
        rows += [
            ("Title", "title", data.title or ""),
            ("Submitted", "submitted_on-day", _date_row(data.submitted_on, "")),
        ]
    rows += [
        ("Decision", "decision", data.decision.label if data.decision else "Not decided yet"),
        ("Date of the decision", "decided_on-day", _date_row(data.decided_on, "Not decided yet")),
        ("Put into effect", "implemented_on-day", _date_row(data.implemented_on, "Not yet")),
        (
            "Resources freed up",
            "freed_up_resources",
            rules.pounds(data.freed_up_resources) or "Not recorded",
        ),
    ]
    return rows


def _new_case_form(
    request: Request,
    page: GroupPage,
    typed: Typed | None = None,
    problem: FormProblem | None = None,
) -> Response:
    values: dict[str, Any] = {
        "title": "",
        "decision": NOT_DECIDED,
        "freed_up_resources": "",
        **{name: _date_boxes(None) for name in CASE_DATES},
    } | (typed.values() if typed else {})
    return _form(request, "pbc/case_new.html", page, values, CASE_LABELS, typed, problem)


@router.get("/organisations/{code}/pbc/business-cases/new", response_class=HTMLResponse)
def new_case(request: Request, session: SessionDep, actor: PageActor, code: Code) -> Response:
    return _new_case_form(request, keeper_page(session, actor, code))


@router.post("/organisations/{code}/pbc/business-cases/new", response_class=HTMLResponse)
def post_new_case(
    request: Request, session: SessionDep, actor: PageActor, code: Code, form: FormPost
) -> Response:
    page = keeper_page(session, actor, code)
    typed = Typed.read(form, CASE_TEXT, CASE_DATES)
    return _steps(
        request,
        session,
        form,
        schema=CaseForm,
        typed=typed,
        labels=CASE_LABELS,
        first="title",
        show_form=lambda t, p: _new_case_form(request, keeper_page(session, actor, code), t, p),
        check=lambda data: service.check_new_case(session, actor, code, data=data),
        save=lambda data: service.add_case(session, actor, code, data=data),
        check_page=lambda data: _check(
            request,
            page,
            title="Check the business case before adding it",
            action=f"{page.url}/business-cases/new",
            rows=_case_rows(data, with_title=True),
            hidden=typed.hidden(),
            button="Add the business case",
            note="The days from submission to decision are counted from these dates.",
        ),
        saved_url=lambda case: f"{page.url}/business-cases/{case.id}/added",
    )


def _case_done(request: Request, page: GroupPage, case_id: int, heading: str) -> Response:
    case = next((c for c in page.record.cases if c.id == case_id), None)
    if case is None:
        raise NotFound(f"Business case {case_id} not found in {page.group.name}")
    line = page.line(case)
    context = {
        "page": page,
        "heading": heading,
        "text": case.title,
        "line": line,
        "links": [
            (line.href, "See the business case"),
            (page.url, f"Back to {page.group.name}"),
        ]
        + ([(f"{page.url}/business-cases/new", "Add another business case")] if page.keeps else []),
    }
    return render(request, "pbc/done.html", context)


@router.get("/organisations/{code}/pbc/business-cases/{case_id}/added", response_class=HTMLResponse)
def case_added(
    request: Request, session: SessionDep, actor: PageActor, code: Code, case_id: PathId
) -> Response:
    return _case_done(request, group_page(session, actor, code), case_id, "Business case added")


# One business case, and its decision ------------------------------------------------------------

UPDATE_TEXT = ("decision", "freed_up_resources", "version")
UPDATE_DATES = ("decided_on", "implemented_on")


def _case_page(
    request: Request,
    page: GroupPage,
    case: BusinessCase,
    typed: Typed | None = None,
    problem: FormProblem | None = None,
) -> Response:
    values: dict[str, Any] = {
        "decision": case.decision.value if case.decision else NOT_DECIDED,
        "freed_up_resources": _pounds_typed(case.freed_up_resources),
        "decided_on": _date_boxes(case.decided_on),
        "implemented_on": _date_boxes(case.implemented_on),
        "version": str(case.version),
    } | (typed.values() if typed else {})
    return _form(
        request, "pbc/case.html", page, values, UPDATE_LABELS, typed, problem, line=page.line(case)
    )


def _case_of(
    session: Session, actor: Actor, code: str, case_id: int
) -> tuple[GroupPage, BusinessCase]:
    record, case = service.business_case(session, actor, code, case_id)
    return GroupPage(record, may_keep_pbc_register(actor, record.group), today_in_england()), case


@router.get("/organisations/{code}/pbc/business-cases/{case_id}", response_class=HTMLResponse)
def business_case(
    request: Request, session: SessionDep, actor: PageActor, code: Code, case_id: PathId
) -> Response:
    page, case = _case_of(session, actor, code, case_id)
    return _case_page(request, page, case)


@router.post("/organisations/{code}/pbc/business-cases/{case_id}", response_class=HTMLResponse)
def post_case(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    code: Code,
    case_id: PathId,
    form: FormPost,
) -> Response:
    service.kept_group(session, actor, code)
    page, case = _case_of(session, actor, code, case_id)
    # The form sends every field: a blank one clears it.
    typed = Typed.read(form, UPDATE_TEXT, UPDATE_DATES)

    def show(t: Typed, problem: FormProblem | None) -> Response:
        fresh, now = _case_of(session, actor, code, case_id)
        return _case_page(request, fresh, now, t, problem)

    return _steps(
        request,
        session,
        form,
        schema=CaseUpdateForm,
        typed=typed,
        labels=UPDATE_LABELS,
        first="decision",
        show_form=show,
        check=lambda body: service.check_case_update(session, actor, code, case_id, data=body),
        save=lambda body: service.update_case(session, actor, code, case_id, data=body),
        check_page=lambda body: _check(
            request,
            page,
            title="Check the decision before saving it",
            action=page.line(case).href,
            rows=_case_rows(body, with_title=False),
            hidden=typed.hidden(),
            button="Save the business case",
            note=f"{case.title}: submitted on {long_date(case.submitted_on)}.",
        ),
        saved_url=lambda _case: f"{page.url}/business-cases/{case_id}/updated",
    )


@router.get(
    "/organisations/{code}/pbc/business-cases/{case_id}/updated", response_class=HTMLResponse
)
def case_updated(
    request: Request, session: SessionDep, actor: PageActor, code: Code, case_id: PathId
) -> Response:
    return _case_done(request, group_page(session, actor, code), case_id, "Business case saved")
