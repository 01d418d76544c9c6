"""The append-only audit trail."""

from app.audit.trail import AuditEvent, record, snapshot

__all__ = ["AuditEvent", "record", "snapshot"]
