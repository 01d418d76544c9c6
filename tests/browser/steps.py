"""Given/when/then steps for the browser journeys."""

from __future__ import annotations

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
    scored through criteria), then each governance area amber, each with ``comment``."""
    for number in range(1, 12):
        page.goto(f"{review}/{number}")
        for card in page.locator(".app-criterion").all():
            heading = card.locator("h3").inner_text().split(" ")[0]
            card.get_by_label(f"Level {level}:").check()
            card.get_by_role("button", name=f"Save {heading}").click()
            expect(page.locator("main")).to_contain_text(f"Criterion {heading} saved.")
        form = page.locator(f"#competency-{number}-review")
        if form.get_by_role("radio").count():
            form.get_by_label(f"Level {level}").check()
        form.get_by_label("Comment").fill(comment)
        form.get_by_role("button", name=f"Save review of competency {number}").click()
        expect(page.locator(f"#competency-{number}-review")).to_contain_text("Review score saved.")
    page.goto(review.removesuffix("/review") + "/governance")
    for area in ("strategy", "finance", "board"):
        section = page.locator(f"#governance-{area}")
        section.get_by_label("Amber").check()
        section.get_by_label("Comment").fill(comment)
        section.get_by_role("button", name=f"Save {area}").click()
        expect(page.locator("main")).to_contain_text(f"rating for {area} saved")
