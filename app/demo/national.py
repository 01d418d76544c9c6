"""National-scale data for benchmarks: 10 SHAs, 150 PCTs, 3 cycles, 100,000 evidence items
with competency links, self and review scores, presented evidence, evidence ratings, frozen
submissions (one round each) and the points of each return.

Written in bulk (one statement per batch, not per row), so it loads in seconds; the load
writes one audit event per table it fills, recording how many rows it added, rather than one
per row. The rows themselves are the ones the service commands would have written, on the
demo's story (``app.demo.timeline``): evidence logged on the day it happened; each assessment
opened and self-scored; the morning of the board meeting the lead presents every item dated
on or before it (drafts too); the board signs off at that meeting, with its minute and the
fingerprint of what it signed; the lead submits round 1, freezing the presented evidence;
the SHA's reviewer scores and rates it, then returns it (with ``RETURN_POINTS``) or finalises
it, each before its cycle's deadlines. Every PCT has evidence for each competency before its
first sign-off. Logging evidence never changes an assessment (SPEC 6.1), so items are logged
on any day, also between a sign-off and its submission (they are not presented).
tests/test_demo_national.py puts a sample through the services' own validation and commands.

PCTs beyond the real 2008 ones named in the demo are fictional ("Example PCT 041" and so on).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import audit, clock
from app.actors import SYSTEM
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceRatingValue,
    EvidenceSnapshot,
    PresentedEvidence,
    ReturnPoint,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.demo import timeline
from app.demo.data import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    MINUTE_REFERENCE,
    RATIONALE,
    RETURN_POINTS,
    RETURN_REASON,
)
from app.errors import Conflict
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.framework import service as framework_service
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
SUBMISSION_BATCH = 50
"""Submissions carry every presented item's content: fewer rows to a statement."""
COMPETENCIES = range(1, 12)
RATED_PER_ASSESSMENT = 10
FIRST_DAY = date(2008, 4, 1)
LOADED_AT = datetime(2011, 6, 1, tzinfo=UTC)
"""When the bulk load's own audit events are dated: after the last review deadline."""
REVIEW_COMMENT = "Moderated at the regional panel."
# The board minute that ratified each self-assessment, by cycle name (the demo's, and one for
# the cycle the demo does not have).
MINUTES = {"2010/11": "PCT/BD/10/139", **MINUTE_REFERENCE}

S = AssessmentStatus
SIGNED_OFF_OR_LATER = frozenset({S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED})
SUBMITTED_OR_LATER = frozenset({S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED})
REVIEWED = frozenset({S.IN_REVIEW, S.RETURNED, S.FINALISED})
# The last cycle is under way: its PCTs are spread over every status in turn.
LAST_CYCLE_STATUSES = [S.DRAFT, S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED]


@dataclass
class NationalResult:
    created: dict[str, int] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Logged:
    """An evidence item as inserted, with its id, links and frozen form."""

    id: int
    organisation_id: int
    occurred_on: date
    content: dict[str, Any]
    text: str
    sha256: str


@dataclass(frozen=True)
class _Planned:
    """An assessment to write: its self-scores and the items it presents."""

    cycle: Cycle
    pct_id: int
    status: AssessmentStatus
    scores: list[dict[str, Any]]
    presented: list[_Logged]


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _bulk(
    session: Session,
    model: Any,
    rows: Iterable[dict[str, Any]],
    result: NationalResult,
    *,
    size: int = BATCH,
) -> None:
    table = model.__table__
    for batch in _batches(rows, size):
        session.execute(table.insert(), batch)
        result.created[table.name] = result.created.get(table.name, 0) + len(batch)


def _ids(session: Session, model: Any, where: Any) -> list[int]:
    return list(session.exec(select(model.id).where(where).order_by(model.id)).all())


