"""Invitations instead of typed passwords, and self-service password reset (SPEC §6.7).

An administrator invites anyone; a PCT's lead invites clinicians and board members of its
own PCT (at the PCT, or at a PBC group or practice under it). The invitation makes the
account inactive, with no password that can ever match, and mails a single-use link that
expires: following it sets the password and opens the account. Inviting an address whose
invitation is still waiting sends a new link and revokes the old one.

Anyone may ask for a password-reset link: the answer is always the same, and a link is
mailed only when the address belongs to an active account. Setting a new password with it
ends the account's browser sessions and API tokens. Requests are throttled per address typed
(silently: the answer stays the same) and per client (429), counted as sign-in attempts are.

Only the sha256 of each link's token is stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session

from app import audit
from app.actors import SYSTEM, Actor
from app.config import get_settings
from app.db import begin_write, utcnow
from app.errors import Conflict, DomainError, InvalidInput, NotFound, TooManyRequests
from app.invitations import repository
from app.invitations.models import LinkPurpose, OneTimeLink, PasswordResetRequest
from app.mail import compose
from app.mail.models import MailKind
from app.mail.outbox import enqueue
from app.organisations.models import Organisation
from app.permissions import Action, require, require_invite
from app.users import service as user_service
from app.users.models import Role, User
from app.users.passwords import check_password_rules, hash_password
from app.web import ROLE_WORDS
from app.wording import long_date

TOKEN_BYTES = 32
# The start of a password hash that no password ever matches (Argon2 hashes start "$").
UNUSABLE_PASSWORD = "!"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")

INVITATION_PATH = "/invitations/"
RESET_PATH = "/reset-password/"
NOT_THE_SAME = "Enter the same password in both boxes"


class LinkUnusable(DomainError):
    """A link that worked once and works no more: used, expired or replaced."""

    status_code = 410


class LinkState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    REPLACED = "replaced"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class LinkCheck:
    """A link as its page meets it: whether it still works, and whose it is."""

    state: LinkState
    purpose: LinkPurpose
    user: User | None = None
    link: OneTimeLink | None = None

    @property
    def usable(self) -> bool:
        return self.state is LinkState.VALID

    @property
    def status_code(self) -> int:
        return {LinkState.VALID: 200, LinkState.UNKNOWN: 404}.get(self.state, 410)


@dataclass(frozen=True)
class Invitation:
    """An invitation as checked, before it is sent."""

    email: str
    full_name: str
    job_title: str | None
    role: Role
    organisation: Organisation | None
    resend: bool
    """The address has an invitation waiting: sending replaces its link."""


# Links -------------------------------------------------------------------------------------


def _state(link: OneTimeLink | None, user: User | None, now: datetime) -> LinkState:
    if link is None or user is None:
        return LinkState.UNKNOWN
    if link.used_at is not None:
        return LinkState.USED
    if link.revoked_at is not None:
        return LinkState.REPLACED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    if link.purpose is LinkPurpose.RESET and not user.is_active:
        # The account was closed after the link was sent.
        return LinkState.EXPIRED
    return LinkState.VALID


def check_link(session: Session, token: str, purpose: LinkPurpose) -> LinkCheck:
    """Whether the link ``token`` names still works, and for whom."""
    link = repository.link_by_token(session, token, purpose)
    user = session.get(User, link.user_id) if link is not None else None
    return LinkCheck(_state(link, user, utcnow()), purpose, user, link)


_UNUSABLE = {
    LinkState.USED: "This link has already been used",
    LinkState.EXPIRED: "This link has expired",
    LinkState.REPLACED: "This link has been replaced by a newer one",
}


def _usable_link(session: Session, token: str, purpose: LinkPurpose) -> tuple[OneTimeLink, User]:
    """The link, locked, and its user; refused (404 or 410) when it no longer works."""
    link = repository.link_by_token(session, token, purpose, for_update=True)
    user = (
        session.get(User, link.user_id, with_for_update=True, populate_existing=True)
        if link is not None
        else None
    )
    state = _state(link, user, utcnow())
    if state is LinkState.UNKNOWN:
        raise NotFound("This link is not valid")
    if state is not LinkState.VALID:
        raise LinkUnusable(_UNUSABLE[state])
    assert link is not None and user is not None
    return link, user


def _new_link(
    session: Session,
    user: User,
    purpose: LinkPurpose,
    *,
    lifetime: timedelta,
    created_by_id: int | None = None,
) -> tuple[str, OneTimeLink]:
    """A new link for ``user``: the token for the mail (never stored), and the row. Every
    earlier open link of the same purpose is revoked."""
    assert user.id is not None
    now = utcnow()
    _revoke(session, user.id, (purpose,), now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = OneTimeLink(
        token_sha256=repository.token_hash(token),
        purpose=purpose,
        user_id=user.id,
        created_by_id=created_by_id,
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(link)
    session.flush()
    return token, link


def _revoke(
    session: Session, user_id: int, purposes: tuple[LinkPurpose, ...], now: datetime
) -> None:
    for link in repository.open_links(session, user_id, purposes):
        link.revoked_at = now
        session.add(link)


def _set_password(user: User, password: str, password_confirm: str) -> None:
    check_password_rules(password, email=user.email)
    if password != password_confirm:
        raise InvalidInput(NOT_THE_SAME, field="password_confirm")
    user.password_hash = hash_password(password)


def _as_actor(user: User) -> Actor:
    """The person following their own link, for the audit trail."""
    return Actor(
        user_id=user.id,
        label=user.email,
        role=user.role,
        organisation_id=user.organisation_id,
        full_name=user.full_name,
    )


# Invitations -------------------------------------------------------------------------------


def _one_line(value: str | None, field: str, what: str) -> str | None:
    text = (value or "").strip()
    if _CONTROL.search(text):
        raise InvalidInput(f"Enter {what} on one line", field=field)
    return text or None


def _checked(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation_code: str | None,
    job_title: str | None,
) -> tuple[Invitation, User | None]:
    # A lead asking for a role they never invite is told so before anything else.
    require_invite(actor, role, actor.pct_id)
    address = email_address(email, whose="their")
    name = _one_line(full_name, "full_name", "their full name")
    if name is None:
        raise InvalidInput("Enter their full name", field="full_name")
    title = _one_line(job_title, "job_title", "their job title")
    organisation = user_service.organisation_for_role(session, role, organisation_code)
    require_invite(actor, role, repository.pct_of(session, organisation))
    existing = user_service.find_by_email(session, address)
    if existing is not None:
        if existing.is_active:
            raise Conflict(
                f"{address} already has an account. They can sign in, or reset their "
                "password from the sign-in page.",
                field="email",
            )
        if not repository.is_waiting_invitee(session, existing):
            raise Conflict(
                f"The account for {address} has been deactivated. An administrator can "
                "reactivate it.",
                field="email",
            )
        theirs = repository.organisation(session, existing.organisation_id)
        try:
            require_invite(actor, existing.role, repository.pct_of(session, theirs))
        except DomainError:
            raise Conflict(
                f"{address} has an invitation waiting from another organisation. Ask an "
                "administrator to send it again.",
                field="email",
            ) from None
    invitation = Invitation(
        email=address,
        full_name=name,
        job_title=title,
        role=role,
        organisation=organisation,
        resend=existing is not None,
    )
    return invitation, existing


def check_invitation(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation_code: str | None = None,
    job_title: str | None = None,
) -> Invitation:
    """What ``invite`` would refuse, without sending anything: for the page that shows the
    invitation to check before it is sent."""
    invitation, _ = _checked(
        session,
        actor,
        email=email,
        full_name=full_name,
        role=role,
        organisation_code=organisation_code,
        job_title=job_title,
    )
    return invitation


def invite(
    session: Session,
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation_code: str | None = None,
    job_title: str | None = None,
) -> User:
    """Make the account (inactive, with no usable password) or, for an invitation still
    waiting, bring it up to date; mail a single-use link that sets the password."""
    begin_write(session)
    invitation, user = _checked(
        session,
        actor,
        email=email,
        full_name=full_name,
        role=role,
        organisation_code=organisation_code,
        job_title=job_title,
    )
    organisation = invitation.organisation
    before = audit.snapshot(user) if user is not None else None
    if user is None:
        user = User(
            email=invitation.email,
            password_hash=UNUSABLE_PASSWORD + secrets.token_hex(16),
            is_active=False,
            full_name=invitation.full_name,
            role=invitation.role,
        )
    user.full_name = invitation.full_name
    user.job_title = invitation.job_title
    user.role = invitation.role
    user.organisation_id = organisation.id if organisation is not None else None
    session.add(user)
    session.flush()
    lifetime = timedelta(days=get_settings().invitation_days)
    token, link = _new_link(
        session, user, LinkPurpose.INVITATION, lifetime=lifetime, created_by_id=actor.user_id
    )
    _mail_invitation(session, actor, user, organisation, token, link)
    assert user.id is not None
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=user.id,
        action="invitation_sent",
        before=before,
        after=audit.snapshot(user) | {"link_expires_at": link.expires_at},
        organisation_id=repository.pct_of(session, organisation) or user.organisation_id,
    )
    session.commit()
    return user


def _mail_invitation(
    session: Session,
    actor: Actor,
    user: User,
    organisation: Organisation | None,
    token: str,
    link: OneTimeLink,
) -> None:
    inviter = actor.full_name or actor.label
    joining = ROLE_WORDS[user.role] + (f" at {organisation.name}" if organisation else "")
    enqueue(
        session,
        to=user.email,
        to_name=user.full_name,
        user_id=user.id,
        organisation_id=user.organisation_id,
        kind=MailKind.INVITATION,
        subject=f"You are invited to the {compose.SERVICE_NAME}",
        template="notice",
        context={
            "heading": f"You are invited to the {compose.SERVICE_NAME}",
            "paragraphs": [
                f"Dear {user.full_name},",
                f"{inviter} has invited you to join as {joining}.",
                "Choose your password to open your account. The link works once, until "
                f"{long_date(link.expires_at)}.",
                "If you were not expecting this invitation, you can ignore this email.",
            ],
            "action_path": INVITATION_PATH + token,
            "action_label": "Choose your password",
        },
    )


def _use_link(
    session: Session, token: str, purpose: LinkPurpose, password: str, password_confirm: str
) -> User:
    """Set the password through a link of ``purpose``; the link and every other open link
    of that purpose for the account are used up."""
    begin_write(session)
    link, user = _usable_link(session, token, purpose)
    _set_password(user, password, password_confirm)
    now = utcnow()
    link.used_at = now
    session.add_all([user, link])
    assert user.id is not None
    _revoke(session, user.id, (purpose,), now)
    return user


def _filed_under(session: Session, user: User) -> int | None:
    """The organisation an event about ``user`` is filed under: their PCT, so that its lead
    reads it in the audit trail, or their own organisation above any PCT."""
    organisation = repository.organisation(session, user.organisation_id)
    return repository.pct_of(session, organisation) or user.organisation_id


def _record_own(session: Session, user: User, action: str, after: dict[str, object]) -> None:
    """An audit event of the person acting on their own account, filed under their PCT."""
    assert user.id is not None
    audit.record(
        session,
        _as_actor(user),
        entity="user",
        entity_id=user.id,
        action=action,
        after=after,
        organisation_id=_filed_under(session, user),
    )


def accept_invitation(
    session: Session, *, token: str, password: str, password_confirm: str
) -> User:
    """Set the invited person's password and open their account; the link is used up."""
    user = _use_link(session, token, LinkPurpose.INVITATION, password, password_confirm)
    user.is_active = True
    session.add(user)
    _record_own(session, user, "invitation_accepted", {"is_active": True, "password_changed": True})
    session.commit()
    return user


