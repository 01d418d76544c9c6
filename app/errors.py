"""Domain errors that carry their HTTP status, and the handlers that render them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on. ``field`` names the form field it concerns, so that a
    page can link its error summary to that field; None means the form as a whole."""

    status_code = 400

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
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
    """Someone else changed the row since the caller read it. ``changed_by`` names them and
    ``current`` holds what is saved now, so a page can show both beside the user's text."""

    def __init__(
        self,
        detail: str,
        *,
        changed_by: str | None = None,
        current: dict[str, Any] | None = None,
        current_version: int | None = None,
    ) -> None:
        super().__init__(detail, current=current)
        self.changed_by = changed_by
        self.current = current or {}
        self.current_version = current_version


class WorkflowError(Conflict):
    """An illegal transition; ``missing`` lists what readiness still lacks."""

    def __init__(
        self, detail: str, *, missing: list[str] | None = None, field: str | None = None
    ) -> None:
        super().__init__(detail, field=field, missing=missing or [])
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
