"""Every read of single-use links and reset requests, and the organisations a person may be
invited to."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import Actor
from app.invitations.models import LinkPurpose, OneTimeLink, PasswordResetRequest
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import User


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def link_by_token(
    session: Session, token: str, purpose: LinkPurpose, *, for_update: bool = False
) -> OneTimeLink | None:
    """The link a token names, for this purpose; None for any other token."""
    statement = select(OneTimeLink).where(
        col(OneTimeLink.token_sha256) == token_hash(token), col(OneTimeLink.purpose) == purpose
    )
    if for_update:
        # Read again under the lock: another request may have used the link since this one
        # first looked at it (the row may already be in the session, as it was then).
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.exec(statement).first()


def open_links(
    session: Session, user_id: int, purposes: tuple[LinkPurpose, ...]
) -> list[OneTimeLink]:
    """The user's links of these purposes not yet used nor revoked (expired or not)."""
    return list(
        session.exec(
            select(OneTimeLink).where(
                col(OneTimeLink.user_id) == user_id,
                col(OneTimeLink.purpose).in_(purposes),
                col(OneTimeLink.used_at).is_(None),
                col(OneTimeLink.revoked_at).is_(None),
            )
        ).all()
    )


def latest_invitation(session: Session, user_id: int) -> OneTimeLink | None:
    return session.exec(
        select(OneTimeLink)
        .where(
            col(OneTimeLink.user_id) == user_id,
            col(OneTimeLink.purpose) == LinkPurpose.INVITATION,
        )
        .order_by(col(OneTimeLink.id).desc())
    ).first()


def is_waiting_invitee(session: Session, user: User) -> bool:
    """An account made by an invitation that has not been accepted yet: inactive, invited at
    least once, and no invitation link of theirs ever used."""
    return user.id is not None and user.id in waiting_invitees(session, [user.id])


def waiting_invitees(session: Session, user_ids: list[int]) -> set[int]:
    """Of ``user_ids``, the inactive accounts invited and never accepted (one statement)."""
    if not user_ids:
        return set()
    statement = (
        select(col(User.id))
        .join(OneTimeLink, col(OneTimeLink.user_id) == col(User.id))
        .where(
            col(User.id).in_(user_ids),
            col(User.is_active).is_(False),
            col(OneTimeLink.purpose) == LinkPurpose.INVITATION,
        )
        .group_by(col(User.id))
        .having(sa.func.count(col(OneTimeLink.used_at)) == 0)
    )
    return {user_id for user_id in session.exec(statement).all() if user_id is not None}


def reset_requests_since(
    session: Session, *, since: datetime, email: str | None = None, address: str | None = None
) -> int:
    statement = select(sa.func.count()).select_from(PasswordResetRequest)
    statement = statement.where(col(PasswordResetRequest.requested_at) >= since)
    if email is not None:
        statement = statement.where(col(PasswordResetRequest.email) == email)
    if address is not None:
        statement = statement.where(col(PasswordResetRequest.address) == address)
    return session.exec(statement).one()


def pct_of(session: Session, organisation: Organisation | None) -> int | None:
    """The PCT an organisation belongs to: itself, or the PCT above its PBC group or practice;
    None for an SHA (or no organisation)."""
    seen = 0
    while organisation is not None and seen < 3:
        if organisation.kind is OrganisationKind.PCT:
            return organisation.id
        if organisation.kind is OrganisationKind.SHA or organisation.parent_id is None:
            return None
        organisation = session.get(Organisation, organisation.parent_id)
        seen += 1
    return None


def invitable_organisations(session: Session, actor: Actor) -> list[Organisation]:
    """The organisations a PCT lead may invite people to: the PCT, its PBC groups and its
    practices (those under a group too), the PCT first; none for anyone else."""
    if actor.pct_id is None:
        return []
    groups = select(Organisation.id).where(col(Organisation.parent_id) == actor.pct_id)
    rows = session.exec(
        select(Organisation).where(
            sa.or_(
                col(Organisation.id) == actor.pct_id,
                col(Organisation.parent_id) == actor.pct_id,
                col(Organisation.parent_id).in_(groups),
            )
        )
    ).all()
    order = {OrganisationKind.PCT: 0, OrganisationKind.PBC_GROUP: 1, OrganisationKind.PRACTICE: 2}
    return sorted(rows, key=lambda o: (order.get(o.kind, 3), o.name))


def organisation(session: Session, organisation_id: int | None) -> Organisation | None:
    return session.get(Organisation, organisation_id) if organisation_id is not None else None
