"""Imports every table so that ``SQLModel.metadata`` describes the whole schema."""

from sqlmodel import SQLModel

from app.assessments.models import (
    Assessment,
    EvidenceRating,
    EvidenceSnapshot,
    PresentedEvidence,
    ReturnPoint,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.audit import AuditEvent
from app.auth.models import BrowserSession, SignInAttempt
from app.cycles.models import Cycle
from app.evidence.models import (
    Attachment,
    CompetencyEvidenceCount,
    EvidenceCompetency,
    EvidenceItem,
)
from app.organisations.models import Organisation
from app.users.models import User

metadata = SQLModel.metadata

__all__ = [
    "Assessment",
    "Attachment",
    "AuditEvent",
    "BrowserSession",
    "CompetencyEvidenceCount",
    "Cycle",
    "EvidenceCompetency",
    "EvidenceItem",
    "EvidenceRating",
    "EvidenceSnapshot",
    "Organisation",
    "PresentedEvidence",
    "ReturnPoint",
    "ReviewScore",
    "SelfScore",
    "SignInAttempt",
    "Submission",
    "User",
    "metadata",
]

# Tables the database keeps itself, by trigger (a tally derived from other tables): never
# exported or imported.
DERIVED_TABLES = frozenset({CompetencyEvidenceCount.__tablename__})
