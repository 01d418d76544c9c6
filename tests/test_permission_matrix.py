"""Every API endpoint, tried by every role, on its own organisation's data and on another's.

The subject is always PCT "a" and its SHA. ``BLEAD`` leads another PCT of the same SHA;
``OREV`` reviews for another SHA; ``PCLIN`` is a clinician in a practice inside PCT "a".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.wording import today_in_england
from tests.api_steps import (
    SIGN_OFF,
    check_facts,
    log_evidence,
    ok,
    open_assessment,
    open_thread,
    ready_to_sign,
    reviewed,
    share_provisional,
    sign_off,
    submitted,
)
from tests.factories import auth, make_cycle

ACTORS = ("ADMIN", "LEAD", "BOARD", "CLIN", "PCLIN", "REV", "OREV", "BLEAD")


def _user(world, name: str):
    return {
        "ADMIN": world.admin,
        "LEAD": world.a.lead,
        "BOARD": world.a.board,
        "CLIN": world.a.clinician,
        "PCLIN": world.practice_clinician,
        "REV": world.reviewer,
        "OREV": world.other_reviewer,
        "BLEAD": world.b.lead,
    }[name]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: Callable[[Any, TestClient, Any], str]
    expected: dict[str, int]
    body: Callable[[Any, Any], dict[str, Any] | None] = lambda world, session: None
    files: bool = False
    audited: bool = True
    """A change it makes is audited (marking a thread read changes no record)."""


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def only(allowed: dict[str, int], otherwise: int, **overrides: int) -> dict[str, int]:
    return {actor: allowed.get(actor, overrides.get(actor, otherwise)) for actor in ACTORS}


def _draft(world, client: TestClient) -> int:
    return open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]


def _ready(world, client: TestClient) -> int:
    return ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]


def _signed(world, client: TestClient) -> int:
    aid = _ready(world, client)
    sign_off(client, world.a.board, aid)
    return aid


def _returned(world, client: TestClient) -> tuple[int, int]:
    """A returned assessment and the id of its one point."""
    aid = _submitted(world, client)["id"]
    returned = ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "More on competency 4."},
            headers=auth(world.reviewer),
        )
    )
    return aid, returned["return_points"][0]["id"]


def _presentable(world, client: TestClient) -> str:
    """A draft and an item of the PCT's library: the path that presents it."""
    return f"/api/v1/assessments/{_draft(world, client)}/evidence/{_item(world, client)}"


def _presented(world, client: TestClient) -> str:
    aid = _draft(world, client)
    item = _item(world, client)
    ok(client.put(f"/api/v1/assessments/{aid}/evidence/{item}", headers=auth(world.a.lead)), 204)
    return f"/api/v1/assessments/{aid}/evidence/{item}"


def _submitted(world, client: TestClient) -> dict:
    return submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)


def _item(world, client: TestClient) -> int:
    return log_evidence(client, world.a.lead, world.a.pct.code, [4])["id"]


def _attachment(world, client: TestClient) -> int:
    item = _item(world, client)
    response = client.post(
        f"/api/v1/evidence/{item}/attachments",
        files={"file": ("n.txt", b"notes\n", "text/plain")},
        headers=auth(world.a.lead),
    )
    return ok(response, 201)["id"]


def _shared(world, client: TestClient) -> int:
    """Reviewed in full and shared with the PCT as provisional."""
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    return aid


def _checked(world, client: TestClient) -> int:
    """Provisional, and checked by the PCT for factual accuracy."""
    aid = _shared(world, client)
    check_facts(client, world.a.lead, aid, [{"comment": "A date is wrong."}])
    return aid


def _thread(world, client: TestClient) -> str:
    """A submitted assessment with a question from the reviewer: the thread's path."""
    aid = _submitted(world, client)["id"]
    thread = open_thread(client, world.reviewer, aid, "Which practices took part?", 4)
    return f"/api/v1/assessments/{aid}/threads/{thread['id']}"


def _with_panel(world, client: TestClient) -> int:
    aid = _submitted(world, client)["id"]
    ok(client.put(f"/api/v1/assessments/{aid}/panel", json=PANEL, headers=auth(world.reviewer)))
    return aid


def _finalised(world, client: TestClient) -> int:
    aid = reviewed(client, world)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    return aid


