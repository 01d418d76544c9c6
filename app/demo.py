"""Demo data: realistic organisations, people, evidence and assessments in every state.

Idempotent: each row is looked up by its natural key and created only when missing, so
running it again adds nothing. Every row it creates writes an audit event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app import audit
from app.actors import SYSTEM
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceRatingValue,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.demo_data import (
    ASSESSMENTS,
    COMMON_EVIDENCE,
    CYCLES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    FIRST_NAMES,
    IMPROVEMENT_ACTION,
    PBC_GROUPS,
    PCTS,
    PRACTICE_CLINICIANS,
    PRACTICES,
    RATIONALE,
    RETURN_REASON,
    SHAS,
    SPECIAL_EVIDENCE,
    SURNAMES,
    YEAR_ONE_C11,
)
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import Role, User
from app.users.passwords import hash_password

S = AssessmentStatus
SUBMITTED_OR_LATER = {S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED}
REVIEWED = {S.IN_REVIEW, S.RETURNED, S.FINALISED}


@dataclass
class DemoResult:
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)


@dataclass
class _Run:
    session: Session
    result: DemoResult
    password_hash: str | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def add(self, row: SQLModel, entity: str, organisation_id: int | None) -> None:
        """Insert a new row and its audit event."""
        self.session.add(row)
        self.session.flush()
        row_id = getattr(row, "id", None) or getattr(row, "evidence_id", 0)
        audit.record(
            self.session,
            SYSTEM,
            entity=entity,
            entity_id=row_id,
            action="create",
            after=audit.snapshot(row),
            organisation_id=organisation_id,
        )
        self.result.created[entity] = self.result.created.get(entity, 0) + 1

    def code_of(self, organisation_id: int | None) -> str:
        return next(code for code, org in self.orgs.items() if org.id == organisation_id)

    def hash(self) -> str:
        if self.password_hash is None:
            self.password_hash = hash_password(DEMO_PASSWORD)
        return self.password_hash


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


# Organisations and people ---------------------------------------------------------------------


def _organisation(
    run: _Run, code: str, name: str, kind: OrganisationKind, parent: str | None, population: int
) -> Organisation:
    found = run.session.exec(select(Organisation).where(col(Organisation.code) == code)).first()
    if found is None:
        parent_id = run.orgs[parent].id if parent else None
        found = Organisation(
            code=code, name=name, kind=kind, parent_id=parent_id, population=population
        )
        run.add(found, "organisation", None)
    run.orgs[code] = found
    return found


def _user(run: _Run, key: str, email: str, name: str, role: Role, org: str | None) -> User:
    found = run.session.exec(select(User).where(col(User.email) == email)).first()
    if found is None:
        organisation_id = run.orgs[org].id if org else None
        found = User(
            email=email,
            full_name=name,
            role=role,
            organisation_id=organisation_id,
            password_hash=run.hash(),
        )
        run.add(found, "user", organisation_id)
    run.users[key] = found
    run.result.sign_ins.append((role.value, org or "-", email, DEMO_PASSWORD))
    return found


def _person(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {SURNAMES[(index * 3) % len(SURNAMES)]}"


def _organisations_and_people(run: _Run) -> None:
    for code, name, population in SHAS:
        _organisation(run, code, name, OrganisationKind.SHA, None, population)
    for code, name, sha, population, _council, _trust in PCTS:
        _organisation(run, code, name, OrganisationKind.PCT, sha, population)
    for code, name, pct, population in PBC_GROUPS:
        _organisation(run, code, name, OrganisationKind.PBC_GROUP, pct, population)
    for code, name, parent, population in PRACTICES:
        _organisation(run, code, name, OrganisationKind.PRACTICE, parent, population)

    _user(run, "admin", f"admin@{DEMO_DOMAIN}", "Alex Morgan", Role.ADMIN, None)
    for index, (code, *_rest) in enumerate(SHAS):
        _user(
            run,
            f"reviewer.{code}",
            f"reviewer.{code.lower()}@{DEMO_DOMAIN}",
            _person(index + 5),
            Role.SHA_REVIEWER,
            code,
        )
    for index, (code, *_rest) in enumerate(PCTS):
        slug = code.lower()
        _user(
            run, f"lead.{code}", f"lead.{slug}@{DEMO_DOMAIN}", _person(index), Role.PCT_LEAD, code
        )
        _user(
            run,
            f"board.{code}",
            f"board.{slug}@{DEMO_DOMAIN}",
            _person(index + 1),
            Role.BOARD_MEMBER,
            code,
        )
        _user(
            run,
            f"clinician.{code}",
            f"clinician.{slug}@{DEMO_DOMAIN}",
            f"Dr {_person(index + 2)}",
            Role.CLINICIAN,
            code,
        )
    for code, name in PRACTICE_CLINICIANS:
        _user(
            run,
            f"clinician.{code}",
            f"clinician.{code.lower()}@{DEMO_DOMAIN}",
            name,
            Role.CLINICIAN,
            code,
        )


# Evidence ----------------------------------------------------------------------------------------


def _month(offset: int) -> date:
    year, month = divmod(5 + offset, 12)
    return date(2008 + year, month + 1, 14)


def _evidence(
    run: _Run,
    pct_code: str,
    title: str,
    kind: str,
    numbers: list[int],
    occurred_on: date,
    description: str,
    *,
    practice: str | None = None,
    clinicians: int | None = None,
    practices: int | None = None,
) -> EvidenceItem:
    pct = run.orgs[pct_code]
    found = run.session.exec(
        select(EvidenceItem).where(
            col(EvidenceItem.organisation_id) == pct.id, col(EvidenceItem.title) == title
        )
    ).first()
    if found is not None:
        return found
    is_engagement = kind == "engagement"
    author = run.users[f"clinician.{pct_code}" if is_engagement else f"lead.{pct_code}"]
    if practice and f"clinician.{practice}" in run.users:
        author = run.users[f"clinician.{practice}"]
    assert pct.id is not None and author.id is not None
    item = EvidenceItem(
        organisation_id=pct.id,
        title=title,
        description=description,
        kind=EvidenceKind(kind),
        occurred_on=occurred_on,
        author_id=author.id,
        practice_id=run.orgs[practice].id if practice else None,
        clinicians_involved=clinicians,
        practices_involved=practices,
        created_at=_at(occurred_on, 16),
        updated_at=_at(occurred_on, 16),
    )
    run.add(item, "evidence", pct.id)
    assert item.id is not None
    run.session.add_all(
        EvidenceCompetency(evidence_id=item.id, competency_number=n) for n in numbers
    )
    return item


def _all_evidence(run: _Run) -> None:
    for code, _name, _sha, _population, council, trust in PCTS:
        for index, (title, kind, numbers, offset, text) in enumerate(COMMON_EVIDENCE):
            # The same kinds of document recur each year; the second year's copy is dated 2009.
            for year_shift, suffix in ((0, ""), (12, " (2009 refresh)")):
                if year_shift and index % 3:
                    continue
                fill = {"pct": run.orgs[code].name, "council": council, "trust": trust}
                extra: dict[str, Any] = {}
                if kind == "engagement":
                    rng = random.Random(f"{code}-{index}-{year_shift}")
                    extra = {"clinicians": rng.randint(12, 60), "practices": rng.randint(6, 30)}
                _evidence(
                    run,
                    code,
                    title.format(**fill) + suffix,
                    kind,
                    numbers,
                    _month(min(offset + year_shift, 17)),
                    text.format(**fill),
                    **extra,
                )
        for (
            title,
            kind,
            numbers,
            offset,
            text,
            practice,
            clinicians,
            practices,
        ) in SPECIAL_EVIDENCE.get(code, []):
            _evidence(
                run,
                code,
                title,
                kind,
                numbers,
                _month(offset),
                text,
                practice=practice,
                clinicians=clinicians or None,
                practices=practices or None,
            )


# Assessments -----------------------------------------------------------------------------------


def _levels(pct_code: str, cycle_name: str) -> dict[int, int]:
    rng = random.Random(f"{pct_code}-{cycle_name}")
    low, high = (1, 2) if cycle_name == "2008/09" else (2, 3)
    levels = {n: rng.randint(low, high) for n in range(1, 12)}
    if pct_code == "5N2":  # Kirklees rated competency 1 at 2, then 3.
        levels[1] = 2 if cycle_name == "2008/09" else 3
    return levels


def _self_scores(run: _Run, assessment: Assessment, cycle: Cycle, complete: bool) -> None:
    levels = _levels(run.code_of(assessment.organisation_id), cycle.name)
    existing = {
        s.competency_number for s in assessment_service.self_scores(run.session, assessment.id or 0)
    }
    numbers = range(1, 12) if complete else range(1, 6)
    lead = run.users[f"lead.{run.code_of(assessment.organisation_id)}"]
    for number in numbers:
        if number in existing:
            continue
        rationale = RATIONALE[number] + (
            YEAR_ONE_C11 if number == 11 and cycle.name == "2008/09" else ""
        )
        run.add(
            SelfScore(
                assessment_id=assessment.id or 0,
                competency_number=number,
                level=levels[number],
                rationale=rationale,
                improvement_action=IMPROVEMENT_ACTION,
                target_level=min(levels[number] + 1, 4),
                updated_by_id=lead.id,
                updated_at=_at(cycle.submission_due - timedelta(days=30)),
            ),
            "self_score",
            assessment.organisation_id,
        )


def _snapshots(run: _Run, assessment: Assessment, cycle: Cycle) -> None:
    if run.session.exec(
        select(EvidenceSnapshot.id).where(col(EvidenceSnapshot.assessment_id) == assessment.id)
    ).first():
        return
    for content in assessment_service.current_evidence_set(run.session, assessment.organisation_id):
        if date.fromisoformat(content["occurred_on"]) > cycle.submission_due:
            continue
        run.session.add(
            EvidenceSnapshot(
                assessment_id=assessment.id or 0,
                evidence_id=content["id"],
                content=content,
                sha256=assessment_service._canonical_hash(content),
                frozen_at=_at(cycle.submission_due, 15),
            )
        )


def _reviews(run: _Run, assessment: Assessment, cycle: Cycle, count: int) -> None:
    pct = run.orgs[run.code_of(assessment.organisation_id)]
    reviewer = run.users[f"reviewer.{run.code_of(pct.parent_id)}"]
    own = {
        s.competency_number: s.level
        for s in assessment_service.self_scores(run.session, assessment.id or 0)
    }
    existing = {
        s.competency_number
        for s in assessment_service.review_scores(run.session, assessment.id or 0)
    }
    rng = random.Random(f"review-{assessment.id}")
    for number in range(1, count + 1):
        if number in existing:
            continue
        moved = rng.random() < 0.25 and own[number] > 1
        level = own[number] - 1 if moved else own[number]
        comment = (
            f"Moderated down from {own[number]}: the evidence shows plans rather than "
            "results so far."
            if moved
            else "Agreed: the evidence supports the PCT's level."
        )
        run.add(
            ReviewScore(
                assessment_id=assessment.id or 0,
                competency_number=number,
                level=level,
                comment=comment,
                reviewer_id=reviewer.id or 0,
                scored_at=_at(cycle.review_due - timedelta(days=20)),
            ),
            "review_score",
            assessment.organisation_id,
        )
    presented = [
        row
        for row in run.session.exec(
            select(EvidenceSnapshot.evidence_id).where(
                col(EvidenceSnapshot.assessment_id) == assessment.id
            )
        ).all()
    ]
    rated = {
        r.evidence_id for r in assessment_service.evidence_ratings(run.session, assessment.id or 0)
    }
    values = list(EvidenceRatingValue)
    for index, evidence_id in enumerate(presented[:4]):
        if evidence_id in rated:
            continue
        value = values[index % 3]
        run.add(
            EvidenceRating(
                assessment_id=assessment.id or 0,
                evidence_id=evidence_id,
                rating=value,
                comment={
                    "strong": "Clear, dated and shows effect.",
                    "adequate": "Relevant, but shows activity more than effect.",
                    "weak": "Describes intentions only.",
                }[value.value],
                reviewer_id=reviewer.id or 0,
                rated_at=_at(cycle.review_due - timedelta(days=21)),
            ),
            "evidence_rating",
            assessment.organisation_id,
        )


def _assessment(run: _Run, cycle: Cycle, pct_code: str, status: AssessmentStatus) -> None:
    pct = run.orgs[pct_code]
    found = run.session.exec(
        select(Assessment).where(
            col(Assessment.organisation_id) == pct.id, col(Assessment.cycle_id) == cycle.id
        )
    ).first()
    if found is not None:
        return
    assessment = Assessment(
        organisation_id=pct.id or 0,
        cycle_id=cycle.id or 0,
        status=S.DRAFT,
        created_at=_at(cycle.opens_on),
        updated_at=_at(cycle.opens_on),
    )
    run.add(assessment, "assessment", pct.id)
    _self_scores(run, assessment, cycle, complete=status is not S.DRAFT)
    run.session.flush()
    lead, board = run.users[f"lead.{pct_code}"], run.users[f"board.{pct_code}"]
    if status is not S.DRAFT:
        assessment.signed_off_at = _at(cycle.submission_due - timedelta(days=10))
        assessment.signed_off_by_id = board.id
        assessment.signed_off_fingerprint = assessment_service.fingerprint(run.session, assessment)
    if status in SUBMITTED_OR_LATER:
        assessment.submitted_at = _at(cycle.submission_due - timedelta(days=3))
        assessment.submitted_by_id = lead.id
        _snapshots(run, assessment, cycle)
    if status in REVIEWED:
        _reviews(run, assessment, cycle, 11 if status is S.FINALISED else 5)
    if status is S.RETURNED:
        assessment.returned_at = _at(cycle.review_due - timedelta(days=15))
        assessment.return_reason = RETURN_REASON
    if status is S.FINALISED:
        assessment.finalised_at = _at(cycle.review_due - timedelta(days=5))
        assessment.finalised_by_id = run.users[f"reviewer.{run.code_of(pct.parent_id)}"].id
    assessment.status = status
    run.session.add(assessment)
    run.session.flush()


def load_demo(session: Session) -> DemoResult:
    """Create whatever part of the demo is missing; returns the sign-ins and what was created."""
    run = _Run(session=session, result=DemoResult())
    _organisations_and_people(run)
    cycles = {}
    for name, opens_on, submission_due, review_due in CYCLES:
        cycle = cycle_service.find_by_name(session, name)
        if cycle is None:
            cycle = cycle_service.create_cycle(
                session,
                SYSTEM,
                name=name,
                opens_on=opens_on,
                submission_due=submission_due,
                review_due=review_due,
            )
            run.result.created["cycle"] = run.result.created.get("cycle", 0) + 1
        cycles[name] = cycle
    _all_evidence(run)
    session.flush()
    for cycle_name, statuses in ASSESSMENTS.items():
        for pct_code, status in statuses.items():
            _assessment(run, cycles[cycle_name], pct_code, S(status))
    session.commit()
    return run.result
