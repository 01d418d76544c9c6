"""Composing a mail: the recipient's address checked, the subject made safe for a header, the
plain-text and HTML bodies rendered from ``templates/mail/``, and the message built for SMTP.

Header values never carry a line break: an address with one is refused, a name or subject has
its line breaks turned into spaces, and the standard library's ``email`` package (policy
``SMTP``) refuses any that slipped through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.config import BASE_DIR, get_settings
from app.errors import InvalidInput
from app.mail.models import NAME_MAX, RECIPIENT_MAX, SUBJECT_MAX, OutboxMail

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
SERVICE_NAME = "WCC Assurance Tracker"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""


@dataclass(frozen=True)
class RenderedMail:
    text: str
    html: str


def one_line(value: str, limit: int) -> str:
    """A header value on one line: line breaks and other control characters become single
    spaces; cut to ``limit`` characters."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def recipient(to: str, name: str | None = None) -> Recipient:
    """One recipient from ``jane@pct.nhs.test`` or ``Jane Lead <jane@pct.nhs.test>``.

    An address with a line break, more than one address, or anything that is not an address
    is refused, so a mail can only ever go to the one address meant."""
    if _CONTROL.search(to):
        raise InvalidInput("An email address cannot contain a line break", field="email")
    found = getaddresses([to])
    parsed_name, address = parseaddr(to)
    if len(found) != 1 or not address or address.count("@") != 1 or " " in address:
        raise InvalidInput(f"{to.strip()!r} is not one email address", field="email")
    if len(address) > RECIPIENT_MAX:
        raise InvalidInput("The email address is too long", field="email")
    try:
        checked = Address(addr_spec=address)
    except (ValueError, IndexError) as exc:
        raise InvalidInput(f"{address!r} is not a valid email address", field="email") from exc
    if not checked.username or "." not in checked.domain:
        raise InvalidInput(f"{address!r} is not a valid email address", field="email")
    shown = one_line(name if name is not None else parsed_name, NAME_MAX)
    return Recipient(address=checked.addr_spec, name=shown)


def subject_line(subject: str) -> str:
    return one_line(subject, SUBJECT_MAX)


def absolute_url(path: str) -> str:
    """A link into the service, from ``WCC_BASE_URL`` and a path such as ``/assessments/4``."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a link in a mail must be a path within the service: {path!r}")
    return urljoin(get_settings().base_url.rstrip("/") + "/", path.lstrip("/"))


@lru_cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(BASE_DIR / "templates")),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(link=absolute_url, service_name=SERVICE_NAME)
    return env


def render(template: str, context: dict[str, Any]) -> RenderedMail:
    """``templates/mail/<template>.txt`` and ``.html`` with ``context``; both may call
    ``link(path)`` for an absolute link and read ``base_url``."""
    env = _environment()
    full = {"base_url": get_settings().base_url.rstrip("/"), **context}
    text = env.get_template(f"mail/{template}.txt").render(full)
    html = env.get_template(f"mail/{template}.html").render(full)
    return RenderedMail(text=text.strip() + "\n", html=html)


def sender(mail_from: str) -> Address:
    """``WCC_MAIL_FROM`` as an address, refused when it is not exactly one."""
    try:
        checked = recipient(mail_from)
    except InvalidInput as exc:
        raise ValueError(f"WCC_MAIL_FROM: {exc.detail}") from None
    return Address(display_name=checked.name, addr_spec=checked.address)


def message(mail: OutboxMail, from_address: Address) -> EmailMessage:
    """The message as the mail server receives it: plain text with an HTML alternative."""
    built = EmailMessage(policy=policy.SMTP)
    built["From"] = from_address
    built["To"] = Address(display_name=mail.recipient_name, addr_spec=mail.recipient)
    built["Subject"] = mail.subject
    built["Date"] = formatdate(usegmt=True)
    built["Message-ID"] = make_msgid(domain=from_address.domain or None)
    built["Auto-Submitted"] = "auto-generated"
    built.set_content(mail.body_text)
    built.add_alternative(mail.body_html, subtype="html")
    return built
