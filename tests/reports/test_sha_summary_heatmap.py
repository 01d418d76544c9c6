"""The SHA summary as the SHA's board reads it: a heat map of each PCT's levels (the SHA's
where it has scored, else the PCT's own, with the gap), governance by colour and word,
outcome measures on and off trajectory, each assessment's status, and the movement since the
previous cycle's finalised assessments. Real PDFs read back with pypdf, and the JSON heat map,
whose earlier fields stay as they were."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.users.models import Role
from tests import factories
from tests.api_steps import ok, ready_to_sign, review_all, sign_off, submitted
from tests.factories import auth
from tests.reports.steps import (
    BREASTFEEDING,
    add_outcome,
    finalise,
    previous_year_cycle,
    put,
    rate,
    year_one_assessment,
)
from tests.world import PctUsers

MINUS = "\u2212"
DASH = "\u2013"


@dataclass(frozen=True)
class Region:
    """The SHA's three PCTs in this cycle, and the cycle before it."""

    previous_cycle: int
    a: str
    """Finalised last year; reviewed this year: five levels up, one down."""
    b: str
    """Submitted last year but never finalised; submitted this year, not yet reviewed."""
    p: str
    """No assessment last year; this year's ratings shared as provisional."""
    p_code: str


def _name(users: PctUsers) -> str:
    return f"{users.pct.name} ({users.pct.code})"


def _region(client: TestClient, session: Session, world) -> Region:
    before = previous_year_cycle(session)
    # Last year the SHA gave PCT a level 2 on odd competencies and 1 on even ones (1 to 10).
    a_before = year_one_assessment(
        client,
        world.a,
        before,
        reviewer=world.reviewer,
        panel={"strategy": "green", "finance": "green", "board": "green"},
        actuals={2009: 22.9},
    )
    finalise(client, world.reviewer, a_before)
    year_one_assessment(client, world.b, before)  # submitted, never reviewed or finalised

    # This year PCT a gives itself 2 everywhere; the SHA agrees except on 3 (1) and 4 (3).
    lead = world.a.lead
    a_now = ready_to_sign(client, lead, world.a.pct.code, world.cycle.id)["id"]
    add_outcome(client, lead, world.a.pct.code, a_now, BREASTFEEDING, {2009: 43.5})
    sign_off(client, world.a.board, a_now)
    ok(client.post(f"/api/v1/assessments/{a_now}/submit", headers=auth(lead)))
    review_all(client, world.reviewer, a_now, level=2)
    for number, level in {3: 1, 4: 3}.items():
        put(
            client,
            world.reviewer,
            f"/api/v1/assessments/{a_now}/review-scores/{number}",
            {"level": level, "comment": "The panel's view."},
        )
    rate(client, world.reviewer, a_now, {"finance": "red"}, sha=True)

    submitted(client, world.b.lead, world.b.board, world.b.pct.code, world.cycle.id)

    p = PctUsers(
        pct=(pct := factories.make_pct(session, sha=world.sha)),
        lead=factories.make_user(session, role=Role.PCT_LEAD, organisation=pct),
        board=factories.make_user(session, role=Role.BOARD_MEMBER, organisation=pct),
        clinician=factories.make_user(session, role=Role.CLINICIAN, organisation=pct),
    )
    p_now = submitted(client, p.lead, p.board, p.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, p_now, level=3)
    ok(client.post(f"/api/v1/assessments/{p_now}/provisional", headers=auth(world.reviewer)))
    return Region(before, _name(world.a), _name(world.b), _name(p), p.pct.code)


def _summary(client: TestClient, world, cycle_id: int, out: Path | None = None) -> str:
    response = client.get(
        f"/api/v1/cycles/{cycle_id}/sha-report.pdf",
        params={"sha_code": world.sha.code},
        headers=auth(world.reviewer),
    )
    assert response.status_code == 200, response.text
    if out is not None:
        out.write_bytes(response.content)  # kept for looking at (pytest --basetemp)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    return re.sub(r"\s+", " ", "\n".join(pages))


