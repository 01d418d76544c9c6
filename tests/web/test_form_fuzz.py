"""Every page form, met as each role meets it and then posted with bad values field by field:
blank, huge, the wrong type, someone else's id, control characters, or left out; as a plain
form post and as htmx. Never a 500; a refusal is an HTML page that says what went wrong in
plain English, and a 422 or 409 error summary leads to fields that are on the page.

The forms are found by signing in with the sign-in form and reading every page the role can
reach, so a new page form is fuzzed without being listed here; and every POST route of the
pages must be reached by some form found this way (or be listed with the reason it has none).
"""

from __future__ import annotations

import itertools
import re
import secrets
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_plus, urlsplit

import pytest
from argon2 import PasswordHasher
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import EvidenceRatingValue
from app.cycles import service as cycle_service
from app.main import create_app
from app.users import passwords
from app.users.models import Role, User
from tests import factories
from tests.api_steps import (
    OUTCOME,
    log_evidence,
    ok,
    open_assessment,
    open_thread,
    ready_to_sign,
    review_all,
    share_provisional,
    sign_off,
    submitted,
)
from tests.factories import PASSWORD, auth
from tests.pbc.steps import add_case, make_group, put_register
from tests.web.steps import assert_summary_reaches_fields, csrf_from, error_summary, sign_in
from tests.world import World, build_world

HUGE = "Lorem ipsum " * 2_500  # 30,000 characters
MEGABYTE = "x" * 1_000_000
BAD_UTF8 = b"caf\xe9 \xff\xfe"
CONTROL = "a\x00b\x01c\x08d\x0be\x1b[31mf\x7fg\u202eh\ufeff\r\ni"
BIG_IDS = ("0", "-1", str(2**31 - 1), str(2**31), str(2**63))
HX = {"HX-Request": "true"}
RATING = next(iter(EvidenceRatingValue)).value

# POST routes of the pages that no page form reaches, and why.
WITHOUT_FORM = {
    "/stay-signed-in": "the page script calls it to keep a session going; no form posts it",
    "/invitations/{token}": "reached only by the link mailed to the person invited "
    "(fuzzed in tests/invitations/test_bad_input.py)",
    "/reset-password/{token}": "reached only by the link mailed to the person "
    "(fuzzed in tests/invitations/test_bad_input.py)",
}

# The heading of a page that is itself the refusal (not found, forbidden, form expired).
ERROR_PAGE = re.compile(r"<h1[^>]*>[^<]*(problem|not found|expired)[^<]*</h1>", re.I)

# Words that give away a framework message instead of one written for people.
JARGON = re.compile(
    r"Value error|String should have|Input should be|type_error|\bloc\b|application/|Traceback"
    r"|pydantic|validation error",
)


# Forms as a browser sees them ----------------------------------------------------------------


@dataclass
class Control:
    """One form control: an input (of its type), a textarea, a select, or a named submit
    button (kind "button": the step it takes, sent only when it is the one pressed)."""

    name: str
    kind: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    numeric: bool = False


