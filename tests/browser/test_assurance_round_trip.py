"""One assessment all the way round, through the pages, each role doing its part in a real
Chromium: the lead presents evidence and completes it, the board signs off at a minuted
meeting, the lead submits, the SHA asks a question and the lead answers it, the SHA returns it
with two points, the lead answers both, the board signs off again, the lead resubmits
(round 2); the SHA records its panel, shares provisional ratings, the PCT comments on one for
factual accuracy, the SHA moderates it with a reason and finalises, and the report carries the
panel and the moderation.

Every key page is checked with axe and photographed at desktop (1280) and phone (375) width
into var/screenshots/round-trip/, named by step so the journey reads in order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from app.config import BASE_DIR
from tests.browser.conftest import DESKTOP
from tests.browser.steps import (
    given_signed_in,
    then_it_fits,
    then_no_serious_accessibility_violations,
    when_the_board_fills_in_the_sign_off,
    when_the_board_signs_off,
    when_the_panel_scores_every_competency,
    when_the_reviewer_decides,
)

pytestmark = pytest.mark.browser
SHOTS = BASE_DIR / "var" / "screenshots" / "round-trip"
PHONE = {"width": 375, "height": 812}

# Hull's 2009/10 assessment is signed off in the demo, complete, and no other browser journey
# moves it. The lead has the board's sign-off withdrawn to present one more item, so the
# journey starts from a draft with everything it needs.
PCT_NAME = "Hull Teaching PCT"
LEAD = "lead.5nx@demo.wcc.nhs.test"
BOARD = "board.5nx@demo.wcc.nhs.test"
REVIEWER = "reviewer.q32@demo.wcc.nhs.test"

NEW_ITEM = "Provider market day: community equipment and wheelchair services"
WITHDRAW_REASON = (
    "The lead has one more item for competency 7: the provider market day in November."
)
MINUTE_1 = "PCT/BD/09/158"
MINUTE_2 = "PCT/BD/10/006"
RETURN_REASON = "Market development rests on one tender. Show what changed for patients."
POINT_7 = (
    "Show how the market day changed what providers offer: which providers came forward, "
    "and what the PCT will buy differently in 2010/11."
)
GENERAL_POINT = "Give the date of the board meeting that agreed each strategy document."
RATIONALE_7 = (
    "The market day drew four new providers of community equipment; two are now on the "
    "framework and wheelchair waits fell from 14 to 9 weeks."
)
ANSWER_7 = (
    "Rationale for competency 7 rewritten with the providers that came forward and the "
    "changes to wheelchair services; the market day minutes are presented."
)
ANSWER_GENERAL = "Each strategy document now names the board meeting and minute that agreed it."
QUESTION_7 = "Which providers came to the market day, and has any of them since bid for PCT work?"
REPLY_7 = "Eleven came; two have since bid for the wheelchair service tender closing in March."
PANEL_MEMBERS = (
    "Margaret Holt, director of commissioning development, SHA\n"
    "Dr Sunil Rao, clinical adviser\n"
    "Peter Whitley, peer reviewer, director of commissioning at another PCT"
)
PANEL_ATTENDEES = "Chris Long, chief executive\nDr Kate Finch, PEC chair"
PANEL_NOTES = "The panel tested the market day's effect on wheelchair waits and the tender."
FACTS_7 = (
    "The rating says no provider has come forward since the market day; two have bid for the "
    "wheelchair tender (papers presented with competency 7)."
)
MODERATION_REASON = (
    "Moderated up: the bids the PCT points to show the market responding, as the panel asked."
)


@dataclass
class Person:
    """One person at two screen sizes: the journey runs on the desktop page, and each key
    page is opened again on the phone to check it there too."""

    desktop: Page
    phone: Page

    def key_page(self, step: str, *, phone_too: bool = True) -> None:
        """The page the desktop shows now: axe-clean, fits the screen, photographed; then the
        same address on the phone, likewise."""
        then_key_page_is_sound(self.desktop, f"{step}-desktop")
        if phone_too:
            url = self.desktop.url.split("#")[0]
            response = self.phone.goto(url)
            assert response is not None and response.status == 200, url
            expect(self.phone.locator("h1")).to_have_count(1)
            then_key_page_is_sound(self.phone, f"{step}-phone")


def then_key_page_is_sound(page: Page, name: str) -> None:
    then_no_serious_accessibility_violations(page)
    then_it_fits(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def people(browser: Browser, live_server: str) -> Iterator[dict[str, Person]]:
    contexts = []
    people: dict[str, Person] = {}
    for name, email in (("lead", LEAD), ("board", BOARD), ("reviewer", REVIEWER)):
        pages = []
        for viewport, mobile in ((DESKTOP, False), (PHONE, True)):
            context = browser.new_context(
                viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="en-GB"
            )
            contexts.append(context)
            page = context.new_page()
            given_signed_in(page, live_server, email)
            pages.append(page)
        people[name] = Person(*pages)
    yield people
    for context in contexts:
        context.close()


def test_one_assessment_round_trip_with_every_role_doing_its_part(
    people: dict[str, Person], live_server: str
) -> None:
    lead, board, reviewer = people["lead"], people["board"], people["reviewer"]

    # Given Hull's 2009/10 assessment, signed off by its board
    page = lead.desktop
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Open the 2009/10 assessment").click()
    expect(page.locator("h1")).to_contain_text("Signed off")
    assessment = page.url.rstrip("/")
    assert re.search(r"/assessments/\d+$", assessment), assessment
    row_7 = page.locator("#competency-7-row")
    evidence_7 = page.locator("#competency-7-row + td + td")
    expect(evidence_7).to_have_text(re.compile(r"\b3 items\s*$"))

    # When the lead logs a new item to the library, for competency 7
    page.get_by_role("link", name="Log evidence").first.click()
    page.get_by_label("Title").fill(NEW_ITEM)
    page.get_by_label("What happened").fill(
        "Eleven providers heard the PCT's five-year intentions for community equipment; "
        "four new providers registered interest."
    )
    page.get_by_label("Date it happened").fill("2009-11-20")
    page.locator("input[name=competency_numbers][value='7']").check()
    page.get_by_label("Kind of evidence").select_option("engagement")
    page.get_by_role("button", name="Log evidence").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Evidence logged")
    # Then the signed-off assessment is untouched: logging never presents an item
    page.goto(assessment)
    expect(page.locator("h1")).to_contain_text("Signed off")
    expect(evidence_7).to_have_text(re.compile(r"\b3 items\s*$"))
    lead.key_page("01-lead-assessment-signed-off")
    # And the competency page offers no way to change it while it is signed off
    page.goto(f"{assessment}/competencies/7")
    expect(page.get_by_role("button", name=re.compile("to this assessment"))).to_have_count(0)

    # When the lead withdraws the sign-off to present the new item, giving a reason
    page.goto(assessment)
    page.get_by_role("button", name="Withdraw the sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw the board's sign-off")
    lead.key_page("02-withdraw-sign-off")
    page.get_by_label("Why are you withdrawing the sign-off?").fill(WITHDRAW_REASON)
    page.get_by_role("button", name="Withdraw the sign-off").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Sign-off withdrawn")
    expect(page.locator(".nhsuk-panel")).to_contain_text("back to draft")
    lead.key_page("03-sign-off-withdrawn")

    # And adds the item to the assessment from the competency's page
    page.goto(f"{assessment}/competencies/7")
    expect(page.locator("h1")).to_have_text("7. Stimulate the market")
    add = page.get_by_role("button", name=f"Add “{NEW_ITEM}” to this assessment")
    expect(add).to_be_visible()
    lead.key_page("04-lead-competency-add-from-library")
    add.click()
    presented = page.locator("#competency-evidence")
    expect(presented).to_contain_text("Added to this assessment.")
    expect(presented.locator("ul").first).to_contain_text(NEW_ITEM)
    lead.key_page("05-lead-evidence-added")
    # Then the assessment presents it, and is ready for the board
    page.goto(assessment)
    expect(page.locator("h1")).to_contain_text("Draft")
    expect(evidence_7).to_have_text(re.compile(r"\b4 items\s*$"))
    expect(row_7.locator("xpath=..")).to_contain_text("Ready")
    expect(page.locator("#assessment-actions")).to_contain_text("11 of 11")
    lead.key_page("06-lead-assessment-ready")

    # When a board member opens it, they are told why the sign-off was withdrawn
    page = board.desktop
    page.goto(f"{live_server}/")
    expect(page.locator("main")).to_contain_text(WITHDRAW_REASON)
    board.key_page("07-board-home-after-withdrawal")
    # And "Sign off" leads to the whole self-assessment on one page
    page.get_by_role("link", name="Open the 2009/10 assessment").click()
    sign_off = page.get_by_role("button", name="Sign off", exact=True)
    expect(sign_off).to_have_attribute("href", re.compile(r"/sign-off$"))
    sign_off.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the self-assessment before the board signs it off"
    )
    # Governance and outcomes, then the eleven competencies
    expect(page.locator(".nhsuk-summary-list")).to_have_count(12)
    expect(page.locator("main")).to_contain_text(NEW_ITEM)
    expect(page.locator("main")).to_contain_text(WITHDRAW_REASON)
    board.key_page("08-sign-off-check")
    # When the board signs it off with the meeting and the minute
    when_the_board_signs_off(page, day="14", month="12", year="2009", minute=MINUTE_1)
    panel = page.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Self-assessment signed off")
    expect(panel).to_contain_text("14 December 2009")
    expect(panel).to_contain_text(MINUTE_1)
    board.key_page("09-signed-off")

    # When the lead checks what goes to the SHA and submits it
    page = lead.desktop
    page.goto(assessment)
    page.get_by_role("button", name="Submit to the SHA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the self-assessment before you submit it"
    )
    expect(page.locator("main")).to_contain_text(MINUTE_1)
    lead.key_page("10-submit-check")
    page.get_by_role("button", name="Submit to the SHA").click()
    panel = page.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Self-assessment submitted")
    expect(panel).to_contain_text("Round 1")
    lead.key_page("11-submitted-round-1")

    # When the reviewer finds it in the queue and opens the review
    page = reviewer.desktop
    page.goto(f"{live_server}/reviews")
    page.get_by_role("link", name=f"Review {PCT_NAME}").click()
    expect(page.locator("h1")).to_have_text(f"{PCT_NAME}, 2009/10")
    review = page.url
    reviewer.key_page("12-review-round-1")

    # When the reviewer asks a question on competency 7, from the competency's review page
    page.goto(f"{review}/7")
    page.get_by_label("Ask a question about this competency").fill(QUESTION_7)
    page.get_by_role("button", name="Send question").click()
    expect(page.locator("#questions")).to_contain_text(QUESTION_7)
    reviewer.key_page("12a-reviewer-asks-a-question")
    # Then the lead sees it, marked new, on the competency's own page, and replies
    page = lead.desktop
    page.goto(f"{assessment}/competencies/7")
    questions = page.locator("#questions")
    expect(questions).to_contain_text(QUESTION_7)
    expect(questions.locator("#questions-heading")).to_contain_text("1 new")
    lead.key_page("12b-lead-sees-the-question")
    questions.get_by_text("Reply to this question", exact=True).click()
    questions.get_by_label("Your reply to this question").fill(REPLY_7)
    questions.get_by_role("button", name="Send reply").click()
    expect(page.locator("#questions")).to_contain_text(REPLY_7)
    # And the reviewer finds the reply, new to them, among the assessment's questions
    page = reviewer.desktop
    page.goto(f"{assessment}/questions")
    expect(page.locator("main")).to_contain_text(REPLY_7)
    expect(page.locator("main")).to_contain_text("1 new")
    reviewer.key_page("12c-reviewer-reads-the-reply")
    # And returns it with a point on competency 7 and a general point
    when_the_reviewer_decides(page, review, "Return to the PCT")
    expect(page.get_by_role("heading", level=1)).to_have_text("Return the assessment to the PCT")
    reviewer.key_page("13-return-form")
    page.get_by_label("Why are you returning it?").fill(RETURN_REASON)
    page.get_by_label("What must the PCT address on competency 7?").fill(POINT_7)
    page.get_by_label("Any general point, not about one competency").fill(GENERAL_POINT)
    page.evaluate("document.activeElement.blur()")
    then_key_page_is_sound(page, "14-return-form-filled-desktop")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your return before sending it")
    expect(page.locator("main")).to_contain_text(POINT_7)
    expect(page.locator("main")).to_contain_text(GENERAL_POINT)
    then_key_page_is_sound(page, "15-return-check-desktop")
    # (the check page answers a post: the phone fills in the form too, and stops at the check)
    phone = reviewer.phone
    phone.goto(page.url)
    phone.get_by_label("Why are you returning it?").fill(RETURN_REASON)
    phone.get_by_label("What must the PCT address on competency 7?").fill(POINT_7)
    phone.get_by_label("Any general point, not about one competency").fill(GENERAL_POINT)
    phone.evaluate("document.activeElement.blur()")
    then_key_page_is_sound(phone, "14-return-form-filled-phone")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Check your return before sending it"
    )
    then_key_page_is_sound(phone, "15-return-check-phone")
    page.get_by_role("button", name="Return to the PCT").click()
    panel = page.locator(".nhsuk-panel")
    expect(panel).to_contain_text("Assessment returned to the PCT")
    expect(panel).to_contain_text("2 points to address")
    reviewer.key_page("16-returned")

    # Then the lead sees the return, with each point where it belongs
    page = lead.desktop
    page.goto(assessment)
    expect(page.locator("h1")).to_contain_text("Returned")
    expect(page.locator("main")).to_contain_text(RETURN_REASON)
    expect(page.locator("#return-points-overview")).to_contain_text("0 of 2 answered")
    expect(page.locator("main")).to_contain_text(GENERAL_POINT)
    lead.key_page("17-lead-assessment-returned")
    page.get_by_role("link", name="Competency 7: Stimulate the market").click()
    points = page.locator("#return-points")
    expect(points).to_contain_text(POINT_7)
    expect(points).to_contain_text("Needs attention")
    lead.key_page("18-lead-competency-returned")

    # When the lead revises competency 7 and answers its point
    page.get_by_label("Why this level is right").fill(RATIONALE_7)
    page.get_by_role("button", name="Save competency 7").click()
    expect(page.locator("#competency-7-self-score")).to_contain_text("Saved.")
    page.locator("#return-points").get_by_label("Your response").fill(ANSWER_7)
    page.locator("#return-points").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#return-points")).to_contain_text("Your response is saved.")
    expect(page.locator("#return-points")).to_contain_text("Answered")
    lead.key_page("19-lead-point-answered")
    # (opened afresh, the page marks the competency as changed, no longer as needing attention)
    expect(lead.phone.locator("main")).to_contain_text("Changed since round 1")
    expect(lead.phone.locator("#return-points")).to_contain_text("Answered")

    # Then the board cannot sign off again while the general point is unanswered
    page = board.desktop
    page.goto(assessment)
    expect(page.locator("main")).to_contain_text("1 of 2 answered")
    expect(page.get_by_role("button", name="Sign off", exact=True)).to_be_disabled()
    board.key_page("20-board-assessment-point-open")

    # When the lead answers the general point on the assessment page
    page = lead.desktop
    page.goto(assessment)
    general = page.locator("#return-points")
    general.get_by_label("Your response").fill(ANSWER_GENERAL)
    general.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("main")).to_contain_text("Your response is saved.")
    expect(page.locator("#return-points-overview")).to_contain_text("2 of 2 answered")
    lead.key_page("21-lead-all-points-answered")

    # And the board signs it off again, at a later meeting
    page = board.desktop
    page.goto(assessment)
    page.get_by_role("button", name="Sign off", exact=True).click()
    expect(page.locator("main")).to_contain_text(RATIONALE_7)
    board.key_page("22-sign-off-check-again")
    when_the_board_fills_in_the_sign_off(page, day="14", month="1", year="2010", minute=MINUTE_2)
    page.evaluate("document.activeElement.blur()")
    then_key_page_is_sound(page, "22-sign-off-check-again-filled-desktop")
    page.get_by_role("button", name="Sign off the self-assessment").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text(MINUTE_2)
    board.key_page("23-signed-off-again")

    # And the lead resubmits it: round 2
    page = lead.desktop
    page.goto(assessment)
    page.get_by_role("button", name="Submit to the SHA").click()
    expect(page.locator("main")).to_contain_text(MINUTE_2)
    lead.key_page("24-resubmit-check")
    page.get_by_role("button", name="Submit to the SHA").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Round 2")
    lead.key_page("25-submitted-round-2")

    # Then the reviewer sees what changed since round 1, and only there
    page = reviewer.desktop
    page.goto(review)
    expect(page.locator("#competency-7")).to_contain_text("Changed since round 1")
    expect(page.locator("#competency-7")).to_contain_text("Point answered")
    expect(page.locator("#competency-3")).not_to_contain_text("Changed since round")
    expect(page.locator("main")).to_contain_text(ANSWER_7)
    expect(page.locator("main")).to_contain_text(ANSWER_GENERAL)
    reviewer.key_page("26-review-round-2")
    page.goto(f"{review}/7")
    expect(page.locator("main")).to_contain_text("Changed since round 1")
    expect(page.locator("main")).to_contain_text(RATIONALE_7)
    reviewer.key_page("27-review-competency-7-round-2")
    page.goto(f"{assessment}/rounds")
    expect(page.locator("main")).to_contain_text("Round 2")
    reviewer.key_page("28-rounds")

    # When the reviewer records the panel: when it sat, who sat, who came for the PCT
    page.goto(f"{assessment}/panel")
    expect(page.get_by_role("heading", level=1)).to_have_text("The assurance panel")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2010")
    page.get_by_label("Panel members").fill(PANEL_MEMBERS)
    page.get_by_label("Who came for the PCT (optional)").fill(PANEL_ATTENDEES)
    page.get_by_label("Notes (optional)").fill(PANEL_NOTES)
    page.get_by_role("button", name="Save the panel record").click()
    expect(page.locator("main")).to_contain_text("Last saved")
    reviewer.key_page("28a-panel-recorded")

    # And scores every competency
    when_the_panel_scores_every_competency(
        page, review, level=3, comment="Agreed at the regional panel."
    )
    # And shares the ratings as provisional, after checking them
    when_the_reviewer_decides(page, review, "Share provisional ratings with the PCT")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your ratings before you share them with the PCT"
    )
    reviewer.key_page("29-provisional-check")
    page.get_by_role("button", name="Share provisional ratings").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Provisional ratings shared")
    reviewer.key_page("30-provisional-shared")
    # Then the ratings are fixed until the PCT has checked them
    page.goto(f"{review}/7")
    expect(page.locator("#review-form")).to_contain_text("fixed until the PCT has checked them")

    # When the lead opens the provisional ratings from the home page
    page = lead.desktop
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Check the provisional ratings for factual accuracy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The SHA's provisional ratings")
    lead.key_page("31-lead-provisional-ratings")
    # And says where competency 7's rating is wrong on the facts, checks and sends it
    page.get_by_label("Competency 7: Stimulate the market (optional)").fill(FACTS_7)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answer before sending it")
    expect(page.locator("main")).to_contain_text(FACTS_7)
    then_key_page_is_sound(page, "32-factual-accuracy-check-desktop")
    page.get_by_role("button", name="Send to the SHA").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("Factual-accuracy comments sent")
    lead.key_page("33-factual-accuracy-sent")

    # Then the reviewer reads the PCT's comment on the review
    page = reviewer.desktop
    page.goto(review)
    expect(page.locator("main")).to_contain_text(FACTS_7)
    reviewer.key_page("34-review-with-the-pcts-comments")
    # When the reviewer moderates competency 7 up, giving the reason
    page.goto(f"{review}/7")
    form = page.locator("#review-form")
    form.get_by_label("Level 4:").check()
    form.get_by_label("Reason for the change (shown to the PCT in the moderation log)").fill(
        MODERATION_REASON
    )
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("Your changes to competency 7 are saved.")
    reviewer.key_page("35-moderated")
    # And checks the review and finalises it
    when_the_reviewer_decides(page, review, "Finalise the review")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the review before you finalise it"
    )
    reviewer.key_page("36-finalise-check")
    page.get_by_role("button", name="Finalise the review").click()
    expect(page.locator(".nhsuk-panel")).to_contain_text("finalised")
    reviewer.key_page("37-finalised")

    # Then the lead's page says so, with nothing left to do
    page = lead.desktop
    page.goto(assessment)
    expect(page.locator("h1")).to_contain_text("Finalised")
    expect(page.get_by_role("button", name="Submit to the SHA")).to_have_count(0)
    lead.key_page("38-lead-assessment-finalised")
    # And the lead sees what moderation changed, and why
    page.goto(f"{assessment}/factual-accuracy")
    expect(page.locator("main")).to_contain_text(MODERATION_REASON)
    lead.key_page("39-lead-moderation-log")
    # And the assurance report carries the panel, the PCT's comment and the moderation
    # A first report starts its renderer process: on a busy machine that takes a while.
    report = page.request.get(
        f"{live_server}/api/v1/assessments/{assessment_id(assessment)}/report.pdf",
        timeout=120_000,
    )
    assert report.status == 200
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(report.body())).pages
    )
    assert "Margaret Holt" in text and "Dr Kate Finch" in text
    assert "two have bid for the wheelchair tender" in text
    assert MODERATION_REASON in text
    assert "PROVISIONAL" not in text


def assessment_id(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[1])
