"""One path for every page form: parse the post into a schema, call one service command, and
turn any refusal into the page again with an error summary linked to the field concerned.

    return submit_form(
        schema=SelfScoreWrite, data=posted, labels=LABELS,
        command=lambda data: service.put_self_score(session, actor, aid, n, data=data),
        done=lambda score: hx_redirect(request, url, flash="Saved."),
        page=lambda problem: render(request, template, context(problem), status_code=...),
    )

Messages are plain English: no validator names, no "Value error", no character-count
jargon from the library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import DomainError, StaleEdit, WorkflowError
from app.plain_text import unstorable, unstorable_form_message

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

_FRIENDLY = {
    "missing": "Enter {label}",
    "string_too_short": "Enter {label}",
    "int_parsing": "Choose {label}",
    "int_type": "Choose {label}",
    "int_from_float": "Choose {label}",
    "string_type": "Enter {label}",
    "date_type": "Enter {label}",
    "list_type": "Choose {label}",
    "too_short": "Choose {label}",
    "greater_than_equal": "Choose {label}",
    "less_than_equal": "Choose {label}",
    "greater_than": "Choose {label}",
    "less_than": "Choose {label}",
    "enum": "Choose {label}",
    "literal_error": "Choose {label}",
    "bool_parsing": "Choose {label}",
    "date_from_datetime_parsing": "Enter {label} as a real date",
    "date_parsing": "Enter {label} as a real date",
    "date_from_datetime_inexact": "Enter {label} as a real date",
    "url_parsing": "Enter {label} as a full web address starting https://",
    "url_scheme": "Enter {label} as a full web address starting https://",
    "url_too_long": "Enter {label} as a shorter web address",
    "string_pattern_mismatch": "Enter {label} using letters and numbers only",
    "string_too_long": "{Label} must be {max_length:,} characters or fewer",
    "too_long": "Choose no more than {max_length} for {label}",
}

# Refusals a form cannot help with: the error page (or sign-in) says what happened.
_NOT_FORM_ERRORS = frozenset({401, 404, 429, 503})


def _friendly(error: Mapping[str, Any], label: str) -> str:
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    if kind == "value_error":
        # Our own validators raise ValueError with a sentence meant for people.
        message = str(context.get("error") or error.get("msg", ""))
        return message.removeprefix("Value error, ") or f"Check {label}"
    template = _FRIENDLY.get(kind)
    if template is None:
        return f"Check {label}"
    try:
        return template.format(label=label, Label=label[:1].upper() + label[1:], **context)
    except (KeyError, ValueError):
        return f"Check {label}"


def blank_to_none(data: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {k: (None if k in fields and v in ("", None) else v) for k, v in data.items()}


def parse_form(
    schema: type[T], data: Mapping[str, Any], labels: Mapping[str, str]
) -> tuple[T | None, dict[str, str]]:
    """The schema, or the error message for each field (keyed by field name, first only).
    A field holding a control character the service cannot store (``app.plain_text``) is
    refused here too, in the form's words, unless its value is wrong in another way."""
    errors: dict[str, str] = {}
    parsed: T | None = None
    try:
        parsed = schema.model_validate(dict(data))
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            if name in errors:
                continue
            errors[name] = _friendly(error, labels.get(name, name.replace("_", " ")))
    for name, value in data.items():
        if name not in errors and unstorable(value):
            errors[name] = unstorable_form_message(labels.get(name, name.replace("_", " ")))
    return (None, errors) if errors else (parsed, {})


