"""The board signs off and the lead submits, through the pages, in a real Chromium at desktop
and phone width: check your answers, a refusal that keeps what was typed, then the panels.
Screenshots go to var/screenshots/sign-off/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, Browser, Page, expect

from app.config import BASE_DIR
from tests.browser.conftest import DESKTOP
from tests.browser.steps import (
    DECLARATION,
    DEMO_PASSWORD,
    given_signed_in,
    then_it_fits,
    then_no_serious_accessibility_violations,
)

pytestmark = pytest.mark.browser
SHOTS = BASE_DIR / "var" / "screenshots" / "sign-off"
PHONE = {"width": 375, "height": 812}
# Bristol's 2009/10 assessment is a draft in the demo, and no other journey moves it.
PCT = "5QJ"
LEAD = "lead.5qj@demo.wcc.nhs.test"
BOARD = "board.5qj@demo.wcc.nhs.test"


def _screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """A desktop and a phone browser for the board member and for the lead."""
    contexts = {
        name: browser.new_context(
            viewport=DESKTOP if name.endswith("desktop") else PHONE,
            is_mobile=not name.endswith("desktop"),
            has_touch=not name.endswith("desktop"),
        )
        for name in ("board-desktop", "board-phone", "lead-desktop", "lead-phone")
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


# Given ------------------------------------------------------------------------------------------


class _Api:
    """The JSON API with the lead's bearer token, through Playwright's request context."""

    def __init__(self, request: APIRequestContext, token: str) -> None:
        self.request = request
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, params: dict | None = None) -> Any:
        response = self.request.get(path, headers=self.headers, params=params)
        assert response.ok, response.text()
        return response.json()

    def put(self, path: str, body: dict | None = None) -> None:
        response = self.request.put(path, headers=self.headers, data=body)
        assert response.ok, response.text()

    def post(self, path: str, body: dict) -> Any:
        response = self.request.post(path, headers=self.headers, data=body)
        assert response.ok, response.text()
        return response.json()


def given_the_lead_has_readied_the_assessment(browser: Browser, base: str) -> int:
    """Through the API: every competency scored with a reason, and evidence from the PCT's
    library (dated in the year) presented for each. Returns the assessment's id."""
    context = browser.new_context(base_url=base)
    try:
        token = context.request.post(
            "/api/v1/auth/token", form={"username": LEAD, "password": DEMO_PASSWORD}
        )
        assert token.ok, token.text()
        api = _Api(context.request, token.json()["access_token"])
        mine = [
            a
            for a in api.get("/api/v1/assessments")
            if a["organisation_code"] == PCT and a["cycle_name"] == "2009/10"
        ]
        assert len(mine) == 1 and mine[0]["status"] == "draft", mine
        assessment_id = mine[0]["id"]
        url = f"/api/v1/assessments/{assessment_id}"
        detail = api.get(url)
        covered = {n for item in detail["presented_evidence"] for n in item["competency_numbers"]}
        library = api.get("/api/v1/evidence", {"organisation_code": PCT, "limit": 100})["items"]
        for item in sorted(library, key=lambda i: i["occurred_on"], reverse=True):
            if item["occurred_on"].startswith("2009") and set(item["competency_numbers"]) - covered:
                api.put(f"{url}/evidence/{item['id']}")
                covered |= set(item["competency_numbers"])
        for number in sorted(set(range(1, 12)) - covered):
            logged = api.post(
                "/api/v1/evidence",
                {
                    "organisation_code": PCT,
                    "title": f"Board paper on competency {number}",
                    "description": "Discussed and noted by the board.",
                    "kind": "minutes",
                    "occurred_on": "2009-11-05",
                    "competency_numbers": [number],
                },
            )
            api.put(f"{url}/evidence/{logged['id']}")
        scored = {s["competency_number"] for s in detail["self_scores"]}
        framework = api.get(f"/api/v1/frameworks/{detail['framework_version']}")
        criteria = {
            c["number"]: [k["number"] for k in c["criteria"]] for c in framework["competencies"]
        }
        for number in sorted(set(range(1, 12)) - scored):
            for criterion in criteria.get(number, []):
                api.put(f"{url}/self-scores/{number}/criteria/{criterion}", {"level": 2})
            api.put(
                f"{url}/self-scores/{number}",
                {
                    "level": 2,
                    "rationale": f"The board papers on competency {number} show steady progress.",
                    "improvement_action": "Report progress to the board each quarter.",
                    "target_level": 3,
                },
            )
        for area in ("strategy", "finance", "board"):
            api.put(
                f"{url}/governance/{area}",
                {"rating": "amber", "narrative": f"The board reviewed {area} in November."},
            )
        readiness = api.get(url)["readiness"]
        assert readiness["ready"], readiness
        return assessment_id
    finally:
        context.close()


