"""User commands and look-ups."""

from __future__ import annotations

from collections.abc import Callable

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
    organisation_id: int | None = None
    kinds = ROLE_ORGANISATION_KINDS[role]
    if role is Role.ADMIN:
        if organisation_code:
            raise InvalidInput(
                "An administrator belongs to no organisation", field="organisation_code"
            )
    else:
        if not organisation_code:
            raise InvalidInput(
                f"A {role.value} needs an organisation code", field="organisation_code"
            )
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
        organisation_id = organisation.id
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
    expected_version: int | None = None,
) -> User:
    """Administrators: rename, retitle, deactivate or reactivate a user, or set a new
    password."""
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
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            _end_sessions(session, user_id)
    if password is not None:
        check_password_rules(password, email=user.email)
        user.password_hash = hash_password(password)
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