@dataclass
class Form:
    page: str
    action: str
    multipart: bool
    controls: list[Control]

    def names(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.controls))

    def group(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        """The route and the controls, each with its kind: the same form on another row is
        the same; a step that carries the same fields hidden (a check page) is not."""
        controls = {f"{c.name}:{c.kind}" for c in self.controls}
        return re.sub(r"/\d+", "/{id}", self.action), tuple(sorted(controls))


class FormParser(HTMLParser):
    """The ``<form method="post">`` elements of a page, with their controls."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._text: Control | None = None
        self._select: Control | None = None
        self._option: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = a.get("action") or urlsplit(self.page).path
                multipart = a.get("enctype", "").lower() == "multipart/form-data"
                self._form = Form(self.page, action, multipart, [])
            return
        if self._form is None or ("name" not in a and tag != "option"):
            if tag == "option" and self._select is not None:
                self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form.controls.append(
                Control(
                    a["name"],
                    kind,
                    a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    checked="checked" in a,
                    numeric=a.get("inputmode") == "numeric" or kind == "number",
                )
            )
        elif tag == "textarea":
            self._text = Control(a["name"], "textarea")
            self._form.controls.append(self._text)
        elif tag == "select":
            self._select = Control(a["name"], "select")
            self._form.controls.append(self._select)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.controls.append(Control(a["name"], "button", a.get("value", "")))
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.value += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea":
            self._text = None
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        value = self._option["text"].strip() if value is None else value
        self._select.options.append(value)
        if self._option["selected"]:
            self._select.selected.append(value)
        self._option = None


def forms_on(page: str, html: str) -> list[Form]:
    parser = FormParser(page)
    parser.feed(html)
    parser.close()
    return parser.forms


class TextParser(HTMLParser):
    """The text a reader sees (no scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.text.append(" ".join(data.split()))


VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}


class SummaryParser(HTMLParser):
    """Each error summary's messages: the text of each list item, and the link it carries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.summaries: list[list[tuple[str, str | None]]] = []
        self._depth = 0
        self._item: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in VOID:  # no end tag to count
            return
        if self._depth:
            self._depth += 1
            if tag == "li":
                self._item = ["", None]
            elif tag == "a" and self._item is not None and a.get("href", "").startswith("#"):
                self._item[1] = a["href"][1:]
        elif tag == "div" and "nhsuk-error-summary" in a.get("class", "").split():
            self._depth = 1
            self.summaries.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or tag in VOID:
            return
        self._depth -= 1
        if tag == "li" and self._item is not None:
            self.summaries[-1].append((" ".join(self._item[0].split()), self._item[1]))
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item[0] += data


def _summaries(html: str) -> list[list[tuple[str, str | None]]]:
    parser = SummaryParser()
    parser.feed(html)
    parser.close()
    return parser.summaries


# The setting: data in each state that shows forms --------------------------------------------


@dataclass
class Scene:
    world: World
    draft: int  # PCT a: scored, with evidence presented, ready for the board's sign-off
    signed_off: int  # PCT a, 2008/09: signed off, waiting for its lead to submit
    in_review: int  # PCT a, 2007/08: submitted, part reviewed: review and return forms
    returned: int  # PCT a, 2006/07: returned with points on a competency and in general
    reviewed: int  # PCT b: in review, every competency scored: the finalise form
    finalised: int  # PCT b, 2007/08: finalised: the administrator's reopen form
    items: list[int]  # PCT a's evidence
    not_presented: int  # an item of PCT a's that the submission does not present
    theirs_assessment: int  # PCT c's (the other SHA), returned with a point
    theirs_item: int
    theirs_point: int  # the point on PCT c's assessment
    spare: User  # a user the administrator's row forms may change
    year_two_draft: int  # PCT a on the Year 2 framework: the criteria forms
    year_two_review: int  # PCT b on the Year 2 framework, submitted: the panel's criteria
    provisional: int  # PCT a, 2004/05: ratings shared as provisional: the factual-accuracy form
    plan: int  # PCT a, 2003/04: finalised: the development plan's forms
    plan_action: int  # an action of that plan: the progress form
    pbc_group: str = ""  # a PBC group of PCT a, with its register: the register's forms
    pbc_case: int = 0  # a business case of that group: the decision form


def _cycle(session: Session, year: int, framework: str | None = None) -> int:
    cycle = cycle_service.create_cycle(
        session,
        SYSTEM,
        name=f"{year}/{(year + 1) % 100:02d}",
        opens_on=date(year, 9, 16),
        submission_due=date(year, 12, 18),
        review_due=date(year + 1, 5, 21),
        framework_version=framework,
    )
    assert cycle.id is not None
    return cycle.id


def _review_all(client: TestClient, reviewer: User, assessment_id: int) -> None:
    review_all(client, reviewer, assessment_id)


def _return(client: TestClient, reviewer: User, assessment_id: int) -> list[int]:
    """Returned with a point on competency 1 and a general one: their ids."""
    body = {
        "reason": "More on the first competency, please.",
        "points": [
            {"competency_number": 1, "request": "Show the board's minutes on the plan."},
            {"request": "Date every item in the cycle."},
        ],
    }
    path = f"/api/v1/assessments/{assessment_id}"
    ok(client.post(f"{path}/return", json=body, headers=auth(reviewer)))
    return [p["id"] for p in ok(client.get(f"{path}/return-points", headers=auth(reviewer)))]


def build_scene(session: Session, client: TestClient) -> Scene:
    """PCT a with an assessment in each state that shows its lead's, board's and reviewer's
    forms, one per cycle; PCT b with one waiting to be finalised and one finalised; the
    newest cycle is started nowhere, so that the lead's home offers to start it."""
    w = build_world(session)
    lead, board, reviewer = w.a.lead, w.a.board, w.reviewer
    in_review = submitted(client, lead, board, w.a.pct.code, _cycle(session, 2007))["id"]
    presented = ok(client.get(f"/api/v1/assessments/{in_review}", headers=auth(reviewer)))
    presented_id = int(presented["presented_evidence_ids"][0])
    ok(
        client.put(
            f"/api/v1/assessments/{in_review}/review-scores/1",
            json={"level": 2, "comment": "Agreed."},
            headers=auth(reviewer),
        )
    )
    ok(
        client.put(
            f"/api/v1/assessments/{in_review}/evidence-ratings/{presented_id}",
            json={"rating": RATING, "comment": "Clear minutes."},
            headers=auth(reviewer),
        )
    )
    returned = submitted(client, lead, board, w.a.pct.code, _cycle(session, 2006))["id"]
    _return(client, reviewer, returned)
    draft = ready_to_sign(client, lead, w.a.pct.code, w.cycle.id or 0)["id"]
    only_four = log_evidence(client, w.a.clinician, w.a.pct.code, [4], kind="engagement")["id"]
    signed_off = ready_to_sign(client, lead, w.a.pct.code, _cycle(session, 2008))["id"]
    sign_off(client, board, signed_off)
    _cycle(session, 2010)
    items = [i["id"] for i in ok(client.get("/api/v1/evidence", headers=auth(lead)))["items"]]
    b = w.b
    reviewed = submitted(client, b.lead, b.board, b.pct.code, w.cycle.id or 0)["id"]
    _review_all(client, reviewer, reviewed)
    finalised = submitted(client, b.lead, b.board, b.pct.code, _cycle(session, 2005))["id"]
    _review_all(client, reviewer, finalised)
    ok(client.post(f"/api/v1/assessments/{finalised}/finalise", headers=auth(reviewer)))
    # A measure no assessment presents yet: the outcomes page offers to present it.
    ok(
        client.post(
            f"/api/v1/organisations/{w.a.pct.code}/outcomes",
            json={**OUTCOME, "title": "Under-18 conception rate", "source": "laa"},
            headers=auth(lead),
        ),
        201,
    )
    year_two_draft = open_assessment(client, lead, w.a.pct.code, _cycle(session, 2011, "wcc-2009"))[
        "id"
    ]
    year_two_review = submitted(
        client, b.lead, b.board, b.pct.code, _cycle(session, 2012, "wcc-2009")
    )["id"]
    provisional = submitted(client, lead, board, w.a.pct.code, _cycle(session, 2004))["id"]
    _review_all(client, reviewer, provisional)
    share_provisional(client, reviewer, provisional)
    plan = submitted(client, lead, board, w.a.pct.code, _cycle(session, 2003))["id"]
    _review_all(client, reviewer, plan)
    ok(client.post(f"/api/v1/assessments/{plan}/finalise", headers=auth(reviewer)))
    plan_action = ok(
        client.post(
            f"/api/v1/assessments/{plan}/development-actions",
            json={
                "competency_number": 4,
                "action": "Hold a stakeholder event with every practice.",
                "owner": "Director of commissioning",
                "due_on": date(date.today().year + 1, 6, 30).isoformat(),
            },
            headers=auth(lead),
        ),
        201,
    )["id"]
    # A question on competency 1 of the assessment in review: the reply form.
    open_thread(client, reviewer, in_review, "Which board minutes approved the plan?", 1)
    c = w.c
    theirs = submitted(client, c.lead, c.board, c.pct.code, w.cycle.id or 0)["id"]
    theirs_point = _return(client, w.other_reviewer, theirs)[0]
    theirs_item = log_evidence(client, c.lead, c.pct.code, [2])["id"]
    pbc_group = make_group(session, w.a.pct, practices=1).code
    put_register(client, lead, pbc_group)
    pbc_case = add_case(
        client, lead, pbc_group, decided_on=None, decision=None, implemented_on=None
    )
    return Scene(
        world=w,
        draft=draft,
        signed_off=signed_off,
        in_review=in_review,
        returned=returned,
        reviewed=reviewed,
        finalised=finalised,
        items=sorted(set(items) | {only_four}),
        not_presented=only_four,
        theirs_assessment=theirs,
        theirs_item=theirs_item,
        theirs_point=theirs_point,
        spare=factories.make_user(session, role=Role.CLINICIAN, organisation=w.b.pct),
        year_two_draft=year_two_draft,
        year_two_review=year_two_review,
        provisional=provisional,
        plan=plan,
        plan_action=plan_action,
        pbc_group=pbc_group,
        pbc_case=pbc_case["id"],
    )


def roles(scene: Scene) -> dict[str, User | None]:
    w = scene.world
    return {
        "visitor": None,
        "pct_lead": w.a.lead,
        "board_member": w.a.board,
        "clinician": w.a.clinician,
        "sha_reviewer": w.reviewer,
        "other_sha_reviewer": w.other_reviewer,
        "admin": w.admin,
    }


ROLES = (
    "visitor",
    "pct_lead",
    "board_member",
    "clinician",
    "sha_reviewer",
    "other_sha_reviewer",
    "admin",
)


def pages(scene: Scene) -> list[str]:
    """Every page a user of some role can reach in this setting."""
    numbers = range(1, 12)
    every = (
        scene.draft,
        scene.signed_off,
        scene.in_review,
        scene.returned,
        scene.reviewed,
        scene.finalised,
    )
    return [
        "/login",
        "/",
        "/reviews",
        "/evidence",
        "/evidence/new",
        *(f"/evidence/{i}" for i in scene.items),
        *(f"/evidence/{i}/{form}" for i in scene.items for form in ("edit", "delete")),
        *(f"/assessments/{a}" for a in every),
        *(f"/assessments/{scene.draft}/competencies/{n}" for n in numbers),
        *(f"/assessments/{a}/competencies/1" for a in every[1:]),
        f"/assessments/{scene.draft}/sign-off",
        f"/assessments/{scene.signed_off}/withdraw-sign-off",
        f"/assessments/{scene.signed_off}/submit",
        f"/assessments/{scene.in_review}/review",
        *(f"/assessments/{scene.in_review}/review/{n}" for n in numbers),
        f"/assessments/{scene.in_review}/return",
        f"/assessments/{scene.reviewed}/finalise",
        f"/assessments/{scene.in_review}/decision",
        f"/assessments/{scene.reviewed}/provisional",
        f"/assessments/{scene.in_review}/panel",
        f"/assessments/{scene.finalised}/reopen",
        f"/assessments/{scene.provisional}/factual-accuracy",
        f"/assessments/{scene.plan}/development-plan",
        f"/assessments/{scene.plan}/development-plan/new",
        f"/assessments/{scene.plan}/development-plan/{scene.plan_action}",
        f"/assessments/{scene.in_review}/questions",
        *(f"/assessments/{a}/rounds" for a in every[2:]),
        *(f"/assessments/{a}/rounds/1" for a in every[2:]),
        *(f"/assessments/{a}/governance" for a in every),
        *(f"/assessments/{a}/outcomes" for a in every),
        f"/assessments/{scene.draft}/outcomes/new",
        f"/assessments/{scene.year_two_draft}/competencies/1",
        f"/assessments/{scene.year_two_review}/review/11",
        "/admin",
        "/admin/users",
        "/admin/organisations",
        "/admin/cycles",
        f"/admin/users/{scene.spare.id}",
        f"/admin/organisations/{scene.world.b.pct.code}",
        f"/admin/cycles/{scene.world.cycle.id}",
        "/invitations/new",
        "/forgot-password",
        "/pbc",
        f"/organisations/{scene.pbc_group}/pbc",
        f"/organisations/{scene.pbc_group}/pbc/register",
        f"/organisations/{scene.pbc_group}/pbc/business-cases/new",
        f"/organisations/{scene.pbc_group}/pbc/business-cases/{scene.pbc_case}",
    ]


def discover(client: TestClient, scene: Scene, role: str) -> list[Form]:
    """Sign in as ``role`` with the sign-in form, read every page, and keep each form once
    (forms repeated per row or per competency are one form)."""
    client.cookies.clear()
    user = roles(scene)[role]
    if user is not None:
        assert sign_in(client, user).status_code == 303
    found: dict[tuple[str, tuple[str, ...]], Form] = {}
    for page in pages(scene):
        response = client.get(page, follow_redirects=False)
        if response.status_code != 200:
            continue
        for form in forms_on(page, response.text):
            if not _keep(form, scene):
                continue
            found.setdefault(form.signature, form)
            for step in next_steps(client, scene, form):
                found.setdefault(step.signature, step)
    return list(found.values())


def next_steps(client: TestClient, scene: Scene, form: Form) -> list[Form]:
    """The later steps of a form in steps (its buttons say which step they take: Continue,
    then a check-your-answers page whose own form sends it): the form as filled in, posted
    with the button that goes on, answered with a page of the same action's forms. Only
    the first step, read with a GET, is posted here: the step that sends is fuzzed like any
    other form."""
    if not any(c.kind == "button" for c in form.controls):
        return []
    token = next(c.value for c in form.controls if c.name == "csrftoken")
    body, content_type = encode(form, token, filled(form, scene))
    response = client.post(
        form.action, content=body, headers={"Content-Type": content_type}, follow_redirects=False
    )
    if response.status_code != 200:
        return []
    return [f for f in forms_on(form.action, response.text) if f.action == form.action]


def _keep(form: Form, scene: Scene) -> bool:
    """Row forms of the users' list change the spare user only: not the administrator's own
    account (fuzzing it would sign the fuzzer out) nor the people the other roles sign in as."""
    match = re.fullmatch(r"/admin/users/(\d+)", form.action)
    return match is None or int(match.group(1)) == scene.spare.id


# Posting ---------------------------------------------------------------------------------------


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str = "text/plain"


Value = str | bytes | Upload
Pairs = list[tuple[str, Value]]
_counter = itertools.count(1)


def filled(form: Form, scene: Scene) -> dict[str, list[Value]]:
    """What a user who filled the form in would send: the page's values, the first choice
    where nothing is chosen, and plausible text in empty boxes."""
    w = scene.world
    by_action = {
        "/login": {"email": w.a.lead.email, "password": PASSWORD},
        "/admin/users": {"organisation_code": w.a.pct.code},
        "/admin/organisations": {"parent_code": w.sha.code},
        # A due date the plan takes: after the finalisation, within five years.
        f"/assessments/{scene.plan}/development-plan/new": {
            "due_on[day]": "30",
            "due_on[month]": "6",
            "due_on[year]": str(date.today().year + 1),
        },
    }.get(form.action, {})
    values: dict[str, list[Value]] = {}
    for name in form.names():
        group = form.group(name)
        first = group[0]
        if name in by_action:
            values[name] = [by_action[name]]
        elif first.kind in ("radio", "checkbox"):
            chosen = [c.value for c in group if c.checked]
            values[name] = chosen or [group[0].value]
        elif first.kind == "button":  # the one that goes on: last, after any "Change"
            values[name] = [group[-1].value]
        elif first.kind == "select":
            options = [o for o in first.options if o]
            values[name] = first.selected[:1] if any(first.selected) else options[:1] or [""]
        elif first.kind == "file":
            values[name] = [Upload("notes.txt", b"Minutes of the meeting.\n")]
        elif first.value:
            values[name] = [first.value]
        else:
            values[name] = [_plausible(first)]
    return values


def _plausible(control: Control) -> str:
    n = next(_counter)
    if control.kind == "email" or control.name == "email":
        return f"fuzz.{n}@test.nhs.test"
    if control.kind == "date" or control.name.endswith(("_on", "_due")):
        return "2009-10-14"
    if part := _date_part(control.name):  # a date in three boxes: a past board meeting
        return {"day": "1", "month": "12", "year": "2009"}[part]
    if control.kind == "url" or control.name == "url":
        return "https://intranet.nhs.test/minutes"
    if control.kind == "password" or control.name == "password":
        return f"a-long-enough-password-{n}"
    if control.numeric:
        return "3"
    if control.name.endswith("code"):
        return f"FZ{n}"
    return f"Plain words, number {n}."


def _date_part(name: str) -> str | None:
    """ "day", "month" or "year" for a box of a date in three boxes (``meeting_date[day]``)."""
    match = re.fullmatch(r".+\[(day|month|year)\]", name)
    return match.group(1) if match else None


def _is_numeric(form: Form, name: str) -> bool:
    group = form.group(name)
    first = group[0]
    if first.numeric or name.endswith("_id") or name == "version":
        return True
    if first.kind == "select":
        return bool(first.options) and all(o.isdigit() for o in first.options if o)
    if first.kind in ("radio", "checkbox", "hidden"):
        return all(c.value.isdigit() for c in group)
    return False


@dataclass
class Attempt:
    """One post: what was changed, and the values sent (or, for ids in the path, where)."""

    kind: str
    field: str
    values: dict[str, list[Value]]
    action: str | None = None

    @property
    def what(self) -> str:
        return f"{self.kind} {self.field}".strip()


def attempts(form: Form, scene: Scene) -> list[list[Attempt]]:
    """Groups of posts, one group per field and kind of bad value: each field changed in
    turn, the others as a user would fill them in; then the whole body made odd."""
    base = filled(form, scene)
    groups: list[list[Attempt]] = [
        [Attempt("as filled in", "", base)],
        [Attempt("as the page gave it", "", {n: _defaults(form, n) for n in form.names()})],
    ]
    for name in form.names():
        if name == "csrftoken":
            continue
        by_kind: dict[str, list[Attempt]] = {}
        for kind, value in _bad_values(form, name, scene):
            values = {k: v for k, v in base.items() if k != name}
            if kind != "missing":
                values[name] = value
            by_kind.setdefault(kind, []).append(Attempt(kind, name, values))
        groups += by_kind.values()
    text = [n for n in form.names() if form.group(n)[0].kind in ("textarea", "text")]
    target = (text or [n for n in form.names() if n != "csrftoken"] or ["unexpected"])[0]
    groups.append([Attempt("one megabyte", target, {**base, target: [MEGABYTE]})])
    groups.append([Attempt("bytes that are not UTF-8", target, {**base, target: [BAD_UTF8]})])
    groups.append([Attempt("an unexpected field", "unexpected", {**base, "unexpected": [HUGE]})])
    if "version" not in base:
        groups.append(
            [
                Attempt("a version the form never had", "version", {**base, "version": [v]})
                for v in ("abc", str(2**63), "0")
            ]
        )
    return groups


def path_attempts(form: Form, scene: Scene) -> list[list[Attempt]]:
    """The action with each id in its path changed: another organisation's row, then ids
    that exist nowhere or do not fit in a database integer."""
    base = filled(form, scene)
    parts = form.action.split("/")
    groups = []
    for i, part in enumerate(parts):
        if not part.isdigit():
            continue
        theirs = {
            "assessments": scene.theirs_assessment,
            "evidence": scene.theirs_item,
            "ratings": scene.theirs_item,
            "presented": scene.theirs_item,
            "return-points": scene.theirs_point,
            "competencies": 12,
            "review": 12,
        }.get(parts[i - 1])
        values = ([str(theirs)] if theirs else []) + [*BIG_IDS, "abc"]
        groups.append(
            [
                Attempt(
                    "another id in the path",
                    parts[i - 1],
                    base,
                    "/".join([*parts[:i], value, *parts[i + 1 :]]),
                )
                for value in values
            ]
        )
    return groups


def _defaults(form: Form, name: str) -> list[Value]:
    """What the browser sends for a field nobody touched."""
    group = form.group(name)
    first = group[0]
    if first.kind in ("radio", "checkbox"):
        return [c.value for c in group if c.checked]
    if first.kind == "button":  # Enter in a box presses the form's first button
        return [first.value]
    if first.kind == "select":
        return first.selected[:1] or first.options[:1]
    if first.kind == "file":
        return [Upload("", b"", "application/octet-stream")]
    return [first.value]


def _bad_values(form: Form, name: str, scene: Scene) -> Iterator[tuple[str, list[Value]]]:
    first = form.group(name)[0]
    if first.kind == "file":
        yield "blank", [Upload("", b"", "application/octet-stream")]
        yield "huge", [Upload("huge.txt", HUGE.encode())]
        yield "wrong type", ["text where a file belongs"]
        yield "wrong type", [Upload("setup.exe", b"MZ\x90\x00\x03", "application/x-msdownload")]
        yield "list", [Upload("a.txt", b"one\n"), Upload("b.txt", b"two\n")]
        yield "control characters", [Upload("a\x01b\x1b.txt", b"\x00\x01\x02")]
        yield "missing", []
        return
    numeric = _is_numeric(form, name)
    choice = first.kind in ("select", "radio", "checkbox", "button")
    yield "blank", [""]
    yield "huge", [HUGE]
    if numeric:
        for value in ("abc", "\u00b2", "1.5"):  # "²" passes str.isdigit() but not int()
            yield "wrong type", [value]
    if choice:
        yield "wrong type", ["not-an-option"]
        yield "wrong type", ["99" if numeric else "7"]
    elif first.kind == "hidden" and not numeric:  # a choice the page made, such as an action
        yield "wrong type", ["7"]
    if first.kind == "button":
        pressed = filled(form, scene)[name]
        for value in dict.fromkeys(c.value for c in form.group(name) if c.value not in pressed):
            yield "another button", [value]
    if first.kind == "date" or name.endswith(("_on", "_due")):
        yield "wrong type", ["2009-02-30"]
        yield "wrong type", ["14/10/2009"]
    if part := _date_part(name):
        future = str(date.today().year + 1)
        wrong = {"day": ["32"], "month": ["13", "Dec"], "year": ["09", "0000", future]}
        for value in wrong[part]:
            yield "wrong type", [value]
    if first.kind == "email":
        yield "wrong type", ["not an email address"]
    if first.kind == "url":
        yield "wrong type", ["javascript:alert(1)"]
    if name == "next":
        yield "wrong type", ["//elsewhere.example/"]
    yield "list", [*filled(form, scene)[name][:1], "2"]
    if name.endswith("_id"):
        theirs = [str(scene.theirs_item)] if name.startswith("evidence") else []
        for value in (*theirs, *BIG_IDS):
            yield "foreign id", [value]
    elif numeric:
        for value in ("0", str(2**31), str(2**63)):
            yield "out of range", [value]
    yield "control characters", [CONTROL]
    yield "missing", []


def encode(form: Form, token: str, values: dict[str, list[Value]]) -> tuple[bytes, str]:
    pairs: Pairs = [("csrftoken", token)]
    pairs += [(n, v) for n, vs in values.items() if n != "csrftoken" for v in vs]
    if form.multipart:
        return _multipart(pairs)
    body = "&".join(
        f"{quote_plus(n)}={quote_plus(v if isinstance(v, str | bytes) else v.filename)}"
        for n, v in pairs
    )
    return body.encode(), "application/x-www-form-urlencoded"


def _multipart(pairs: Pairs) -> tuple[bytes, str]:
    boundary = f"fuzz{secrets.token_hex(8)}"
    out = bytearray()
    for name, value in pairs:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, Upload):
            out += (
                f'Content-Disposition: form-data; name="{name}"; filename="{value.filename}"\r\n'
                f"Content-Type: {value.content_type}\r\n\r\n"
            ).encode()
            out += value.content
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += value if isinstance(value, bytes) else value.encode()
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