@dataclass(frozen=True)
class SentInvitation:
    user: User
    organisation: Organisation | None
    link: OneTimeLink


def sent_invitation(session: Session, actor: Actor, user_id: int) -> SentInvitation:
    """The latest invitation of a person, for someone who may send it: 403 for a role that
    never invites, 404 for anyone else who may not invite them."""
    require(actor, Action.INVITE_USERS)
    user = session.get(User, user_id)
    link = repository.latest_invitation(session, user_id) if user is not None else None
    if user is None or link is None:
        raise NotFound(f"Invitation {user_id} not found")
    organisation = repository.organisation(session, user.organisation_id)
    try:
        require_invite(actor, user.role, repository.pct_of(session, organisation))
    except DomainError:
        raise NotFound(f"Invitation {user_id} not found") from None
    return SentInvitation(user, organisation, link)


# Password reset ----------------------------------------------------------------------------


def email_address(email: str, *, whose: str = "your") -> str:
    """The address as stored, trimmed and in lower case; refused (422, on the email field)
    unless it is exactly one plain address with no line break, so that a mail can only go
    where it is meant to. Says nothing about whether it has an account."""
    address = user_service.normalise_email(email)
    if not address:
        raise InvalidInput(f"Enter {whose} email address", field="email")
    if _CONTROL.search(address):
        raise InvalidInput("An email address cannot contain a line break", field="email")
    local, at, domain = address.rpartition("@")
    wrong = InvalidInput(
        "Enter an email address in the correct format, like name@example.com", field="email"
    )
    if not at or not local or "." not in domain or " " in address or len(address) > 254:
        raise wrong
    try:
        if compose.recipient(address).address != address:
            raise wrong
    except InvalidInput:
        raise wrong from None
    return address


