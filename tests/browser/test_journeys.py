"""Each role's main journey in a real Chromium, against a live server with the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import (
    given_signed_in,
    then_no_serious_accessibility_violations,
    when_the_board_signs_off,
    when_the_panel_scores_every_competency,
    when_the_reviewer_decides,
)

pytestmark = pytest.mark.browser


def test_clinician_logs_engagement_evidence_on_a_phone(phone: Page, live_server: str) -> None:
    given_signed_in(phone, live_server, "clinician.b86901@demo.wcc.nhs.test")
    # When the clinician opens "Log evidence" from the home page
    phone.get_by_role("link", name="Log evidence").first.click()
    expect(phone.get_by_role("heading", name="Log evidence")).to_be_visible()
    # Then the competencies are in number order, only what they chose for their own last item
    # (4, for the practice's referral review) chosen for them, and today's date is set
    boxes = phone.locator("input[name=competency_numbers]")
    expect(boxes.first).to_have_attribute("value", "1")
    expect(phone.locator("input[name=competency_numbers]:checked")).to_have_count(1)
    expect(phone.locator("input[name=competency_numbers][value='4']")).to_be_checked()
    assert phone.get_by_label("Date it happened").input_value()
    # When they choose "Collaborate with clinicians"
    phone.locator("input[name=competency_numbers][value='4']").check()
    # When they fill in the short form and submit it
    phone.get_by_label("Title").fill("Practice meeting: COPD rescue packs")
    phone.get_by_label("What happened").fill(
        "Nine GPs and two nurses agreed a rescue-pack protocol."
    )
    phone.get_by_label("Clinicians involved").fill("11")
    phone.get_by_label("Practices involved").fill("3")
    phone.get_by_role("button", name="Log evidence").click()
    # Then they see the item they logged, with its practice and PBC group by name, and counts
    expect(phone.get_by_role("heading", name="Practice meeting: COPD rescue packs")).to_be_visible()
    expect(phone.locator(".nhsuk-panel")).to_contain_text("Evidence logged")
    expect(
        phone.get_by_text("Meanwood Park Surgery, in PBC group Leodis Healthcare", exact=True)
    ).to_be_visible()
    # And the page fits the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    then_no_serious_accessibility_violations(phone)


def test_lead_scores_a_competency_and_sees_readiness_change_without_a_reload(
    desktop: Page, live_server: str
) -> None:
    given_signed_in(desktop, live_server, "lead.5a4@demo.wcc.nhs.test")
    desktop.get_by_role("link", name="Open the 2009/10 assessment").click()
    desktop.get_by_role("link", name="6. Prioritise investment").click()
    readiness = desktop.locator("#assessment-readiness")
    expect(readiness).to_contain_text("5 of 11")
    desktop.evaluate("window.__sameDocument = true")
    # When the lead chooses a level, writes a rationale and saves
    desktop.get_by_label("Level 2: Developing").check()
    desktop.get_by_label("Why this level is right").fill(
        "Prioritisation framework applied to all bids."
    )
    desktop.get_by_role("button", name="Save competency 6").click()
    # Then the form says it saved and readiness moves on, in the same document
    expect(desktop.locator("#competency-6-self-score")).to_contain_text("Saved.")
    expect(readiness).to_contain_text("6 of 11")
    assert desktop.evaluate("window.__sameDocument") is True
    # And a save without a level shows the error summary linked to the field
    desktop.get_by_label("Why this level is right").fill("")
    desktop.get_by_role("button", name="Save competency 6").click()
    expect(desktop.locator(".nhsuk-error-summary")).to_contain_text("Enter why this level is right")
    then_no_serious_accessibility_violations(desktop)


def test_lead_logs_evidence_to_the_library_then_adds_it_to_the_assessment(
    desktop: Page, live_server: str
) -> None:
    title = "Innovation fund panel: telehealth pilot for heart failure"
    given_signed_in(desktop, live_server, "lead.5a4@demo.wcc.nhs.test")
    desktop.get_by_role("link", name="Open the 2009/10 assessment").click()
    assessment = desktop.url
    count_8 = desktop.locator("#competency-8-row + td + td")
    before = count_8.inner_text().split()[-2]
    # When the lead logs a new item from competency 8's page
    desktop.get_by_role("link", name="8. Promote improvement and innovation").click()
    desktop.get_by_role("link", name="Log new evidence for this competency").click()
    expect(desktop.locator("input[name=competency_numbers][value='8']")).to_be_checked()
    desktop.get_by_label("Title").fill(title)
    desktop.get_by_label("What happened").fill(
        "The panel funded a six-month pilot in two practices."
    )
    desktop.get_by_label("Date it happened").fill("2009-11-12")
    desktop.get_by_label("Kind of evidence").select_option("minutes")
    desktop.get_by_role("button", name="Log evidence").click()
    expect(desktop.locator(".nhsuk-panel")).to_contain_text("Evidence logged")
    # Then it is in the library, but the assessment does not present it
    desktop.goto(assessment)
    expect(count_8).to_have_text(re.compile(rf"\b{before} items?\s*$"))
    # When the lead adds it from the competency's page
    desktop.get_by_role("link", name="8. Promote improvement and innovation").click()
    desktop.evaluate("window.__sameDocument = true")
    evidence = desktop.locator("#competency-evidence")
    evidence.get_by_role("button", name=f"Add “{title}” to this assessment").click()
    # Then it is presented, in the same document
    expect(desktop.locator("#competency-evidence")).to_contain_text("Added to this assessment.")
    expect(desktop.locator("#competency-evidence ul").first).to_contain_text(title)
    assert desktop.evaluate("window.__sameDocument") is True
    then_no_serious_accessibility_violations(desktop)
    desktop.goto(assessment)
    expect(count_8).to_have_text(re.compile(rf"\b{int(before) + 1} items?\s*$"))
    # And taking it out again leaves it in the library
    desktop.get_by_role("link", name="8. Promote improvement and innovation").click()
    desktop.locator("#competency-evidence").get_by_role(
        "button", name=f"Take out “{title}”"
    ).click()
    expect(desktop.locator("#competency-evidence")).to_contain_text("It is still in your library.")
    desktop.goto(assessment)
    expect(count_8).to_have_text(re.compile(rf"\b{before} items?\s*$"))


def test_returned_assessment_is_answered_signed_off_resubmitted_and_finalised(
    browser, live_server: str
) -> None:
    """Waltham Forest's assessment, returned by the SHA with a point on competency 4 and a
    general one: the lead answers both, the board signs off again at a meeting, the lead
    resubmits (round 2), the reviewer scores and rates it and shares the ratings as provisional,
    the lead accepts them, and the reviewer finalises, each through the pages."""
    lead = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(lead, live_server, "lead.5nc@demo.wcc.nhs.test")
    lead.get_by_role("link", name="Open the 2009/10 assessment").click()
    assessment = lead.url
    # Given the return, with its points shown where they belong
    expect(lead.get_by_text("Returned by the SHA")).to_be_visible()
    overview = lead.locator("#return-points-overview")
    expect(overview).to_contain_text("0 of 2 answered")
    then_no_serious_accessibility_violations(lead)

    board = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(board, live_server, "board.5nc@demo.wcc.nhs.test")
    board.get_by_role("link", name="Open the 2009/10 assessment").click()
    # Then the board cannot sign off while a point is unanswered
    expect(board.get_by_role("button", name="Sign off", exact=True)).to_be_disabled()

    # When the lead answers the point on competency 4, on the competency's page
    overview.get_by_role("link", name=re.compile("Competency 4")).click()
    points = lead.locator("#return-points")
    expect(points).to_contain_text("Needs attention")
    points.get_by_label("Your response").fill(
        "Added the practice survey: 41 of 44 practices and 96 clinicians took part."
    )
    points.get_by_role("button", name=re.compile("^Save")).click()
    expect(lead.locator("#return-points")).to_contain_text("Your response is saved.")
    then_no_serious_accessibility_violations(lead)
    # And the general point, on the assessment's page
    lead.goto(assessment)
    general = lead.locator("#return-points")
    general.get_by_label("Your response").fill("Every item is now dated inside 2009/10.")
    general.get_by_role("button", name=re.compile("^Save")).click()
    expect(lead.locator("#return-points-overview")).to_contain_text("2 of 2 answered")

    # And the board signs it off again, with its meeting and minute
    board.reload()
    board.get_by_role("button", name="Sign off", exact=True).click()
    expect(board.get_by_role("heading", level=1)).to_have_text(
        "Check the self-assessment before the board signs it off"
    )
    expect(board.locator("main")).to_contain_text("Every item is now dated inside 2009/10.")
    then_no_serious_accessibility_violations(board)
    when_the_board_signs_off(board, day="7", month="1", year="2010", minute="PCT/BD/10/002")
    expect(board.locator(".nhsuk-panel")).to_contain_text("Self-assessment signed off")
    then_no_serious_accessibility_violations(board)
    board.context.close()

    # And the lead checks it and submits it again: round 2
    lead.goto(assessment)
    lead.get_by_role("button", name="Submit to the SHA").click()
    expect(lead.locator("main")).to_contain_text("PCT/BD/10/002")
    lead.get_by_role("button", name="Submit to the SHA").click()
    expect(lead.locator(".nhsuk-panel")).to_contain_text("Round 2")
    then_no_serious_accessibility_violations(lead)
    lead.context.close()

    reviewer = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(reviewer, live_server, "reviewer.q36@demo.wcc.nhs.test")
    # Then the reviewer finds it in the queue, with the answers beside the points
    reviewer.get_by_role("link", name=re.compile("Review.*Waltham Forest")).click()
    review = reviewer.url
    expect(reviewer.locator("main")).to_contain_text("41 of 44 practices")
    then_no_serious_accessibility_violations(reviewer)
    # When the reviewer scores every competency, moving one with a comment
    when_the_panel_scores_every_competency(
        reviewer, review, level=2, comment="Moderated at the regional panel."
    )
    # And rates a piece of evidence, read in place, in the same form
    reviewer.goto(f"{review}/11")
    form = reviewer.locator("#review-form")
    form.get_by_label("Your rating of", exact=False).first.select_option("strong")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(reviewer.locator("#flash")).to_contain_text("Your review of competency 11 is saved.")
    expect(reviewer.locator(".app-evidence-item").first).to_contain_text("Your rating: Strong")
    # Then finalising is not yet open: 2009/10 shares the ratings as provisional first
    reviewer.goto(review)
    reviewer.locator(".app-review-decision").get_by_role("button", name="Make a decision").click()
    expect(reviewer.get_by_label("Finalise the review")).to_be_disabled()
    expect(reviewer.locator("main")).to_contain_text(
        "In 2009/10 the SHA shares its ratings as provisional first"
    )
    # When the reviewer shares them, and the lead accepts them as they stand
    reviewer.get_by_label("Share provisional ratings with the PCT").check()
    reviewer.get_by_role("button", name="Continue").click()
    reviewer.get_by_role("button", name="Share provisional ratings").click()
    expect(reviewer.locator(".nhsuk-panel")).to_contain_text("Provisional ratings shared")
    lead = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(lead, live_server, "lead.5nc@demo.wcc.nhs.test")
    lead.get_by_role("link", name="Check the provisional ratings for factual accuracy").click()
    lead.get_by_role("button", name="Continue").click()
    expect(lead.locator("main")).to_contain_text(
        "you accept the SHA's provisional ratings as they stand"
    )
    lead.get_by_role("button", name="Accept the ratings").click()
    expect(lead.locator(".nhsuk-panel")).to_contain_text("Provisional ratings accepted")
    then_no_serious_accessibility_violations(lead)
    lead.context.close()
    # And the reviewer chooses to finalise, checks the review and finalises it
    when_the_reviewer_decides(reviewer, review, "Finalise the review")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(
        "Check the review before you finalise it"
    )
    then_no_serious_accessibility_violations(reviewer)
    reviewer.get_by_role("button", name="Finalise the review").click()
    expect(reviewer.locator(".nhsuk-panel")).to_contain_text("Review finalised")
    reviewer.get_by_role("link", name="See the finalised review").click()
    expect(reviewer.locator("#finalised")).to_contain_text("Review finalised.")
    reviewer.context.close()


def test_user_text_with_markup_shows_as_text_and_runs_no_script(
    desktop: Page, live_server: str
) -> None:
    given_signed_in(desktop, live_server, "lead.5qj@demo.wcc.nhs.test")
    desktop.goto(f"{live_server}/evidence/new")
    payload = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    desktop.get_by_label("Title").fill(f"Board paper {payload}")
    desktop.get_by_label("What happened").fill(payload)
    desktop.locator("#competency-1").check()
    desktop.get_by_label("Kind of evidence").select_option("document")
    desktop.get_by_role("button", name="Log evidence").click()
    expect(desktop.get_by_role("heading", name=f"Board paper {payload}")).to_be_visible()
    assert desktop.evaluate("window.__pwned") is None
    desktop.goto(f"{live_server}/evidence?q=Board+paper")
    expect(desktop.locator("#evidence-results")).to_contain_text(payload)
    assert desktop.evaluate("window.__pwned") is None


def test_a_form_replayed_without_its_csrf_token_is_refused(desktop: Page, live_server: str) -> None:
    given_signed_in(desktop, live_server, "lead.5qj@demo.wcc.nhs.test")
    desktop.goto(f"{live_server}/evidence/new")
    # The browser's own cookies are sent, but the form's hidden token is not
    response = desktop.request.post(
        f"{live_server}/evidence",
        form={
            "title": "Forged",
            "kind": "other",
            "occurred_on": "2009-10-01",
            "competency_numbers": "1",
        },
    )
    assert response.status == 403
    assert "This form has expired" in response.text()
    with_token = desktop.request.post(
        f"{live_server}/evidence",
        form={
            "title": "Genuine",
            "kind": "other",
            "occurred_on": "2009-10-01",
            "competency_numbers": "1",
            "csrftoken": desktop.locator("input[name=csrftoken]").first.input_value(),
        },
        max_redirects=0,
    )
    assert with_token.status == 303


def test_evidence_search_filters_as_you_type(desktop: Page, live_server: str) -> None:
    given_signed_in(desktop, live_server, "lead.5n1@demo.wcc.nhs.test")
    desktop.get_by_role("link", name="Evidence", exact=True).click()
    desktop.evaluate("window.__sameDocument = true")
    desktop.get_by_label("Search titles and descriptions").fill("dermatology")
    expect(desktop.locator("#results-heading")).to_have_text("2 items")
    expect(desktop).to_have_url(re.compile(r"q=dermatology"))
    assert desktop.evaluate("window.__sameDocument") is True
    then_no_serious_accessibility_violations(desktop)
