"""National-scale data for benchmarks: 10 SHAs, 150 PCTs, 3 cycles, 100,000 evidence items
with competency links, self and review scores and ratings.

Written in bulk (one statement per batch, not per row) so it loads in well under two minutes
on SQLite. The bulk load writes one audit event per table it fills, recording how many rows it
added, rather than one per row. PCTs beyond the real 2008 ones named in the demo are
fictional ("Example PCT 041" and so on).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import audit
from app.actors import SYSTEM
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceRatingValue,
    ReviewScore,
    SelfScore,
)
from app.cycles import service as cycle_service
from app.demo_data import DEMO_DOMAIN, DEMO_PASSWORD, RATIONALE
from app.errors import Conflict
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import Role, User
from app.users.passwords import hash_password

SHA_NAMES = [
    ("Q30", "North East"),
    ("Q31", "North West"),
    ("Q32", "Yorkshire and the Humber"),
    ("Q33", "East Midlands"),
    ("Q34", "West Midlands"),
    ("Q35", "East of England"),
    ("Q36", "London"),
    ("Q37", "South East Coast"),
    ("Q38", "South Central"),
    ("Q39", "South West"),
]
CYCLES = [
    ("2008/09", date(2008, 10, 1), date(2009, 1, 30), date(2009, 3, 31)),
    ("2009/10", date(2009, 9, 16), date(2009, 12, 18), date(2010, 5, 21)),
    ("2010/11", date(2010, 9, 15), date(2010, 12, 17), date(2011, 5, 20)),
]
TOPICS = [
    "diabetes pathway",
    "COPD service",
    "stroke care",
    "maternity",
    "mental health crisis care",
    "end of life care",
    "urgent care",
    "dermatology",
    "ENT",
    "musculoskeletal services",
    "child health",
    "smoking cessation",
    "alcohol admissions",
    "teenage pregnancy",
    "dementia",
]
FORMS = [
    (
        "Locality meeting on the {t}",
        EvidenceKind.ENGAGEMENT,
        "GPs and practice staff reviewed {t} data by practice and agreed next steps.",
    ),
    (
        "Board paper: {t} investment case",
        EvidenceKind.PLAN,
        "The board weighed the {t} business case against other priorities.",
    ),
    (
        "Contract review with the provider: {t}",
        EvidenceKind.MINUTES,
        "Quality and activity on the {t} contract were reviewed with the provider.",
    ),
    (
        "Patient panel on the {t}",
        EvidenceKind.ENGAGEMENT,
        "Patients and carers described their experience of the {t}.",
    ),
    (
        "Needs assessment update: {t}",
        EvidenceKind.DATA,
        "Ward-level analysis of need and use for the {t}.",
    ),
    (
        "Tender evaluation: {t}",
        EvidenceKind.CONTRACT,
        "Bids for the {t} were scored on quality, outcomes and price.",
    ),
    (
        "Case study: redesigning the {t}",
        EvidenceKind.CASE_STUDY,
        "What changed in the {t}, and the results six months on.",
    ),
]
PCTS_PER_SHA = 15
TOTAL_EVIDENCE = 100_000
BATCH = 5_000


@dataclass
class NationalResult:
    created: dict[str, int] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]], result: NationalResult) -> None:
    table = model.__table__
    for start in range(0, len(rows), BATCH):
        session.execute(table.insert(), rows[start : start + BATCH])
    result.created[table.name] = result.created.get(table.name, 0) + len(rows)


def _ids(session: Session, model: Any, where: Any) -> list[int]:
    return list(session.exec(select(model.id).where(where).order_by(model.id)).all())


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, what autovacuum would do in time: planner statistics, and on
    PostgreSQL the visibility map that lets index-only scans skip the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            connection.exec_driver_sql("ANALYZE")


def load_national(session: Session, *, evidence_items: int = TOTAL_EVIDENCE) -> NationalResult:
    """Fill an empty database (or finish nothing if already loaded) with national-scale data."""
    result = NationalResult()
    if session.exec(select(Organisation.id).where(col(Organisation.code) == "Q30")).first():
        return result
    if session.exec(select(Organisation.id).limit(1)).first():
        raise Conflict("The national data set needs a database of its own: this one has data")
    rng = random.Random(2008)
    now = datetime(2011, 6, 1, tzinfo=UTC)
    password = hash_password(DEMO_PASSWORD)

    _bulk(
        session,
        Organisation,
        [
            {
                "code": code,
                "name": f"{name} Strategic Health Authority",
                "kind": OrganisationKind.SHA.value,
                "parent_id": None,
                "population": 5_000_000,
                "created_at": now,
                "version": 1,
            }
            for code, name in SHA_NAMES
        ],
        result,
    )
    sha_ids = _ids(session, Organisation, col(Organisation.kind) == OrganisationKind.SHA)
    _bulk(
        session,
        Organisation,
        [
            {
                "code": f"N{(i * PCTS_PER_SHA + j + 1):03d}",
                "name": f"Example PCT {i * PCTS_PER_SHA + j + 1:03d}",
                "kind": OrganisationKind.PCT.value,
                "parent_id": sha_id,
                "population": rng.randint(150_000, 900_000),
                "created_at": now,
                "version": 1,
            }
            for i, sha_id in enumerate(sha_ids)
            for j in range(PCTS_PER_SHA)
        ],
        result,
    )
    pct_rows = session.exec(
        select(Organisation.id, Organisation.code)
        .where(col(Organisation.kind) == OrganisationKind.PCT)
        .order_by(Organisation.id)
    ).all()
    users = [
        {
            "email": f"admin.national@{DEMO_DOMAIN}",
            "full_name": "National Administrator",
            "role": Role.ADMIN.value,
            "organisation_id": None,
        }
    ]
    for (code, _name), sha_id in zip(SHA_NAMES, sha_ids, strict=True):
        users.append(
            {
                "email": f"reviewer.{code.lower()}@{DEMO_DOMAIN}",
                "full_name": f"Reviewer {code}",
                "role": Role.SHA_REVIEWER.value,
                "organisation_id": sha_id,
            }
        )
    for pct_id, code in pct_rows:
        for role, prefix in (
            (Role.PCT_LEAD, "lead"),
            (Role.BOARD_MEMBER, "board"),
            (Role.CLINICIAN, "clinician"),
        ):
            users.append(
                {
                    "email": f"{prefix}.{code.lower()}@{DEMO_DOMAIN}",
                    "full_name": f"{prefix.title()} {code}",
                    "role": role.value,
                    "organisation_id": pct_id,
                }
            )
    _bulk(
        session,
        User,
        [
            {**u, "password_hash": password, "is_active": True, "created_at": now, "version": 1}
            for u in users
        ],
        result,
    )
    authors = {
        org: uid
        for uid, org in session.exec(
            select(User.id, User.organisation_id).where(col(User.role) == Role.CLINICIAN)
        ).all()
    }
    leads = {
        org: uid
        for uid, org in session.exec(
            select(User.id, User.organisation_id).where(col(User.role) == Role.PCT_LEAD)
        ).all()
    }
    reviewers = {
        org: uid
        for uid, org in session.exec(
            select(User.id, User.organisation_id).where(col(User.role) == Role.SHA_REVIEWER)
        ).all()
    }

    cycles = []
    for name, opens_on, submission_due, review_due in CYCLES:
        cycles.append(
            cycle_service.find_by_name(session, name)
            or cycle_service.create_cycle(
                session,
                SYSTEM,
                name=name,
                opens_on=opens_on,
                submission_due=submission_due,
                review_due=review_due,
            )
        )
        result.created["cycle"] = result.created.get("cycle", 0) + 1

    per_pct, extra = divmod(evidence_items, len(pct_rows))
    evidence = []
    for position, (pct_id, _code) in enumerate(pct_rows):
        for n in range(per_pct + (1 if position < extra else 0)):
            title, kind, text = FORMS[n % len(FORMS)]
            topic = TOPICS[(n // len(FORMS)) % len(TOPICS)]
            day = date(2008, 4, 1) + timedelta(days=rng.randint(0, 1000))
            engaged = kind is EvidenceKind.ENGAGEMENT
            evidence.append(
                {
                    "organisation_id": pct_id,
                    "title": f"{title.format(t=topic)} ({day:%B %Y})",
                    "description": text.format(t=topic),
                    "kind": kind.value,
                    "occurred_on": day,
                    "url": None,
                    "practice_id": None,
                    "author_id": authors[pct_id] if engaged else leads[pct_id],
                    "clinicians_involved": rng.randint(3, 80) if engaged else None,
                    "practices_involved": rng.randint(1, 40) if engaged else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
    _bulk(session, EvidenceItem, evidence, result)
    evidence_ids = session.exec(
        select(EvidenceItem.id, EvidenceItem.organisation_id).order_by(EvidenceItem.id)
    ).all()
    links = []
    for evidence_id, _org in evidence_ids:
        first = rng.randint(1, 11)
        links.append({"evidence_id": evidence_id, "competency_number": first})
        second = rng.randint(1, 11)
        if second != first:
            links.append({"evidence_id": evidence_id, "competency_number": second})
    _bulk(session, EvidenceCompetency, links, result)

    statuses = [AssessmentStatus.FINALISED, AssessmentStatus.FINALISED, AssessmentStatus.SUBMITTED]
    assessments = []
    for cycle, status in zip(cycles, statuses, strict=True):
        for index, (pct_id, _code) in enumerate(pct_rows):
            chosen = (
                status
                if status is not AssessmentStatus.SUBMITTED
                else [
                    AssessmentStatus.DRAFT,
                    AssessmentStatus.SIGNED_OFF,
                    AssessmentStatus.SUBMITTED,
                    AssessmentStatus.IN_REVIEW,
                    AssessmentStatus.RETURNED,
                    AssessmentStatus.FINALISED,
                ][index % 6]
            )
            assessments.append(
                {
                    "organisation_id": pct_id,
                    "cycle_id": cycle.id,
                    "status": chosen.value,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "submitted_at": now
                    if chosen not in (AssessmentStatus.DRAFT, AssessmentStatus.SIGNED_OFF)
                    else None,
                }
            )
    _bulk(session, Assessment, assessments, result)
    rows = session.exec(select(Assessment.id, Assessment.organisation_id, Assessment.status)).all()
    parent = dict(session.exec(select(Organisation.id, Organisation.parent_id)).all())
    selfs, reviews = [], []
    for aid, org, status in rows:
        for number in range(1, 12):
            level = rng.randint(1, 3)
            selfs.append(
                {
                    "assessment_id": aid,
                    "competency_number": number,
                    "level": level,
                    "rationale": RATIONALE[number],
                    "target_level": min(level + 1, 4),
                    "updated_at": now,
                    "version": 1,
                }
            )
            if status in (
                AssessmentStatus.FINALISED,
                AssessmentStatus.IN_REVIEW,
                AssessmentStatus.RETURNED,
            ):
                reviews.append(
                    {
                        "assessment_id": aid,
                        "competency_number": number,
                        "level": max(1, level - rng.randint(0, 1)),
                        "comment": "Moderated at the regional panel.",
                        "reviewer_id": reviewers[parent[org]],
                        "scored_at": now,
                        "version": 1,
                    }
                )
    _bulk(session, SelfScore, selfs, result)
    _bulk(session, ReviewScore, reviews, result)
    by_pct: dict[int, list[int]] = {}
    for evidence_id, org in evidence_ids:
        by_pct.setdefault(org, []).append(evidence_id)
    values = list(EvidenceRatingValue)
    ratings = [
        {
            "assessment_id": aid,
            "evidence_id": evidence_id,
            "rating": values[i % 4].value,
            "comment": "",
            "reviewer_id": reviewers[parent[org]],
            "rated_at": now,
            "version": 1,
        }
        for aid, org, status in rows
        if status is AssessmentStatus.FINALISED
        for i, evidence_id in enumerate(by_pct[org][:10])
    ]
    _bulk(session, EvidenceRating, ratings, result)
    for table, count in result.created.items():
        audit.record(
            session, SYSTEM, entity=table, entity_id=0, action="bulk_load", after={"rows": count}
        )
    session.commit()
    result.sign_ins = [(u["role"], "-", u["email"], DEMO_PASSWORD) for u in users[:3]]
    return result
