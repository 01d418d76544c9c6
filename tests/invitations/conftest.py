"""The mail tests' fixtures (a real SMTP server on loopback, and a database of its own with
real commits), for the test that an invitation really goes out."""

from tests.mail.conftest import mail_engine, sessions, smtp

__all__ = ["mail_engine", "sessions", "smtp"]
