"""The outbox is written in the caller's transaction: with the change, or not at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from app.errors import InvalidInput
from app.mail.models import MailStatus
from app.mail.outbox import enqueue
from app.organisations.models import OrganisationKind
from tests.factories import make_organisation
from tests.mail.steps import all_mail, mail_count, notice


def test_mail_of_a_transaction_that_rolls_back_is_never_written(
    sessions: Callable[[], Session],
) -> None:
    with sessions() as session:
        assert enqueue(session, **notice()) is not None
        assert enqueue(session, **notice(dedup_key="reminder:5T1:14")) is not None
        session.rollback()
    assert mail_count(sessions) == 0


def test_mail_of_a_committed_transaction_waits_in_the_outbox(
    sessions: Callable[[], Session],
) -> None:
    with sessions() as session:
        enqueue(session, **notice(to="Jane Lead <jane.lead@pct.nhs.test>", user_id=None))
        session.commit()
    [mail] = all_mail(sessions)
    assert (mail.recipient, mail.recipient_name) == ("jane.lead@pct.nhs.test", "Jane Lead")
    assert mail.status is MailStatus.PENDING and mail.attempts == 0
    assert "http://127.0.0.1:8000/assessments/7" in mail.body_text
    assert mail.body_html.startswith("<!DOCTYPE html>")


def test_the_same_dedup_key_twice_writes_one_mail_and_the_change_still_commits(
    sessions: Callable[[], Session],
) -> None:
    key = "reminder:5T1:2010-06-30:14"
    with sessions() as session:
        first = enqueue(session, **notice(dedup_key=key))
        again = enqueue(session, **notice(dedup_key=key))
        session.commit()
    assert first is not None and again is None
    with sessions() as session:
        pct = make_organisation(session, kind=OrganisationKind.SHA, code="QDD1")
        assert enqueue(session, **notice(dedup_key=key)) is None
        enqueue(session, **notice(subject="Another"))
        session.commit()
        assert session.get(type(pct), pct.id) is not None
    assert [(m.subject, m.dedup_key) for m in all_mail(sessions)] == [
        ("Your assessment was returned", key),
        ("Another", None),
    ]


def test_a_refused_address_adds_nothing(sessions: Callable[[], Session]) -> None:
    with sessions() as session:
        with pytest.raises(InvalidInput):
            enqueue(session, **notice(to="lead@pct.nhs.test\r\nBcc: intruder@elsewhere.test"))
        assert not session.new
        session.commit()
    assert mail_count(sessions) == 0
