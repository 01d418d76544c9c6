"""Every HTML route, tried by every role, on its own organisation's data and another's:
the same rules as the API, and a signed-out visitor is always sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.wording import today_in_england
from tests.api_steps import (
    OUTCOME,
    log_evidence,
    ok,
    open_assessment,
    ready_to_sign,
    review_all,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import csrf_from, sign_in

ACTORS = ("ADMIN", "LEAD", "BOARD", "CLIN", "REV", "OREV", "BLEAD")


def _user(world, name: str):
    return {
        "ADMIN": world.admin,
        "LEAD": world.a.lead,
        "BOARD": world.a.board,
        "CLIN": world.a.clinician,
        "REV": world.reviewer,
        "OREV": world.other_reviewer,
        "BLEAD": world.b.lead,
    }[name]


def only(allowed: dict[str, int], otherwise: int) -> dict[str, int]:
    return {actor: allowed.get(actor, otherwise) for actor in ACTORS}


def _draft(w, c) -> int:
    return open_assessment(c, w.a.lead, w.a.pct.code, w.cycle.id)["id"]


def _submitted(w, c) -> int:
    return submitted(c, w.a.lead, w.a.board, w.a.pct.code, w.cycle.id)["id"]


def _ready(w, c) -> int:
    return ready_to_sign(c, w.a.lead, w.a.pct.code, w.cycle.id)["id"]


def _signed(w, c) -> int:
    aid = _ready(w, c)
    sign_off(c, w.a.board, aid)
    return aid


def _returned(w, c) -> int:
    aid = _submitted(w, c)
    c.post(
        f"/api/v1/assessments/{aid}/return",
        json={"reason": "More on competency 4."},
        headers=auth(w.reviewer),
    )
    return aid


def _finalised(w, c) -> int:
    aid = _submitted(w, c)
    for number in range(1, 12):
        c.put(
            f"/api/v1/assessments/{aid}/review-scores/{number}",
            json={"level": 2},
            headers=auth(w.reviewer),
        )
    c.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(w.reviewer))
    return aid


def _plan(w, c) -> int:
    """PCT a's assessment, reviewed in full and finalised: its development plan is open."""
    aid = _submitted(w, c)
    review_all(c, w.reviewer, aid)
    ok(c.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(w.reviewer)))
    return aid


DUE = today_in_england() + timedelta(days=90)


def _development_action(w, c) -> str:
    aid = _plan(w, c)
    action = ok(
        c.post(
            f"/api/v1/assessments/{aid}/development-actions",
            json={
                "action": "Hold a stakeholder event.",
                "owner": "Chief executive",
                "due_on": str(DUE),
            },
            headers=auth(w.a.lead),
        ),
        201,
    )
    return f"/assessments/{aid}/development-plan/{action['id']}"


def _year_two_draft(w, c) -> int:
    """A draft of PCT a in a cycle on the Year 2 framework (criteria on 1 and 11)."""
    cycle = ok(
        c.post(
            "/api/v1/cycles",
            json={
                "name": "Y2",
                "opens_on": "2009-09-16",
                "submission_due": "2009-12-18",
                "review_due": "2010-05-21",
                "framework_version": "wcc-2009",
            },
            headers=auth(w.admin),
        ),
        201,
    )
    return open_assessment(c, w.a.lead, w.a.pct.code, cycle["id"])["id"]


def _outcome(w, c) -> int:
    return ok(
        c.post(
            f"/api/v1/organisations/{w.a.pct.code}/outcomes", json=OUTCOME, headers=auth(w.a.lead)
        ),
        201,
    )["id"]


def _draft_outcome(w, c, tail: str) -> str:
    return f"/assessments/{_draft(w, c)}/outcomes/{_outcome(w, c)}/{tail}"


def _item(w, c) -> int:
    return log_evidence(c, w.a.lead, w.a.pct.code, [4])["id"]


