"""An SHA reviewer returns an assessment with two points, through the pages, in a real Chromium
at desktop and phone width: the form, a refusal that keeps what was typed, the check page,
"Change" with nothing lost, then the panel. Screenshots go to var/screenshots/return/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app.config import BASE_DIR
from tests.browser.conftest import DESKTOP
from tests.browser.steps import (
    DEMO_PASSWORD,
    given_signed_in,
    then_it_fits,
    then_no_serious_accessibility_violations,
)

pytestmark = pytest.mark.browser
SHOTS = BASE_DIR / "var" / "screenshots" / "return"
PHONE = {"width": 375, "height": 812}
# Kirklees's 2009/10 assessment is submitted in the demo, and no other journey moves it.
PCT = "5N2"
REVIEWER = "reviewer.q32@demo.wcc.nhs.test"
ADMIN = "admin@demo.wcc.nhs.test"
POINT_4 = (
    "Show engagement across Kirklees's practices, not only the consortium: how many practices "
    "and clinicians took part, and what changed because of what GPs said."
)
GENERAL = "Date each item of evidence; two appear to come from before the assurance year."
REASON = "Clinical engagement rests on one consortium. Show it across the PCT."


def _screenshot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def given_the_assessment(base: str, email: str, pct: str, cycle: str) -> dict:
    """The assessment of ``pct`` in ``cycle``, as ``email`` sees it through the API."""
    with httpx.Client(base_url=base, timeout=30) as api:
        token = api.post("/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD})
        token.raise_for_status()
        api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        found = [
            a
            for a in api.get("/api/v1/assessments").json()
            if a["organisation_code"] == pct and a["cycle_name"] == cycle
        ]
        assert len(found) == 1, found
        return found[0]


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    contexts = {
        "desktop": browser.new_context(viewport=DESKTOP),
        "phone": browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True),
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def test_reviewer_returns_an_assessment_with_two_points(
    pages: dict[str, Page], live_server: str
) -> None:
    assessment = given_the_assessment(live_server, REVIEWER, PCT, "2009/10")
    assert assessment["status"] == "submitted"
    base = f"{live_server}/assessments/{assessment['id']}"
    desktop, phone = pages["desktop"], pages["phone"]
    given_signed_in(desktop, live_server, REVIEWER)
    given_signed_in(phone, live_server, REVIEWER)

    # When the reviewer opens Kirklees's review and chooses "Return to the PCT"
    desktop.goto(f"{base}/review")
    decision = desktop.locator(".app-review-decision")
    expect(decision.get_by_role("button", name="Make a decision")).to_be_visible()
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "review-decision-desktop")
    decision.get_by_role("button", name="Make a decision").click()
    # Then finalising waits for the review scores, and says so; returning is open
    expect(desktop.get_by_label("Finalise the review")).to_be_disabled()
    expect(desktop.locator("main")).to_contain_text("score every competency first")
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "decision-desktop")
    desktop.get_by_label("Return to the PCT").check()
    desktop.get_by_role("button", name="Continue").click()
    # Then the form asks for a reason and a point per competency
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Return the assessment to the PCT")
    expect(desktop.locator("textarea[name^=point-]")).to_have_count(12)
    then_no_serious_accessibility_violations(desktop)
    then_it_fits(desktop)
    _screenshot(desktop, "return-form-desktop")

    # When they give a reason but no point
    desktop.get_by_label("Why are you returning it?").fill(REASON)
    desktop.get_by_role("button", name="Continue").click()
    # Then the error summary takes the focus, leads to the first point, and keeps the reason
    summary = desktop.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter at least one point for the PCT to address")
    expect(summary).to_be_focused()
    expect(desktop.get_by_label("Why are you returning it?")).to_have_value(REASON)
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "return-error-desktop")
    summary.get_by_role("link").click()
    expect(desktop.get_by_label("What must the PCT address on competency 1?")).to_be_focused()

    # When they write a point on competency 4 and a general one, and continue
    desktop.get_by_label("What must the PCT address on competency 4?").fill(POINT_4)
    desktop.get_by_label("Any general point, not about one competency").fill(GENERAL)
    desktop.get_by_role("button", name="Continue").click()
    # Then they check the reason and both points before anything is sent
    expect(desktop.get_by_role("heading", level=1)).to_have_text(
        "Check your return before sending it"
    )
    main = desktop.locator("main")
    expect(main).to_contain_text(REASON)
    expect(main).to_contain_text("4. Collaborate with clinicians")
    expect(main).to_contain_text(POINT_4)
    expect(main).to_contain_text(GENERAL)
    then_no_serious_accessibility_violations(desktop)
    then_it_fits(desktop)
    _screenshot(desktop, "return-check-desktop")

    # When they change the point on competency 4
    desktop.get_by_role("button", name="Change the point on competency 4").click()
    # Then the form comes back with everything they typed
    point_4 = desktop.get_by_label("What must the PCT address on competency 4?")
    expect(point_4).to_have_value(POINT_4)
    expect(desktop.get_by_label("Why are you returning it?")).to_have_value(REASON)
    expect(desktop.get_by_label("Any general point, not about one competency")).to_have_value(
        GENERAL
    )
    point_4.fill(POINT_4 + " Include the LES sign-up.")
    desktop.get_by_role("button", name="Continue").click()
    expect(main).to_contain_text("Include the LES sign-up.")

    # And on a phone the form and the check page fit the screen
    phone.goto(f"{base}/return")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    then_it_fits(phone)
    then_no_serious_accessibility_violations(phone)
    _screenshot(phone, "return-form-phone")
    phone.get_by_label("Why are you returning it?").fill(REASON)
    phone.get_by_label("What must the PCT address on competency 4?").fill(POINT_4)
    phone.get_by_label("Any general point, not about one competency").fill(GENERAL)
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Check your return before sending it"
    )
    then_it_fits(phone)
    then_no_serious_accessibility_violations(phone)
    _screenshot(phone, "return-check-phone")

    # When the reviewer returns it to the PCT
    desktop.get_by_role("button", name="Return to the PCT").click()
    # Then the panel confirms it, with the two points and what happens next
    panel = desktop.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Assessment returned to the PCT")
    expect(panel).to_contain_text("2 points to address")
    expect(desktop.get_by_role("heading", name="What happens next")).to_be_visible()
    then_no_serious_accessibility_violations(desktop)
    then_it_fits(desktop)
    _screenshot(desktop, "returned-desktop")
    phone.goto(f"{base}/return/done")
    expect(phone.locator(".nhsuk-panel")).to_contain_text("Assessment returned to the PCT")
    then_it_fits(phone)
    then_no_serious_accessibility_violations(phone)
    _screenshot(phone, "returned-phone")

    # And the review stays open to read, with each point marked on its competency
    desktop.get_by_role("link", name="See the assessment").click()
    expect(desktop.locator("#returned")).to_contain_text("Returned to the PCT")
    expect(desktop.locator("#competency-4")).to_contain_text("Needs attention")
    expect(desktop.locator(".app-review-decision")).to_have_count(0)
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "review-returned-desktop")
    desktop.get_by_role("link", name=re.compile("Every round")).click()
    expect(desktop.get_by_role("heading", name="What the SHA asked after round 1")).to_be_visible()
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "rounds-desktop")
    desktop.get_by_role("link", name=re.compile("^Round 1")).click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Round 1, as submitted")
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "round-desktop")
    phone.goto(f"{base}/rounds")
    then_it_fits(phone)
    _screenshot(phone, "rounds-phone")
    # And the competency the point concerns shows it, with "needs attention", at both sizes
    for page, size in ((desktop, "desktop"), (phone, "phone")):
        page.goto(f"{base}/review/4")
        expect(page.locator("h1")).to_have_count(1)
        expect(page.locator("main")).to_contain_text("Points the SHA raised")
        expect(page.locator("main")).to_contain_text("Needs attention")
        then_it_fits(page)
        then_no_serious_accessibility_violations(page)
        _screenshot(page, f"review-competency-returned-{size}")
    phone.goto(f"{base}/review")
    then_it_fits(phone)
    then_no_serious_accessibility_violations(phone)
    _screenshot(phone, "review-returned-phone")


def test_finalise_check_and_reopen_pages_read_plainly(
    pages: dict[str, Page], live_server: str
) -> None:
    """Read-only: nothing is posted, so the demo stays as other journeys expect it."""
    desktop, phone = pages["desktop"], pages["phone"]
    in_review = given_the_assessment(live_server, REVIEWER, "5N1", "2009/10")
    given_signed_in(desktop, live_server, REVIEWER)
    given_signed_in(phone, live_server, REVIEWER)
    for page, size in ((desktop, "desktop"), (phone, "phone")):
        page.goto(f"{live_server}/assessments/{in_review['id']}/finalise")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check the review before you finalise it"
        )
        then_it_fits(page)
        then_no_serious_accessibility_violations(page)
        _screenshot(page, f"finalise-check-{size}")

    finalised = given_the_assessment(live_server, ADMIN, "5C4", "2009/10")
    assert finalised["status"] == "finalised"
    desktop.context.clear_cookies()
    given_signed_in(desktop, live_server, ADMIN)
    desktop.goto(f"{live_server}/assessments/{finalised['id']}/review")
    desktop.get_by_role("button", name="Reopen the review").click()
    expect(desktop.get_by_label("Why are you reopening it?")).to_be_visible()
    then_it_fits(desktop)
    then_no_serious_accessibility_violations(desktop)
    _screenshot(desktop, "reopen-desktop")