def _canonical(value: Any) -> str:
    """The canonical JSON text the service hashes (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _frozen_content(evidence_id: int, row: dict[str, Any], numbers: list[int]) -> dict[str, Any]:
    """An evidence item as a submission freezes it (the service's form of it)."""
    return {
        "id": evidence_id,
        "title": row["title"],
        "description": row["description"],
        "kind": row["kind"],
        "occurred_on": row["occurred_on"].isoformat(),
        "url": row["url"],
        "practice_id": row["practice_id"],
        "clinicians_involved": row["clinicians_involved"],
        "practices_involved": row["practices_involved"],
        "author_id": row["author_id"],
        "version": row["version"],
        "competency_numbers": sorted(numbers),
        "attachments": [],
    }


def _fingerprint(scores: list[dict[str, Any]], evidence: list[_Logged]) -> str:
    """What a board signs (``snapshots.fingerprint``): the SHA-256 of the canonical text of
    its self-assessment and presented evidence, built from each item's canonical text rather
    than serialised anew."""
    digest = hashlib.sha256(b'{"evidence":[')
    digest.update(",".join(item.text for item in evidence).encode("utf-8"))
    digest.update(f'],"self_scores":{_canonical(scores)}}}'.encode())
    return digest.hexdigest()


def _digests(
    numbers: Iterable[int], scores: list[dict[str, Any]], evidence: list[_Logged]
) -> dict[str, str]:
    """A round's hash per competency of its self-score and the presented items linked to it
    (``snapshots.competency_digests``), from each item's canonical text."""
    by_number = {score["competency_number"]: score for score in scores}
    digests = {}
    for number in numbers:
        linked = ",".join(e.text for e in evidence if number in e.content["competency_numbers"])
        text = f'{{"evidence":[{linked}],"self_score":{_canonical(by_number.get(number))}}}'
        digests[str(number)] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return digests


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, what autovacuum would do in time: planner statistics, and on
    PostgreSQL the visibility map that lets index-only scans skip the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            connection.exec_driver_sql("ANALYZE")


def _organisations_and_users(
    session: Session, rng: random.Random, result: NationalResult
) -> list[dict[str, Any]]:
    _bulk(
        session,
        Organisation,
        (
            {
                "code": code,
                "name": f"{name} Strategic Health Authority",
                "kind": OrganisationKind.SHA.value,
                "parent_id": None,
                "population": 5_000_000,
                "created_at": timeline.GO_LIVE,
                "version": 1,
            }
            for code, name in SHA_NAMES
        ),
        result,
    )
    sha_ids = _ids(session, Organisation, col(Organisation.kind) == OrganisationKind.SHA)
    _bulk(
        session,
        Organisation,
        (
            {
                "code": f"N{(i * PCTS_PER_SHA + j + 1):03d}",
                "name": f"Example PCT {i * PCTS_PER_SHA + j + 1:03d}",
                "kind": OrganisationKind.PCT.value,
                "parent_id": sha_id,
                "population": rng.randint(150_000, 900_000),
                "created_at": timeline.GO_LIVE,
                "version": 1,
            }
            for i, sha_id in enumerate(sha_ids)
            for j in range(PCTS_PER_SHA)
        ),
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
    password = hash_password(DEMO_PASSWORD)
    _bulk(
        session,
        User,
        (
            {
                **u,
                "password_hash": password,
                "is_active": True,
                "created_at": timeline.GO_LIVE,
                "version": 1,
            }
            for u in users
        ),
        result,
    )
    return users


def _people_by_organisation(session: Session, role: Role) -> dict[int, int]:
    return {
        org: uid
        for uid, org in session.exec(
            select(User.id, User.organisation_id).where(col(User.role) == role)
        ).all()
    }


def _evidence(
    session: Session,
    rng: random.Random,
    evidence_items: int,
    cycles: list[Cycle],
    pct_ids: list[int],
    result: NationalResult,
) -> dict[int, list[_Logged]]:
    """Log the evidence, oldest first, and return each PCT's items in the order logged.

    A PCT's first eleven items are one per competency, dated before its first sign-off, so
    that every board has something to sign for each competency."""
    authors = _people_by_organisation(session, Role.CLINICIAN)
    leads = _people_by_organisation(session, Role.PCT_LEAD)
    first_span = (timeline.sign_off_day(cycles[0]) - FIRST_DAY).days
    span = (timeline.sign_off_day(cycles[-1]) - FIRST_DAY).days
    per_pct, extra = divmod(evidence_items, len(pct_ids))
    planned: list[tuple[dict[str, Any], list[int]]] = []
    for position, pct_id in enumerate(pct_ids):
        for n in range(per_pct + (1 if position < extra else 0)):
            title, kind, text = FORMS[n % len(FORMS)]
            topic = TOPICS[(n // len(FORMS)) % len(TOPICS)]
            early = n < len(COMPETENCIES)
            day = FIRST_DAY + timedelta(days=rng.randint(0, first_span if early else span))
            engaged = kind is EvidenceKind.ENGAGEMENT
            first = n + 1 if early else rng.randint(1, 11)
            numbers = sorted({first, rng.randint(1, 11)})
            row = {
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
                "created_at": timeline.logged(day),
                "updated_at": timeline.logged(day),
                "version": 1,
            }
            planned.append((row, numbers))
    planned.sort(key=lambda pair: pair[0]["occurred_on"])
    _bulk(session, EvidenceItem, (row for row, _numbers in planned), result)
    stored = session.exec(
        select(EvidenceItem.id, EvidenceItem.organisation_id, EvidenceItem.title).order_by(
            EvidenceItem.id
        )
    ).all()
    by_pct: dict[int, list[_Logged]] = {pct_id: [] for pct_id in pct_ids}
    for (evidence_id, organisation_id, title), (row, numbers) in zip(stored, planned, strict=True):
        if (organisation_id, title) != (row["organisation_id"], row["title"]):
            raise RuntimeError("evidence ids were not given in the order the rows were sent")
        content = _frozen_content(evidence_id, row, numbers)
        text = _canonical(content)
        by_pct[organisation_id].append(
            _Logged(
                id=evidence_id,
                organisation_id=organisation_id,
                occurred_on=row["occurred_on"],
                content=content,
                text=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
        )
    _bulk(
        session,
        EvidenceCompetency,
        (
            {"evidence_id": item.id, "competency_number": number}
            for items in by_pct.values()
            for item in items
            for number in item.content["competency_numbers"]
        ),
        result,
    )
    return by_pct


def _status(cycle_index: int, pct_position: int, cycles: int) -> AssessmentStatus:
    if cycle_index < cycles - 1:
        return S.FINALISED
    return LAST_CYCLE_STATUSES[pct_position % len(LAST_CYCLE_STATUSES)]


def _last_move(cycle: Cycle, status: AssessmentStatus) -> datetime:
    """When the assessment last changed status (or, in draft, was last changed: the lead
    presents its evidence after the last self-score)."""
    return {
        S.DRAFT: timeline.presented(cycle),
        S.SIGNED_OFF: timeline.signed_off(cycle),
        S.SUBMITTED: timeline.submitted(cycle),
        S.IN_REVIEW: timeline.reviewed(cycle, 1, finished=False),
        S.RETURNED: timeline.returned(cycle),
        S.FINALISED: timeline.finalised(cycle),
    }[status]


def _submission(
    assessment_id: int,
    plan: _Planned,
    board_id: int,
    lead_id: int,
    numbers: dict[int | None, tuple[int, ...]],
) -> dict[str, Any]:
    """Round 1 as the lead's ``submit`` keeps it: the self-assessment and presented evidence
    the board signed, the sign-off, and a digest per competency."""
    cycle = plan.cycle
    return {
        "assessment_id": assessment_id,
        "round": 1,
        "submitted_at": timeline.submitted(cycle),
        "submitted_by_id": lead_id,
        "fingerprint": _fingerprint(plan.scores, plan.presented),
        "content": {
            "self_scores": plan.scores,
            "evidence": [item.content for item in plan.presented],
            "sign_off": {
                "signed_off_by_id": board_id,
                "signed_off_at": timeline.signed_off(cycle).isoformat(),
                "meeting_date": timeline.sign_off_day(cycle).isoformat(),
                "minute_reference": MINUTES[cycle.name],
            },
        },
        "digests": _digests(numbers[cycle.id], plan.scores, plan.presented),
    }


def load_national(session: Session, *, evidence_items: int = TOTAL_EVIDENCE) -> NationalResult:
    """Fill an empty database (or finish nothing if already loaded) with national-scale data.

    Needs at least eleven evidence items per PCT (one for each competency)."""
    result = NationalResult()
    if session.exec(select(Organisation.id).where(col(Organisation.code) == "Q30")).first():
        return result
    if session.exec(select(Organisation.id).limit(1)).first():
        raise Conflict("The national data set needs a database of its own: this one has data")
    pcts = len(SHA_NAMES) * PCTS_PER_SHA
    if evidence_items < pcts * len(COMPETENCIES):
        raise ValueError(
            f"{evidence_items} evidence items are too few: each of the {pcts} PCTs needs one "
            "for each competency"
        )
    rng = random.Random(2008)
    users = _organisations_and_users(session, rng, result)
    pct_rows = session.exec(
        select(Organisation.id, Organisation.parent_id)
        .where(col(Organisation.kind) == OrganisationKind.PCT)
        .order_by(Organisation.id)
    ).all()
    pct_ids = [pct_id for pct_id, _parent in pct_rows]
    sha_of = {pct_id: parent for pct_id, parent in pct_rows if parent is not None}
    leads = _people_by_organisation(session, Role.PCT_LEAD)
    boards = _people_by_organisation(session, Role.BOARD_MEMBER)
    reviewers = _people_by_organisation(session, Role.SHA_REVIEWER)

    cycles: list[Cycle] = []
    for name, opens_on, submission_due, review_due in CYCLES:
        cycle = cycle_service.find_by_name(session, name)
        if cycle is None:
            with clock.frozen_at(timeline.cycle_created(opens_on)):
                cycle = cycle_service.create_cycle(
                    session,
                    SYSTEM,
                    name=name,
                    opens_on=opens_on,
                    submission_due=submission_due,
                    review_due=review_due,
                )
            result.created["cycle"] = result.created.get("cycle", 0) + 1
        cycles.append(cycle)

    evidence = _evidence(session, rng, evidence_items, cycles, pct_ids, result)
    numbers = {
        cycle.id: framework_service.get_framework(cycle.framework_version).numbers
        for cycle in cycles
    }

    # Each assessment's self scores, what it presents (every item dated on or before the
    # board's meeting, also in draft), and what its board signed (nothing, in draft).
    planned: list[_Planned] = []
    assessments = []
    for cycle_index, cycle in enumerate(cycles):
        meeting = timeline.sign_off_day(cycle)
        for position, pct_id in enumerate(pct_ids):
            status = _status(cycle_index, position, len(cycles))
            scores = []
            for number in COMPETENCIES:
                level = rng.randint(1, 3)
                scores.append(
                    {
                        "competency_number": number,
                        "level": level,
                        "rationale": RATIONALE[number],
                        "improvement_action": None,
                        "target_level": min(level + 1, 4),
                    }
                )
            presented = [e for e in evidence[pct_id] if e.occurred_on <= meeting]
            planned.append(_Planned(cycle, pct_id, status, scores, presented))
            signed = status in SIGNED_OFF_OR_LATER
            sent = status in SUBMITTED_OR_LATER
            assessments.append(
                {
                    "organisation_id": pct_id,
                    "cycle_id": cycle.id,
                    "status": status.value,
                    "signed_off_at": timeline.signed_off(cycle) if signed else None,
                    "signed_off_by_id": boards[pct_id] if signed else None,
                    "signed_off_fingerprint": _fingerprint(scores, presented) if signed else None,
                    "signed_off_meeting_date": meeting if signed else None,
                    "signed_off_minute_reference": MINUTES[cycle.name] if signed else None,
                    "sign_off_withdrawn_at": None,
                    "sign_off_withdrawn_by_id": None,
                    "sign_off_withdrawn_reason": None,
                    "last_signed_digests": (
                        _digests(numbers[cycle.id], scores, presented) if signed else None
                    ),
                    "submitted_at": timeline.submitted(cycle) if sent else None,
                    "submitted_by_id": leads[pct_id] if sent else None,
                    "returned_at": timeline.returned(cycle) if status is S.RETURNED else None,
                    "return_reason": RETURN_REASON if status is S.RETURNED else None,
                    "finalised_at": timeline.finalised(cycle) if status is S.FINALISED else None,
                    "finalised_by_id": (
                        reviewers[sha_of[pct_id]] if status is S.FINALISED else None
                    ),
                    "created_at": timeline.opened(cycle),
                    "updated_at": _last_move(cycle, status),
                    "version": 1,
                }
            )
    _bulk(session, Assessment, assessments, result)
    assessment_ids = {
        (org, cycle_id): aid
        for aid, org, cycle_id in session.exec(
            select(Assessment.id, Assessment.organisation_id, Assessment.cycle_id)
        ).all()
    }
    selfs, reviews, ratings, points = [], [], [], []
    snapshots: list[tuple[int, datetime, list[_Logged]]] = []
    submissions: list[tuple[int, _Planned]] = []
    values = list(EvidenceRatingValue)
    for plan in planned:
        cycle, pct_id, status, scores = plan.cycle, plan.pct_id, plan.status, plan.scores
        aid = assessment_ids[(pct_id, cycle.id)]
        reviewer = reviewers[sha_of[pct_id]]
        finished = status is S.FINALISED
        for score in scores:
            number = score["competency_number"]
            selfs.append(
                {
                    **score,
                    "assessment_id": aid,
                    "updated_by_id": leads[pct_id],
                    "updated_at": timeline.self_scored(cycle, number),
                    "version": 1,
                }
            )
            if status in REVIEWED:
                reviews.append(
                    {
                        "assessment_id": aid,
                        "competency_number": number,
                        "level": max(1, score["level"] - rng.randint(0, 1)),
                        "comment": REVIEW_COMMENT,
                        "reviewer_id": reviewer,
                        "scored_at": timeline.reviewed(cycle, number, finished=finished),
                        "version": 1,
                    }
                )
        if status not in SUBMITTED_OR_LATER:
            continue
        frozen = plan.presented
        snapshots.append((aid, timeline.submitted(cycle), frozen))
        submissions.append((aid, plan))
        if status in REVIEWED:
            ratings += [
                {
                    "assessment_id": aid,
                    "evidence_id": item.id,
                    "rating": values[i % len(values)].value,
                    "comment": "",
                    "reviewer_id": reviewer,
                    "rated_at": timeline.rated(cycle, i, finished=finished),
                    "version": 1,
                }
                for i, item in enumerate(frozen[:RATED_PER_ASSESSMENT])
            ]
        if status is S.RETURNED:
            points += [
                {
                    "assessment_id": aid,
                    "round": 1,
                    "competency_number": number,
                    "request": request,
                    "raised_by_id": reviewer,
                    "raised_at": timeline.returned(cycle),
                    "response": None,
                    "responded_by_id": None,
                    "responded_at": None,
                    "version": 1,
                }
                for number, request in RETURN_POINTS
            ]
    _bulk(session, SelfScore, selfs, result)
    _bulk(
        session,
        PresentedEvidence,
        (
            {
                "assessment_id": assessment_ids[(plan.pct_id, plan.cycle.id)],
                "evidence_id": item.id,
                "added_by_id": leads[plan.pct_id],
                "added_at": timeline.presented(plan.cycle),
            }
            for plan in planned
            for item in plan.presented
        ),
        result,
    )
    _bulk(session, ReviewScore, reviews, result)
    _bulk(
        session,
        EvidenceSnapshot,
        (
            {
                "assessment_id": aid,
                "evidence_id": item.id,
                "content": item.content,
                "sha256": item.sha256,
                "frozen_at": frozen_at,
            }
            for aid, frozen_at, frozen in snapshots
            for item in frozen
        ),
        result,
    )
    _bulk(
        session,
        Submission,
        (
            _submission(aid, plan, boards[plan.pct_id], leads[plan.pct_id], numbers)
            for aid, plan in submissions
        ),
        result,
        size=SUBMISSION_BATCH,
    )
    _bulk(session, EvidenceRating, ratings, result)
    _bulk(session, ReturnPoint, points, result)
    with clock.frozen_at(LOADED_AT):
        for table, count in result.created.items():
            if table == Cycle.__tablename__:
                continue  # made by the cycle command, which audits each
            audit.record(
                session,
                SYSTEM,
                entity=table,
                entity_id=0,
                action="bulk_load",
                after={"rows": count},
            )
    session.commit()
    result.sign_ins = [(u["role"], "-", u["email"], DEMO_PASSWORD) for u in users[:3]]
    return result