def request_password_reset(session: Session, *, email: str, address: str) -> None:
    """Mail a single-use reset link when ``email`` belongs to an active account; do the same
    visible nothing otherwise. 429 past the limit per client; past the limit per address
    typed, nothing is sent and the answer stays the same."""
    wanted = email_address(email)
    client = address[:64]
    settings = get_settings()
    since = utcnow() - timedelta(minutes=settings.password_reset_window_minutes)
    begin_write(session)
    if (
        repository.reset_requests_since(session, since=since, address=client)
        >= settings.password_resets_per_address
    ):
        raise TooManyRequests(
            "Too many requests to reset a password have come from your network. Wait "
            f"{settings.password_reset_window_minutes} minutes, then try again."
        )
    earlier = repository.reset_requests_since(session, since=since, email=wanted)
    session.add(PasswordResetRequest(email=wanted, address=client))
    user = user_service.find_by_email(session, wanted)
    if earlier < settings.password_resets_per_account and user is not None and user.is_active:
        lifetime = timedelta(minutes=settings.password_reset_minutes)
        token, link = _new_link(session, user, LinkPurpose.RESET, lifetime=lifetime)
        _mail_reset(session, user, token, lifetime)
        assert user.id is not None
        audit.record(
            session,
            SYSTEM,
            entity="user",
            entity_id=user.id,
            action="password_reset_requested",
            after={"address": client, "link_expires_at": link.expires_at},
            organisation_id=_filed_under(session, user),
        )
    session.commit()


