"""The full record in the reports: governance on the cover, criteria under their competency,
outcome measures charted against their trajectories, and only the competencies the cycle
assesses. Real PDFs, read back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.users.models import User
from tests import factories
from tests.api_steps import ok, open_assessment
from tests.factories import COMPETENCY_TITLES, auth
from tests.reports.steps import (
    SMOKING,
    add_outcome,
    put,
    rate,
    year_one,
    year_one_assessment,
    year_one_cycle,
    year_two,
)

ELEVEN = f"11. {COMPETENCY_TITLES[10]}"


class Pdf:
    """A report's pages, each with its text on one line."""

    def __init__(self, body: bytes) -> None:
        raw = [p.extract_text() for p in PdfReader(io.BytesIO(body)).pages]
        self.lines = [p.splitlines() for p in raw]
        self.pages = [_flat(p) for p in raw]
        self.text = "\n".join(self.pages)

    def page_with(self, heading: str) -> str:
        """The first page after the contents with ``heading`` on a line of its own."""
        contents = next(i for i, lines in enumerate(self.lines) if "Contents" in lines)
        return next(
            self.pages[i] for i in range(contents + 1, len(self.pages)) if heading in self.lines[i]
        )


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _report(client: TestClient, user: User, aid: int, out: Path | None = None) -> Pdf:
    response = client.get(f"/api/v1/assessments/{aid}/report.pdf", headers=auth(user))
    assert response.status_code == 200, response.text
    if out is not None:
        out.write_bytes(response.content)  # kept for looking at (pytest --basetemp)
    return Pdf(response.content)


def _sha_report(client: TestClient, world, cycle_id: int, out: Path | None = None) -> Pdf:
    response = client.get(
        f"/api/v1/cycles/{cycle_id}/sha-report.pdf",
        params={"sha_code": world.sha.code},
        headers=auth(world.reviewer),
    )
    assert response.status_code == 200, response.text
    if out is not None:
        out.write_bytes(response.content)
    return Pdf(response.content)


def _cycle_of(client: TestClient, world, aid: int) -> int:
    return ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.reviewer)))["cycle_id"]


def test_a_year_two_report_shows_governance_criteria_and_outcomes(
    client: TestClient, session: Session, world, tmp_path: Path
) -> None:
    aid = year_two(client, session, world)

    pdf = _report(client, world.a.board, aid, tmp_path / "year-two.pdf")

    cover = pdf.pages[0]
    assert "Governance ratings" in cover
    # Each rating as a word with its meaning, the PCT's and then the SHA's.
    assert "Strategy Green — no concerns Green — no concerns" in cover
    assert "Finance Amber — some concerns Red — serious concerns" in cover
    assert "Board Green — no concerns Green — no concerns" in cover
    assert "PCT's own rating SHA's rating" in cover

    one = pdf.page_with(f"1. {COMPETENCY_TITLES[0]}")
    assert "Criteria: each scored on its own" in one
    assert (
        "1.1 Set the local health vision and strategy Level 3 (established) Why 1.1 is at "
        "level 3. Level 2 (developing) The panel's view of 1.1." in one
    )
    assert "1.2 Be recognised and followed as the local leader Level 2 (developing)" in one
    assert (
        "The PCT's level 2 and the SHA's level 2 follow from the criteria above: a competency "
        "stands at the lowest level that any of its criteria has reached." in one
    )
    assert "Self-assessment: level 2, from its criteria" in one
    assert "SHA review: level 2, from its criteria" in one
    eleven = pdf.page_with(ELEVEN)
    assert "11.3 Deliver lasting improvement in the efficiency and effectiveness of spend" in (
        eleven
    )
    assert "The PCT's level 1 and the SHA's level 1 follow from the criteria above" in eleven
    two = pdf.page_with(f"2. {COMPETENCY_TITLES[1]}")
    assert "Criteria" not in two and "from its criteria" not in two

    governance = pdf.page_with("Governance")
    assert "Finance Is the PCT in financial balance" in governance
    assert "PCT's own rating: Amber — some concerns Why the board rates finance amber." in (
        governance
    )
    assert "SHA's rating: Red — serious concerns Differs from the PCT's rating (amber)." in (
        governance
    )

    outcomes = pdf.page_with("Outcomes")
    assert "On trajectory in 2009 (22.9 against 23.0 aimed)." in outcomes
    assert "Behind trajectory in 2009 (43.5 against 45.0 aimed)." in outcomes
    assert "Lower is better ↓" in outcomes and "Higher is better ↑" in outcomes
    assert "Aimed for" in outcomes and "Actual" in outcomes
    assert "2009 23.0 22.9" in outcomes  # the years in figures beside the chart
    front = " ".join(pdf.pages[:3])
    assert "1 on trajectory, 1 behind" in front
    assert "Finance (governance): the SHA rates it red (serious concerns), the PCT amber." in front
    assert (
        "Breastfeeding at 6 to 8 weeks: Behind trajectory in 2009 (43.5 against 45.0 aimed)."
        in front
    )
    # The contents send the reader to the new sections.
    assert re.search(r"Governance \.+ \d+ Outcomes \.+ \d+ Appendix A", pdf.text)

    summary = _sha_report(client, world, _cycle_of(client, world, aid), tmp_path / "sha-two.pdf")
    assert "PCT 1 2 3 4 5 6 7 8 9 10 11 Status" in summary.text
    assert "not assessed in this cycle" not in summary.text
    assert (
        f"{world.a.pct.name} ({world.a.pct.code}) Green — no concerns SHA's rating "
        "Red — serious concerns SHA's rating Green — no concerns SHA's rating "
        "2 measures: 1 on trajectory, 1 off trajectory Off trajectory: Breastfeeding at 6 to 8 "
        "weeks."
    ) in summary.text


