"""What the invitation and password pages show, worked out here so that the templates only
lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from app.actors import Actor
from app.config import get_settings
from app.db import utcnow
from app.invitations import repository
from app.invitations.models import LinkPurpose
from app.invitations.service import (
    Invitation,
    LinkCheck,
    LinkState,
    SentInvitation,
    lifetime_words,
)
from app.organisations.models import Organisation
from app.permissions import LEAD_INVITES
from app.users.models import Role
from app.web import ROLE_WORDS
from app.wording import long_date

ROLE_HINTS: dict[Role, str] = {
    Role.PCT_LEAD: "Keeps the PCT's self-assessment, evidence and development plan",
    Role.BOARD_MEMBER: "Signs off the PCT's self-assessment for its board",
    Role.CLINICIAN: "Logs evidence, at the PCT or at one of its practices or PBC groups",
    Role.SHA_REVIEWER: "Reviews the assessments of the SHA's PCTs",
    Role.ADMIN: "Sets up organisations, people and cycles; belongs to no organisation",
}


def role_words(role: Role) -> str:
    """ "PCT assurance lead", "board member"…"""
    return ROLE_WORDS[role]


def role_label(role: Role) -> str:
    """ "PCT assurance lead", "Board member"…: for a label or a summary list."""
    words = ROLE_WORDS[role]
    return words[:1].upper() + words[1:]


def organisation_words(organisation: Organisation | None) -> str:
    if organisation is None:
        return "None (an administrator)"
    return f"{organisation.name} ({organisation.code})"


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    hint: str = ""


@dataclass(frozen=True)
class InviteForm:
    """The invitation form for this actor: an administrator chooses any role and types any
    organisation's code; a PCT lead chooses between the roles it invites and the
    organisations of its own PCT."""

    admin: bool
    roles: tuple[Choice, ...]
    organisations: tuple[Choice, ...] = field(default_factory=tuple)

    @property
    def days(self) -> int:
        return get_settings().invitation_days


def invite_form(session: Session, actor: Actor) -> InviteForm:
    if actor.is_admin:
        roles = tuple(Choice(r.value, role_label(r), ROLE_HINTS[r]) for r in Role)
        return InviteForm(admin=True, roles=roles)
    roles = tuple(Choice(r.value, role_label(r), ROLE_HINTS[r]) for r in Role if r in LEAD_INVITES)
    organisations = tuple(
        Choice(o.code, f"{o.name} ({o.code})")
        for o in repository.invitable_organisations(session, actor)
    )
    return InviteForm(admin=False, roles=roles, organisations=organisations)


@dataclass(frozen=True)
class InvitationCheck:
    """The check-your-answers page."""

    invitation: Invitation

    @property
    def role(self) -> str:
        return role_label(self.invitation.role)

    @property
    def organisation(self) -> str:
        return organisation_words(self.invitation.organisation)

    @property
    def expires_on(self) -> str:
        return long_date(utcnow() + timedelta(days=get_settings().invitation_days))


@dataclass(frozen=True)
class SentPage:
    sent: SentInvitation

    @property
    def name(self) -> str:
        return self.sent.user.full_name

    @property
    def email(self) -> str:
        return self.sent.user.email

    @property
    def role(self) -> str:
        return role_words(self.sent.user.role)

    @property
    def organisation(self) -> str:
        return self.sent.organisation.name if self.sent.organisation else ""

    @property
    def expires_on(self) -> str:
        return long_date(self.sent.link.expires_at)


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class LinkProblem:
    """A link that does not work: what to say, and where to go instead."""

    heading: str
    paragraphs: tuple[str, ...]
    links: tuple[Link, ...]


SIGN_IN = Link("/login", "Sign in")
FORGOT = Link("/forgot-password", "Reset your password")
NEW_RESET = Link("/forgot-password", "Ask for a new link")
ASK_INVITER = (
    "Ask the person who invited you (your PCT's assurance lead, or an administrator) to "
    "invite you again. They can do so straight away."
)


def link_problem(check: LinkCheck) -> LinkProblem:
    invitation = check.purpose is LinkPurpose.INVITATION
    reset_for = lifetime_words(timedelta(minutes=get_settings().password_reset_minutes))
    state = check.state
    if state is LinkState.USED and invitation:
        return LinkProblem(
            "This invitation has already been used",
            (
                "The password for this account has been chosen. Sign in with it.",
                "If you have forgotten it, you can reset it.",
            ),
            (SIGN_IN, FORGOT),
        )
    if state is LinkState.USED:
        return LinkProblem(
            "This link has already been used",
            (
                "Each link to reset a password works once. Sign in with your new password.",
                "If you need to reset it again, ask for a new link.",
            ),
            (SIGN_IN, NEW_RESET),
        )
    if state is LinkState.EXPIRED and invitation:
        return LinkProblem(
            "This invitation has expired",
            (f"Invitations work for {get_settings().invitation_days} days.", ASK_INVITER),
            (),
        )
    if state is LinkState.EXPIRED:
        return LinkProblem(
            "This link has expired",
            (f"Links to reset a password work for {reset_for}.",),
            (NEW_RESET,),
        )
    if state is LinkState.REPLACED and invitation:
        return LinkProblem(
            "This invitation has been replaced",
            (
                "A newer invitation was sent to you, so this one no longer works. Use the "
                "link in the most recent email.",
                ASK_INVITER,
            ),
            (),
        )
    if state is LinkState.REPLACED:
        return LinkProblem(
            "This link has been replaced",
            (
                "A newer link to reset your password was sent, so this one no longer works. "
                "Use the link in the most recent email.",
            ),
            (NEW_RESET,),
        )
    return LinkProblem(
        "This link is not valid",
        (
            "Check that you copied the whole link from the email.",
            ASK_INVITER if invitation else "You can ask for a new link to reset your password.",
        ),
        (SIGN_IN,) if invitation else (NEW_RESET,),
    )


@dataclass(frozen=True)
class ResetSent:
    """The one answer to every request for a reset link."""

    lasts: str


def reset_sent() -> ResetSent:
    return ResetSent(lifetime_words(timedelta(minutes=get_settings().password_reset_minutes)))