def _development_action(world, client: TestClient) -> str:
    """A finalised assessment with one development action: the action's path."""
    aid = _finalised(world, client)
    path = f"/api/v1/assessments/{aid}/development-actions"
    action = ok(client.post(path, json=_action_body(), headers=auth(world.a.lead)), 201)
    return f"{path}/{action['id']}"


def _action_body() -> dict[str, Any]:
    return {
        "competency_number": 4,
        "action": "Hold a stakeholder event with every practice.",
        "owner": "Director of commissioning",
        "due_on": (today_in_england() + timedelta(days=90)).isoformat(),
        "support": "fesc",
    }


def _pbc_group(world, session) -> str:
    """A PBC group of PCT "a" (PCLIN's practice is not one of its members): its code."""
    from tests.pbc.steps import make_group

    return make_group(session, world.a.pct, practices=1).code


def _business_case(world, client: TestClient, session) -> str:
    """A PBC group of PCT "a" with one business case: the case's path."""
    from tests.pbc.steps import add_case

    code = _pbc_group(world, session)
    case = add_case(client, world.a.lead, code, decided_on=None, decision=None, implemented_on=None)
    return f"/api/v1/organisations/{code}/business-cases/{case['id']}"


PANEL = {
    "date": "2010-03-11",
    "members": [{"name": "Dr Ruth Adeyemi", "role": "Chair"}],
    "pct_attendees": [{"name": "Sarah Lin", "role": "Chief executive"}],
}

PCT_READERS = {"ADMIN": 200, "LEAD": 200, "BOARD": 200, "CLIN": 200, "PCLIN": 200}
# The two sides of an assessment's questions (and an administrator, who reads them).
THREAD_READERS = {"ADMIN": 200, "LEAD": 200, "BOARD": 200, "REV": 200}
THREAD_WRITERS = {"LEAD": 201, "BOARD": 201, "REV": 201}
NOT_A_PARTY = {"ADMIN": 403, "CLIN": 403, "PCLIN": 403}
# A development plan is read by the PCT's lead and board, its SHA's reviewers, and an
# administrator; clinicians may never read one.
PLAN_READERS = {"ADMIN": 200, "LEAD": 200, "BOARD": 200, "REV": 200}
PCT_EDIT_DENIED = {"ADMIN": 403, "BOARD": 403, "CLIN": 403, "PCLIN": 403}
# A PBC group's register is read by its PCT's people (a clinician at a practice outside the
# group: no), its SHA's reviewers and an administrator; kept by the PCT's lead and an
# administrator.
PBC_READERS = {"ADMIN": 200, "LEAD": 200, "BOARD": 200, "CLIN": 200, "REV": 200}
PBC_KEEP_DENIED = {"BOARD": 403, "CLIN": 403, "REV": 403}

