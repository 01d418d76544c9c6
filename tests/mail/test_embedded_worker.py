"""The in-process worker: started with the application only when set up so, and stopped
with it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import MailWorker, get_settings
from app.mail.models import MailStatus
from app.mail.worker import EmbeddedWorker, start_embedded
from app.main import create_app
from tests.mail.smtp_server import LoopbackSmtp
from tests.mail.steps import all_mail, write_mail


def _mail_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wcc-mail-worker"]


def test_no_worker_starts_unless_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "mail_worker", MailWorker.OFF)
    monkeypatch.setattr(settings, "smtp_url", SecretStr("smtp://127.0.0.1:1025"))
    assert start_embedded(settings) is None


def test_embedded_without_a_mail_server_still_writes_reminders_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no mail server the embedded worker keeps the outbox (for /admin/outbox) and
    still writes the deadline reminders into it."""
    settings = get_settings()
    monkeypatch.setattr(settings, "mail_worker", MailWorker.EMBEDDED)
    monkeypatch.setattr(settings, "smtp_url", None)
    worker = start_embedded(settings)
    assert worker is not None
    try:
        assert len(_mail_threads()) == 1
    finally:
        worker.stop()
    assert _mail_threads() == []


def test_the_application_starts_and_stops_its_worker_when_embedded(
    monkeypatch: pytest.MonkeyPatch, smtp: LoopbackSmtp, engine: Engine
) -> None:
    from fastapi.testclient import TestClient

    settings = get_settings()
    monkeypatch.setattr(settings, "mail_worker", MailWorker.EMBEDDED)
    monkeypatch.setattr(settings, "smtp_url", SecretStr(smtp.url))
    with TestClient(create_app()):
        assert len(_mail_threads()) == 1
    assert _mail_threads() == []


def test_the_embedded_worker_sends_what_is_committed(
    monkeypatch: pytest.MonkeyPatch,
    mail_engine: Engine,
    sessions: Callable[[], Session],
    smtp: LoopbackSmtp,
) -> None:
    monkeypatch.setattr(get_settings(), "smtp_url", SecretStr(smtp.url))
    worker = EmbeddedWorker(mail_engine, poll_seconds=0.05).start()
    try:
        write_mail(sessions)
        assert smtp.arrived.wait(timeout=30)
    finally:
        worker.stop()
    assert [m.status for m in all_mail(sessions)] == [MailStatus.SENT]
