"""User commands and look-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from app import audit
from app.actors import Actor
from app.auth.models import BrowserSession
from app.db import begin_write, utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, require
from app.users.models import Role, User
from app.users.passwords import check_password_rules, hash_password

# The kinds of organisation each role may belong to.
ROLE_ORGANISATION_KINDS: dict[Role, frozenset[OrganisationKind]] = {
    Role.PCT_LEAD: frozenset({OrganisationKind.PCT}),
    Role.BOARD_MEMBER: frozenset({OrganisationKind.PCT}),
    Role.CLINICIAN: frozenset(
        {OrganisationKind.PCT, OrganisationKind.PBC_GROUP, OrganisationKind.PRACTICE}
    ),
    Role.SHA_REVIEWER: frozenset({OrganisationKind.SHA}),
    Role.ADMIN: frozenset(),
}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def organisation_for_role(
    session: Session, role: Role, organisation_code: str | None
) -> Organisation | None:
    """The organisation a user of ``role`` would belong to: None for an administrator;
    refused when the code is missing, unknown, or names a kind the role cannot belong to."""
    kinds = ROLE_ORGANISATION_KINDS[role]
    if role is Role.ADMIN:
        if organisation_code:
            raise InvalidInput(
                "An administrator belongs to no organisation", field="organisation_code"
            )
        return None
    if not organisation_code:
        raise InvalidInput(f"A {role.value} needs an organisation code", field="organisation_code")
    organisation = organisation_service.find_by_code(session, organisation_code)
    if organisation is None:
        raise InvalidInput(
            f"Organisation {organisation_code.strip().upper()!r} not found",
            field="organisation_code",
        )
    if organisation.kind not in kinds:
        raise InvalidInput(
            f"A {role.value} must belong to a {' or '.join(sorted(kinds))}, "
            f"not a {organisation.kind.value}",
            field="organisation_code",
        )
    return organisation


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role,
    organisation_code: str | None = None,
    job_title: str | None = None,
    hash_with: Callable[[str], str] = hash_password,
) -> User:
    """A new account. ``hash_with`` turns the password into its stored hash; a bulk load
    whose accounts share one password may pass a hasher that remembers it."""
    begin_write(session)
    require(actor, Action.MANAGE_USERS)
    email = normalise_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(f"{email!r} is not an email address", field="email")
    if not full_name.strip():
        raise InvalidInput("Full name must not be empty", field="full_name")
    check_password_rules(password, email=email)
    if find_by_email(session, email) is not None:
        raise Conflict(f"A user with email {email!r} already exists", field="email")
    organisation = organisation_for_role(session, role, organisation_code)
    organisation_id = organisation.id if organisation is not None else None
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=(job_title or "").strip() or None,
        role=role,
        organisation_id=organisation_id,
        password_hash=hash_with(password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=user.id,
        action="create",
        after=audit.snapshot(user),
        organisation_id=organisation_id,
    )
    session.commit()
    return user


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    full_name: str | None = None,
    job_title: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    role: Role | None = None,
    organisation_code: str | None = None,
    expected_version: int | None = None,
) -> User:
    """Administrators: rename, retitle, deactivate or reactivate a user, or set a new
    password; or give them another role or organisation (``organisation_code`` "" for none,
    as an administrator has)."""
    begin_write(session)
    require(actor, Action.MANAGE_USERS)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    if expected_version is not None and expected_version != user.version:
        raise Conflict(f"User {user_id} was changed by someone else; reload and try again")
    if is_active is False and user.id == actor.user_id:
        raise InvalidInput("You cannot deactivate your own account")
    before = audit.snapshot(user)
    if full_name is not None:
        if not full_name.strip():
            raise InvalidInput("Full name must not be empty")
        user.full_name = full_name.strip()
    if job_title is not None:
        user.job_title = job_title.strip() or None
    placed = (user.role, user.organisation_id)
    if role is not None or organisation_code is not None:
        _place(session, actor, user, role=role, code=organisation_code)
    if is_active is not None:
        user.is_active = is_active
    if password is not None:
        check_password_rules(password, email=user.email)
        user.password_hash = hash_password(password)
    if password is not None or is_active is False or (user.role, user.organisation_id) != placed:
        revoke_credentials(session, user)
    session.add(user)
    session.flush()
    after = audit.snapshot(user)
    if password is not None:
        after["password_changed"] = True
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=user_id,
        action="update",
        before=before,
        after=after,
        organisation_id=user.organisation_id,
    )
    session.commit()
    return user


def list_users(session: Session, actor: Actor) -> list[tuple[User, str | None]]:
    require(actor, Action.MANAGE_USERS)
    rows = session.exec(
        select(User, Organisation.code)
        .outerjoin(Organisation, col(Organisation.id) == User.organisation_id)
        .order_by(User.email)
    ).all()
    return [(user, code) for user, code in rows]


def organisation_code(session: Session, user: User) -> str | None:
    if user.organisation_id is None:
        return None
    organisation = session.get(Organisation, user.organisation_id)
    return organisation.code if organisation else None


def _end_sessions(session: Session, user_id: int) -> None:
    for browser in session.exec(
        select(BrowserSession).where(
            col(BrowserSession.user_id) == user_id, col(BrowserSession.ended_at).is_(None)
        )
    ).all():
        browser.ended_at = utcnow()
        session.add(browser)


def revoke_credentials(session: Session, user: User) -> None:
    """Every browser session and API token of the user ends: their sessions are ended and
    their credential generation counted up, so tokens issued before are refused (adds to the
    caller's transaction)."""
    assert user.id is not None
    _end_sessions(session, user.id)
    user.credential_generation += 1
    session.add(user)


def _place(
    session: Session, actor: Actor, user: User, *, role: Role | None, code: str | None
) -> None:
    """Give ``user`` another role or organisation, or both, if the pair is allowed. ``code``
    None keeps the organisation; "" means none (an administrator)."""
    new_role = role or user.role
    if code is None:
        code = organisation_code(session, user) or ""
    if user.id == actor.user_id and user.role is Role.ADMIN and new_role is not Role.ADMIN:
        raise InvalidInput("You cannot take away your own administrator role", field="role")
    organisation = organisation_for_role(session, new_role, code)
    user.role = new_role
    user.organisation_id = organisation.id if organisation is not None else None


@dataclass(frozen=True)
class UserRow:
    """A user as a list shows them: with their organisation's code and name."""

    user: User
    organisation_code: str | None
    organisation_name: str | None


def _within(code: str) -> ColumnElement[bool]:
    """Users of the organisation ``code`` and of the organisations under it (an SHA's PCTs,
    a PCT's PBC groups and practices, and the practices of those groups)."""
    level = select(Organisation.id).where(
        Organisation.code == organisation_service.normalise_code(code)
    )
    levels = [level]
    for _ in range(3):
        level = select(Organisation.id).where(col(Organisation.parent_id).in_(level))
        levels.append(level)
    return or_(*(col(User.organisation_id).in_(ids) for ids in levels))


def search_users(
    session: Session,
    actor: Actor,
    *,
    text: str | None = None,
    organisation_code: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[UserRow], int]:
    """Administrators: the users whose name or email holds ``text`` (any case), of the
    organisation ``organisation_code`` or one under it, of ``role``, active or not; by email,
    a page of them (all without ``limit``), and how many match in all. Two statements."""
    require(actor, Action.MANAGE_USERS)
    conditions: list[ColumnElement[bool]] = []
    if text and text.strip():
        needle = text.strip().lower()
        conditions.append(
            or_(
                func.lower(User.full_name).contains(needle, autoescape=True),
                col(User.email).contains(needle, autoescape=True),
            )
        )
    if organisation_code and organisation_code.strip():
        conditions.append(_within(organisation_code))
    if role is not None:
        conditions.append(col(User.role) == role)
    if is_active is not None:
        conditions.append(col(User.is_active) == is_active)
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    statement = (
        select(User, Organisation.code, Organisation.name)
        .outerjoin(Organisation, col(Organisation.id) == User.organisation_id)
        .where(*conditions)
        .order_by(User.email)
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    rows = [UserRow(user, code, name) for user, code, name in session.exec(statement).all()]
    return rows, total


def get_user(session: Session, actor: Actor, user_id: int) -> User:
    """Administrators: one user (404 if there is none)."""
    require(actor, Action.MANAGE_USERS)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    return user
