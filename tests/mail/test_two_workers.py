"""Two worker processes, each with its own connection, working the same outbox at the same
moment: every mail is sent exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import BASE_DIR
from app.mail.models import MailKind, MailStatus
from app.users.models import Role
from tests.factories import make_cycle, make_pct, make_sha, make_user
from tests.mail.smtp_server import LoopbackSmtp
from tests.mail.steps import all_mail, attempts_of, write_mail

MAILS = 50


def _process(module: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _at_once(processes: list[subprocess.Popen[str]]) -> list[int]:
    """Wait until every process is connected, start them together, and read the count each
    prints."""
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        return [int(process.communicate(timeout=120)[0].strip()) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_two_workers_at_once_send_every_mail_exactly_once(
    mail_engine: Engine, sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    ids = write_mail(sessions, count=MAILS)
    smtp.delay = 0.02  # each message takes a moment, so that the two passes overlap
    worker = ("tests.mail.worker_process", _url(mail_engine), smtp.url, "2")
    sent = _at_once([_process(*worker) for _ in range(2)])

    assert sum(sent) == MAILS
    assert all(n > 0 for n in sent), f"one worker sent everything: {sent}"
    subjects = Counter(r.message["Subject"] for r in smtp.received)
    assert subjects == Counter(f"Notice {n}" for n in range(MAILS))
    mails = all_mail(sessions)
    assert {(m.status, m.attempts) for m in mails} == {(MailStatus.SENT, 1)}
    assert sum(len(attempts_of(sessions, mail_id)) for mail_id in ids) == MAILS


PCTS = 40


def test_two_processes_writing_reminders_at_once_write_each_exactly_once(
    mail_engine: Engine, sessions: Callable[[], Session]
) -> None:
    with sessions() as session:
        sha = make_sha(session)
        leads = [
            make_user(session, role=Role.PCT_LEAD, organisation=make_pct(session, sha=sha))
            for _ in range(PCTS)
        ]
        cycle = make_cycle(session)
        day = cycle.submission_due - timedelta(days=14)

    process = ("tests.mail.reminder_process", _url(mail_engine), day.isoformat())
    for expected in (PCTS, 0):  # a second round at the same threshold writes nothing
        written = _at_once([_process(*process) for _ in range(2)])
        assert sum(written) == expected, written

    reminders = [m for m in all_mail(sessions) if m.kind is MailKind.REMINDER]
    assert Counter(m.recipient for m in reminders) == Counter(lead.email for lead in leads)
    assert len({m.dedup_key for m in reminders}) == PCTS
