"""Plain factory functions with keyword overrides; each returns a saved row."""

from __future__ import annotations

import itertools
from datetime import date
from functools import lru_cache

from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import Assessment, AssessmentStatus
from app.auth.tokens import issue_token
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import Role, User
from app.users.passwords import hash_password

PASSWORD = "correct-horse-battery"
COMPETENCY_TITLES = [
    "Locally lead the NHS",
    "Work with community partners",
    "Engage with public and patients",
    "Collaborate with clinicians",
    "Manage knowledge and assess needs",
    "Prioritise investment",
    "Stimulate the market",
    "Promote improvement and innovation",
    "Secure procurement skills",
    "Manage the local health system",
    "Make sound financial investments",
]
_numbers = itertools.count(1)


@lru_cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_numbers)}"


def make_organisation(
    session: Session,
    *,
    kind: OrganisationKind,
    parent: Organisation | None = None,
    code: str | None = None,
    name: str | None = None,
    population: int | None = None,
    practice_count: int | None = None,
) -> Organisation:
    code = code or _unique({"sha": "Q", "pct": "5T", "pbc_group": "PB", "practice": "P"}[kind])
    organisation = Organisation(
        code=code,
        name=name or f"Test {kind.value} {code}",
        kind=kind,
        parent_id=parent.id if parent else None,
        population=population,
        practice_count=practice_count,
    )
    session.add(organisation)
    session.commit()
    return organisation


def make_sha(session: Session, **overrides: object) -> Organisation:
    return make_organisation(session, kind=OrganisationKind.SHA, **overrides)  # type: ignore[arg-type]


def make_pct(
    session: Session, *, sha: Organisation | None = None, **overrides: object
) -> Organisation:
    return make_organisation(
        session,
        kind=OrganisationKind.PCT,
        parent=sha or make_sha(session),
        **overrides,  # type: ignore[arg-type]
    )


def make_practice(session: Session, *, parent: Organisation, **overrides: object) -> Organisation:
    return make_organisation(
        session,
        kind=OrganisationKind.PRACTICE,
        parent=parent,
        **overrides,  # type: ignore[arg-type]
    )


def make_user(
    session: Session,
    *,
    role: Role,
    organisation: Organisation | None = None,
    email: str | None = None,
    is_active: bool = True,
) -> User:
    user = User(
        email=email or f"{_unique(role.value.replace('_', '.'))}@test.nhs.test",
        full_name=f"Test {role.value.replace('_', ' ')}",
        role=role,
        organisation_id=organisation.id if organisation else None,
        password_hash=_password_hash(),
        is_active=is_active,
    )
    session.add(user)
    session.commit()
    return user


def make_cycle(
    session: Session,
    *,
    name: str | None = None,
    framework_version: str | None = None,
    assessed: list[int] | None = None,
    provisional_step: bool = False,
) -> Cycle:
    return cycle_service.create_cycle(
        session,
        SYSTEM,
        name=name or _unique("20"),
        opens_on=date(2009, 9, 16),
        submission_due=date(2009, 12, 18),
        review_due=date(2010, 5, 21),
        framework_version=framework_version,
        assessed_competencies=assessed,
        provisional_step=provisional_step,
    )


def make_assessment(
    session: Session,
    *,
    pct: Organisation,
    cycle: Cycle | None = None,
    status: AssessmentStatus = AssessmentStatus.DRAFT,
) -> Assessment:
    assert pct.id is not None
    cycle = cycle or make_cycle(session)
    assert cycle.id is not None
    assessment = Assessment(organisation_id=pct.id, cycle_id=cycle.id, status=status)
    session.add(assessment)
    session.commit()
    return assessment


def make_evidence(
    session: Session,
    *,
    pct: Organisation,
    author: User,
    competencies: list[int] | tuple[int, ...] = (4,),
    title: str | None = None,
    kind: EvidenceKind = EvidenceKind.ENGAGEMENT,
    occurred_on: date = date(2009, 10, 1),
    description: str = "",
) -> EvidenceItem:
    assert pct.id is not None and author.id is not None
    item = EvidenceItem(
        organisation_id=pct.id,
        title=title or _unique("Evidence "),
        description=description,
        kind=kind,
        occurred_on=occurred_on,
        author_id=author.id,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    session.add_all(
        EvidenceCompetency(evidence_id=item.id, competency_number=n) for n in competencies
    )
    session.commit()
    return item


def auth(user: User) -> dict[str, str]:
    assert user.id is not None
    return {
        "Authorization": f"Bearer {issue_token(user.id, generation=user.credential_generation)}"
    }
