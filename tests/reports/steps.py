"""Assessments with the full record for the report tests: a Year 1 (2008/09) one that assesses
competencies 1 to 10, and a Year 2 (2009/10) one scored through criteria on competencies 1 and
11, each with governance ratings and outcome measures with actuals, built through the API; and
how to tell whether a renderer's process still runs."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.cycles import service as cycle_service
from app.users.models import User
from tests import factories
from tests.api_steps import OUTCOME, log_evidence, ok, open_assessment, present, sign_off
from tests.factories import auth

SMOKING = OUTCOME  # lower is better: 24.0 in 2008, aiming one point lower each year
BREASTFEEDING = {
    "title": "Breastfeeding at 6 to 8 weeks",
    "indicator": "Infants totally or partially breastfed at the 6 to 8 week check",
    "source": "vital_signs",
    "unit": "% of infants",
    "better": "higher",
    "baseline_year": 2008,
    "baseline_value": 42.0,
    "trajectory": [{"year": y, "value": 42.0 + 3 * (y - 2008)} for y in range(2009, 2014)],
}


def put(client: TestClient, user: User, url: str, body: dict[str, Any]) -> Any:
    return ok(client.put(url, json=body, headers=auth(user)))


def add_outcome(
    client: TestClient,
    lead: User,
    pct_code: str,
    assessment_id: int,
    body: dict[str, Any],
    actuals: dict[int, float],
) -> dict:
    """A measure for the PCT (the one it keeps already, if it has one of that title), with
    actuals, presented in the assessment."""
    base = f"/api/v1/organisations/{pct_code}/outcomes"
    kept = ok(client.get(base, headers=auth(lead)))
    outcome = next((o for o in kept if o["title"] == body["title"]), None) or ok(
        client.post(base, json=body, headers=auth(lead)), 201
    )
    for year, value in actuals.items():
        put(client, lead, f"{base}/{outcome['id']}/actuals/{year}", {"value": value})
    ok(
        client.put(
            f"/api/v1/assessments/{assessment_id}/outcomes/{outcome['id']}", headers=auth(lead)
        ),
        204,
    )
    return outcome


def rate(
    client: TestClient, user: User, assessment_id: int, ratings: dict[str, str], *, sha: bool
) -> None:
    """The PCT's (or, with ``sha``, the panel's) rating of each governance area."""
    for area, rating in ratings.items():
        if sha:
            body = {"rating": rating, "comment": f"The panel's view of {area}."}
            url = f"/api/v1/assessments/{assessment_id}/governance-reviews/{area}"
        else:
            body = {"rating": rating, "narrative": f"Why the board rates {area} {rating}."}
            url = f"/api/v1/assessments/{assessment_id}/governance/{area}"
        put(client, user, url, body)


def year_one_cycle(session: Session) -> int:
    """2008/09: scored against wcc-2008, assessing competencies 1 to 10."""
    cycle = factories.make_cycle(
        session, name="2008/09", framework_version="wcc-2008", assessed=list(range(1, 11))
    )
    assert cycle.id is not None
    return cycle.id


def previous_year_cycle(session: Session) -> int:
    """2008/09 as it ran, a year before the factories' cycle (which opens on 16 September
    2009): scored against wcc-2008, assessing competencies 1 to 10."""
    cycle = cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2008/09",
        opens_on=date(2008, 9, 1),
        submission_due=date(2008, 12, 19),
        review_due=date(2009, 5, 22),
        framework_version="wcc-2008",
        assessed_competencies=list(range(1, 11)),
    )
    assert cycle.id is not None
    return cycle.id


def finalise(client: TestClient, reviewer: User, assessment_id: int) -> None:
    ok(client.post(f"/api/v1/assessments/{assessment_id}/finalise", headers=auth(reviewer)))


def year_one_assessment(
    client: TestClient,
    pct: Any,
    cycle_id: int,
    *,
    reviewer: User | None = None,
    governance: dict[str, str] | None = None,
    panel: dict[str, str] | None = None,
    actuals: dict[int, float] | None = None,
) -> int:
    """One PCT's assessment in a 1-to-10 cycle, signed off and submitted; with ``reviewer``,
    scored by the SHA and, with ``panel``, its governance rated by the SHA too."""
    lead = pct.lead
    aid = open_assessment(client, lead, pct.pct.code, cycle_id)["id"]
    item = log_evidence(
        client, lead, pct.pct.code, list(range(1, 11)), title="Strategic plan 2008-13"
    )
    present(client, lead, aid, item["id"])
    for number in range(1, 11):
        put(
            client,
            lead,
            f"/api/v1/assessments/{aid}/self-scores/{number}",
            {
                "level": 1 + number % 2,
                "rationale": f"Why competency {number} stands where it does.",
                "improvement_action": "Build on it.",
                "target_level": 3,
            },
        )
    governance = governance or {"strategy": "amber", "finance": "green", "board": "green"}
    rate(client, lead, aid, governance, sha=False)
    add_outcome(client, lead, pct.pct.code, aid, SMOKING, actuals or {})
    sign_off(client, pct.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(lead)))
    if reviewer is not None:
        for number in range(1, 11):
            put(
                client,
                reviewer,
                f"/api/v1/assessments/{aid}/review-scores/{number}",
                {"level": 1 + number % 2, "comment": "Agreed at panel."},
            )
        if panel:
            rate(client, reviewer, aid, panel, sha=True)
    return aid


def year_one(client: TestClient, session: Session, world, *, reviewed: bool = True) -> int:
    """PCT a's 2008/09 assessment against wcc-2008, assessing 1 to 10: signed off and
    submitted, and (with ``reviewed``) scored by the SHA, whose panel rates strategy red where
    the PCT said amber. Smoking is on trajectory (22.9 against 23.0 aimed in 2009)."""
    return year_one_assessment(
        client,
        world.a,
        year_one_cycle(session),
        reviewer=world.reviewer if reviewed else None,
        panel={"strategy": "red", "finance": "green", "board": "green"} if reviewed else None,
        actuals={2009: 22.9},
    )


def year_two(client: TestClient, session: Session, world) -> int:
    """A 2009/10 assessment against wcc-2009 (criteria on competencies 1 and 11), signed off,
    submitted and reviewed, with two outcome measures: smoking (lower is better, on
    trajectory) and breastfeeding (higher is better, behind)."""
    cycle = factories.make_cycle(session, name="2009/10", framework_version="wcc-2009")
    assert cycle.id is not None
    lead = world.a.lead
    aid = open_assessment(client, lead, world.a.pct.code, cycle.id)["id"]
    item = log_evidence(
        client, lead, world.a.pct.code, list(range(1, 12)), title="Strategic plan 2009-14"
    )
    present(client, lead, aid, item["id"])
    base = f"/api/v1/assessments/{aid}"
    criteria = {"1.1": 3, "1.2": 2, "1.3": 3, "11.1": 2, "11.2": 2, "11.3": 1}
    for criterion, level in criteria.items():
        number = criterion.split(".")[0]
        put(
            client,
            lead,
            f"{base}/self-scores/{number}/criteria/{criterion}",
            {"level": level, "rationale": f"Why {criterion} is at level {level}."},
        )
    for number in range(1, 12):
        put(
            client,
            lead,
            f"{base}/self-scores/{number}",
            {
                "level": {1: 2, 11: 1}.get(number, 2),
                "rationale": f"Why competency {number} stands where it does.",
                "improvement_action": "Build on it.",
                "target_level": 3,
            },
        )
    rate(client, lead, aid, {"strategy": "green", "finance": "amber", "board": "green"}, sha=False)
    add_outcome(client, lead, world.a.pct.code, aid, SMOKING, {2009: 22.9})
    add_outcome(client, lead, world.a.pct.code, aid, BREASTFEEDING, {2009: 43.5})
    sign_off(client, world.a.board, aid)
    ok(client.post(f"{base}/submit", headers=auth(lead)))
    reviews = {"1.1": 2, "1.2": 2, "1.3": 3, "11.1": 1, "11.2": 2, "11.3": 1}
    for criterion, level in reviews.items():
        number = criterion.split(".")[0]
        put(
            client,
            world.reviewer,
            f"{base}/review-scores/{number}/criteria/{criterion}",
            {"level": level, "comment": f"The panel's view of {criterion}."},
        )
    for number in range(2, 11):
        put(
            client,
            world.reviewer,
            f"{base}/review-scores/{number}",
            {"level": 2, "comment": "Agreed at panel."},
        )
    rate(
        client,
        world.reviewer,
        aid,
        {"strategy": "green", "finance": "red", "board": "green"},
        sha=True,
    )
    return aid


def alive(pid: int) -> bool:
    """Whether the process runs still (a zombie has stopped already)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def wait_for_exit(pid: int, seconds: float = 10) -> None:
    """Waits up to ``seconds`` for the process to stop."""
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
