"""Each role's main journey in a real Chromium, against a live server with the demo data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import given_signed_in, then_no_serious_accessibility_violations

pytestmark = pytest.mark.browser


def test_clinician_logs_engagement_evidence_on_a_phone(phone: Page, live_server: str) -> None:
    given_signed_in(phone, live_server, "clinician.b86901@demo.wcc.nhs.test")
    # When the clinician opens "Log evidence" from the home page
    phone.get_by_role("link", name="Log evidence").first.click()
    expect(phone.get_by_role("heading", name="Log evidence")).to_be_visible()
    # Then the competencies are in number order, none chosen for them, and today's date is set
    boxes = phone.locator("input[name=competency_numbers]")
    expect(boxes.first).to_have_attribute("value", "1")
    expect(phone.locator("input[name=competency_numbers]:checked")).to_have_count(0)
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
    # Then they see the item they logged, with its practice and counts
    expect(phone.get_by_role("heading", name="Practice meeting: COPD rescue packs")).to_be_visible()
    expect(phone.get_by_text("Evidence logged.")).to_be_visible()
    expect(phone.get_by_text("B86901", exact=True)).to_be_visible()
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


def test_board_signs_off_lead_submits_and_reviewer_scores_and_finalises(
    browser, live_server: str
) -> None:
    board = browser.new_page(viewport={"width": 1280, "height": 900})
    # Given Waltham Forest's assessment, returned by the SHA and since completed
    given_signed_in(board, live_server, "board.5nc@demo.wcc.nhs.test")
    board.get_by_role("link", name="Open the 2009/10 assessment").click()
    expect(board.get_by_text("Returned by the SHA")).to_be_visible()
    then_no_serious_accessibility_violations(board)
    # When the board signs it off
    board.get_by_role("button", name="Sign off").click()
    expect(board.get_by_text("Signed off by the board.")).to_be_visible()
    board.context.close()

    lead = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(lead, live_server, "lead.5nc@demo.wcc.nhs.test")
    lead.get_by_role("link", name="Open the 2009/10 assessment").click()
    # And the lead submits it
    lead.get_by_role("button", name="Submit to the SHA").click()
    expect(lead.get_by_text("Submitted to the SHA.")).to_be_visible()
    lead.context.close()

    reviewer = browser.new_page(viewport={"width": 1280, "height": 900})
    given_signed_in(reviewer, live_server, "reviewer.q36@demo.wcc.nhs.test")
    # Then the reviewer finds it in the queue
    reviewer.get_by_role("link", name=re.compile("Review.*Waltham Forest")).click()
    then_no_serious_accessibility_violations(reviewer)
    # When the reviewer scores every competency, moving one with a comment
    for number in range(1, 12):
        reviewer.goto(reviewer.url.split("/review")[0] + f"/review/{number}")
        form = reviewer.locator(f"#competency-{number}-review")
        form.get_by_label("Level 2").check()
        form.get_by_label("Comment").fill("Moderated at the regional panel.")
        form.get_by_role("button", name=f"Save review of competency {number}").click()
        expect(reviewer.locator(f"#competency-{number}-review")).to_contain_text(
            "Review score saved."
        )
    # And rates a piece of evidence in place
    rating = reviewer.locator(".app-presented").first
    rating.get_by_label("Rating of", exact=False).select_option("strong")
    rating.get_by_role("button", name="Save rating").click()
    expect(reviewer.locator(".app-presented").first).to_contain_text("Rating saved.")
    # And finalises
    reviewer.goto(reviewer.url.rsplit("/", 1)[0])
    reviewer.get_by_role("button", name="Finalise the review").click()
    expect(reviewer.get_by_text("Review finalised.")).to_be_visible()
    expect(reviewer.locator("h1 + p, .nhsuk-caption-l").first).to_contain_text("Finalised")
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
    expect(desktop.locator("#results-heading")).to_have_text("1 item")
    expect(desktop).to_have_url(re.compile(r"q=dermatology"))
    assert desktop.evaluate("window.__sameDocument") is True
    then_no_serious_accessibility_violations(desktop)