PCT = {"ADMIN": 200, "LEAD": 200, "BOARD": 200, "CLIN": 200}
# Pages of one step of the workflow: those who may take it see the page, the PCT's other
# people are told they may not (403), and those who may not see the assessment find nothing.
SIGNING = only({"BOARD": 200, "LEAD": 403, "ADMIN": 403, "CLIN": 403}, 404)
WITHDRAW = only({"BOARD": 200, "LEAD": 200, "ADMIN": 403, "CLIN": 403}, 404)
SUBMITTING = only({"LEAD": 200, "BOARD": 403, "ADMIN": 403, "CLIN": 403}, 404)
DECIDING = only({"REV": 200, "LEAD": 403, "BOARD": 403, "ADMIN": 403, "CLIN": 403}, 404)
REOPENING = only({"ADMIN": 200, "LEAD": 403, "BOARD": 403, "CLIN": 403, "REV": 403}, 404)
SEEN_SUBMITTED = only(PCT | {"REV": 200}, 404)
ADDING = only({"LEAD": 200, "BOARD": 403, "ADMIN": 403, "CLIN": 403}, 404)
LEAD_ONLY = only({"LEAD": 303, "BOARD": 403, "ADMIN": 403, "CLIN": 403}, 404)
REVIEWER_ONLY = only({"REV": 303, "LEAD": 403, "BOARD": 403, "CLIN": 403, "ADMIN": 403}, 404)
# A finalised assessment's development plan: its lead keeps it; its board, its SHA's reviewers
# and administrators read it; a clinician may not (403); anyone else finds nothing.
PLAN_READERS = only({"LEAD": 200, "BOARD": 200, "ADMIN": 200, "REV": 200, "CLIN": 403}, 404)
PLAN_KEEPER = only({"LEAD": 200, "BOARD": 403, "ADMIN": 403, "REV": 403, "CLIN": 403}, 404)
PBC_READERS = only({"LEAD": 200, "BOARD": 200, "ADMIN": 200, "REV": 200, "CLIN": 200}, 404)
PBC_KEEPER = only({"LEAD": 200, "ADMIN": 200, "BOARD": 403, "REV": 403, "CLIN": 403}, 404)


def _pbc_group(w, c) -> str:
    """A PBC group of PCT "a", made by the administrator, with its register and one business
    case: the group's page."""
    from tests.pbc.steps import add_case, put_register

    body = {"code": "PBX1", "name": "Test group", "kind": "pbc_group", "parent_code": w.a.pct.code}
    ok(client_post := c.post("/api/v1/organisations", json=body, headers=auth(w.admin)), 201)
    assert client_post.json()["code"] == "PBX1"
    put_register(c, w.a.lead, "PBX1")
    case = add_case(c, w.a.lead, "PBX1", decided_on=None, decision=None, implemented_on=None)
    w.pbc_case = case["id"]
    return "/organisations/PBX1/pbc"


INVITERS = only({"ADMIN": 200, "LEAD": 200, "BLEAD": 200}, 403)


def _invitation_sent(w, c) -> str:
    """A clinician of PCT "a", invited by the administrator: the confirmation page."""
    body = {
        "email": "invited@pct.nhs.test",
        "full_name": "Dr Nia Evans",
        "role": "clinician",
        "organisation_code": w.a.pct.code,
    }
    invited = ok(c.post("/api/v1/invitations", json=body, headers=auth(w.admin)), 201)
    return f"/invitations/sent/{invited['id']}"