# Judging an answer -----------------------------------------------------------------------------


def problems_with(response: Any) -> list[str]:
    """What is wrong with a page's answer to a form post, if anything."""
    status = response.status_code
    if status >= 500:
        return [f"{status}: {response.text[:200]!r}"]
    if 300 <= status < 400:
        location = response.headers.get("location", "")
        if not location.startswith("/") or location.startswith("//"):
            return [f"{status} to another site: {location!r}"]
        return []
    if status < 400:
        return []
    kind = response.headers.get("content-type", "")
    if not kind.startswith("text/html"):
        return [f"{status} answered as {kind or 'nothing'}, not a page: {response.text[:160]!r}"]
    found: list[str] = []
    html = response.text
    reader = TextParser()
    reader.feed(html)
    reader.close()
    text = " ".join(reader.text)
    if not any(mark in html for mark in ("nhsuk-error-summary", "nhsuk-error-message")) and (
        not ERROR_PAGE.search(html)
    ):
        found.append(f"{status} answer shows no message saying what went wrong")
    if not re.search(r"[A-Za-z]{3,} [a-z]{2,}", text):
        found.append(f"{status} answer says nothing a person can read: {text[:120]!r}")
    if jargon := JARGON.search(text):
        at = max(jargon.start() - 40, 0)
        found.append(f"{status} answer speaks jargon ({jargon.group()!r}): {text[at : at + 140]!r}")
    if status in (409, 422):
        for summary in _summaries(html):
            for message, target in summary:
                if target is None:
                    found.append(f"{status} error summary message not linked: {message!r}")
        if error_summary(html):
            try:
                assert_summary_reaches_fields(html)
            except AssertionError as exc:
                found.append(f"{status} {exc}")
    return found