def test_a_cycle_assessing_1_to_10_shows_no_competency_11(
    client: TestClient, session: Session, world, tmp_path: Path
) -> None:
    aid = year_one(client, session, world)

    pdf = _report(client, world.a.board, aid, tmp_path / "year-one.pdf")

    assert ELEVEN not in pdf.text
    assert COMPETENCY_TITLES[10] in pdf.text  # only where it says so:
    assert (
        pdf.text.count(f"Competency 11 ({COMPETENCY_TITLES[10]}) is not assessed in this cycle.")
        == 2
    )
    assert "the 10 World Class Commissioning competencies this cycle assesses" in pdf.text
    assert "The PCT has given itself a level on 10 of 10 competencies" in pdf.text
    assert f"10. {COMPETENCY_TITLES[9]}" in pdf.text
    assert "Strategy Amber — some concerns Red — serious concerns" in pdf.pages[0]
    assert "On trajectory in 2009 (22.9 against 23.0 aimed)" in pdf.text
    assert (
        f"This cycle does not assess competency 11 ({COMPETENCY_TITLES[10]}): the PCT's finances "
        "are judged here, under governance." in pdf.page_with("Governance")
    )


def test_a_draft_report_says_what_governance_and_outcomes_still_lack(
    client: TestClient, world
) -> None:
    aid = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    rate(client, world.a.lead, aid, {"finance": "red"}, sha=False)

    pdf = _report(client, world.a.lead, aid)

    cover = pdf.pages[0]
    assert "Strategy Not yet rated" in cover and "Finance Red — serious concerns" in cover
    assert "SHA's rating" not in cover  # not until the SHA gives one
    assert "Strategy (governance): not yet rated by the PCT." in pdf.text
    assert "Finance (governance): rated red by the PCT (serious concerns)." in pdf.text
    assert "No outcome measure presented: at least one is needed for sign-off." in pdf.text
    assert "The PCT presents no outcome measure yet." in pdf.page_with("Outcomes")


def test_a_measure_without_an_actual_says_so(client: TestClient, session: Session, world) -> None:
    aid = year_one_assessment(client, world.a, year_one_cycle(session))

    pdf = _report(client, world.a.board, aid)

    assert "Smoking prevalence in adults (% of adults; lower is better) No actual recorded yet" in (
        pdf.text
    )
    assert "No actual recorded yet." in pdf.page_with("Outcomes")
    assert "0 on trajectory, 0 behind, 1 without an actual to compare yet" in pdf.text