def lifetime_words(lifetime: timedelta) -> str:
    minutes = int(lifetime.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def _mail_reset(session: Session, user: User, token: str, lifetime: timedelta) -> None:
    enqueue(
        session,
        to=user.email,
        to_name=user.full_name,
        user_id=user.id,
        organisation_id=user.organisation_id,
        kind=MailKind.PASSWORD_RESET,
        subject="Reset your password",
        template="notice",
        context={
            "heading": "Reset your password",
            "paragraphs": [
                f"Dear {user.full_name},",
                f"Someone asked to reset the password of your {compose.SERVICE_NAME} account. "
                f"The link below works once, for {lifetime_words(lifetime)}.",
                "If it was not you, ignore this email: your password stays as it is.",
            ],
            "action_path": RESET_PATH + token,
            "action_label": "Choose a new password",
        },
    )


def reset_password(session: Session, *, token: str, password: str, password_confirm: str) -> User:
    """Set a new password with a reset link; the link is used up, and every browser session
    and API token of the account ends (those issued before now are refused from now on)."""
    user = _use_link(session, token, LinkPurpose.RESET, password, password_confirm)
    assert user.id is not None
    user_service.revoke_credentials(session, user)
    _record_own(session, user, "password_reset", {"password_changed": True, "sessions_ended": True})
    session.commit()
    return user