PLAN_KEEPING = {actor: 303 if status == 200 else status for actor, status in PLAN_KEEPER.items()}
GET_CASES: list[tuple[str, Callable[[Any, TestClient], str], dict[str, int]]] = [
    ("home", lambda w, c: "/", only({}, 200)),
    ("board", lambda w, c: f"/assessments/{_draft(w, c)}", only(PCT, 404)),
    ("competency", lambda w, c: f"/assessments/{_draft(w, c)}/competencies/4", only(PCT, 404)),
    (
        "submitted board",
        lambda w, c: f"/assessments/{_submitted(w, c)}",
        only(PCT | {"REV": 200}, 404),
    ),
    (
        "review",
        lambda w, c: f"/assessments/{_submitted(w, c)}/review",
        only(PCT | {"REV": 200}, 404),
    ),
    (
        "review competency",
        lambda w, c: f"/assessments/{_submitted(w, c)}/review/4",
        only(PCT | {"REV": 200}, 404),
    ),
    ("sign-off page", lambda w, c: f"/assessments/{_ready(w, c)}/sign-off", SIGNING),
    ("withdraw page", lambda w, c: f"/assessments/{_signed(w, c)}/withdraw-sign-off", WITHDRAW),
    ("submit page", lambda w, c: f"/assessments/{_signed(w, c)}/submit", SUBMITTING),
    ("return page", lambda w, c: f"/assessments/{_submitted(w, c)}/return", DECIDING),
    ("finalise page", lambda w, c: f"/assessments/{_submitted(w, c)}/finalise", DECIDING),
    ("decision page", lambda w, c: f"/assessments/{_submitted(w, c)}/decision", DECIDING),
    ("provisional page", lambda w, c: f"/assessments/{_submitted(w, c)}/provisional", DECIDING),
    ("panel page", lambda w, c: f"/assessments/{_submitted(w, c)}/panel", SEEN_SUBMITTED),
    ("comparison", lambda w, c: f"/assessments/{_draft(w, c)}/comparison", only(PCT, 404)),
    (
        "submitted comparison",
        lambda w, c: f"/assessments/{_submitted(w, c)}/comparison",
        SEEN_SUBMITTED,
    ),
    ("reopen page", lambda w, c: f"/assessments/{_finalised(w, c)}/reopen", REOPENING),
    ("rounds", lambda w, c: f"/assessments/{_returned(w, c)}/rounds", SEEN_SUBMITTED),
    ("a round", lambda w, c: f"/assessments/{_returned(w, c)}/rounds/1", SEEN_SUBMITTED),
    (
        "returned competency",
        lambda w, c: f"/assessments/{_returned(w, c)}/competencies/4",
        SEEN_SUBMITTED,
    ),
    ("governance", lambda w, c: f"/assessments/{_draft(w, c)}/governance", only(PCT, 404)),
    (
        "submitted governance",
        lambda w, c: f"/assessments/{_submitted(w, c)}/governance",
        SEEN_SUBMITTED,
    ),
    (
        "criteria of a competency",
        lambda w, c: f"/assessments/{_year_two_draft(w, c)}/competencies/11",
        only(PCT, 404),
    ),
    ("outcomes", lambda w, c: f"/assessments/{_draft(w, c)}/outcomes", only(PCT, 404)),
    (
        "submitted outcomes",
        lambda w, c: f"/assessments/{_submitted(w, c)}/outcomes",
        SEEN_SUBMITTED,
    ),
    ("add outcome page", lambda w, c: f"/assessments/{_draft(w, c)}/outcomes/new", ADDING),
    (
        "add outcome page, submitted",
        lambda w, c: f"/assessments/{_submitted(w, c)}/outcomes/new",
        only({"LEAD": 200, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "REV": 403}, 404),
    ),
    ("development plan", lambda w, c: f"/assessments/{_plan(w, c)}/development-plan", PLAN_READERS),
    (
        "development plan of a draft",
        lambda w, c: f"/assessments/{_draft(w, c)}/development-plan",
        only({"LEAD": 200, "BOARD": 200, "ADMIN": 200, "CLIN": 403}, 404),
    ),
    (
        "add development action page",
        lambda w, c: f"/assessments/{_plan(w, c)}/development-plan/new",
        PLAN_KEEPER,
    ),
    ("development action", _development_action, PLAN_READERS),
    ("development action added", lambda w, c: f"{_development_action(w, c)}/added", PLAN_READERS),
    ("progress saved", lambda w, c: f"{_development_action(w, c)}/updated", PLAN_READERS),
    ("PBC groups", lambda w, c: "/pbc", only({}, 200)),
    ("PBC group", _pbc_group, PBC_READERS),
    ("PBC register form", lambda w, c: f"{_pbc_group(w, c)}/register", PBC_KEEPER),
    ("add business case page", lambda w, c: f"{_pbc_group(w, c)}/business-cases/new", PBC_KEEPER),
    ("business case", lambda w, c: f"{_pbc_group(w, c)}/business-cases/{w.pbc_case}", PBC_READERS),
    ("evidence library", lambda w, c: "/evidence", only({}, 200)),
    ("evidence item", lambda w, c: f"/evidence/{_item(w, c)}", only(PCT, 404)),
    (
        "log evidence",
        lambda w, c: "/evidence/new",
        only({"LEAD": 200, "CLIN": 200, "BLEAD": 200}, 403),
    ),
    ("review queue", lambda w, c: "/reviews", only({}, 200)),
    ("admin", lambda w, c: "/admin", only({"ADMIN": 200}, 403)),
    ("admin users", lambda w, c: "/admin/users", only({"ADMIN": 200}, 403)),
    ("admin organisations", lambda w, c: "/admin/organisations", only({"ADMIN": 200}, 403)),
    ("admin cycles", lambda w, c: "/admin/cycles", only({"ADMIN": 200}, 403)),
    ("admin outbox", lambda w, c: "/admin/outbox", only({"ADMIN": 200}, 403)),
    ("admin user", lambda w, c: f"/admin/users/{w.a.clinician.id}", only({"ADMIN": 200}, 403)),
    (
        "admin user saved",
        lambda w, c: f"/admin/users/{w.a.clinician.id}/saved",
        only({"ADMIN": 200}, 403),
    ),
    (
        "deactivate user page",
        lambda w, c: f"/admin/users/{w.a.clinician.id}/deactivate",
        only({"ADMIN": 200}, 403),
    ),
    (
        "admin organisation",
        lambda w, c: f"/admin/organisations/{w.a.pct.code}",
        only({"ADMIN": 200}, 403),
    ),
    (
        "admin organisation saved",
        lambda w, c: f"/admin/organisations/{w.a.pct.code}/saved",
        only({"ADMIN": 200}, 403),
    ),
    ("admin cycle", lambda w, c: f"/admin/cycles/{w.cycle.id}", only({"ADMIN": 200}, 403)),
    (
        "admin cycle saved",
        lambda w, c: f"/admin/cycles/{w.cycle.id}/saved",
        only({"ADMIN": 200}, 403),
    ),
    (
        "audit trail",
        lambda w, c: f"/assessments/{_submitted(w, c)}/audit",
        only({"ADMIN": 200, "LEAD": 200, "BOARD": 403, "CLIN": 403, "REV": 403}, 404),
    ),
    (
        "audit trail of a draft",
        lambda w, c: f"/assessments/{_draft(w, c)}/audit",
        only({"ADMIN": 200, "LEAD": 200, "BOARD": 403, "CLIN": 403}, 404),
    ),
    # Invitations: an administrator, and the lead of any PCT (for its own PCT's people).
    ("invite page", lambda w, c: "/invitations/new", INVITERS),
    ("invitation sent", _invitation_sent, only({"ADMIN": 200, "LEAD": 200, "BLEAD": 404}, 403)),
]

