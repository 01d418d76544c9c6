"""Delivering the outbox: claim the mails that are due, send each through the mail server,
record every attempt, and try again later with growing delays when sending fails.

Claiming is atomic, so any number of workers (``wcc worker`` on several machines, or a thread
of each web process) never send the same mail twice: on PostgreSQL the due rows are locked
with ``SELECT … FOR UPDATE SKIP LOCKED`` (a row another worker is claiming is passed over);
on SQLite the claim is one conditional ``UPDATE`` in a write transaction, which SQLite runs
one at a time. A claim is a lease (``claimed_until``): the mails of a worker that stopped
mid-send are claimed again once it runs out.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from email.headerregistry import Address

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

import app.tables  # noqa: F401  (every table, for the outbox's foreign keys)
from app.config import MailWorker, Settings, get_settings
from app.db import begin_write, utcnow
from app.mail import compose
from app.mail import smtp as smtp_server
from app.mail.models import AttemptOutcome, MailStatus, OutboxAttempt, OutboxMail
from app.mail.reminders import Sent, send_reminders
from app.mail.secret_links import CARRY_SECRET_LINKS, hide_secret_links
from app.processes import process_name
from app.wording import today_in_england

log = logging.getLogger("wcc.mail")

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
RETRY_GROWTH = 4
LONGEST_RETRY = timedelta(hours=1)
LEASE = timedelta(minutes=5)
BATCH = 20
POLL_SECONDS = 5.0
REMINDER_SECONDS = 3600.0
ERROR_MAX = 2_000

SessionFactory = Callable[[], Session]


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 2 min, 8 min, 32 min, then 1 hour."""
    return min(FIRST_RETRY * RETRY_GROWTH ** max(attempts - 1, 0), LONGEST_RETRY)


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Waiting and due, or claimed by a worker whose lease has run out."""
    return sa.or_(
        sa.and_(
            col(OutboxMail.status) == MailStatus.PENDING,
            col(OutboxMail.next_attempt_at) <= now,
        ),
        sa.and_(
            col(OutboxMail.status) == MailStatus.SENDING,
            col(OutboxMail.claimed_until) < now,
        ),
    )


def claim(
    session_factory: SessionFactory, worker: str, now: datetime, limit: int = BATCH
) -> list[OutboxMail]:
    """Claim up to ``limit`` due mails for ``worker``, oldest due first, and return them.

    PostgreSQL: the due rows are locked with ``FOR UPDATE SKIP LOCKED`` (rows another
    worker is claiming are passed over), then marked as claimed in the same transaction.
    SQLite: the transaction holds the database's write lock from its start (``BEGIN
    IMMEDIATE``), and the ``UPDATE`` claims only rows that are still due."""
    with session_factory() as session:
        begin_write(session)
        due = (
            select(OutboxMail.id)
            .where(_due(now))
            .order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        # The ids first, then the update: PostgreSQL may run a subquery with LIMIT once per
        # row of an UPDATE, which would claim more than the limit.
        ids = list(session.exec(due).all())
        if not ids:
            session.rollback()
            return []
        session.execute(
            sa.update(OutboxMail)
            .where(col(OutboxMail.id).in_(ids), _due(now))
            .values(status=MailStatus.SENDING, claimed_by=worker, claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        claimed = select(OutboxMail).where(
            col(OutboxMail.claimed_by) == worker, col(OutboxMail.status) == MailStatus.SENDING
        )
        mails = list(session.exec(claimed.order_by(col(OutboxMail.id))).all())
        session.expunge_all()
        return mails


def _record(
    session_factory: SessionFactory,
    mail_id: int,
    worker: str,
    now: datetime,
    error: str | None,
    *,
    give_up: bool = False,
) -> None:
    """The outcome of one attempt, on the mail (if this worker still holds it) and in the
    attempts."""
    with session_factory() as session:
        begin_write(session)
        held = select(OutboxMail).where(
            col(OutboxMail.id) == mail_id,
            col(OutboxMail.claimed_by) == worker,
            col(OutboxMail.status) == MailStatus.SENDING,
        )
        if session.get_bind().dialect.name == "postgresql":
            held = held.with_for_update()
        mail = session.exec(held).first()
        if mail is None:
            session.rollback()
            return
        mail.attempts += 1
        mail.claimed_by = None
        mail.claimed_until = None
        if error is None:
            mail.status = MailStatus.SENT
            mail.sent_at = now
            mail.last_error = None
            if mail.kind in CARRY_SECRET_LINKS:
                mail.body_text = hide_secret_links(mail.body_text)
                mail.body_html = hide_secret_links(mail.body_html)
        else:
            mail.last_error = error[:ERROR_MAX]
            if give_up or mail.attempts >= MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
            else:
                mail.status = MailStatus.PENDING
                mail.next_attempt_at = now + retry_delay(mail.attempts)
        session.add(mail)
        session.add(
            OutboxAttempt(
                mail_id=mail_id,
                attempted_at=now,
                outcome=AttemptOutcome.SENT if error is None else AttemptOutcome.FAILED,
                worker=worker,
                error=None if error is None else error[:ERROR_MAX],
            )
        )
        session.commit()


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _send_batch(
    session_factory: SessionFactory,
    mails: Sequence[OutboxMail],
    server: smtp_server.SmtpServer,
    sender: Address,
    worker: str,
    now: datetime,
) -> tuple[int, bool]:
    """Send the claimed mails over one connection (opened again if it drops): how many were
    sent, and whether the server could be reached. Every mail claimed gets an attempt."""
    connection: smtplib.SMTP | None = None
    sent = 0
    try:
        for position, mail in enumerate(mails):
            if connection is None:
                try:
                    connection = server.connect()
                except (OSError, smtplib.SMTPException) as exc:
                    reason = smtp_server.describe(exc, server)
                    log.warning("mail: %s", reason)
                    for waiting in mails[position:]:
                        _record(session_factory, waiting.id or 0, worker, now, reason)
                    return sent, False
            try:
                smtp_server.send(
                    connection, compose.message(mail, sender), sender.addr_spec, mail.recipient
                )
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                reason = smtp_server.describe(exc, server)
                give_up = smtp_server.is_permanent(exc)
                _record(session_factory, mail.id or 0, worker, now, reason, give_up=give_up)
                if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                    connection.close()
                    connection = None
                continue
            _record(session_factory, mail.id or 0, worker, now, None)
            sent += 1
    finally:
        if connection is not None:
            _close(connection)
    return sent, True


def _smtp_url(settings: Settings) -> str | None:
    return settings.smtp_url.get_secret_value() if settings.smtp_url else None


def check_configuration(settings: Settings) -> None:
    """``ValueError`` naming the setting when the mail server or sender cannot be used."""
    url = _smtp_url(settings)
    if url:
        smtp_server.SmtpServer.from_url(url)
    compose.sender(settings.mail_from)


def deliver_due(
    session_factory: SessionFactory,
    now: datetime | None = None,
    *,
    smtp_url: str | None = None,
    mail_from: str | None = None,
    batch: int = BATCH,
) -> int:
    """One pass: send every mail due at ``now`` (by default the present), batch by batch,
    until none is left or the mail server cannot be reached. Returns how many were sent.

    With no mail server configured nothing is sent and the outbox keeps every mail."""
    settings = get_settings()
    url = smtp_url or _smtp_url(settings)
    if not url:
        return 0
    server = smtp_server.SmtpServer.from_url(url)
    sender = compose.sender(mail_from or settings.mail_from)
    moment = now or utcnow()
    sent = 0
    while True:
        worker = process_name()
        mails = claim(session_factory, worker, moment, batch)
        if not mails:
            return sent
        count, reachable = _send_batch(session_factory, mails, server, sender, worker, moment)
        sent += count
        if not reachable:
            return sent


def remind(session_factory: SessionFactory, today: date | None = None) -> Sent:
    """Write the deadline reminders due ``today`` (by default the application's today)."""
    with session_factory() as session:
        return send_reminders(session, today or today_in_england())


def sweep_files(session_factory: SessionFactory) -> int:
    """Remove the attachment files no attachment uses that are over an hour old (see
    ``app.storage.sweep``); returns how many. The database is read on short connections of
    its own, never inside a transaction held while the store is listed."""
    from app import storage
    from app.storage.sweep import sweep

    with session_factory() as session:
        database = session.get_bind()
    result = sweep(storage.current(), database)
    if result.removed:
        log.info(
            "storage: removed %d unused attachment files (%d bytes)",
            len(result.removed),
            result.bytes_removed,
        )
    return len(result.removed)


def run_forever(
    session_factory: SessionFactory,
    stop: threading.Event,
    *,
    poll_seconds: float = POLL_SECONDS,
    on_pass: Callable[[int], None] | None = None,
    reminders_every: float | None = REMINDER_SECONDS,
) -> None:
    """Deliver every ``poll_seconds`` until ``stop`` is set, and write the deadline reminders
    and remove unused attachment files every ``reminders_every`` seconds (never, with None); a
    failed pass is logged and the next one tries again."""
    next_reminders = time.monotonic()
    while not stop.is_set():
        if reminders_every is not None and time.monotonic() >= next_reminders:
            next_reminders = time.monotonic() + reminders_every
            try:
                remind(session_factory)
            except Exception:
                log.exception("mail: writing the deadline reminders failed")
            try:
                sweep_files(session_factory)
            except Exception:
                log.exception("storage: removing unused attachment files failed")
        try:
            sent = deliver_due(session_factory)
        except Exception:
            log.exception("mail: a delivery pass failed")
        else:
            if on_pass is not None:
                on_pass(sent)
        stop.wait(poll_seconds)


class EmbeddedWorker:
    """The outbox delivered from a thread of the web process (the embedded set-up)."""

    def __init__(self, engine: Engine, poll_seconds: float = POLL_SECONDS) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=run_forever,
            args=(lambda: Session(engine, expire_on_commit=False), self._stop),
            kwargs={"poll_seconds": poll_seconds},
            name="wcc-mail-worker",
            daemon=True,
        )

    def start(self) -> EmbeddedWorker:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=smtp_server.TIMEOUT_SECONDS + 5)


def start_embedded(settings: Settings | None = None) -> EmbeddedWorker | None:
    """The in-process worker, when ``WCC_MAIL_WORKER=embedded``: it writes the deadline
    reminders and, once a mail server is set, delivers the outbox."""
    from app.db import get_engine

    settings = settings or get_settings()
    if settings.mail_worker is not MailWorker.EMBEDDED:
        return None
    check_configuration(settings)
    return EmbeddedWorker(get_engine()).start()
