"""Given/when/then steps for the browser journeys."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "world-class-2008"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def given_signed_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The account bar names the person (and their organisation), not the email.
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page).not_to_have_url(f"{base}/login")


def then_no_serious_accessibility_violations(page: Page) -> None:
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}: {serious}"


def then_it_fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


# The board's declaration on the sign-off page, as its label begins.
DECLARATION = (
    "I confirm the board has considered this self-assessment and its evidence and agrees it"
)


def when_the_reviewer_decides(page: Page, review: str, choice: str) -> None:
    """From the review overview: "Make a decision", the option ``choice``, then Continue."""
    page.goto(review)
    page.locator(".app-review-decision").get_by_role("button", name="Make a decision").click()
    page.get_by_label(choice).check()
    page.get_by_role("button", name="Continue").click()


def when_the_board_fills_in_the_sign_off(
    page: Page, *, day: str, month: str, year: str, minute: str
) -> None:
    """On the sign-off page: the meeting date, the minute and the declaration."""
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_label("Minute reference").fill(minute)
    page.get_by_label(DECLARATION).check()


def when_the_board_signs_off(page: Page, *, day: str, month: str, year: str, minute: str) -> None:
    """On the sign-off page: the meeting date, the minute, the declaration, then sign off."""
    when_the_board_fills_in_the_sign_off(page, day=day, month=month, year=year, minute=minute)
    page.get_by_role("button", name="Sign off the self-assessment").click()


def when_the_panel_scores_every_competency(
    page: Page, review: str, *, level: int, comment: str
) -> None:
    """On the review pages: each competency at ``level`` (criterion by criterion where it is
    scored through criteria) with ``comment``, in its one form, going on to the next with
    "Save and go to the next competency"; then each governance area amber, with ``comment``."""
    page.goto(f"{review}/1")
    for number in range(1, 12):
        form = page.locator("#review-form")
        criteria = form.locator(".app-criterion-review").all()
        for criterion in criteria:
            criterion.get_by_label(f"Level {level}:").check()
        if not criteria:
            form.get_by_label(f"Level {level}:").check()
        form.get_by_label(f"Your comment on competency {number}").fill(comment)
        form.get_by_role("button", name=re.compile("^Save and go to the")).click()
        expect(page.locator("#flash")).to_contain_text(
            f"Your review of competency {number} is saved."
        )
    expect(page.locator("#flash")).to_contain_text("That was the last competency.")
    page.goto(review.removesuffix("/review") + "/governance")
    for area in ("strategy", "finance", "board"):
        section = page.locator(f"#governance-{area}")
        section.get_by_label("Amber").check()
        section.get_by_label("Comment").fill(comment)
        section.get_by_role("button", name=f"Save {area}").click()
        expect(page.locator("main")).to_contain_text(f"rating for {area} saved")
