"""Links that let whoever holds them choose a user's password (an invitation, a password
reset). The outbox pages never show them, and a mail that carried one keeps it only until it
is sent: the stored copy has it replaced by a notice."""

from __future__ import annotations

import re

from app.mail.models import MailKind

CARRY_SECRET_LINKS = frozenset({MailKind.INVITATION, MailKind.PASSWORD_RESET})

# /invitations/<token> or /reset-password/<token>; tokens are long, so /invitations/new and
# the like are left alone.
_SECRET_LINK = re.compile(r"(/(?:invitations|reset-password)/)[A-Za-z0-9_\-]{20,}")
HIDDEN = "[link hidden: it lets whoever holds it choose this person's password]"


def hide_secret_links(text: str) -> str:
    """The text with every invitation and password-reset link replaced by a notice."""
    return _SECRET_LINK.sub(lambda match: match.group(1) + HIDDEN, text)
