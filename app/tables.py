"""Imports every table so that ``SQLModel.metadata`` describes the whole schema."""

from sqlmodel import SQLModel

from app.assessments.models import (
    Assessment,
    CriterionScore,
    EvidenceRating,
    EvidenceSnapshot,
    ModerationChange,
    PresentedEvidence,
    ProvisionalRating,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.audit import AuditEvent
from app.auth.models import BrowserSession, SignInAttempt
from app.cycles.models import Cycle
from app.development.models import DevelopmentAction, ProgressNote
from app.evidence.models import (
    Attachment,
    CompetencyEvidenceCount,
    EvidenceCompetency,
    EvidenceItem,
)
from app.governance.models import GovernanceRating, GovernanceReview
from app.invitations.models import OneTimeLink, PasswordResetRequest
from app.mail.models import OutboxAttempt, OutboxMail
from app.organisations.models import Organisation
from app.outcomes.models import Outcome, OutcomeActual, PresentedOutcome
from app.panel.models import Panel
from app.pbc.models import BusinessCase, PbcRegister
from app.reports.models import ReportRender
from app.threads.models import Thread, ThreadMessage, ThreadRead
from app.users.models import User

metadata = SQLModel.metadata

__all__ = [
    "Assessment",
    "Attachment",
    "AuditEvent",
    "BrowserSession",
    "BusinessCase",
    "CompetencyEvidenceCount",
    "CriterionScore",
    "Cycle",
    "DevelopmentAction",
    "EvidenceCompetency",
    "EvidenceItem",
    "EvidenceRating",
    "EvidenceSnapshot",
    "GovernanceRating",
    "GovernanceReview",
    "ModerationChange",
    "OneTimeLink",
    "Organisation",
    "OutboxAttempt",
    "OutboxMail",
    "Outcome",
    "OutcomeActual",
    "Panel",
    "PasswordResetRequest",
    "PbcRegister",
    "PresentedEvidence",
    "PresentedOutcome",
    "ProgressNote",
    "ProvisionalRating",
    "ReportRender",
    "ReturnPoint",
    "ReviewCriterionScore",
    "ReviewScore",
    "SelfScore",
    "SignInAttempt",
    "Submission",
    "Thread",
    "ThreadMessage",
    "ThreadRead",
    "User",
    "metadata",
]

# Tables the database keeps itself, by trigger (a tally derived from other tables): never
# exported or imported.
DERIVED_TABLES = frozenset({CompetencyEvidenceCount.__tablename__})

# Tables of work under way between servers (a report being rendered): meaningless in another
# database, never exported or imported.
TRANSIENT_TABLES = frozenset({ReportRender.__tablename__})