def _between(text: str, start: str, end: str) -> str:
    """The text from the first ``start`` up to the next ``end``."""
    opening = text.index(start)
    return text[opening : text.index(end, opening)]


def test_the_summary_shows_the_heat_map_with_its_key_governance_outcomes_and_statuses(
    client: TestClient, session: Session, world, tmp_path: Path
) -> None:
    region = _region(client, session, world)

    text = _summary(client, world, world.cycle.id, tmp_path / "sha-summary.pdf")

    # The key says what a cell shows, and names each step of the scale.
    assert "Key. Each cell gives a PCT's level on a competency: the SHA's review level" in text
    assert "else the PCT's own level, marked (self)" in text
    assert "the SHA's level minus the PCT's" in text
    assert f"1 Foundations 2 Developing 3 Established 4 World class {DASH} not yet scored" in text

    heat = _between(text, "PCT 1 2 3 4 5 6 7 8 9 10 11 Status", "Movement since 2008/09")
    # PCT a: the SHA's levels, with the gap where they differ from the PCT's own 2.
    assert f"{region.a} 2 2 1 {MINUS}1 3 +1 2 2 2 2 2 2 2 In review submitted" in heat
    # PCT b: not yet scored by the SHA, so its own levels, saying so.
    assert f"{region.b} " + "2 (self) " * 11 + "Submitted submitted" in heat
    # The third PCT's ratings are shared as provisional.
    assert f"{region.p} " + "3 +1 " * 11 + "Provisional shared" in heat

    assert "Where the 3 PCTs stand: 1 provisional, 1 in review and 1 submitted." in text

    governance = _between(text, "Governance and outcomes by PCT", "Governance across the SHA")
    assert (
        f"{region.a} Amber — some concerns SHA's rating Red — serious concerns SHA's rating "
        "Amber — some concerns SHA's rating 2 measures: 1 on trajectory, 1 off trajectory "
        "Off trajectory: Breastfeeding at 6 to 8 weeks."
    ) in governance
    assert (
        f"{region.b} Amber — some concerns PCT's own rating Amber — some concerns PCT's own "
        "rating Amber — some concerns PCT's own rating 1 measure: 0 on trajectory, 0 off "
        "trajectory, 1 not yet comparable"
    ) in governance
    assert "Smoking prevalence in adults" not in governance  # on trajectory: counted, not named
    assert (
        "Outcome measures: 1 of 4 on trajectory and 1 off trajectory; 1 PCT has at least one "
        "measure off trajectory." in text
    )


def test_the_summary_shows_the_movement_since_last_years_finalised_assessments(
    client: TestClient, session: Session, world
) -> None:
    region = _region(client, session, world)

    text = _summary(client, world, world.cycle.id)

    movement = _between(text, "Movement since 2008/09", "Governance and outcomes by PCT")
    assert "PCT 1 2 3 4 5 6 7 8 9 10 11 Overall" in movement
    assert (
        f"{region.a} = 2→2 ↑ 1→2 ↓ 2→1 ↑ 1→3 = 2→2 ↑ 1→2 = 2→2 ↑ 1→2 = 2→2 ↑ 1→2 new "
        "Net +5 (5 up, 1 down)"
    ) in movement
    assert '"new": not assessed in 2008/09' in movement
    # Submitted last year but never finalised, and no assessment last year: said plainly.
    none = "No earlier finalised assessment to compare with: none finalised in 2008/09."
    assert f"{region.b} {none}" in movement
    assert f"{region.p} {none}" in movement

    a_name = region.a.rsplit(" (", 1)[0]
    assert (
        "1 of the 3 PCTs has both an assessment finalised in 2008/09 and the SHA's levels this "
        "cycle to compare it with." in text
    )
    assert (
        f"Most improved overall: {a_name}, up 5 levels in all across the competencies compared."
        in text
    )
    assert f"Fell back on at least one competency: {a_name} (competency 3)." in text


