"""A GP on a phone logs a practice event with a photo in a handful of steps, then changes
and deletes it; every page on the way passes the accessibility check."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.steps import (
    given_signed_in,
    then_it_fits,
    then_no_serious_accessibility_violations,
)

pytestmark = pytest.mark.browser
CLINICIAN = "clinician.b86901@demo.wcc.nhs.test"
MOST_STEPS = 8


def a_small_photo(folder: Path) -> Path:
    """A real PNG, 24 by 16 pixels: a green band on white."""
    width, height = 24, 16
    rows = b"".join(
        b"\x00"
        + b"".join(b"\x00\x96\x39" if 5 <= y <= 10 else b"\xff\xff\xff" for _ in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path = folder / "practice-meeting.png"
    path.write_bytes(png)
    return path


class Steps:
    """Counts what the user does: each click, fill, choice or upload is one step."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def fill(self, label: str, text: str) -> None:
        self.count += 1
        self.page.get_by_label(label, exact=True).fill(text)

    def check(self, selector: str) -> None:
        self.count += 1
        self.page.locator(selector).check()

    def upload(self, label: str, path: Path) -> None:
        self.count += 1
        self.page.get_by_label(label).set_input_files(str(path))

    def click(self, role: str, name: str) -> None:
        self.count += 1
        self.page.locator("main").get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


@pytest.fixture
def gp_phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_a_gp_logs_an_event_with_a_photo_then_changes_and_deletes_it(
    gp_phone: Page, live_server: str, tmp_path: Path
) -> None:
    page = gp_phone
    photo = a_small_photo(tmp_path)
    # Given a GP signed in on a phone
    given_signed_in(page, live_server, CLINICIAN)
    steps = Steps(page)
    # When they log a practice meeting with a photo of the flip chart
    steps.click("link", "Log evidence")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log evidence")
    expect(page.get_by_text("Working with GPs and other clinicians")).to_be_visible()
    then_no_serious_accessibility_violations(page)
    then_it_fits(page)
    steps.fill("Title", "Practice meeting on the COPD pathway")
    steps.fill("What happened", "Six GPs and two nurses agreed when to refer.")
    steps.check("#competency-4")
    steps.fill("Clinicians involved", "8")
    steps.upload("File (optional)", photo)
    steps.click("button", "Log evidence")
    # Then it is logged, in at most eight steps, and says what was logged
    expect(page.locator(".nhsuk-panel")).to_contain_text("Evidence logged")
    assert steps.count <= MOST_STEPS, steps.count
    expect(page.get_by_role("heading", name="Practice meeting on the COPD pathway")).to_be_visible()
    expect(page.locator("main")).to_contain_text("practice-meeting.png")
    then_no_serious_accessibility_violations(page)
    then_it_fits(page)
    # When they view it and change the number of clinicians
    page.get_by_role("link", name="View the item").click()
    expect(page.locator("main")).to_contain_text("in PBC group")
    then_no_serious_accessibility_violations(page)
    page.get_by_role("link", name="Change this evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change this evidence")
    then_no_serious_accessibility_violations(page)
    page.get_by_label("Clinicians involved", exact=True).fill("9")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_contain_text("Changes saved.")
    expect(page.locator("main")).to_contain_text("9")
    # And they delete it
    page.get_by_role("link", name="Delete this evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to delete this evidence?"
    )
    then_no_serious_accessibility_violations(page)
    page.get_by_role("button", name="Yes, delete this evidence").click()
    # Then it is gone
    expect(page.locator(".nhsuk-panel")).to_contain_text("Evidence deleted")
    expect(page.locator("#flash")).to_contain_text("has been deleted")
    then_no_serious_accessibility_violations(page)
    then_it_fits(page)