def posted(form: FormData, *names: str, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """The named fields of a form post as text (absent fields as ""), and ``lists`` as lists
    of text. Files and unknown fields are left out."""
    values: dict[str, Any] = {name: _text(form.get(name)) for name in names}
    for name in lists:
        values[name] = [_text(v) for v in form.getlist(name)]
    return values


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class FormProblem:
    """Why a form was not accepted: messages by field, the status to answer with, and — for
    a stale edit — who changed the row and what is saved now."""

    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 422
    missing: list[str] = field(default_factory=list)
    changed_by: str | None = None
    current: dict[str, Any] | None = None
    current_version: int | None = None

    @property
    def stale(self) -> bool:
        return self.current is not None

    @classmethod
    def from_error(cls, error: DomainError, *, form_field: str) -> FormProblem:
        problem = cls(
            errors={error.field or form_field: error.detail}, status_code=error.status_code
        )
        if isinstance(error, WorkflowError):
            problem.missing = list(error.missing)
        if isinstance(error, StaleEdit):
            problem.changed_by = error.changed_by
            problem.current = error.current
            problem.current_version = error.current_version
        return problem


def shown_values(
    saved: Mapping[str, Any], typed: Mapping[str, Any] | None, problem: FormProblem | None
) -> dict[str, Any]:
    """What a form shows: the values as saved, or — when it comes back refused — what the user
    typed. After a stale edit it carries the version now saved, so that saving again knowingly
    replaces the other person's change."""
    values = {**saved, **(typed or {})}
    if typed is not None and problem is not None and problem.current_version is not None:
        values["version"] = problem.current_version
    return values


OUT_OF_DATE = "This page is out of date: reload it, then make your change again"


def _on_shown_fields(
    errors: dict[str, str], labels: Mapping[str, str], first: str
) -> dict[str, str]:
    """Errors keyed by the fields a user can see and correct. A fault in a field the page
    fills in itself (a hidden version, say) can only mean the page is out of date or was
    tampered with: it is said so, against the form's first field."""
    shown: dict[str, str] = {}
    for name, message in errors.items():
        if name in labels or name == first:
            shown.setdefault(name, message)
        else:
            shown.setdefault(first, OUT_OF_DATE)
    return shown


def render_form(
    request: Request,
    template: str,
    context: dict[str, Any],
    problem: FormProblem | None,
    *,
    block: str | None = None,
) -> Response:
    """A page with a form: 200, or the refusal's status when it comes back with errors."""
    from app.web import render

    status = problem.status_code if problem else 200
    return render(request, template, context, block=block, status_code=status)


def submit_form(
    session: Session,
    *,
    schema: type[T],
    data: Mapping[str, Any],
    labels: Mapping[str, str],
    command: Callable[[T], R],
    done: Callable[[R], Response],
    page: Callable[[FormProblem], Response],
    form_field: str | None = None,
    shown_refusals: frozenset[int] = frozenset(),
) -> Response:
    """Parse ``data`` into ``schema``; on success run ``command`` and answer with ``done``;
    on invalid input or a refusal the user can act on, answer with ``page`` (the form again,
    with what was typed, and the error summary). ``form_field`` is the field a refusal that
    names no field is linked to (the form's first field by default). ``shown_refusals`` are
    statuses normally answered by an error page (such as 401) that this form shows itself."""
    parsed, errors = parse_form(schema, data, labels)
    first = form_field or next(iter(labels), "form")
    if parsed is None:
        return page(FormProblem(errors=_on_shown_fields(errors, labels, first), status_code=422))
    try:
        result = command(parsed)
    except DomainError as error:
        session.rollback()
        if error.status_code in _NOT_FORM_ERRORS - shown_refusals:
            raise
        problem = FormProblem.from_error(error, form_field=first)
        problem.errors = _on_shown_fields(problem.errors, labels, first)
        return page(problem)
    return done(result)


# The most fields a page's form may send (the largest sends a few hundred), and files: the
# multipart library's own limits, so that a post cannot make it handle thousands of parts.
FORM_FIELDS = 1000
UNREADABLE_FORM = (
    "The form could not be read: it sent more than the page holds, or was cut short. "
    "Go back, reload the page and try again."
)


async def read_form(request: Request, *, files: int = 0, fields: int = FORM_FIELDS) -> FormData:
    """The posted form, holding no more than ``files`` files and ``fields`` fields."""
    try:
        return await request.form(max_files=files, max_fields=fields)
    except StarletteHTTPException as exc:
        if exc.status_code != 400:
            raise
        raise DomainError(UNREADABLE_FORM) from None


async def _form_post(request: Request) -> FormData:
    """The posted form, read on the event loop so that a plain ``def`` route (run in the
    thread pool) can use it without blocking other requests."""
    return await read_form(request)


FormPost = Annotated[FormData, Depends(_form_post)]