def _where(exc: BaseException) -> str:
    frames = [
        f"{f.filename.split('/app/', 1)[-1]}:{f.lineno} {f.name}"
        for f in traceback.extract_tb(exc.__traceback__)
        if "/app/" in f.filename
    ]
    return " ← ".join(reversed(frames[-3:]))


@dataclass
class Fuzzer:
    """Posts a role's forms, keeping the form token valid and signing in again when a post
    signed the role out; collects each problem with the requests that showed it."""

    client: TestClient
    role: str
    user: User | None
    failures: dict[str, list[str]] = field(default_factory=dict)
    token: str = ""
    signed_in: bool = False

    def sign_in(self) -> None:
        self.client.cookies.clear()
        if self.user is None:
            self.token = csrf_from(self.client.get("/login").text)
            return
        assert sign_in(self.client, self.user).status_code == 303
        self.token = csrf_from(self.client.get("/").text)
        self.signed_in = True

    def carry_on(self, forms: list[Form]) -> None:
        """Go on in the session the forms were found in, with their token."""
        self.token = next(c.value for f in forms for c in f.controls if c.name == "csrftoken")
        self.signed_in = self.user is not None

    def post(self, form: Form, attempt: Attempt, *, htmx: bool) -> Any:
        if self.user is not None and not self.signed_in and form.action != "/logout":
            self.sign_in()
        action = attempt.action or form.action
        body, content_type = encode(form, self.token, attempt.values)
        headers = {"Content-Type": content_type}
        if htmx:
            headers |= {**HX, "X-CSRFToken": self.token}
        request = f"POST {action}{' (htmx)' if htmx else ''} with {attempt.what}"
        try:
            response = self.client.post(
                action, content=body, headers=headers, follow_redirects=False
            )
        except Exception as exc:  # the server raised: a 500 in production
            problem = f"500 {type(exc).__name__}: {str(exc)[:160]} at {_where(exc)}"
            self.failures.setdefault(problem, []).append(request)
            return None
        for problem in problems_with(response):
            self.failures.setdefault(problem, []).append(request)
        location = response.headers.get("location") or response.headers.get("hx-redirect") or ""
        if location.startswith("/login"):
            self.signed_in = False
        return response

    def fuzz(self, form: Form, groups: list[list[Attempt]]) -> None:
        """Each attempt once, as a plain post and with htmx in turn, so that every kind of
        value goes both ways over the fields; the form as filled in goes both ways."""
        for n, attempt in enumerate(a for group in groups for a in group):
            if n == 0:
                self.post(form, attempt, htmx=False)
            self.post(form, attempt, htmx=n % 2 == 0)

    def report(self) -> str:
        lines = [f"[{self.role}] {len(self.failures)} problems:"]
        for problem, requests in self.failures.items():
            lines.append(f"- {problem}  ({len(requests)} requests)")
            lines += [f"      {r}" for r in requests[:3]]
        return "\n".join(lines)