def test_the_first_cycle_says_there_is_nothing_earlier_to_compare_with(
    client: TestClient, session: Session, world
) -> None:
    before = previous_year_cycle(session)
    year_one_assessment(client, world.a, before, reviewer=world.reviewer)

    text = _summary(client, world, before)

    assert "There is no earlier cycle than 2008/09 to compare with." in text
    assert "Movement since" not in text
    assert "PCT 1 2 3 4 5 6 7 8 9 10 Status" in text  # only what the cycle assesses


def test_the_json_heat_map_keeps_its_fields_and_adds_last_years_levels_and_movement(
    client: TestClient, session: Session, world
) -> None:
    region = _region(client, session, world)

    heatmap = ok(
        client.get(
            f"/api/v1/cycles/{world.cycle.id}/heatmap",
            params={"sha_code": world.sha.code},
            headers=auth(world.reviewer),
        )
    )

    assert set(heatmap) == {
        "sha_code",
        "cycle_id",
        "competencies",
        "rows",
        "previous_cycle_id",
        "previous_cycle_name",
    }
    assert (heatmap["previous_cycle_id"], heatmap["previous_cycle_name"]) == (
        region.previous_cycle,
        "2008/09",
    )
    rows = {row["organisation_code"]: row for row in heatmap["rows"]}
    a, b = rows[world.a.pct.code], rows[world.b.pct.code]
    assert set(a) == {
        # The contract as it was
        "organisation_code",
        "organisation_name",
        "status",
        "self_levels",
        "review_levels",
        "gaps",
        "governance",
        "outcomes",
        # and what it adds
        "previous_finalised",
        "previous_review_levels",
        "movement",
    }
    assert a["status"] == "In review"
    assert a["self_levels"] == {str(n): 2 for n in range(1, 12)}
    assert a["review_levels"] == {str(n): {3: 1, 4: 3}.get(n, 2) for n in range(1, 12)}
    assert a["gaps"] == {str(n): {3: -1, 4: 1}.get(n, 0) for n in range(1, 12)}
    assert a["governance"]["finance"] == {"rating": "red", "rated_by": "sha"}
    assert [o["on_trajectory"] for o in a["outcomes"]] == [False, True]

    assert a["previous_finalised"] is True
    assert a["previous_review_levels"] == {str(n): 1 + n % 2 for n in range(1, 11)}
    assert a["movement"] == {
        "1": 0,
        "2": 1,
        "3": -1,
        "4": 2,
        "5": 0,
        "6": 1,
        "7": 0,
        "8": 1,
        "9": 0,
        "10": 1,
    }
    assert (b["previous_finalised"], b["previous_review_levels"], b["movement"]) == (
        False,
        {},
        {},
    )
    assert rows[region.p_code]["status"] == "Provisional"


def test_the_summary_lists_the_most_improved_and_those_that_fell_back_by_competency(
    client: TestClient, session: Session, world, tmp_path: Path
) -> None:
    region = _region(client, session, world)

    text = _summary(client, world, world.cycle.id, tmp_path / "sha-summary.pdf")

    improved = _between(text, "Most improved PCT Competency", "Fell back")
    header = f"2008/09 {world.cycle.name} Movement "
    assert improved.startswith(f"Most improved PCT Competency {header}")
    # Biggest first, then by competency: PCT a rose two levels on 4, one on 2, 6, 8 and 10.
    rows = [
        f"{region.a} 4. Collaborate with clinicians 1 3 ↑ Up 2 levels",
        f"{region.a} 2. Work with community partners 1 2 ↑ Up 1 level",
        f"{region.a} 6. Prioritise investment 1 2 ↑ Up 1 level",
        f"{region.a} 8. Promote improvement and innovation 1 2 ↑ Up 1 level",
        f"{region.a} 10. Manage the local health system 1 2 ↑ Up 1 level",
    ]
    assert " ".join(rows) in improved
    fell = _between(text, "Fell back PCT Competency", "Governance and outcomes by PCT")
    assert f"{region.a} 3. Engage with public and patients 2 1 ↓ Down 1 level" in fell
    assert region.b not in improved + fell  # not finalised last year: not compared
    assert "Each list gives the biggest" not in text  # nothing left out
