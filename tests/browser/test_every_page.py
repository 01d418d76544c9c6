"""Every main page, at desktop and phone width: it loads, has one h1, logs no script error,
fits the screen, and passes the accessibility check. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from app.config import BASE_DIR
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.steps import given_signed_in, then_no_serious_accessibility_violations

pytestmark = pytest.mark.browser
SHOTS = BASE_DIR / "var" / "screenshots"

PAGES = [
    ("visitor", None, "/"),
    ("visitor", None, "/login"),
    ("lead-home", "lead.5n1@demo.wcc.nhs.test", "/"),
    ("board", "lead.5n1@demo.wcc.nhs.test", "/assessments/5"),
    ("competency", "lead.5a4@demo.wcc.nhs.test", "/assessments/8/competencies/3"),
    ("evidence-library", "lead.5n1@demo.wcc.nhs.test", "/evidence"),
    ("evidence-item", "lead.5n1@demo.wcc.nhs.test", "/evidence/15"),
    ("log-evidence", "clinician.5n1@demo.wcc.nhs.test", "/evidence/new"),
    ("board-member-home", "board.5nx@demo.wcc.nhs.test", "/"),
    ("reviewer-queue", "reviewer.q32@demo.wcc.nhs.test", "/reviews"),
    ("review", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/review"),
    ("review-competency", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/review/4"),
    ("review-criteria", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/review/1"),
    ("decision", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/decision"),
    ("share-provisional", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/provisional"),
    ("panel", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/panel"),
    ("panel-pct", "lead.5n1@demo.wcc.nhs.test", "/assessments/5/panel"),
    ("questions", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/questions"),
    ("competency-in-review", "lead.5n1@demo.wcc.nhs.test", "/assessments/5/competencies/4"),
    # The steps of assurance, each a page of its own (ids as the demo makes them: 5 Leeds in
    # review, 8 Havering draft, 9 Waltham Forest returned with two points, 10 Tower Hamlets
    # finalised). Other journeys move 8 and 9 on; every page answers in every status.
    ("sign-off", "board.5a4@demo.wcc.nhs.test", "/assessments/8/sign-off"),
    ("withdraw-sign-off", "board.5a4@demo.wcc.nhs.test", "/assessments/8/withdraw-sign-off"),
    ("submit", "lead.5a4@demo.wcc.nhs.test", "/assessments/8/submit"),
    ("board-returned", "lead.5nc@demo.wcc.nhs.test", "/assessments/9"),
    ("competency-returned", "lead.5nc@demo.wcc.nhs.test", "/assessments/9/competencies/4"),
    ("sign-off-returned", "board.5nc@demo.wcc.nhs.test", "/assessments/9/sign-off"),
    ("return", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/return"),
    ("finalise", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/finalise"),
    ("rounds", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/rounds"),
    ("round", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/rounds/1"),
    ("review-returned", "reviewer.q36@demo.wcc.nhs.test", "/assessments/9/review"),
    ("reopen", "admin@demo.wcc.nhs.test", "/assessments/10/reopen"),
    ("comparison", "lead.5c4@demo.wcc.nhs.test", "/assessments/10/comparison"),
    ("comparison-reviewer", "reviewer.q32@demo.wcc.nhs.test", "/assessments/5/comparison"),
    ("comparison-none", "lead.5a4@demo.wcc.nhs.test", "/assessments/8/comparison"),
    ("development-plan", "lead.5n2@demo.wcc.nhs.test", "/assessments/2/development-plan"),
    ("development-action", "lead.5n2@demo.wcc.nhs.test", "/assessments/2/development-plan/5"),
    ("development-plan-sha", "reviewer.q32@demo.wcc.nhs.test", "/assessments/2/development-plan"),
    ("add-action", "lead.5c4@demo.wcc.nhs.test", "/assessments/10/development-plan/new"),
    ("pbc-groups", "lead.5n1@demo.wcc.nhs.test", "/pbc"),
    ("pbc-groups-sha", "reviewer.q32@demo.wcc.nhs.test", "/pbc"),
    ("pbc-group", "lead.5n1@demo.wcc.nhs.test", "/organisations/5N1-LEO/pbc"),
    ("pbc-register", "lead.5n1@demo.wcc.nhs.test", "/organisations/5N1-LEO/pbc/register"),
    ("pbc-new-case", "lead.5n1@demo.wcc.nhs.test", "/organisations/5N1-LEO/pbc/business-cases/new"),
    ("pbc-case", "lead.5n1@demo.wcc.nhs.test", "/organisations/5N1-LEO/pbc/business-cases/1"),
    ("engagement", "lead.5n1@demo.wcc.nhs.test", "/organisations/5N1/engagement"),
    ("engagement-sha", "reviewer.q32@demo.wcc.nhs.test", "/organisations/5N1/engagement"),
    ("engagement-choose", "reviewer.q32@demo.wcc.nhs.test", "/engagement"),
    ("admin", "admin@demo.wcc.nhs.test", "/admin"),
    ("admin-users", "admin@demo.wcc.nhs.test", "/admin/users"),
    ("admin-organisations", "admin@demo.wcc.nhs.test", "/admin/organisations"),
    ("admin-cycles", "admin@demo.wcc.nhs.test", "/admin/cycles"),
]


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
@pytest.mark.parametrize(("name", "email", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_cleanly(
    browser: Browser,
    live_server: str,
    name: str,
    email: str | None,
    path: str,
    size: str,
    viewport: dict,
) -> None:
    context = browser.new_context(viewport=viewport, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "font" not in message.text.lower()
            else None
        ),
    )
    if email:
        given_signed_in(page, live_server, email)
    response = page.goto(f"{live_server}{path}")
    assert response is not None and response.status == 200, path
    assert page.locator("h1").count() == 1
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    then_no_serious_accessibility_violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}-{size}.png"), full_page=True)
    context.close()
