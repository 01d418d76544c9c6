"""The commands on committed data: a link used by another request since this one read it is
refused, and only the token's hash is ever stored."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.auth.service import actor_for_user
from app.invitations import service
from app.invitations.models import LinkPurpose
from app.invitations.service import LinkState, LinkUnusable
from app.mail.models import MailKind
from app.users.models import Role
from tests import factories
from tests.invitations.steps import NEW_PASSWORD, latest_link


def _invited(sessions: Callable[[], Session]) -> tuple[str, str]:
    """A clinician invited by an administrator, committed: their address and link's token."""
    email = f"invited.{secrets.token_hex(4)}@pct.nhs.test"
    with sessions() as session:
        pct = factories.make_pct(session)
        admin = factories.make_user(session, role=Role.ADMIN)
        actor = actor_for_user(session, admin.id or 0)
        assert actor is not None
        service.invite(
            session,
            actor,
            email=email,
            full_name="Dr Nia Evans",
            role=Role.CLINICIAN,
            organisation_code=pct.code,
        )
        token = latest_link(session, email, MailKind.INVITATION).rsplit("/", 1)[1]
    return email, token


def test_a_link_used_by_another_request_since_it_was_read_is_refused(
    sessions: Callable[[], Session],
) -> None:
    _, token = _invited(sessions)
    with sessions() as slow, sessions() as quick:
        assert service.check_link(slow, token, LinkPurpose.INVITATION).usable
        service.accept_invitation(
            quick, token=token, password=NEW_PASSWORD, password_confirm=NEW_PASSWORD
        )
        with pytest.raises(LinkUnusable, match="already been used"):
            service.accept_invitation(
                slow, token=token, password="another-long-one", password_confirm="another-long-one"
            )
        slow.rollback()
        assert service.check_link(slow, token, LinkPurpose.INVITATION).state is LinkState.USED


def test_no_table_holds_the_token_itself(sessions: Callable[[], Session]) -> None:
    _, token = _invited(sessions)
    with sessions() as session:
        for table in ("one_time_link", "audit_event", "user_account"):
            rows = session.execute(sa.text(f"SELECT * FROM {table}")).all()
            assert token not in repr(rows), table
