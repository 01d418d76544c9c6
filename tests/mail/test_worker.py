"""The worker sends through a real SMTP server on loopback, tries again with growing delays
while the server is down, loses nothing, and never sends a mail twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session

from app.db import utcnow
from app.mail.models import AttemptOutcome, MailKind, MailStatus
from app.mail.worker import MAX_ATTEMPTS, deliver_due, retry_delay
from tests.mail.smtp_server import LoopbackSmtp
from tests.mail.steps import all_mail, attempts_of, notice, write_mail

SENDER = "WCC Assurance Tracker <no-reply@wcc.nhs.test>"


def test_a_committed_mail_is_delivered_with_text_and_html_and_links(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    [mail_id] = write_mail(sessions, to="Jane Lead <jane.lead@pct.nhs.test>")

    assert deliver_due(sessions, smtp_url=smtp.url, mail_from=SENDER) == 1

    [received] = smtp.received
    assert received.mail_from == "no-reply@wcc.nhs.test"
    assert received.rcpt_tos == ("jane.lead@pct.nhs.test",)
    message = received.message
    assert message["To"] == "Jane Lead <jane.lead@pct.nhs.test>"
    assert message["From"] == SENDER
    assert message["Subject"] == "Notice 0"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    plain = text.get_content().replace("\r\n", "\n")
    assert "Open the assessment:\nhttp://127.0.0.1:8000/assessments/7" in plain
    assert 'href="http://127.0.0.1:8000/assessments/7"' in html.get_content()
    [mail] = all_mail(sessions)
    assert (mail.status, mail.attempts, mail.claimed_by) == (MailStatus.SENT, 1, None)
    assert [a.outcome for a in attempts_of(sessions, mail_id)] == [AttemptOutcome.SENT]
    assert deliver_due(sessions, smtp_url=smtp.url) == 0
    assert len(smtp.received) == 1


def test_nothing_is_sent_without_a_mail_server(sessions: Callable[[], Session]) -> None:
    write_mail(sessions)
    assert deliver_due(sessions) == 0
    [mail] = all_mail(sessions)
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)


def test_a_server_that_is_down_delays_mail_and_loses_none(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    [mail_id] = write_mail(sessions)
    smtp.stop()
    start = utcnow() + timedelta(seconds=1)

    assert deliver_due(sessions, start, smtp_url=smtp.url) == 0

    [mail] = all_mail(sessions)
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 1)
    assert mail.next_attempt_at == start + timedelta(seconds=30)
    assert "could not be reached" in (mail.last_error or "")
    [attempt] = attempts_of(sessions, mail_id)
    assert attempt.outcome is AttemptOutcome.FAILED and attempt.error == mail.last_error

    smtp.start()
    assert deliver_due(sessions, start + timedelta(seconds=29), smtp_url=smtp.url) == 0
    assert smtp.received == []
    assert deliver_due(sessions, start + timedelta(seconds=30), smtp_url=smtp.url) == 1

    [received] = smtp.received
    assert received.message["Subject"] == "Notice 0"
    [mail] = all_mail(sessions)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 2, None)
    outcomes = [a.outcome for a in attempts_of(sessions, mail_id)]
    assert outcomes == [AttemptOutcome.FAILED, AttemptOutcome.SENT]


def test_the_delay_grows_fourfold_to_an_hour() -> None:
    assert [retry_delay(n) for n in range(1, 8)] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
        timedelta(minutes=32),
        timedelta(hours=1),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


def test_after_ten_failed_attempts_a_mail_is_kept_as_not_sent(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    [mail_id] = write_mail(sessions)
    smtp.stop()
    moment = utcnow() + timedelta(seconds=1)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliver_due(sessions, moment, smtp_url=smtp.url)
        [mail] = all_mail(sessions)
        assert mail.attempts == attempt
        moment = mail.next_attempt_at
    assert mail.status is MailStatus.FAILED
    smtp.start()
    assert deliver_due(sessions, moment + timedelta(days=1), smtp_url=smtp.url) == 0
    assert len(attempts_of(sessions, mail_id)) == MAX_ATTEMPTS
    assert smtp.received == []


def test_a_recipient_the_server_refuses_for_good_is_not_tried_again_and_others_go(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    smtp.refused.add("gone@pct.nhs.test")
    write_mail(sessions, to="gone@pct.nhs.test")
    write_mail(sessions, to="here@pct.nhs.test")

    assert deliver_due(sessions, smtp_url=smtp.url) == 1

    gone, here = all_mail(sessions)
    assert (gone.status, gone.attempts) == (MailStatus.FAILED, 1)
    assert "550" in (gone.last_error or "")
    assert here.status is MailStatus.SENT
    assert [r.rcpt_tos for r in smtp.received] == [("here@pct.nhs.test",)]


def test_line_breaks_in_a_name_or_subject_never_add_a_header_or_a_recipient(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    injected = "Jane\r\nBcc: intruder@elsewhere.test\r\n"
    write_mail(
        sessions,
        to="jane@pct.nhs.test",
        to_name=injected,
        subject="Returned\r\nBcc: intruder@elsewhere.test\r\nX-Extra: 1",
    )

    assert deliver_due(sessions, smtp_url=smtp.url) == 1

    [received] = smtp.received
    assert received.rcpt_tos == ("jane@pct.nhs.test",)
    message = received.message
    assert message["Bcc"] is None and message["X-Extra"] is None
    assert message["Subject"] == "Returned Bcc: intruder@elsewhere.test X-Extra: 1"
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (
        "Jane Bcc: intruder@elsewhere.test",
        "jane@pct.nhs.test",
    )


def test_a_pending_mail_is_sent_by_the_next_pass_after_its_claim_runs_out(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    """A worker that stopped mid-send leaves its claim; another takes the mail over once
    the claim has run out, and not before."""
    from app.mail.worker import LEASE, claim

    write_mail(sessions)
    now = utcnow() + timedelta(seconds=1)
    [claimed] = claim(sessions, "stopped-worker", now)
    assert claimed.status is MailStatus.SENDING
    assert deliver_due(sessions, now + LEASE - timedelta(seconds=1), smtp_url=smtp.url) == 0
    assert deliver_due(sessions, now + LEASE + timedelta(seconds=1), smtp_url=smtp.url) == 1
    assert len(smtp.received) == 1


@pytest.mark.parametrize("batch", [1, 7])
def test_every_due_mail_is_sent_in_one_pass_whatever_the_batch(
    sessions: Callable[[], Session], smtp: LoopbackSmtp, batch: int
) -> None:
    write_mail(sessions, count=12)
    assert deliver_due(sessions, smtp_url=smtp.url, batch=batch) == 12
    assert sorted(r.message["Subject"] for r in smtp.received) == sorted(
        f"Notice {n}" for n in range(12)
    )


def test_enqueue_arguments_are_keyword_only() -> None:
    from app.mail.outbox import enqueue

    with pytest.raises(TypeError):
        enqueue(None, *notice().values())  # type: ignore[misc]


def test_a_claim_takes_no_more_than_its_limit_and_never_a_claimed_mail(
    sessions: Callable[[], Session],
) -> None:
    from app.mail.worker import claim

    write_mail(sessions, count=5)
    now = utcnow() + timedelta(seconds=1)
    first = claim(sessions, "worker-a", now, limit=2)
    second = claim(sessions, "worker-b", now, limit=2)
    third = claim(sessions, "worker-c", now, limit=2)
    assert [len(first), len(second), len(third)] == [2, 2, 1]
    assert len({m.id for m in first + second + third}) == 5
    assert claim(sessions, "worker-d", now, limit=2) == []


def test_a_server_stopped_mid_run_loses_nothing_and_the_rest_goes_when_it_returns(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    """The mail server goes down while a pass is sending: what it accepted is sent, the rest
    waits with the failure recorded, and all of it has arrived once the server is back."""
    count = 12
    write_mail(sessions, count=count)
    smtp.delay = 0.1
    start = utcnow() + timedelta(seconds=1)
    first_pass: list[int] = []
    sending = threading.Thread(
        target=lambda: first_pass.append(deliver_due(sessions, start, smtp_url=smtp.url, batch=5))
    )
    sending.start()
    deadline = time.monotonic() + 30
    while len(smtp.received) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    smtp.stop()
    sending.join(timeout=60)
    [sent_before] = first_pass
    assert 4 <= sent_before < count

    waiting = [m for m in all_mail(sessions) if m.status is MailStatus.PENDING]
    assert len(waiting) == count - sent_before
    assert any("could not be reached" in (m.last_error or "") for m in waiting)

    smtp.start()
    later = start + timedelta(minutes=5)
    assert deliver_due(sessions, later, smtp_url=smtp.url) == count - sent_before
    subjects = [r.message["Subject"] for r in smtp.received]
    assert set(subjects) == {f"Notice {n}" for n in range(count)}
    # Only a message in flight as the server died could arrive twice (SMTP's own limit).
    assert len(subjects) - count <= 1
    assert {m.status for m in all_mail(sessions)} == {MailStatus.SENT}


def test_a_sent_invitation_keeps_no_working_link_and_the_mail_that_went_had_it(
    sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    token = "k" * 43
    context = notice()["context"] | {"action_path": f"/invitations/{token}"}
    write_mail(sessions, kind=MailKind.INVITATION, context=context)
    assert deliver_due(sessions, utcnow() + timedelta(seconds=1), smtp_url=smtp.url) == 1

    [received] = smtp.received
    assert f"/invitations/{token}" in received.message.get_body(("plain",)).get_content()
    [mail] = all_mail(sessions)
    assert token not in mail.body_text and token not in mail.body_html
    assert "/invitations/[link hidden" in mail.body_text
