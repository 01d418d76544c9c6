"""Composing mail: one recipient only, header values on one line, links from WCC_BASE_URL."""

from __future__ import annotations

from email.headerregistry import Address

import pytest

from app.config import get_settings
from app.errors import InvalidInput
from app.mail import compose
from app.mail.models import MailKind, OutboxMail


@pytest.mark.parametrize(
    "to",
    [
        "lead@pct.nhs.test\r\nBcc: intruder@elsewhere.test",
        "lead@pct.nhs.test\nBcc: intruder@elsewhere.test",
        "lead@pct.nhs.test, intruder@elsewhere.test",
        "Lead <lead@pct.nhs.test>, intruder@elsewhere.test",
        "lead@pct.nhs.test\x00",
        "not an address",
        "lead@@pct.nhs.test",
        "lead@localhost",
        "",
    ],
)
def test_an_address_that_is_not_exactly_one_address_is_refused(to: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        compose.recipient(to)
    assert refused.value.field == "email"


def test_a_name_and_address_are_split_and_the_name_loses_its_line_breaks() -> None:
    assert compose.recipient("Jane Lead <Jane.Lead@pct.nhs.test>") == compose.Recipient(
        address="Jane.Lead@pct.nhs.test", name="Jane Lead"
    )
    named = compose.recipient("jane@pct.nhs.test", "Jane\r\nBcc: intruder@elsewhere.test")
    assert named.name == "Jane Bcc: intruder@elsewhere.test"


def test_a_subject_is_one_line() -> None:
    assert compose.subject_line("Returned\r\nBcc: x@y.test\tnow ") == "Returned Bcc: x@y.test now"
    assert len(compose.subject_line("x" * 1_000)) == 300


def test_links_are_built_from_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "base_url", "https://wcc.region.nhs.test/tracker/")
    assert compose.absolute_url("/assessments/4") == (
        "https://wcc.region.nhs.test/tracker/assessments/4"
    )
    rendered = compose.render(
        "notice",
        {"heading": "H", "paragraphs": [], "action_path": "/a/1", "action_label": "Open"},
    )
    assert "https://wcc.region.nhs.test/tracker/a/1" in rendered.text
    assert 'href="https://wcc.region.nhs.test/tracker/a/1"' in rendered.html
    for outside in ("https://elsewhere.test/", "//elsewhere.test/x", "relative"):
        with pytest.raises(ValueError):
            compose.absolute_url(outside)


def test_the_html_version_escapes_what_it_is_given_and_the_text_version_keeps_it() -> None:
    rendered = compose.render(
        "notice", {"heading": "Q&A", "paragraphs": ["<script>alert(1)</script>"]}
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<script>" not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text
    assert "Q&A" in rendered.text


def test_a_header_with_a_line_break_cannot_be_built_even_if_stored() -> None:
    """The last guard: the email package refuses a header value with a line break."""
    mail = OutboxMail(
        recipient="lead@pct.nhs.test",
        subject="Hello\r\nBcc: intruder@elsewhere.test",
        body_text="t",
        body_html="<p>h</p>",
        kind=MailKind.MESSAGE,
    )
    with pytest.raises(ValueError):
        compose.message(mail, Address("WCC", addr_spec="no-reply@wcc.nhs.test")).as_bytes()