# The journey --------------------------------------------------------------------------------


def test_board_signs_off_through_the_page_and_lead_submits(
    browser: Browser, pages: dict[str, Page], live_server: str
) -> None:
    assessment_id = given_the_lead_has_readied_the_assessment(browser, live_server)
    sign_off_url = f"{live_server}/assessments/{assessment_id}/sign-off"
    board, board_phone = pages["board-desktop"], pages["board-phone"]
    lead, lead_phone = pages["lead-desktop"], pages["lead-phone"]
    for page, email in ((board, BOARD), (board_phone, BOARD), (lead, LEAD), (lead_phone, LEAD)):
        given_signed_in(page, live_server, email)

    # When a board member opens the assessment and chooses "Sign off"
    board.get_by_role("link", name="Open the 2009/10 assessment").click()
    board.get_by_role("button", name="Sign off").click()
    # Then the whole self-assessment is on one screen, then the declaration
    expect(board.get_by_role("heading", level=1)).to_have_text(
        "Check the self-assessment before the board signs it off"
    )
    # Governance and outcomes, then the eleven competencies
    expect(board.locator(".nhsuk-summary-list")).to_have_count(12)
    expect(board.get_by_label(DECLARATION)).not_to_be_checked()
    then_no_serious_accessibility_violations(board)
    then_it_fits(board)
    _screenshot(board, "sign-off-desktop")
    # And on a phone it fits the screen
    board_phone.goto(sign_off_url)
    expect(board_phone.get_by_role("heading", level=1)).to_be_visible()
    then_it_fits(board_phone)
    then_no_serious_accessibility_violations(board_phone)
    _screenshot(board_phone, "sign-off-phone")

    # When the board member gives the meeting and minute but not the declaration
    board.get_by_label("Day").fill("1")
    board.get_by_label("Month").fill("12")
    board.get_by_label("Year").fill("2009")
    board.get_by_label("Minute reference").fill("PCT/BD/09/151")
    board.get_by_role("button", name="Sign off the self-assessment").click()
    # Then the error summary takes the focus and links to the declaration, and nothing typed
    # is lost
    summary = board.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Confirm the declaration")
    expect(summary).to_be_focused()
    expect(board.get_by_label("Minute reference")).to_have_value("PCT/BD/09/151")
    expect(board.get_by_label("Year")).to_have_value("2009")
    then_no_serious_accessibility_violations(board)
    _screenshot(board, "sign-off-error-desktop")
    summary.get_by_role("link", name="Confirm the declaration").click()
    expect(board.get_by_label(DECLARATION)).to_be_focused()

    # When they tick the declaration and sign off
    board.get_by_label(DECLARATION).check()
    board.get_by_role("button", name="Sign off the self-assessment").click()
    # Then the confirmation panel shows the meeting, the minute and what happens next
    panel = board.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Self-assessment signed off")
    expect(panel).to_contain_text("1 December 2009")
    expect(panel).to_contain_text("PCT/BD/09/151")
    expect(board.get_by_role("heading", name="What happens next")).to_be_visible()
    then_no_serious_accessibility_violations(board)
    _screenshot(board, "signed-off-desktop")
    board_phone.goto(f"{sign_off_url}/done")
    expect(board_phone.locator(".nhsuk-panel")).to_contain_text("Self-assessment signed off")
    then_it_fits(board_phone)
    _screenshot(board_phone, "signed-off-phone")

    # When the board member finds a mistake and withdraws the sign-off, at first with no reason
    board.get_by_role("link", name="Back to the assessment").click()
    _screenshot(board, "board-signed-off-desktop")
    board.get_by_role("button", name="Withdraw the sign-off").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Withdraw the board's sign-off")
    expect(board.get_by_role("heading", name="The board must sign it off again")).to_be_visible()
    board_phone.goto(f"{live_server}/assessments/{assessment_id}/withdraw-sign-off")
    then_it_fits(board_phone)
    then_no_serious_accessibility_violations(board_phone)
    _screenshot(board_phone, "withdraw-phone")
    board.get_by_role("button", name="Withdraw the sign-off").click()
    expect(board.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter why the sign-off is withdrawn"
    )
    reason = "The minute number was wrong: the board agreed it under minute 152."
    board.get_by_label("Why are you withdrawing the sign-off?").fill(reason)
    board.get_by_role("button", name="Withdraw the sign-off").click()
    # Then the panel says so, with the reason, and the assessment is a draft again
    expect(board.locator(".nhsuk-panel")).to_contain_text("Sign-off withdrawn")
    expect(board.locator("main")).to_contain_text(reason)
    expect(board.locator(".nhsuk-panel")).to_contain_text("back to draft")
    then_no_serious_accessibility_violations(board)
    _screenshot(board, "withdrawn-desktop")
    # And the board signs it off again, with the right minute
    board.goto(sign_off_url)
    expect(board.locator("main")).to_contain_text(reason)
    board.get_by_label("Day").fill("1")
    board.get_by_label("Month").fill("12")
    board.get_by_label("Year").fill("2009")
    board.get_by_label("Minute reference").fill("PCT/BD/09/152")
    board.get_by_label(DECLARATION).check()
    board.get_by_role("button", name="Sign off the self-assessment").click()
    expect(board.locator(".nhsuk-panel")).to_contain_text("PCT/BD/09/152")

    # When the lead, on a phone, opens the assessment and chooses "Submit to the SHA"
    lead_phone.get_by_role("link", name="Open the 2009/10 assessment").click()
    lead_phone.get_by_role("button", name="Submit to the SHA").click()
    # Then they see what the board signed, and the whole self-assessment
    expect(lead_phone.get_by_role("heading", level=1)).to_have_text(
        "Check the self-assessment before you submit it"
    )
    expect(lead_phone.locator("main")).to_contain_text("PCT/BD/09/152")
    expect(lead_phone.locator("main")).to_contain_text("unchanged since the board signed it off")
    then_it_fits(lead_phone)
    then_no_serious_accessibility_violations(lead_phone)
    _screenshot(lead_phone, "submit-phone")
    lead.goto(f"{live_server}/assessments/{assessment_id}/submit")
    _screenshot(lead, "submit-desktop")
    # When they submit it
    lead_phone.get_by_role("button", name="Submit to the SHA").click()
    # Then the panel says it went, as round 1
    panel = lead_phone.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Self-assessment submitted")
    expect(panel).to_contain_text("Round 1")
    then_it_fits(lead_phone)
    then_no_serious_accessibility_violations(lead_phone)
    _screenshot(lead_phone, "submitted-phone")
    lead.goto(f"{live_server}/assessments/{assessment_id}/submit/done")
    expect(lead.locator(".nhsuk-panel")).to_contain_text("Round 1")
    then_no_serious_accessibility_violations(lead)
    _screenshot(lead, "submitted-desktop")
    # And the submit page no longer offers to submit, nor speaks of sign-off readiness
    lead.goto(f"{live_server}/assessments/{assessment_id}/submit")
    expect(lead.locator("main")).to_contain_text("it has been submitted to the SHA")
    expect(lead.get_by_role("button", name="Submit to the SHA")).to_have_count(0)
    expect(lead.locator("main")).not_to_contain_text("Ready for")
