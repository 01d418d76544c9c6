"""The mail server named by ``WCC_SMTP_URL``, and a connection to it (the standard library's
``smtplib``).

``smtp://host:port`` (port 25 when left out), ``smtp://user:password@host:port`` to sign in,
``smtp://host:587?starttls=1`` to upgrade the connection to TLS, and ``smtps://host`` (port 465)
for TLS from the start.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 20
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("WCC_SMTP_URL must look like smtp://host:port or smtps://host:port")
        query = parse_qs(parts.query)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            tls=tls,
            starttls=not tls and query.get("starttls", ["0"])[0].lower() in _TRUE,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @property
    def label(self) -> str:
        """Where the server is, never its password."""
        return f"{self.host}:{self.port}"

    def connect(self) -> smtplib.SMTP:
        """An open, signed-in connection; ``OSError`` or ``smtplib.SMTPException`` if not."""
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.tls:
            connection = smtplib.SMTP_SSL(
                self.host, self.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            if self.starttls:
                connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection


def send(connection: smtplib.SMTP, message: EmailMessage, sender: str, to: str) -> None:
    """Hand one message to the server, for exactly the one envelope recipient ``to``."""
    connection.send_message(message, from_addr=sender, to_addrs=[to])


def is_permanent(error: Exception) -> bool:
    """The server refused this mail for good (a 5xx answer to its recipient or its content):
    trying again would not help. A server that is down or refuses the service's own sign-in
    or sender is a fault to mend, and the mail waits for it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    # The message itself cannot be built (a header the email package refuses).
    return isinstance(error, ValueError)


def describe(error: Exception, server: SmtpServer) -> str:
    """The error in a line for the outbox page (never the password)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(
            f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()
        )
        return f"The mail server refused the recipient: {answers}"
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"The mail server answered {error.smtp_code} {text}"
    if isinstance(error, OSError | smtplib.SMTPException):
        return f"The mail server at {server.label} could not be reached: {error}"
    if isinstance(error, ValueError):
        return f"The message could not be built: {error}"
    return f"{type(error).__name__}: {error}"