POST_CASES: list[tuple[str, Callable[[Any, TestClient], str], dict[str, Any], dict[str, int]]] = [
    (
        "save self score",
        lambda w, c: f"/assessments/{_draft(w, c)}/competencies/4",
        {"level": "2", "rationale": "Because."},
        only({"LEAD": 303, "ADMIN": 403, "BOARD": 403, "CLIN": 403}, 404),
    ),
    (
        "sign off",
        lambda w, c: (
            f"/assessments/{ready_to_sign(c, w.a.lead, w.a.pct.code, w.cycle.id)['id']}/sign-off"
        ),
        {
            "meeting_date[day]": "1",
            "meeting_date[month]": "12",
            "meeting_date[year]": "2009",
            "minute_reference": "BD/09/147",
            "declaration": "yes",
        },
        only({"BOARD": 303, "LEAD": 403, "ADMIN": 403, "CLIN": 403}, 404),
    ),
    (
        "review score",
        lambda w, c: f"/assessments/{_submitted(w, c)}/review/4",
        {"level": "2", "comment": "Agreed."},
        only({"REV": 303, "LEAD": 403, "BOARD": 403, "CLIN": 403, "ADMIN": 403}, 404),
    ),
    (
        "return",
        lambda w, c: f"/assessments/{_submitted(w, c)}/return",
        {"reason": "More, please.", "point-4": "More on competency 4.", "step": "confirm"},
        only({"REV": 303, "LEAD": 403, "BOARD": 403, "CLIN": 403, "ADMIN": 403}, 404),
    ),
    (
        "decision",
        lambda w, c: f"/assessments/{_submitted(w, c)}/decision",
        {"decision": "return"},
        only({"REV": 303, "LEAD": 403, "BOARD": 403, "CLIN": 403, "ADMIN": 403}, 404),
    ),
    (
        "panel",
        lambda w, c: f"/assessments/{_submitted(w, c)}/panel",
        {
            "panel_date[day]": "14",
            "panel_date[month]": "1",
            "panel_date[year]": "2010",
            "members": "Dr Ann Hughes, SHA medical director",
        },
        only({"REV": 303, "LEAD": 403, "BOARD": 403, "CLIN": 403, "ADMIN": 403}, 404),
    ),
    (
        "governance rating",
        lambda w, c: f"/assessments/{_draft(w, c)}/governance/finance",
        {"rating": "amber", "narrative": "In balance, with a thin reserve."},
        LEAD_ONLY,
    ),
    (
        "governance review",
        lambda w, c: f"/assessments/{_submitted(w, c)}/governance-reviews/finance",
        {"rating": "amber", "comment": "Agreed."},
        REVIEWER_ONLY,
    ),
    (
        "criterion score",
        lambda w, c: f"/assessments/{_year_two_draft(w, c)}/competencies/11/criteria/11.2",
        {"level": "2"},
        LEAD_ONLY,
    ),
    (
        "add outcome",
        lambda w, c: f"/assessments/{_draft(w, c)}/outcomes/new",
        {
            "title": "Under-18 conception rate",
            "indicator": "Conceptions under 18, per 1,000",
            "source": "national",
            "unit": "per 1,000",
            "better": "lower",
            "baseline_year": "2008",
            "baseline_value": "41.2",
            "trajectory-0-year": "2009",
            "trajectory-0-value": "39",
        },
        LEAD_ONLY,
    ),
    ("present outcome", lambda w, c: _draft_outcome(w, c, "presented"), {}, LEAD_ONLY),
    ("take out outcome", lambda w, c: _draft_outcome(w, c, "presented/remove"), {}, LEAD_ONLY),
    (
        "record actual",
        lambda w, c: _draft_outcome(w, c, "actuals"),
        {"year": "2009", "value": "22.5"},
        LEAD_ONLY,
    ),
    (
        "add development action",
        lambda w, c: f"/assessments/{_plan(w, c)}/development-plan/new",
        {
            "competency_number": "4",
            "action": "Hold a stakeholder event.",
            "owner": "Chief executive",
            "due_on[day]": str(DUE.day),
            "due_on[month]": str(DUE.month),
            "due_on[year]": str(DUE.year),
            "support": "fesc",
            "step": "confirm",
        },
        PLAN_KEEPING,
    ),
    (
        "report progress",
        _development_action,
        {"status": "on_track", "progress_note": "Venue booked.", "step": "confirm"},
        PLAN_KEEPING,
    ),
    (
        "add user",
        lambda w, c: "/admin/users",
        {
            "email": "someone.new@test.nhs.test",
            "full_name": "Someone",
            "password": "long-enough-pw",
            "role": "admin",
        },
        only({"ADMIN": 303}, 403),
    ),
    (
        "invite someone",
        lambda w, c: "/invitations/new",
        {
            "full_name": "Alex Admin",
            "email": "invited@nhs.test",
            "role": "admin",
            "organisation_code": "",
            "step": "confirm",
        },
        # A lead invites clinicians and board members only: the form again, refused (403).
        only({"ADMIN": 303}, 403),
    ),
    (
        "add cycle",
        lambda w, c: "/admin/cycles",
        {
            "name": "2010/11",
            "opens_on": "2010-09-01",
            "submission_due": "2010-12-01",
            "review_due": "2011-03-01",
        },
        only({"ADMIN": 303}, 403),
    ),
    (
        "change user",
        lambda w, c: f"/admin/users/{w.a.clinician.id}",
        {
            "full_name": "Dr Ann Hughes",
            "role": "clinician",
            "organisation_code": "",
            "job_title": "",
        },
        only({"ADMIN": 422}, 403),
    ),
    (
        "deactivate user",
        lambda w, c: f"/admin/users/{w.b.clinician.id}",
        {"action": "deactivate"},
        only({"ADMIN": 303}, 403),
    ),
    (
        "change organisation",
        lambda w, c: f"/admin/organisations/{w.b.pct.code}",
        {"name": "Renamed PCT", "parent_code": "", "population": "250000"},
        only({"ADMIN": 422}, 403),
    ),
    (
        "change cycle",
        lambda w, c: f"/admin/cycles/{w.cycle.id}",
        {
            "name": "2009/10",
            "opens_on": "2009-09-16",
            "submission_due": "2010-01-08",
            "review_due": "2010-05-21",
            "provisional_step": "yes",
        },
        only({"ADMIN": 303}, 403),
    ),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "path", "expected"), GET_CASES, ids=[c[0] for c in GET_CASES])
def test_html_pages_by_role(
    client: TestClient, world, name: str, path, expected, actor: str
) -> None:
    target = path(world, client)
    sign_in(client, _user(world, actor))
    response = client.get(target, follow_redirects=False)
    assert response.status_code == expected[actor], response.text[:300]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("name", "path", "data", "expected"), POST_CASES, ids=[c[0] for c in POST_CASES]
)
def test_html_actions_by_role(
    client: TestClient, world, name: str, path, data, expected, actor: str
) -> None:
    target = path(world, client)
    sign_in(client, _user(world, actor))
    token = csrf_from(client.get("/").text)
    response = client.post(target, data={"csrftoken": token, **data}, follow_redirects=False)
    assert response.status_code == expected[actor], response.text[:300]


@pytest.mark.parametrize(("name", "path", "expected"), GET_CASES, ids=[c[0] for c in GET_CASES])
def test_signed_out_visitors_are_sent_to_sign_in(
    client: TestClient, world, name: str, path, expected
) -> None:
    target = path(world, client)
    response = client.get(target, follow_redirects=False)
    if target == "/":
        assert response.status_code == 200  # the public landing page
    else:
        assert response.status_code == 303 and response.headers["location"].startswith(
            "/login?next="
        )
