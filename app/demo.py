"""Demo data: realistic organisations, people, evidence and assessments in every state.

Idempotent: each row is looked up by its natural key and created only when missing, so
running it again adds nothing. Every row it creates is audited in the same transaction: an
evidence item's event carries its competency links, and a submitted assessment's event the
evidence it froze.

History is replayed in order: the evidence of a year exists before that year's assessments
are signed off and submitted, so each board signed, and each submission froze, the evidence
as it stood then.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable
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
    IMPROVEMENT_ACTIONS,
    LEADERS,
    PBC_GROUPS,
    PCTS,
    PRACTICE_CLINICIANS,
    PRACTICES,
    RATING_COMMENTS,
    RATIONALE,
    RETURN_REASON,
    REVIEW_AGREED,
    REVIEW_MODERATED,
    REVIEW_YEAR_ONE_C11,
    SHAS,
    SPECIAL_EVIDENCE,
    SURNAMES,
    YEAR_ONE_C11,
    YEAR_TWO_RATIONALE,
    EvidenceSeed,
)
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import Role, User
from app.users.passwords import hash_password

S = AssessmentStatus
SIGNED_OFF_OR_LATER = {S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED}
SUBMITTED_OR_LATER = {S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED}
REVIEWED = {S.IN_REVIEW, S.RETURNED, S.FINALISED}
COMPETENCIES = range(1, 12)
DRAFT_SCORED = range(1, 6)
PARTLY_REVIEWED = 5
RATED_PER_ASSESSMENT = 5
RATING_PATTERN = [
    EvidenceRatingValue.STRONG,
    EvidenceRatingValue.ADEQUATE,
    EvidenceRatingValue.WEAK,
    EvidenceRatingValue.ADEQUATE,
    EvidenceRatingValue.NOT_RELEVANT,
]
FIRST_CYCLE = CYCLES[0][0]


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

    def count(self, entity: str, rows: int = 1) -> None:
        if rows:
            self.result.created[entity] = self.result.created.get(entity, 0) + rows

    def insert(self, row: SQLModel) -> None:
        self.session.add(row)
        self.session.flush()

    def record(
        self,
        row: SQLModel,
        entity: str,
        organisation_id: int | None,
        *,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Audit the creation of ``row``, as it now stands, and count it."""
        row_id = getattr(row, "id", None)
        assert row_id is not None
        audit.record(
            self.session,
            SYSTEM,
            entity=entity,
            entity_id=row_id,
            action="create",
            after={**audit.snapshot(row), **(extra or {})},
            organisation_id=organisation_id,
        )
        self.count(entity)

    def add(self, row: SQLModel, entity: str, organisation_id: int | None) -> None:
        self.insert(row)
        self.record(row, entity, organisation_id)

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
) -> None:
    found = run.session.exec(select(Organisation).where(col(Organisation.code) == code)).first()
    if found is None:
        parent_id = run.orgs[parent].id if parent else None
        found = Organisation(
            code=code, name=name, kind=kind, parent_id=parent_id, population=population
        )
        run.insert(found)
        run.record(found, "organisation", found.id)
    run.orgs[code] = found


def _user(run: _Run, key: str, name: str, role: Role, org: str | None) -> None:
    email = f"{key.lower()}@{DEMO_DOMAIN}"
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


