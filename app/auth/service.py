"""Signing in, and turning a user into the Actor every service call receives."""

from __future__ import annotations

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from app.actors import Actor
from app.errors import NotSignedIn
from app.organisations.models import Organisation, OrganisationKind
from app.users import service as user_service
from app.users.models import User
from app.users.passwords import verify_password

BAD_CREDENTIALS = "Incorrect email address or password"


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials; NotSignedIn otherwise (same words for each fault)."""
    user = user_service.find_by_email(session, email)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        raise NotSignedIn(BAD_CREDENTIALS)
    return user


def actor_for_user(session: Session, user_id: int) -> Actor | None:
    """The Actor for an active user, with its PCT and SHA resolved in one query."""
    org, parent, grandparent = (aliased(Organisation) for _ in range(3))
    row = session.exec(
        select(User, org, parent, grandparent)
        .outerjoin(org, org.id == User.organisation_id)
        .outerjoin(parent, parent.id == org.parent_id)
        .outerjoin(grandparent, grandparent.id == parent.parent_id)
        .where(User.id == user_id)
    ).first()
    if row is None or not row[0].is_active:
        return None
    user, *chain = row
    organisations = [o for o in chain if o is not None]
    pct = next((o for o in organisations if o.kind is OrganisationKind.PCT), None)
    sha = next((o for o in organisations if o.kind is OrganisationKind.SHA), None)
    sha_id = pct.parent_id if pct is not None else (sha.id if sha else None)
    own = organisations[0] if organisations else None
    return Actor(
        user_id=user.id,
        label=user.email,
        role=user.role,
        organisation_id=own.id if own else None,
        organisation_code=own.code if own else None,
        pct_id=pct.id if pct else None,
        sha_id=sha_id,
    )