CASES = [
    Case("me", "GET", lambda w, c, s: "/api/v1/users/me", everyone(200)),
    Case("list users", "GET", lambda w, c, s: "/api/v1/users", only({"ADMIN": 200}, 403)),
    Case(
        "create user",
        "POST",
        lambda w, c, s: "/api/v1/users",
        only({"ADMIN": 201}, 403),
        body=lambda w, s: {
            "email": "new.person@x.test",
            "full_name": "New Person",
            "password": "long-enough-pass",
            "role": "clinician",
            "organisation_code": w.a.pct.code,
        },
    ),
    # An administrator invites anyone; a PCT's lead its own PCT's clinicians and board.
    Case(
        "invite",
        "POST",
        lambda w, c, s: "/api/v1/invitations",
        only({"ADMIN": 201, "LEAD": 201}, 403),
        body=lambda w, s: {
            "email": "invited.person@x.test",
            "full_name": "Invited Person",
            "role": "clinician",
            "organisation_code": w.a.pct.code,
        },
    ),
    Case("list organisations", "GET", lambda w, c, s: "/api/v1/organisations", everyone(200)),
    Case(
        "create organisation",
        "POST",
        lambda w, c, s: "/api/v1/organisations",
        only({"ADMIN": 201}, 403),
        body=lambda w, s: {
            "code": "ZZ9",
            "name": "New practice",
            "kind": "practice",
            "parent_code": w.a.pct.code,
        },
    ),
    Case("list cycles", "GET", lambda w, c, s: "/api/v1/cycles", everyone(200)),
    Case(
        "create cycle",
        "POST",
        lambda w, c, s: "/api/v1/cycles",
        only({"ADMIN": 201}, 403),
        body=lambda w, s: {
            "name": "2010/11",
            "opens_on": "2010-09-01",
            "submission_due": "2010-12-01",
            "review_due": "2011-03-01",
        },
    ),
    Case(
        "find users",
        "GET",
        lambda w, c, s: "/api/v1/users?q=lead&role=pct_lead&is_active=true",
        only({"ADMIN": 200}, 403),
    ),
    Case(
        "read organisation",
        "GET",
        lambda w, c, s: f"/api/v1/organisations/{w.a.pct.code}",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "change organisation",
        "PATCH",
        lambda w, c, s: f"/api/v1/organisations/{w.a.pct.code}",
        only({"ADMIN": 200}, 403),
        body=lambda w, s: {"name": "Renamed PCT", "population": 250_000},
    ),
    Case("read cycle", "GET", lambda w, c, s: f"/api/v1/cycles/{w.cycle.id}", everyone(200)),
    Case(
        "change cycle",
        "PATCH",
        lambda w, c, s: f"/api/v1/cycles/{w.cycle.id}",
        only({"ADMIN": 200}, 403),
        body=lambda w, s: {"submission_due": "2010-01-08"},
    ),
    Case("competencies", "GET", lambda w, c, s: "/api/v1/competencies", everyone(200)),
    Case("list assessments", "GET", lambda w, c, s: "/api/v1/assessments", everyone(200)),
    Case(
        "open assessment",
        "POST",
        lambda w, c, s: "/api/v1/assessments",
        only({"ADMIN": 201, "LEAD": 201}, 403, BLEAD=404),
        body=lambda w, s: {"organisation_code": w.a.pct.code, "cycle_id": make_cycle(s).id},
    ),
    Case(
        "read draft",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_draft(w, c)}",
        only(PCT_READERS, 404),
    ),
    Case(
        "read submitted",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "self score",
        "PUT",
        lambda w, c, s: f"/api/v1/assessments/{_draft(w, c)}/self-scores/1",
        only({"LEAD": 200} | PCT_EDIT_DENIED, 404),
        body=lambda w, s: {"level": 2, "rationale": "Because."},
    ),
    Case(
        "present evidence",
        "PUT",
        lambda w, c, s: _presentable(w, c),
        only({"LEAD": 204} | PCT_EDIT_DENIED, 404),
    ),
    Case(
        "take evidence out",
        "DELETE",
        lambda w, c, s: _presented(w, c),
        only({"LEAD": 204} | PCT_EDIT_DENIED, 404),
    ),
    Case(
        "sign off",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_ready(w, c)}/sign-off",
        only({"BOARD": 200, "LEAD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
        body=lambda w, s: SIGN_OFF,
    ),
    Case(
        "withdraw sign-off",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_signed(w, c)}/withdraw-sign-off",
        only({"BOARD": 200, "LEAD": 200, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
        body=lambda w, s: {"reason": "The minute was wrong."},
    ),
    Case(
        "submit",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_signed(w, c)}/submit",
        only({"LEAD": 200, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
    ),
    Case(
        "review score",
        "PUT",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/review-scores/1",
        only({"REV": 200, "LEAD": 403, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
        body=lambda w, s: {"level": 2, "comment": "Agreed."},
    ),
    Case(
        "rate evidence",
        "PUT",
        lambda w, c, s: (
            lambda a: (
                f"/api/v1/assessments/{a['id']}/evidence-ratings/{a['presented_evidence_ids'][0]}"
            )
        )(_submitted(w, c)),
        only({"REV": 200, "LEAD": 403, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
        body=lambda w, s: {"rating": "strong", "comment": "Clear."},
    ),
    Case(
        "return",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/return",
        only({"REV": 200, "LEAD": 403, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
        body=lambda w, s: {"reason": "More evidence, please."},
    ),
    Case(
        "read returned",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_returned(w, c)[0]}",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "return points",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_returned(w, c)[0]}/return-points",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "answer a point",
        "PUT",
        lambda w, c, s: "/api/v1/assessments/{}/return-points/{}".format(*_returned(w, c)),
        only({"LEAD": 200, "REV": 403} | PCT_EDIT_DENIED, 404),
        body=lambda w, s: {"response": "Added the practice survey."},
    ),
    Case(
        "submissions",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/submissions",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "a round",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/submissions/1",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "finalise",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/finalise",
        only({"REV": 409, "LEAD": 403, "BOARD": 403, "ADMIN": 403, "CLIN": 403, "PCLIN": 403}, 404),
    ),
    Case(
        "reopen",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/reopen",
        only({"ADMIN": 409}, 403),
    ),
    Case(
        "log evidence",
        "POST",
        lambda w, c, s: "/api/v1/evidence",
        only({"LEAD": 201, "CLIN": 201, "PCLIN": 201, "BLEAD": 404}, 403),
        body=lambda w, s: {
            "organisation_code": w.a.pct.code,
            "title": "t",
            "kind": "minutes",
            "occurred_on": "2009-10-01",
            "competency_numbers": [4],
        },
    ),
    Case("list evidence", "GET", lambda w, c, s: "/api/v1/evidence", everyone(200)),
    Case(
        "read evidence",
        "GET",
        lambda w, c, s: f"/api/v1/evidence/{_item(w, c)}",
        only(PCT_READERS, 404),
    ),
    Case(
        "change evidence",
        "PATCH",
        lambda w, c, s: f"/api/v1/evidence/{_item(w, c)}",
        only({"LEAD": 200} | PCT_EDIT_DENIED, 404),
        body=lambda w, s: {"title": "Renamed"},
    ),
    Case(
        "delete evidence",
        "DELETE",
        lambda w, c, s: f"/api/v1/evidence/{_item(w, c)}",
        only({"LEAD": 204} | PCT_EDIT_DENIED, 404),
    ),
    Case(
        "attach file",
        "POST",
        lambda w, c, s: f"/api/v1/evidence/{_item(w, c)}/attachments",
        only({"LEAD": 201} | PCT_EDIT_DENIED, 404),
        files=True,
    ),
    Case(
        "download file",
        "GET",
        lambda w, c, s: f"/api/v1/attachments/{_attachment(w, c)}",
        only(PCT_READERS, 404),
    ),
    Case(
        "audit",
        "GET",
        lambda w, c, s: "/api/v1/audit",
        only({"ADMIN": 200, "LEAD": 200, "BLEAD": 200}, 403),
    ),
    Case(
        "share provisional",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{reviewed(c, w)}/provisional",
        only({"REV": 200}, 403, OREV=404, BLEAD=404),
    ),
    Case(
        "read provisional",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_shared(w, c)}/provisional",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "check facts",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_shared(w, c)}/factual-accuracy",
        only({"LEAD": 200}, 403, OREV=404, BLEAD=404),
        body=lambda w, s: {"comments": [{"competency_number": 4, "comment": "Wrong date."}]},
    ),
    Case(
        "moderate a review score",
        "PUT",
        lambda w, c, s: f"/api/v1/assessments/{_checked(w, c)}/review-scores/4",
        only({"REV": 200}, 403, OREV=404, BLEAD=404),
        body=lambda w, s: {"level": 3, "comment": "Better.", "reason": "The dates were right."},
    ),
    Case(
        "read moderation",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_checked(w, c)}/moderation",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "list threads",
        "GET",
        lambda w, c, s: _thread(w, c).rsplit("/", 1)[0],
        only(THREAD_READERS, 404, CLIN=403, PCLIN=403),
    ),
    Case(
        "open thread",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/threads",
        only(THREAD_WRITERS | NOT_A_PARTY, 404),
        body=lambda w, s: {"message": "A question.", "competency_number": 4},
    ),
    Case(
        "read thread",
        "GET",
        lambda w, c, s: _thread(w, c),
        only(THREAD_READERS, 404, CLIN=403, PCLIN=403),
    ),
    Case(
        "reply in thread",
        "POST",
        lambda w, c, s: f"{_thread(w, c)}/messages",
        only(THREAD_WRITERS | NOT_A_PARTY, 404),
        body=lambda w, s: {"message": "An answer."},
    ),
    Case(
        "mark thread read",
        "POST",
        lambda w, c, s: f"{_thread(w, c)}/read",
        only({"ADMIN": 204, "LEAD": 204, "BOARD": 204, "REV": 204}, 404, CLIN=403, PCLIN=403),
        audited=False,
    ),
    Case(
        "record panel",
        "PUT",
        lambda w, c, s: f"/api/v1/assessments/{_submitted(w, c)['id']}/panel",
        only({"REV": 200}, 403, OREV=404, BLEAD=404),
        body=lambda w, s: PANEL,
    ),
    Case(
        "read panel",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_with_panel(w, c)}/panel",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "read comparison",
        "GET",
        lambda w, c, s: f"/api/v1/assessments/{_finalised(w, c)}/comparison",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
    Case(
        "list development actions",
        "GET",
        lambda w, c, s: _development_action(w, c).rsplit("/", 1)[0],
        only(PLAN_READERS, 404, CLIN=403, PCLIN=403),
    ),
    Case(
        "add development action",
        "POST",
        lambda w, c, s: f"/api/v1/assessments/{_finalised(w, c)}/development-actions",
        only({"LEAD": 201}, 403, OREV=404, BLEAD=404),
        body=lambda w, s: _action_body(),
    ),
    Case(
        "read development action",
        "GET",
        lambda w, c, s: _development_action(w, c),
        only(PLAN_READERS, 404, CLIN=403, PCLIN=403),
    ),
    Case(
        "change development action",
        "PATCH",
        lambda w, c, s: _development_action(w, c),
        only({"LEAD": 200}, 403, OREV=404, BLEAD=404),
        body=lambda w, s: {"status": "on_track", "progress_note": "Venue booked.", "version": 1},
    ),
    Case(
        "read PBC register",
        "GET",
        lambda w, c, s: f"/api/v1/organisations/{_pbc_group(w, s)}/pbc-register",
        only(PBC_READERS, 404),
    ),
    Case(
        "keep PBC register",
        "PUT",
        lambda w, c, s: f"/api/v1/organisations/{_pbc_group(w, s)}/pbc-register",
        only({"LEAD": 200, "ADMIN": 200} | PBC_KEEP_DENIED, 404),
        body=lambda w, s: {"gp_count": 12, "list_size": 24_000},
    ),
    Case(
        "list business cases",
        "GET",
        lambda w, c, s: f"/api/v1/organisations/{_pbc_group(w, s)}/business-cases",
        only(PBC_READERS, 404),
    ),
    Case(
        "add business case",
        "POST",
        lambda w, c, s: f"/api/v1/organisations/{_pbc_group(w, s)}/business-cases",
        only({"LEAD": 201, "ADMIN": 201} | PBC_KEEP_DENIED, 404),
        body=lambda w, s: {"title": "Community dermatology", "submitted_on": "2009-03-02"},
    ),
    Case(
        "read business case",
        "GET",
        lambda w, c, s: _business_case(w, c, s),
        only(PBC_READERS, 404),
    ),
    Case(
        "decide business case",
        "PATCH",
        lambda w, c, s: _business_case(w, c, s),
        only({"LEAD": 200, "ADMIN": 200} | PBC_KEEP_DENIED, 404),
        body=lambda w, s: {"decision": "approved", "decided_on": "2009-05-01", "version": 1},
    ),
    # A PCT's engagement reach: its own people, its SHA's reviewers and administrators.
    Case(
        "read engagement",
        "GET",
        lambda w, c, s: f"/api/v1/organisations/{w.a.pct.code}/engagement",
        only(PCT_READERS | {"REV": 200}, 404),
    ),
]


def _audit_events(session: Session) -> int:
    return session.exec(select(sa.func.count()).select_from(AuditEvent)).one()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_permission_matrix(client: TestClient, world, session, case: Case, actor: str) -> None:
    path = case.path(world, client, session)
    kwargs: dict[str, Any] = {"headers": auth(_user(world, actor))}
    body = case.body(world, session)
    if body is not None:
        kwargs["json"] = body
    if case.files:
        kwargs["files"] = {"file": ("n.txt", b"notes\n", "text/plain")}
    events_before = _audit_events(session)
    response = client.request(case.method, path, **kwargs)
    assert response.status_code == case.expected[actor], response.text
    if case.method != "GET":
        # Every change writes an audit event; every refusal writes nothing.
        changed = response.status_code < 300 and case.audited
        assert (_audit_events(session) > events_before) is changed


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_endpoint_needs_sign_in(client: TestClient, world, session, case: Case) -> None:
    path = case.path(world, client, session)
    assert client.request(case.method, path).status_code == 401