def _person(index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {SURNAMES[(index * 3) % len(SURNAMES)]}"


def _organisations(run: _Run) -> None:
    for code, name, population in SHAS:
        _organisation(run, code, name, OrganisationKind.SHA, None, population)
    for code, name, sha, population, _council, _trust in PCTS:
        _organisation(run, code, name, OrganisationKind.PCT, sha, population)
    for code, name, pct, population in PBC_GROUPS:
        _organisation(run, code, name, OrganisationKind.PBC_GROUP, pct, population)
    for code, name, parent, population in PRACTICES:
        _organisation(run, code, name, OrganisationKind.PRACTICE, parent, population)


def _people(run: _Run) -> None:
    _user(run, "admin", "Alex Morgan", Role.ADMIN, None)
    for index, (code, *_rest) in enumerate(SHAS):
        _user(run, f"reviewer.{code}", _person(index + 5), Role.SHA_REVIEWER, code)
    for index, (code, *_rest) in enumerate(PCTS):
        _user(run, f"lead.{code}", _person(index), Role.PCT_LEAD, code)
        _user(run, f"board.{code}", _person(index + 1), Role.BOARD_MEMBER, code)
        _user(run, f"clinician.{code}", f"Dr {_person(index + 2)}", Role.CLINICIAN, code)
    for code, name in PRACTICE_CLINICIANS:
        _user(run, f"clinician.{code}", name, Role.CLINICIAN, code)


# Cycles --------------------------------------------------------------------------------------


def _cycles(run: _Run) -> dict[str, Cycle]:
    cycles = {}
    for name, opens_on, submission_due, review_due in CYCLES:
        cycle = cycle_service.find_by_name(run.session, name)
        if cycle is None:
            cycle = cycle_service.create_cycle(
                run.session,
                SYSTEM,
                name=name,
                opens_on=opens_on,
                submission_due=submission_due,
                review_due=review_due,
            )
            run.count("cycle")
        cycles[name] = cycle
    return cycles


# Evidence ----------------------------------------------------------------------------------------


def _for_pct(seed: EvidenceSeed, code: str, name: str, council: str, trust: str) -> EvidenceSeed:
    """A common seed with the PCT's names filled in and, for engagement, its own reach."""
    fill = {"pct": name, "council": council, "trust": trust}
    reach: dict[str, int] = {}
    if seed.kind == "engagement":
        rng = random.Random(f"{code}-{seed.title}")
        reach = {"clinicians": rng.randint(12, 60), "practices": rng.randint(6, 30)}
    return dataclasses.replace(
        seed, title=seed.title.format(**fill), description=seed.description.format(**fill), **reach
    )


def _evidence_plan() -> list[tuple[str, EvidenceSeed]]:
    """Every demo evidence item with the code of the PCT that holds it."""
    plan = []
    for code, name, _sha, _population, council, trust in PCTS:
        plan += [(code, _for_pct(seed, code, name, council, trust)) for seed in COMMON_EVIDENCE]
        plan += [(code, seed) for seed in SPECIAL_EVIDENCE.get(code, [])]
    return plan


def _author(run: _Run, pct_code: str, seed: EvidenceSeed) -> User:
    if seed.kind != EvidenceKind.ENGAGEMENT:
        return run.users[f"lead.{pct_code}"]
    return run.users.get(f"clinician.{seed.practice}") or run.users[f"clinician.{pct_code}"]


def _evidence(run: _Run, pct_code: str, seed: EvidenceSeed) -> None:
    pct = run.orgs[pct_code]
    found = run.session.exec(
        select(EvidenceItem.id).where(
            col(EvidenceItem.organisation_id) == pct.id, col(EvidenceItem.title) == seed.title
        )
    ).first()
    if found is not None:
        return
    author = _author(run, pct_code, seed)
    assert pct.id is not None and author.id is not None
    item = EvidenceItem(
        organisation_id=pct.id,
        title=seed.title,
        description=seed.description,
        kind=EvidenceKind(seed.kind),
        occurred_on=seed.occurred_on,
        author_id=author.id,
        practice_id=run.orgs[seed.practice].id if seed.practice else None,
        clinicians_involved=seed.clinicians,
        practices_involved=seed.practices,
        created_at=_at(seed.occurred_on, 16),
        updated_at=_at(seed.occurred_on, 16),
    )
    run.insert(item)
    assert item.id is not None
    numbers = sorted(seed.competencies)
    run.session.add_all(
        EvidenceCompetency(evidence_id=item.id, competency_number=n) for n in numbers
    )
    run.record(item, "evidence", pct.id, extra={"competency_numbers": numbers})
    run.count("evidence_competency", len(numbers))


def _all_evidence(run: _Run, plan: Iterable[tuple[str, EvidenceSeed]]) -> None:
    for pct_code, seed in plan:
        _evidence(run, pct_code, seed)
    run.session.flush()


# Assessments -----------------------------------------------------------------------------------


def _levels(pct_code: str, cycle_name: str) -> dict[int, int]:
    rng = random.Random(f"{pct_code}-{cycle_name}")
    low, high = (1, 2) if cycle_name == FIRST_CYCLE else (2, 3)
    levels = {n: rng.randint(low, high) for n in COMPETENCIES}
    if pct_code == "5N2":  # Kirklees rated competency 1 at 2, then 3.
        levels[1] = 2 if cycle_name == FIRST_CYCLE else 3
    return levels


def _rationale(number: int, cycle: Cycle) -> str:
    if cycle.name != FIRST_CYCLE:
        return YEAR_TWO_RATIONALE[number]
    return RATIONALE[number] + (YEAR_ONE_C11 if number == 11 else "")


def _self_scores(run: _Run, assessment: Assessment, cycle: Cycle, numbers: range) -> None:
    pct_code = run.code_of(assessment.organisation_id)
    levels = _levels(pct_code, cycle.name)
    lead = run.users[f"lead.{pct_code}"]
    existing = {
        s.competency_number for s in assessment_service.self_scores(run.session, assessment.id or 0)
    }
    for number in numbers:
        if number in existing:
            continue
        score = SelfScore(
            assessment_id=assessment.id or 0,
            competency_number=number,
            level=levels[number],
            rationale=_rationale(number, cycle),
            improvement_action=IMPROVEMENT_ACTIONS[number],
            target_level=min(levels[number] + 1, 4),
            updated_by_id=lead.id,
            updated_at=_at(cycle.submission_due - timedelta(days=30)),
        )
        run.add(score, "self_score", assessment.organisation_id)


def _snapshots(run: _Run, assessment: Assessment, cycle: Cycle) -> list[int]:
    """Freeze the evidence the PCT held at the submission deadline; the ids frozen."""
    existing = run.session.exec(
        select(EvidenceSnapshot.evidence_id).where(
            col(EvidenceSnapshot.assessment_id) == assessment.id
        )
    ).all()
    if existing:
        return sorted(existing)
    frozen = [
        content
        for content in assessment_service.current_evidence_set(
            run.session, assessment.organisation_id
        )
        if date.fromisoformat(content["occurred_on"]) <= cycle.submission_due
    ]
    run.session.add_all(
        EvidenceSnapshot(
            assessment_id=assessment.id or 0,
            evidence_id=content["id"],
            content=content,
            sha256=assessment_service.canonical_hash(content),
            frozen_at=_at(cycle.submission_due - timedelta(days=3), 15),
        )
        for content in frozen
    )
    run.count("evidence_snapshot", len(frozen))
    return [content["id"] for content in frozen]


def _review_day(cycle: Cycle, status: AssessmentStatus) -> date:
    """Finalised reviews end near the deadline; open ones are a few weeks in."""
    if status is S.FINALISED:
        return cycle.review_due - timedelta(days=20)
    return cycle.submission_due + timedelta(days=21)


def _review_scores(
    run: _Run, assessment: Assessment, cycle: Cycle, status: AssessmentStatus, reviewer: User
) -> None:
    own = {
        s.competency_number: s.level
        for s in assessment_service.self_scores(run.session, assessment.id or 0)
    }
    existing = {
        s.competency_number
        for s in assessment_service.review_scores(run.session, assessment.id or 0)
    }
    pct_code = run.code_of(assessment.organisation_id)
    rng = random.Random(f"review-{pct_code}-{cycle.name}")
    may_move = pct_code not in LEADERS.get(cycle.name, set())
    count = len(COMPETENCIES) if status is S.FINALISED else PARTLY_REVIEWED
    for number in range(1, count + 1):
        moved = rng.random() < 0.25 and own[number] > 1 and may_move
        if number in existing:
            continue
        if cycle.name == FIRST_CYCLE and number == 11:
            level, comment = own[number], REVIEW_YEAR_ONE_C11
        elif moved:
            level, comment = own[number] - 1, REVIEW_MODERATED.format(level=own[number])
        else:
            level, comment = own[number], REVIEW_AGREED
        score = ReviewScore(
            assessment_id=assessment.id or 0,
            competency_number=number,
            level=level,
            comment=comment,
            reviewer_id=reviewer.id or 0,
            scored_at=_at(_review_day(cycle, status)),
        )
        run.add(score, "review_score", assessment.organisation_id)


def _ratings(
    run: _Run,
    assessment: Assessment,
    cycle: Cycle,
    status: AssessmentStatus,
    presented: list[int],
    reviewer: User,
) -> None:
    rated = {
        r.evidence_id for r in assessment_service.evidence_ratings(run.session, assessment.id or 0)
    }
    for value, evidence_id in zip(RATING_PATTERN, presented[:RATED_PER_ASSESSMENT], strict=False):
        if evidence_id in rated:
            continue
        rating = EvidenceRating(
            assessment_id=assessment.id or 0,
            evidence_id=evidence_id,
            rating=value,
            comment=RATING_COMMENTS[value.value],
            reviewer_id=reviewer.id or 0,
            rated_at=_at(_review_day(cycle, status) - timedelta(days=1)),
        )
        run.add(rating, "evidence_rating", assessment.organisation_id)


def _reviewer_of(run: _Run, assessment: Assessment) -> User:
    pct = run.orgs[run.code_of(assessment.organisation_id)]
    return run.users[f"reviewer.{run.code_of(pct.parent_id)}"]


def _sign_off(run: _Run, assessment: Assessment, cycle: Cycle) -> None:
    board = run.users[f"board.{run.code_of(assessment.organisation_id)}"]
    assessment.signed_off_at = _at(cycle.submission_due - timedelta(days=10))
    assessment.signed_off_by_id = board.id
    assessment.signed_off_fingerprint = assessment_service.fingerprint(run.session, assessment)


def _submit(run: _Run, assessment: Assessment, cycle: Cycle) -> list[int]:
    lead = run.users[f"lead.{run.code_of(assessment.organisation_id)}"]
    assessment.submitted_at = _at(cycle.submission_due - timedelta(days=3))
    assessment.submitted_by_id = lead.id
    return _snapshots(run, assessment, cycle)


def _review(
    run: _Run,
    assessment: Assessment,
    cycle: Cycle,
    status: AssessmentStatus,
    presented: list[int],
) -> None:
    reviewer = _reviewer_of(run, assessment)
    _review_scores(run, assessment, cycle, status, reviewer)
    _ratings(run, assessment, cycle, status, presented, reviewer)
    if status is S.RETURNED:
        assessment.returned_at = _at(_review_day(cycle, status) + timedelta(days=7))
        assessment.return_reason = RETURN_REASON
    if status is S.FINALISED:
        assessment.finalised_at = _at(_review_day(cycle, status) + timedelta(days=5))
        assessment.finalised_by_id = reviewer.id


def _assessment(run: _Run, cycle: Cycle, pct_code: str, status: AssessmentStatus) -> None:
    pct = run.orgs[pct_code]
    found = run.session.exec(
        select(Assessment.id).where(
            col(Assessment.organisation_id) == pct.id, col(Assessment.cycle_id) == cycle.id
        )
    ).first()
    if found is not None:
        return
    assessment = Assessment(
        organisation_id=pct.id or 0,
        cycle_id=cycle.id or 0,
        created_at=_at(cycle.opens_on),
        updated_at=_at(cycle.opens_on),
    )
    run.insert(assessment)
    _self_scores(
        run, assessment, cycle, COMPETENCIES if status in SIGNED_OFF_OR_LATER else DRAFT_SCORED
    )
    run.session.flush()
    presented: list[int] = []
    if status in SIGNED_OFF_OR_LATER:
        _sign_off(run, assessment, cycle)
    if status in SUBMITTED_OR_LATER:
        presented = _submit(run, assessment, cycle)
    if status in REVIEWED:
        _review(run, assessment, cycle, status, presented)
    assessment.status = status
    run.insert(assessment)
    extra = {"evidence_ids": presented} if status in SUBMITTED_OR_LATER else None
    run.record(assessment, "assessment", pct.id, extra=extra)


# The whole demo ----------------------------------------------------------------------------------


def load_demo(session: Session) -> DemoResult:
    """Create whatever part of the demo is missing; returns the sign-ins and what was created."""
    run = _Run(session=session, result=DemoResult())
    _organisations(run)
    _people(run)
    cycles = _cycles(run)
    pending = _evidence_plan()
    for name, *_dates in CYCLES:
        cycle = cycles[name]
        _all_evidence(run, [(c, s) for c, s in pending if s.occurred_on <= cycle.submission_due])
        pending = [(c, s) for c, s in pending if s.occurred_on > cycle.submission_due]
        for pct_code, status in ASSESSMENTS[name].items():
            _assessment(run, cycle, pct_code, S(status))
    _all_evidence(run, pending)
    session.commit()
    return run.result
