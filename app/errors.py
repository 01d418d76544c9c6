"""Domain errors that carry their HTTP status, and the handlers that render them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotSignedIn(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class StaleEdit(Conflict):
    """Someone else changed the row since the caller read it."""


class WorkflowError(Conflict):
    """An illegal transition; ``missing`` lists what readiness still lacks."""

    def __init__(self, detail: str, *, missing: list[str] | None = None) -> None:
        super().__init__(detail, missing=missing or [])
        self.missing = missing or []


class PayloadTooLarge(DomainError):
    status_code = 413


class UnsupportedMediaType(DomainError):
    status_code = 415


class InvalidInput(DomainError):
    status_code = 422


class ServiceUnavailable(DomainError):
    status_code = 503


class TooManyRequests(DomainError):
    status_code = 429


class InsufficientStorage(DomainError):
    status_code = 507