MOVES = (
    "/sign-off",
    "/submit",
    "/withdraw-sign-off",
    "/finalise",
    "/provisional",
    "/return",
    "/reopen",
    "/logout",
)


def _order(form: Form) -> tuple[int, str]:
    """Moves that change the assessment's state, and signing out, come after the rest, in
    the order of ``MOVES``: the lead submits the signed-off assessment before trying to
    withdraw its sign-off (a withdrawal first would leave nothing to submit)."""
    move = next((n for n, end in enumerate(MOVES, 1) if form.action.endswith(end)), 0)
    return move, form.action


# The tests -------------------------------------------------------------------------------------


@pytest.fixture
def scene(session: Session, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Scene:
    # Accounts the fuzzing creates or changes are hashed cheaply: hashing is not under test.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    return build_scene(session, client)


def outsider(scene: Scene, role: str) -> User | None:
    """Someone of another organisation (or another role) who may not use ``role``'s forms."""
    w = scene.world
    return {
        "pct_lead": w.c.lead,
        "board_member": w.c.board,
        "clinician": w.b.clinician,
        "sha_reviewer": w.other_reviewer,
        "admin": w.a.lead,
    }.get(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_form_a_role_meets_survives_bad_values(
    client: TestClient, scene: Scene, role: str
) -> None:
    """Each form the role meets, field by field and with other ids in its path; then each,
    filled in, posted by someone of another organisation."""
    forms = sorted(discover(client, scene, role), key=_order)
    assert forms, f"{role} met no forms"
    fuzzer = Fuzzer(client, role, roles(scene)[role])
    fuzzer.carry_on(forms)
    paths_done: set[str] = set()
    for form in forms:
        groups = attempts(form, scene)
        route = form.signature[0]
        if route not in paths_done:
            paths_done.add(route)
            groups += path_attempts(form, scene)
        fuzzer.fuzz(form, groups)
    if (someone_else := outsider(scene, role)) is not None:
        fuzzer.user = someone_else
        fuzzer.sign_in()
        for form in forms:
            if form.action != "/logout":
                what = f"as filled in, by {someone_else.role.value} {someone_else.email}"
                fuzzer.fuzz(form, [[Attempt(what, "", filled(form, scene))]])
    assert not fuzzer.failures, fuzzer.report()


def test_every_page_post_route_is_reached_by_a_form(client: TestClient, scene: Scene) -> None:
    routes = {
        route.path: re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", route.path) + "$")
        for route in iter_route_contexts(create_app().routes)
        if "POST" in (route.methods or ())
        and getattr(route, "include_in_schema", True) is False
        and not route.path.startswith("/api/")
    }
    assert "/assessments/{assessment_id}/review/{number}" in routes
    actions = {form.action for role in ROLES for form in discover(client, scene, role)}
    unreached = {
        path
        for path, pattern in routes.items()
        if path not in WITHOUT_FORM and not any(pattern.match(a) for a in actions)
    }
    assert not unreached, f"POST routes no page form reaches: {sorted(unreached)}"
    assert not set(WITHOUT_FORM) - set(routes), "a route listed as without a form is gone"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_rating_for_an_item_the_submission_does_not_present_is_left_out(
    client: TestClient, scene: Scene, htmx: bool
) -> None:
    """The review form's fields are those of the items presented: a rating of any other
    item (an old page, or a forged field) saves nothing."""
    sign_in(client, scene.world.reviewer)
    page = f"/assessments/{scene.in_review}/review/4"
    token = csrf_from(client.get(page).text)
    response = client.post(
        page,
        data={"csrftoken": token, f"item-{scene.not_presented}-rating": RATING, "then": "stay"},
        headers={**HX, "X-CSRFToken": token} if htmx else {},
        follow_redirects=False,
    )
    assert response.status_code in (200, 303), response.text[:300]
    detail = ok(
        client.get(f"/api/v1/assessments/{scene.in_review}", headers=auth(scene.world.reviewer))
    )
    assert scene.not_presented not in {r["evidence_id"] for r in detail["evidence_ratings"]}
