"""Forms never lose typed work, in a real Chromium: the session runs out while a lead writes a
rationale, the save sends them to sign in, and after signing in the text is back in the form.
And a warning comes before the session runs out, with a button to stay signed in.
Screenshots go to var/screenshots/kept-forms/."""

from __future__ import annotations

import hashlib
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.auth.models import BrowserSession
from app.config import BASE_DIR
from app.db import create_db_engine, utcnow
from app.deps import SESSION_COOKIE
from tests.browser.steps import (
    DEMO_PASSWORD,
    given_signed_in,
    then_no_serious_accessibility_violations,
)
from tests.databases import server_url

pytestmark = pytest.mark.browser
SHOTS = BASE_DIR / "var" / "screenshots" / "kept-forms"
LEAD = "lead.5a4@demo.wcc.nhs.test"
EVIDENCE_NOTE = "Panel minutes and the scoring sheet are in the evidence library. "
RATIONALE = (
    "The prioritisation panel scored every bid against the JSNA.\n"
    "Two schemes were stopped & the money moved to COPD rescue packs (£180,000).\n"
) + EVIDENCE_NOTE * 40


def _shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def _live_database_urls(run_dir: Path) -> list[str]:
    """The live server's database (its name is random): a SQLite file of this run, or the
    PostgreSQL databases made for browser runs."""
    base = server_url()
    if base is None:
        return [f"sqlite:///{path}" for path in sorted(run_dir.glob("wcc_browser_*.db"))]
    url = sa.make_url(base)
    admin = sa.create_engine(url.set(database="postgres"))
    try:
        with admin.connect() as connection:
            names = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'wcc\\_browser\\_%'")
            ).scalars()
            return [url.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        admin.dispose()


def when_the_session_runs_out(page: Page, run_dir: Path) -> None:
    """End the browser's session on the server, as its time running out would."""
    [token] = [c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    digest = hashlib.sha256(token.encode()).hexdigest()
    table = BrowserSession.__table__
    for url in _live_database_urls(run_dir):
        engine = create_db_engine(url)
        try:
            with engine.begin() as connection:
                ended = connection.execute(
                    sa.update(table)
                    .where(table.c.token_sha256 == digest)
                    .values(expires_at=utcnow() - timedelta(minutes=1))
                ).rowcount
        finally:
            engine.dispose()
        if ended:
            return
    raise AssertionError("the browser's session was not found in the live server's database")


def given_the_lead_writing_a_rationale(page: Page, live_server: str) -> None:
    given_signed_in(page, live_server, LEAD)
    page.get_by_role("link", name="Open the 2009/10 assessment").click()
    page.get_by_role("link", name=re.compile(r"^9\. ")).click()
    page.get_by_label("Level 3: Established").check()
    page.get_by_label("Why this level is right").fill(RATIONALE)
    page.get_by_label("Target level for next cycle").select_option("4")


def test_text_typed_when_the_session_ran_out_is_back_in_the_form_after_signing_in(
    desktop: Page, live_server: str, run_dir: Path
) -> None:
    given_the_lead_writing_a_rationale(desktop, live_server)
    form_page = desktop.url
    # When the session runs out before the lead saves
    when_the_session_runs_out(desktop, run_dir)
    desktop.get_by_role("button", name="Save competency 9").click()
    # Then the sign-in page says why, and that what was typed is kept
    expect(desktop.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(desktop.locator("#signed-out-reason")).to_contain_text("you have been signed out")
    expect(desktop.locator("#signed-out-reason")).to_contain_text("What you typed has been kept")
    then_no_serious_accessibility_violations(desktop)
    _shot(desktop, "sign-in-after-the-session-ended")
    # When the lead signs in again
    desktop.get_by_label("Email address").fill(LEAD)
    desktop.get_by_label("Password").fill(DEMO_PASSWORD)
    desktop.get_by_role("button", name="Sign in").click()
    # Then they are back on the form, with what they typed in it, not yet saved
    expect(desktop).to_have_url(form_page)
    notice = desktop.locator("#kept-form-notice")
    expect(notice).to_contain_text("has been put back")
    expect(notice).to_contain_text("It has not been saved yet")
    expect(notice).to_be_focused()
    expect(desktop.get_by_label("Why this level is right")).to_have_value(RATIONALE)
    expect(desktop.get_by_label("Level 3: Established")).to_be_checked()
    expect(desktop.get_by_label("Target level for next cycle")).to_have_value("4")
    then_no_serious_accessibility_violations(desktop)
    _shot(desktop, "form-with-what-was-typed-put-back")
    # And it is put back only once
    desktop.reload()
    expect(desktop.locator("#kept-form-notice")).to_have_count(0)


def _set_session_end(page: Page, live_server: str, seconds_from_now: float) -> None:
    page.context.add_cookies(
        [
            {
                "name": "wcc_session_expires",
                "value": str(int(time.time() + seconds_from_now)),
                "url": live_server,
            }
        ]
    )


def _session_end(page: Page) -> int:
    [value] = [c["value"] for c in page.context.cookies() if c["name"] == "wcc_session_expires"]
    return int(value)


def test_a_warning_comes_before_the_session_runs_out_and_staying_signed_in_renews_it(
    desktop: Page, live_server: str
) -> None:
    given_signed_in(desktop, live_server, LEAD)
    desktop.get_by_role("link", name="Open the 2009/10 assessment").click()
    desktop.get_by_role("link", name=re.compile(r"^2\. ")).click()
    desktop.get_by_label("Why this level is right").focus()
    # When the session is four minutes from its end
    _set_session_end(desktop, live_server, 4 * 60 - 5)
    desktop.evaluate("window.dispatchEvent(new Event('focus'))")
    # Then a warning says so, with a button to stay signed in
    warning = desktop.get_by_role("alert")
    expect(warning).to_contain_text("You will be signed out soon")
    expect(warning).to_contain_text("you will be signed out in 4 minutes")
    then_no_serious_accessibility_violations(desktop)
    _shot(desktop, "warning-before-the-session-ends", full_page=False)
    # When the lead chooses to stay signed in
    warning.get_by_role("button", name="Stay signed in").click()
    # Then the warning goes, and the session runs its full length again from now
    expect(desktop.get_by_role("alert")).to_have_count(0)
    assert _session_end(desktop) > time.time() + 11 * 3600
    expect(desktop.get_by_label("Why this level is right")).to_be_focused()
    # And a page opened once the session has ended says what happens to unsaved work
    _set_session_end(desktop, live_server, -5)
    desktop.reload()
    expect(desktop.get_by_role("alert")).to_contain_text("You have been signed out")
    expect(desktop.get_by_role("alert")).to_contain_text("what you typed will be back in the form")
    _shot(desktop, "notice-once-the-session-has-ended", full_page=False)
