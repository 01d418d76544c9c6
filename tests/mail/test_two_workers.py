"""Two worker processes, each with its own connection, working the same outbox at the same
moment: every mail is sent exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import BASE_DIR
from app.mail.models import MailStatus
from tests.mail.smtp_server import LoopbackSmtp
from tests.mail.steps import all_mail, attempts_of, write_mail

MAILS = 50


def _worker(engine: Engine, smtp: LoopbackSmtp) -> subprocess.Popen[str]:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.mail.worker_process", url, smtp.url, "2"],
        cwd=BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_two_workers_at_once_send_every_mail_exactly_once(
    mail_engine: Engine, sessions: Callable[[], Session], smtp: LoopbackSmtp
) -> None:
    ids = write_mail(sessions, count=MAILS)
    smtp.delay = 0.02  # each message takes a moment, so that the two passes overlap
    workers = [_worker(mail_engine, smtp) for _ in range(2)]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        sent = [int(worker.communicate(timeout=120)[0].strip()) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    assert sum(sent) == MAILS
    assert all(n > 0 for n in sent), f"one worker sent everything: {sent}"
    subjects = Counter(r.message["Subject"] for r in smtp.received)
    assert subjects == Counter(f"Notice {n}" for n in range(MAILS))
    mails = all_mail(sessions)
    assert {(m.status, m.attempts) for m in mails} == {(MailStatus.SENT, 1)}
    assert sum(len(attempts_of(sessions, mail_id)) for mail_id in ids) == MAILS
