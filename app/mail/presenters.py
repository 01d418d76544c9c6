"""What the outbox pages show: each mail's line in the list, and the notice that says whether
mail is sent at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.config import get_settings
from app.mail.models import MailStatus, OutboxMail
from app.mail.secret_links import hide_secret_links
from app.wording import ENGLAND, long_date


def moment(when: datetime | None) -> str:
    """ "3 December 2009 at 14:05", in England's time."""
    if when is None:
        return ""
    return f"{long_date(when)} at {when.astimezone(ENGLAND):%H:%M}"


def short_moment(when: datetime | None) -> str:
    """ "3 Dec 2009, 14:05", in England's time, for a table."""
    if when is None:
        return ""
    return f"{when.astimezone(ENGLAND):%-d %b %Y, %H:%M}"


def is_sending() -> bool:
    """Whether a mail server is configured (``WCC_SMTP_URL``)."""
    return get_settings().smtp_url is not None


@dataclass(frozen=True)
class MailLine:
    mail: OutboxMail

    @property
    def to(self) -> str:
        name = self.mail.recipient_name
        return f"{name} <{self.mail.recipient}>" if name else self.mail.recipient

    @property
    def created(self) -> str:
        return moment(self.mail.created_at)

    @property
    def written(self) -> str:
        return short_moment(self.mail.created_at)

    @property
    def next_try(self) -> str:
        if self.mail.status is not MailStatus.PENDING or not self.mail.attempts:
            return ""
        return moment(self.mail.next_attempt_at)

    @property
    def next_try_short(self) -> str:
        return short_moment(self.mail.next_attempt_at) if self.next_try else ""

    @property
    def shown_text(self) -> str:
        """The plain text as an administrator may read it: secret links hidden."""
        return hide_secret_links(self.mail.body_text)

    @property
    def shown_html(self) -> str:
        return hide_secret_links(self.mail.body_html)

    @property
    def sent(self) -> str:
        return moment(self.mail.sent_at)