def test_the_sha_summary_shows_only_assessed_competencies_governance_and_outcomes(
    client: TestClient, session: Session, world, tmp_path: Path
) -> None:
    cycle = year_one_cycle(session)
    year_one_assessment(
        client,
        world.a,
        cycle,
        reviewer=world.reviewer,
        panel={"strategy": "red", "finance": "green", "board": "green"},
        actuals={2009: 22.9},
    )
    year_one_assessment(
        client,
        world.b,
        cycle,
        governance={"strategy": "green", "finance": "red", "board": "amber"},
        actuals={2009: 23.6},
    )

    pdf = _sha_report(client, world, cycle, tmp_path / "sha-year-one.pdf")

    text = pdf.text
    assert "PCT 1 2 3 4 5 6 7 8 9 10 Status" in text
    assert ELEVEN + " Not assessed in this cycle" in text  # no count, and says why
    assert "This cycle assesses competencies 1 to 10" in text
    a, b = f"{world.a.pct.name} ({world.a.pct.code})", f"{world.b.pct.name} ({world.b.pct.code})"
    assert (
        f"{a} Red — serious concerns SHA's rating Green — no concerns SHA's rating "
        "Green — no concerns SHA's rating 1 measure: 1 on trajectory, 0 off trajectory"
    ) in text
    assert text.count("Off trajectory: Smoking prevalence in adults.") == 1  # b's, not a's
    assert (
        f"{b} Green — no concerns PCT's own rating Red — serious concerns PCT's own rating "
        "Amber — some concerns PCT's own rating 1 measure: 0 on trajectory, 1 off trajectory "
        "Off trajectory: Smoking prevalence in adults."
    ) in text
    assert "Strategy 1 0 1 0 Finance 1 0 1 0 Board 0 1 1 0" in text  # red, amber, green, none

    heatmap = ok(
        client.get(
            f"/api/v1/cycles/{cycle}/heatmap",
            params={"sha_code": world.sha.code},
            headers=auth(world.reviewer),
        )
    )
    assert heatmap["competencies"] == list(range(1, 11))
    rows = {row["organisation_code"]: row for row in heatmap["rows"]}
    assert rows[world.a.pct.code]["governance"]["strategy"] == {
        "rating": "red",
        "rated_by": "sha",
    }
    assert rows[world.b.pct.code]["governance"]["finance"] == {"rating": "red", "rated_by": "pct"}
    assert [o["on_trajectory"] for o in rows[world.b.pct.code]["outcomes"]] == [False]
    assert "11" not in rows[world.a.pct.code]["self_levels"]


def test_a_competency_part_scored_through_criteria_says_what_it_still_needs(
    client: TestClient, session: Session, world
) -> None:
    cycle = factories.make_cycle(session, name="2009/10", framework_version="wcc-2009")
    aid = open_assessment(client, world.a.lead, world.a.pct.code, cycle.id)["id"]
    put(
        client,
        world.a.lead,
        f"/api/v1/assessments/{aid}/self-scores/1/criteria/1.1",
        {"level": 3, "rationale": "The <b>vision</b> is shared & owned."},
    )
    add_outcome(
        client,
        world.a.lead,
        world.a.pct.code,
        aid,
        {**SMOKING, "title": "<i>A&E</i> waits", "unit": "<b>%</b> of patients"},
        {},
    )

    pdf = _report(client, world.a.lead, aid)

    one = pdf.page_with(f"1. {COMPETENCY_TITLES[0]}")
    assert "Level 3 (established) The <b>vision</b> is shared & owned." in one
    assert "1.2 Be recognised and followed as the local leader Not yet given a level" in one
    assert (
        "The competency's level follows from the criteria above once each has one: it stands at "
        "the lowest level that any of its criteria has reached. Not yet given a level by the "
        "PCT: 1.2 and 1.3, so the competency has no level yet." in one
    )
    assert "Self-assessment: not scored" in one
    outcomes = pdf.page_with("Outcomes")
    assert "<i>A&E</i> waits" in outcomes and "<b>%</b> of patients" in outcomes
