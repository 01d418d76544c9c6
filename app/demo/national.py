"""National-scale data for benchmarks: the ten SHAs with their 152 PCTs (as many to each SHA as
it had), the two assurance cycles (2008/09, competencies 1 to 10 on wcc-2008; 2009/10, all
eleven on wcc-2009, which scores 1 and 11 through criteria), 100,000 evidence items with
competency links, self and review scores (with criterion levels where the framework has
criteria), governance ratings (the board's and the panel's), outcome measures with their
actuals, presented evidence and outcome measures, evidence ratings, frozen submissions (one
round each) and the points of each return.

Written in bulk (one statement per batch, not per row), so it loads in seconds; the load
writes one audit event per table it fills, recording how many rows it added, rather than one
per row. The rows themselves are the ones the service commands would have written, on the
demo's story (``app.demo.timeline``), each PCT on its own dates: its SHA's panels spread over
the cycle's panel season, the PCT submitting three weeks before its panel (or by the
deadline), its board meeting three days before that. Evidence is logged on the day it
happened; the lead makes the PCT's outcome measures the day its first assessment opens, and
records each year's actual values once the year's figures are out; each assessment is opened
and self-scored, competency by competency (a competency scored through criteria: its
criteria first, the lowest of their levels the competency's); the morning of the board
meeting the lead presents every item of the cycle's assurance year dated on or before it and
every outcome measure, and rates governance (drafts too, but governance only in every other
turn of drafts); the board signs off at that meeting, with its minute and the fingerprint of
what it signed; the lead submits round 1, freezing the presented evidence; the SHA's reviewer
scores the competencies (and their criteria), then governance, and rates the evidence on the
panel day, and records the panel (its director of commissioning development and the SHA's two
peers, ``PANEL_PEERS``; the PCT's chief executive, PEC chair, director of commissioning and
WCC programme lead; what it explored) at the end of that day; then returns it a week later
(with ``RETURN_POINTS``) or shares its ratings as provisional, which the PCT's lead accepts for
factual accuracy days later (both cycles have the provisional step), and finalises it on the
SHA's results day (one still in review has had one or two governance areas rated). Every PCT holds
the key documents of each year (``COMMON_EVIDENCE``), which cover every competency before its
first board meeting of that year; no PCT logs evidence after its 2009/10 board meeting.
Logging evidence never changes an assessment (SPEC 6.1), so items are logged on any day, also
between a sign-off and its submission (they are not presented); nor does recording an
outcome's actual (what is presented is the measure, not its results). The levels follow the
national shape (``app.demo.data``: self levels and panel moderation), and so do the
governance ratings (``app.demo.assurance``). tests/test_demo_national.py puts a sample
through the services' own validation and commands.

The PCTs are the real ones the domain notes name for each SHA, with their codes, and
fictional ones ("Example PCT 041", codes 5W1 and on) to make up each SHA's number; every
post-holder is fictional but for the real ones ``app.demo.data`` names, in their posts.
"""

from __future__ import annotations

import functools
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
    CriterionScore,
    EvidenceRating,
    EvidenceRatingValue,
    EvidenceSnapshot,
    PresentedEvidence,
    ProvisionalRating,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.demo import assurance, timeline
from app.demo import development as development_story
from app.demo.data import (
    ADMIN_NAME,
    ASSESSED,
    COMMON_EVIDENCE,
    CYCLES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    GENERIC_PLACES,
    MINUTE_REFERENCE,
    PANEL_ATTENDEES,
    PANEL_PEERS,
    PCT_POSTS,
    PEOPLE,
    POST_TITLES,
    PRACTICE_CLINICIANS,
    PRACTICE_COUNTS,
    REAL_PCTS,
    REAL_POST_HOLDERS,
    RETURN_POINTS,
    RETURN_REASON,
    SHA_PEOPLE,
    SHA_POST,
    SHA_REGIONS,
    fictional_names,
    improvement_action,
    panel_levels,
    panel_notes,
    rationale,
    review_comment,
    self_levels,
)
from app.demo.data import PCTS as DEMO_PCTS
from app.development.models import DevelopmentAction, ProgressNote
from app.errors import Conflict
from app.evidence.models import EvidenceCompetency, EvidenceItem, EvidenceKind
from app.framework import service as framework_service
from app.framework.models import Framework
from app.governance.models import AREAS, GovernanceArea, GovernanceRating, GovernanceReview
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes.models import Outcome, OutcomeActual, PresentedOutcome
from app.outcomes.schemas import OutcomeWrite
from app.panel.models import Panel
from app.users.models import Role, User
from app.users.passwords import hash_password

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
FICTIONAL_CODES = tuple(
    f"5{letter}{char}" for letter in "WXYZ" for char in "123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
)
"""Codes for the fictional PCTs: the shape of the real ones (5N1, 5QL, 5C4), in a range of
second letters (W to Z) that the real codes in the domain notes do not use."""
TOTAL_EVIDENCE = 100_000
BATCH = 5_000
SUBMISSION_BATCH = 50
"""Submissions carry every presented item's content: fewer rows to a statement."""
RATED_PER_ASSESSMENT = 10
OUTCOME_CONTENT = (
    "title",
    "indicator",
    "source",
    "unit",
    "better",
    "baseline_year",
    "baseline_value",
    "trajectory",
)
"""An outcome measure's columns that an assessment presents (``snapshots.outcome_content``,
with its id)."""
FIRST_DAY = date(2008, 4, 1)
LOADED_AT = datetime(2010, 6, 1, tzinfo=UTC)
"""When the bulk load's own audit events are dated: after the last review deadline."""
LAST_CYCLE = CYCLES[-1].name
YEAR_TWO_LEADERS = frozenset({"5NX", "5F5", "5C4"})
"""Hull, Salford and Tower Hamlets, the top three of 2009/10: their results are out."""

S = AssessmentStatus
SUBMITTED_OR_LATER = frozenset({S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED})
SIGNED_OFF_OR_LATER = SUBMITTED_OR_LATER | {S.SIGNED_OFF}
REVIEWED = frozenset({S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED})
"""The panel has sat: the reviewer scores at the panel, on its day."""
SHARED = frozenset({S.PROVISIONAL, S.FINALISED})
# 2008/09 is over, every assessment finalised. 2009/10 is under way: its PCTs are spread over
# every status in turn (but for the named leaders, finalised).
LAST_CYCLE_STATUSES = [
    S.DRAFT,
    S.SIGNED_OFF,
    S.SUBMITTED,
    S.IN_REVIEW,
    S.RETURNED,
    S.PROVISIONAL,
    S.FINALISED,
]
POPULATIONS = {code: population for code, _name, _sha, population, *_rest in DEMO_PCTS}
PLACES = {code: {"council": council, "trust": trust} for code, *_rest, council, trust in DEMO_PCTS}
# Patients a GP practice had on its list, on average, around 2008 (an estimate), and the
# fewest practices a national PCT declares: at least every "practices involved" its evidence
# records (up to 40).
PATIENTS_PER_PRACTICE = 6_600
FEWEST_PRACTICES = 40


def declared_practices(code: str, population: int) -> int:
    """A national PCT's declared number of practices: the small demo's where it has one,
    else an estimate from its population."""
    estimate = max(round(population / PATIENTS_PER_PRACTICE), FEWEST_PRACTICES)
    return PRACTICE_COUNTS.get(code, estimate)


def _pct_row(code: str, name: str, sha_id: int, population: int) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "kind": OrganisationKind.PCT.value,
        "parent_id": sha_id,
        "population": population,
        "practice_count": declared_practices(code, population),
        "created_at": timeline.GO_LIVE,
        "version": 1,
    }


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
class _Pct:
    """A PCT as the load knows it: its row's id, code and name, and its SHA's code and id."""

    id: int
    code: str
    name: str
    sha_code: str
    sha_id: int


@dataclass(frozen=True)
class _Measure:
    """An outcome measure as inserted: its id and its content as an assessment presents it
    (``snapshots.outcome_content``)."""

    id: int
    content: dict[str, Any]


@dataclass(frozen=True)
class _Signed:
    """What a board signs and a round keeps (``snapshots.SelfAssessment``), as the load holds
    it: each part in the form and order the service's content gives it, the evidence with its
    canonical text, so that the canonical JSON of the whole is built from the parts' texts
    rather than serialised anew."""

    scores: list[dict[str, Any]]
    """Self-scores as ``snapshots.score_content`` gives them, in competency order."""
    evidence: list[_Logged]
    """The presented items, in id order."""
    criteria: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(competency number, ``snapshots.criterion_content``), in criterion order."""
    governance: list[dict[str, Any]] = field(default_factory=list)
    """``snapshots.governance_content``, by area name."""
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    """``snapshots.outcome_content``, by id."""

    def content(self) -> dict[str, Any]:
        """``SelfAssessment.content()``: parts left empty add nothing."""
        content: dict[str, Any] = {
            "self_scores": self.scores,
            "evidence": [item.content for item in self.evidence],
        }
        if self.criteria:
            content["criterion_scores"] = [criterion for _number, criterion in self.criteria]
        if self.governance:
            content["governance"] = self.governance
        if self.outcomes:
            content["outcomes"] = self.outcomes
        return content

    @functools.cached_property
    def fingerprint(self) -> str:
        """``SelfAssessment.fingerprint``: the SHA-256 of the canonical text of the whole, its
        keys in sorted order (criterion_scores, evidence, governance, outcomes, self_scores)."""
        digest = hashlib.sha256(b"{")
        if self.criteria:
            criteria = [criterion for _number, criterion in self.criteria]
            digest.update(f'"criterion_scores":{_canonical(criteria)},'.encode())
        digest.update(b'"evidence":[')
        digest.update(",".join(item.text for item in self.evidence).encode("utf-8"))
        digest.update(b"]")
        if self.governance:
            digest.update(f',"governance":{_canonical(self.governance)}'.encode())
        if self.outcomes:
            digest.update(f',"outcomes":{_canonical(self.outcomes)}'.encode())
        digest.update(f',"self_scores":{_canonical(self.scores)}}}'.encode())
        return digest.hexdigest()

    def digests(self, numbers: Iterable[int]) -> dict[str, str]:
        """``SelfAssessment.digests``: per competency, the hash of its self-score, its criterion
        scores (when it has any) and the presented items linked to it; and one each for
        governance and outcomes when there are any."""
        by_number = {score["competency_number"]: score for score in self.scores}
        criteria: dict[int, list[dict[str, Any]]] = {}
        for number, criterion in self.criteria:
            criteria.setdefault(number, []).append(criterion)
        digests = {}
        for number in numbers:
            linked = ",".join(
                e.text for e in self.evidence if number in e.content["competency_numbers"]
            )
            parts = (
                f'"criterion_scores":{_canonical(criteria[number])},' if number in criteria else ""
            )
            text = (
                f'{{{parts}"evidence":[{linked}],"self_score":{_canonical(by_number.get(number))}}}'
            )
            digests[str(number)] = _sha256(text)
        if self.governance:
            digests["governance"] = _sha256(_canonical(self.governance))
        if self.outcomes:
            digests["outcomes"] = _sha256(_canonical(self.outcomes))
        return digests


@dataclass(frozen=True)
class _Planned:
    """An assessment to write: its framework (the competencies its cycle assesses), its PCT
    and place in the list, its dates and status, and what its lead prepared (what a board
    signs, also in draft)."""

    cycle: Cycle
    framework: Framework
    pct: _Pct
    position: int
    schedule: timeline.Schedule
    status: AssessmentStatus
    prepared: _Signed

    @property
    def scores(self) -> list[dict[str, Any]]:
        return self.prepared.scores

    @functools.cached_property
    def digests(self) -> dict[str, str]:
        """What the sign-off and the round keep for comparison: a digest per competency the
        cycle assesses, and for governance and outcomes."""
        return self.prepared.digests(self.framework.numbers)

    @property
    def presented(self) -> list[_Logged]:
        return self.prepared.evidence


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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, what autovacuum would do in time: planner statistics, and on
    PostgreSQL the visibility map that lets index-only scans skip the table."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            connection.exec_driver_sql("ANALYZE")


def national_pcts() -> list[tuple[str, str, str]]:
    """The 152 PCTs as (code, name, SHA code), SHA by SHA: the real ones first, then
    fictional ones up to the SHA's number."""
    fictional = iter(FICTIONAL_CODES)
    pcts: list[tuple[str, str, str]] = []
    for sha, _region, count in SHA_REGIONS:
        real = REAL_PCTS[sha]
        pcts += [(code, name, sha) for code, name in real]
        for _ in range(count - len(real)):
            pcts.append((next(fictional), f"Example PCT {len(pcts) + 1:03d}", sha))
    return pcts


def _post_holders(pcts: list[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """Who holds each post, by (account prefix, organisation code): the small demo's people
    for its PCTs and SHAs, the real post-holders in their posts, and fictional names for the
    rest, no name twice."""
    named: dict[tuple[str, str], str] = {
        (SHA_POST[0], sha): name for sha, name in SHA_PEOPLE.items()
    }
    named |= {
        (prefix, code): name for code, posts in PEOPLE.items() for prefix, name in posts.items()
    }
    named |= {(prefix, code): name for code, prefix, name in REAL_POST_HOLDERS}
    posts = [(SHA_POST[0], sha) for sha, _region, _count in SHA_REGIONS] + [
        (prefix, code) for code, _name, _sha in pcts for prefix, _role, _title in PCT_POSTS
    ]
    taken = {*named.values(), ADMIN_NAME, *(name for _code, name, _title in PRACTICE_CLINICIANS)}
    names = fictional_names(sum(post not in named for post in posts), taken=taken)
    holders = {}
    for prefix, code in posts:
        name = named.get((prefix, code)) or next(names)
        if prefix == "clinician" and not name.startswith("Dr "):
            name = f"Dr {name}"
        holders[(prefix, code)] = name
    return holders


def _organisations_and_users(
    session: Session, rng: random.Random, result: NationalResult
) -> tuple[list[_Pct], list[dict[str, Any]]]:
    """The SHAs, the PCTs and their post-holders' accounts."""
    _bulk(
        session,
        Organisation,
        (
            {
                "code": code,
                "name": f"{region} Strategic Health Authority",
                "kind": OrganisationKind.SHA.value,
                "parent_id": None,
                "population": 5_000_000,
                "created_at": timeline.GO_LIVE,
                "version": 1,
            }
            for code, region, _count in SHA_REGIONS
        ),
        result,
    )
    sha_ids = dict(
        session.exec(
            select(Organisation.code, Organisation.id).where(
                col(Organisation.kind) == OrganisationKind.SHA
            )
        ).all()
    )
    listed = national_pcts()
    _bulk(
        session,
        Organisation,
        (
            _pct_row(
                code, name, sha_ids[sha], POPULATIONS.get(code) or rng.randint(150_000, 900_000)
            )
            for code, name, sha in listed
        ),
        result,
    )
    pct_ids = dict(
        session.exec(
            select(Organisation.code, Organisation.id).where(
                col(Organisation.kind) == OrganisationKind.PCT
            )
        ).all()
    )
    pcts = [_Pct(pct_ids[code], code, name, sha, sha_ids[sha]) for code, name, sha in listed]
    holders = _post_holders(listed)
    users = [
        {
            "email": f"admin.national@{DEMO_DOMAIN}",
            "full_name": ADMIN_NAME,
            "role": Role.ADMIN.value,
            "organisation_id": None,
        }
    ]
    prefix, role, _title = SHA_POST
    users += [
        {
            "email": f"{prefix}.{code.lower()}@{DEMO_DOMAIN}",
            "full_name": holders[(prefix, code)],
            "role": role,
            "organisation_id": sha_ids[code],
        }
        for code, _region, _count in SHA_REGIONS
    ]
    users += [
        {
            "email": f"{prefix}.{pct.code.lower()}@{DEMO_DOMAIN}",
            "full_name": holders[(prefix, pct.code)],
            "role": role,
            "organisation_id": pct.id,
        }
        for pct in pcts
        for prefix, role, _title in PCT_POSTS
    ]
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
    return pcts, users


def _accounts(session: Session) -> dict[tuple[str, int], int]:
    """Each account's id by its post (the email's prefix) and organisation."""
    return {
        (email.split(".", 1)[0], organisation_id): user_id
        for user_id, email, organisation_id in session.exec(
            select(User.id, User.email, User.organisation_id).where(
                col(User.organisation_id).is_not(None)
            )
        ).all()
        if user_id is not None and organisation_id is not None
    }


@functools.cache
def _panel_places() -> dict[str, tuple[str, int, int]]:
    """Each PCT's SHA, its place in the SHA's order of panels, and the SHA's number of PCTs."""
    places = {}
    for sha, _region, count in SHA_REGIONS:
        members = [code for code, _name, pct_sha in national_pcts() if pct_sha == sha]
        places |= {code: (sha, index, count) for index, code in enumerate(members)}
    return places


def schedule_for(cycle: Cycle, pct_code: str) -> timeline.Schedule:
    """The PCT's dates in the cycle: each SHA's panels spread evenly over the cycle's panel
    season, its PCTs in turn, and its results released on its day; some PCTs send their
    papers a few days early."""
    seed = next(seed for seed in CYCLES if seed.name == cycle.name)
    sha, index, count = _panel_places()[pct_code]
    panel = timeline.panel_day(seed.panels_from, seed.panels_to, index, count)
    results = timeline.results_day(cycle, sha)
    return timeline.Schedule.for_panel(cycle, panel, results, early_by=(index * 2) % 5)


def _common_rows(pct: _Pct, rng: random.Random) -> list[tuple[dict[str, Any], list[int]]]:
    """The PCT's key documents of each year, with its name (and, for a PCT of the small demo,
    its council and main trust) filled in."""
    fill = {"pct": pct.name, **PLACES.get(pct.code, GENERIC_PLACES)}
    rows = []
    for seed in COMMON_EVIDENCE:
        engaged = seed.kind == EvidenceKind.ENGAGEMENT
        rows.append(
            (
                {
                    "title": seed.title.format(**fill),
                    "description": seed.description.format(**fill),
                    "kind": seed.kind,
                    "occurred_on": seed.occurred_on,
                    "clinicians_involved": rng.randint(12, 60) if engaged else None,
                    "practices_involved": rng.randint(6, 30) if engaged else None,
                },
                sorted(seed.competencies),
            )
        )
    return rows


def _evidence(
    session: Session,
    rng: random.Random,
    evidence_items: int,
    pcts: list[_Pct],
    last_meeting: dict[int, date],
    accounts: dict[tuple[str, int], int],
    result: NationalResult,
) -> dict[int, list[_Logged]]:
    """Log the evidence, oldest first, and return each PCT's items in the order logged.

    Each PCT holds the year's key documents, which cover every competency before its first
    board meeting of that year, and items of its own up to its last board meeting."""
    per_pct, extra = divmod(evidence_items, len(pcts))
    planned: list[tuple[dict[str, Any], list[int]]] = []
    for position, pct in enumerate(pcts):
        own = _common_rows(pct, rng)
        span = (last_meeting[pct.id] - FIRST_DAY).days
        for n in range(per_pct + (1 if position < extra else 0) - len(own)):
            title, kind, text = FORMS[n % len(FORMS)]
            topic = TOPICS[(n // len(FORMS)) % len(TOPICS)]
            day = FIRST_DAY + timedelta(days=rng.randint(0, span))
            engaged = kind is EvidenceKind.ENGAGEMENT
            own.append(
                (
                    {
                        "title": f"{title.format(t=topic)} ({day:%B %Y})",
                        "description": text.format(t=topic),
                        "kind": kind.value,
                        "occurred_on": day,
                        "clinicians_involved": rng.randint(3, 80) if engaged else None,
                        "practices_involved": rng.randint(1, 40) if engaged else None,
                    },
                    sorted({rng.randint(1, 11), rng.randint(1, 11)}),
                )
            )
        for row, numbers in own:
            engaged = row["kind"] == EvidenceKind.ENGAGEMENT.value
            row |= {
                "organisation_id": pct.id,
                "url": None,
                "practice_id": None,
                "author_id": accounts[("clinician" if engaged else "lead", pct.id)],
                "created_at": timeline.logged(row["occurred_on"]),
                "updated_at": timeline.logged(row["occurred_on"]),
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
    by_pct: dict[int, list[_Logged]] = {pct.id: [] for pct in pcts}
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
                sha256=_sha256(text),
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


def _status(cycle: Cycle, pct: _Pct, position: int) -> AssessmentStatus:
    if cycle.name != LAST_CYCLE or pct.code in YEAR_TWO_LEADERS:
        return S.FINALISED
    return LAST_CYCLE_STATUSES[position % len(LAST_CYCLE_STATUSES)]


def _last_move(schedule: timeline.Schedule, status: AssessmentStatus) -> datetime:
    """When the assessment last changed status (or, in draft, was last changed: the lead
    presents its evidence after the last self-score)."""
    return {
        S.DRAFT: schedule.presented,
        S.SIGNED_OFF: schedule.signed_off,
        S.SUBMITTED: schedule.submitted,
        S.IN_REVIEW: lambda: schedule.reviewed(1),
        S.RETURNED: schedule.returned,
        S.PROVISIONAL: schedule.shared,
        S.FINALISED: schedule.finalised,
    }[status]()


def _turn(position: int) -> int:
    """How many times the 2009/10 statuses have come round before the PCT's turn: what
    varies among the PCTs of one status goes by it."""
    return position // len(LAST_CYCLE_STATUSES)


def _governance_rated(status: AssessmentStatus, position: int) -> bool:
    """Whether the board has rated its governance yet: always once signed off (the sign-off
    needs it), and in draft on every other turn."""
    return status in SIGNED_OFF_OR_LATER or _turn(position) % 2 == 0


def _governance_reviewed(status: AssessmentStatus, position: int) -> tuple[GovernanceArea, ...]:
    """The areas the panel has rated: all three once it has finished (finalising needs them)
    or returned the assessment; the first one or two while still reviewing."""
    if status not in REVIEWED:
        return ()
    if status is S.IN_REVIEW:
        return AREAS[: 1 + _turn(position) % 2]
    return AREAS


def _criterion_order(criterion: str) -> tuple[int, int]:
    whole, _, part = criterion.partition(".")
    return int(whole), int(part or 0)


def _criteria(
    framework: Framework, pct_code: str, draw: str, number: int, level: int
) -> list[tuple[str, int]]:
    """Levels for the competency's criteria, in criterion order, whose roll-up is ``level``
    (none when the framework scores the competency as a whole)."""
    competency = framework.competency(number)
    parts = sorted(
        competency.criteria if competency else (), key=lambda k: _criterion_order(k.number)
    )
    if not parts:
        return []
    levels = assurance.criterion_levels(pct_code, draw, number, level, len(parts))
    if framework.rolled_up(levels) != level:
        raise RuntimeError(f"criteria of {number} in {draw} do not roll up to level {level}")
    return [(k.number, graded) for k, graded in zip(parts, levels, strict=True)]


def _self_assessment(
    pct: _Pct, cycle: Cycle, framework: Framework
) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """The PCT's self-assessment in the cycle, in its own words, as the lead saved it: a
    score for each competency the cycle assesses, and for one scored through criteria a
    level for each criterion (the lowest of them the competency's level)."""
    levels = self_levels(pct.code, cycle.name)
    places = PLACES.get(pct.code, {})
    scores: list[dict[str, Any]] = []
    criteria: list[tuple[int, dict[str, Any]]] = []
    for number in framework.numbers:
        competency = framework.competency(number)
        parts = {k.number: k for k in competency.criteria} if competency else {}
        criteria += [
            (
                number,
                {
                    "criterion": criterion,
                    "level": level,
                    "rationale": assurance.criterion_rationale(parts[criterion], level),
                },
            )
            for criterion, level in _criteria(
                framework, pct.code, cycle.name, number, levels[number]
            )
        ]
        scores.append(
            {
                "competency_number": number,
                "level": levels[number],
                "rationale": rationale(pct.code, pct.name, cycle.name, number, **places),
                "improvement_action": improvement_action(
                    pct.code, pct.name, cycle.name, number, **places
                ),
                "target_level": min(levels[number] + 1, 4),
            }
        )
    return scores, criteria


def _own_governance(pct: _Pct, cycle: Cycle) -> list[dict[str, Any]]:
    """The board's rating of each governance area with its narrative, as a round keeps it
    (``snapshots.governance_content``, by area)."""
    return sorted(
        (
            {
                "area": area.value,
                "rating": rating.value,
                "narrative": assurance.narrative(pct.name, cycle.name, area, rating),
            }
            for area, rating in assurance.own_governance(pct.code, cycle.name).items()
        ),
        key=lambda rating: rating["area"],
    )


def _figures_out(year: int) -> datetime:
    """When the lead records a year's actual values: a year's figures are out by the end of
    the January after it, and are recorded on the first working day of February."""
    return timeline.at(timeline.working_day(date(year + 1, 2, 1)), 11)


def _outcomes(
    session: Session,
    pcts: list[_Pct],
    first: dict[int, timeline.Schedule],
    accounts: dict[tuple[str, int], int],
    through: int,
    result: NationalResult,
) -> dict[int, list[_Measure]]:
    """Each PCT's outcome measures, made by its lead the day its first assessment opened
    (before its first board meeting), with the actual values of each year up to
    ``through``, each recorded once the year's figures are out; each PCT's measures, in id
    order."""
    planned: list[tuple[_Pct, OutcomeWrite, dict[int, float]]] = []
    for pct in pcts:
        for measure in assurance.outcome_measures(pct.code):
            data = OutcomeWrite.model_validate(measure)
            planned.append((pct, data, assurance.actuals(pct.code, measure, through=through)))
    rows = []
    for pct, data, actual in planned:
        created = first[pct.id].opened()
        rows.append(
            {
                "organisation_id": pct.id,
                "title": data.title,
                "indicator": data.indicator,
                "source": data.source.value,
                "unit": data.unit,
                "better": data.better.value,
                "baseline_year": data.baseline_year,
                "baseline_value": data.baseline_value,
                "trajectory": [point.model_dump() for point in data.trajectory],
                "created_by_id": accounts[("lead", pct.id)],
                "created_at": created,
                # Recording each actual touches the measure.
                "updated_at": max((_figures_out(year) for year in actual), default=created),
                "version": 1 + len(actual),
            }
        )
    _bulk(session, Outcome, rows, result)
    stored = session.exec(
        select(Outcome.id, Outcome.organisation_id, Outcome.title).order_by(Outcome.id)
    ).all()
    measures: dict[int, list[_Measure]] = {pct.id: [] for pct in pcts}
    actuals = []
    for (outcome_id, organisation_id, title), row, (_pct, _data, actual) in zip(
        stored, rows, planned, strict=True
    ):
        if (organisation_id, title) != (row["organisation_id"], row["title"]) or not outcome_id:
            raise RuntimeError("outcome ids were not given in the order the rows were sent")
        content = {"id": outcome_id} | {key: row[key] for key in OUTCOME_CONTENT}
        measures[organisation_id].append(_Measure(outcome_id, content))
        actuals += [
            {
                "outcome_id": outcome_id,
                "year": year,
                "value": value,
                "recorded_by_id": row["created_by_id"],
                "recorded_at": _figures_out(year),
            }
            for year, value in actual.items()
        ]
    _bulk(session, OutcomeActual, actuals, result)
    return measures


def _panel(
    assessment_id: int,
    plan: _Planned,
    names: dict[tuple[str, int], str],
    reviewer_id: int,
    moved: list[int],
) -> dict[str, Any]:
    """The panel as its reviewer records it with ``put_panel`` at the end of the panel day:
    the SHA's director of commissioning development and its two peers, the PCT's four who
    came, and what the panel explored (``moved``: the competencies it altered)."""
    pct = plan.pct
    return {
        "assessment_id": assessment_id,
        "panel_date": plan.schedule.panel_day,
        "members": [
            {"name": names[(SHA_POST[0], pct.sha_id)], "role": SHA_POST[2]},
            *({"name": name, "role": role} for name, role in PANEL_PEERS[pct.sha_code]),
        ],
        "pct_attendees": [
            {"name": names[(prefix, pct.id)], "role": POST_TITLES[prefix]}
            for prefix in PANEL_ATTENDEES
        ],
        "notes": panel_notes(pct.name, moved),
        "updated_by_id": reviewer_id,
        "updated_at": plan.schedule.panel_recorded(),
        "version": 1,
    }


def _submission(assessment_id: int, plan: _Planned, board_id: int, lead_id: int) -> dict[str, Any]:
    """Round 1 as the lead's ``submit`` keeps it: what the board signed (the self-assessment
    with its criteria, the governance ratings, the presented evidence and outcome measures),
    the sign-off, and the round's digests."""
    cycle, schedule = plan.cycle, plan.schedule
    return {
        "assessment_id": assessment_id,
        "round": 1,
        "submitted_at": schedule.submitted(),
        "submitted_by_id": lead_id,
        "fingerprint": plan.prepared.fingerprint,
        "content": {
            **plan.prepared.content(),
            "sign_off": {
                "signed_off_by_id": board_id,
                "signed_off_at": schedule.signed_off().isoformat(),
                "meeting_date": schedule.board_day.isoformat(),
                "minute_reference": MINUTE_REFERENCE[cycle.name],
            },
        },
        "digests": plan.digests,
    }


def _development_plans(
    session: Session,
    planned: list[_Planned],
    assessment_ids: dict[tuple[int, int | None], int],
    accounts: dict[tuple[str, int], int],
    result: NationalResult,
) -> None:
    """The development plan of each finalised assessment, as its lead recorded it after the
    results, with the progress the lead reported on it (``app.demo.development``): the
    actions in one pass, then their notes."""
    plans: list[tuple[int, int, list[development_story.ActionSeed]]] = []
    for plan in planned:
        if plan.status is not S.FINALISED:
            continue
        pct, cycle = plan.pct, plan.cycle
        seeds = development_story.plan(
            pct.code,
            pct.name,
            cycle.name,
            finalised_at=plan.schedule.finalised(),
            panel=panel_levels(pct.code, cycle.name),
            assessed=plan.framework.numbers,
            places=PLACES.get(pct.code, {}),
        )
        plans.append((assessment_ids[(pct.id, cycle.id)], accounts[("lead", pct.id)], seeds))
    _bulk(
        session,
        DevelopmentAction,
        (
            {
                "assessment_id": aid,
                "competency_number": seed.competency_number,
                "action": seed.action,
                "owner": seed.owner,
                "due_on": seed.due_on,
                "support": seed.support.value,
                "support_note": seed.support_note,
                "status": seed.status.value,
                "created_by_id": lead,
                "created_at": seed.created_at,
                "updated_by_id": lead,
                "updated_at": seed.updated_at,
                "version": seed.version,
            }
            for aid, lead, seeds in plans
            for seed in seeds
        ),
        result,
    )
    action_ids = {
        (aid, number): action_id
        for action_id, aid, number in session.exec(
            select(
                DevelopmentAction.id,
                DevelopmentAction.assessment_id,
                DevelopmentAction.competency_number,
            )
        ).all()
    }
    _bulk(
        session,
        ProgressNote,
        (
            {
                "action_id": action_ids[(aid, seed.competency_number)],
                "status": note.status.value,
                "note": note.note,
                "written_by_id": lead,
                "written_at": note.written_at,
            }
            for aid, lead, seeds in plans
            for seed in seeds
            for note in seed.notes
        ),
        result,
    )


def load_national(session: Session, *, evidence_items: int = TOTAL_EVIDENCE) -> NationalResult:
    """Fill an empty database (or finish nothing if already loaded) with national-scale data.

    Needs each PCT's key documents at the least (``COMMON_EVIDENCE``, for every PCT)."""
    result = NationalResult()
    if session.exec(select(Organisation.id).where(col(Organisation.code) == "Q30")).first():
        return result
    if session.exec(select(Organisation.id).limit(1)).first():
        raise Conflict("The national data set needs a database of its own: this one has data")
    pct_count = sum(count for _sha, _region, count in SHA_REGIONS)
    if evidence_items < pct_count * len(COMMON_EVIDENCE):
        raise ValueError(
            f"{evidence_items} evidence items are too few: each of the {pct_count} PCTs needs "
            f"its {len(COMMON_EVIDENCE)} key documents, which cover every competency each year"
        )
    rng = random.Random(2008)
    pcts, users = _organisations_and_users(session, rng, result)
    accounts = _accounts(session)
    names = {
        (u["email"].split(".", 1)[0], u["organisation_id"]): u["full_name"]
        for u in users
        if u["organisation_id"] is not None
    }

    cycles: list[Cycle] = []
    for seed in CYCLES:
        cycle = cycle_service.find_by_name(session, seed.name)
        if cycle is None:
            with clock.frozen_at(timeline.cycle_created(seed.opens_on)):
                cycle = cycle_service.create_cycle(
                    session,
                    SYSTEM,
                    name=seed.name,
                    opens_on=seed.opens_on,
                    submission_due=seed.submission_due,
                    review_due=seed.review_due,
                    framework_version=assurance.FRAMEWORKS[seed.name],
                    assessed_competencies=list(ASSESSED[seed.name]),
                    provisional_step=seed.provisional_step,
                )
            result.created["cycle"] = result.created.get("cycle", 0) + 1
        cycles.append(cycle)
    frameworks = {cycle.id: framework_service.for_cycle(cycle) for cycle in cycles}
    schedules = {
        (cycle.id or 0, pct.id): schedule_for(cycle, pct.code) for cycle in cycles for pct in pcts
    }

    last_meeting = {pct.id: schedules[(cycles[-1].id or 0, pct.id)].board_day for pct in pcts}
    evidence = _evidence(session, rng, evidence_items, pcts, last_meeting, accounts, result)
    # The outcome measures, with the actuals known by the year before the last review.
    first = {pct.id: schedules[(cycles[0].id or 0, pct.id)] for pct in pcts}
    through = max(cycle.review_due.year for cycle in cycles) - 1
    measures = _outcomes(session, pcts, first, accounts, through, result)

    # Each assessment's self-assessment (scores, with criteria where the framework has them),
    # what it presents (every item of the cycle's assurance year dated on or before the
    # board's meeting, and every outcome measure of the PCT, also in draft), its governance
    # ratings (once signed off, and in some drafts), and what its board signed (nothing, in
    # draft).
    planned: list[_Planned] = []
    assessments = []
    for cycle in cycles:
        framework = frameworks[cycle.id]
        start, _end = cycle.period
        for position, pct in enumerate(pcts):
            schedule = schedules[(cycle.id or 0, pct.id)]
            meeting = schedule.board_day
            status = _status(cycle, pct, position)
            scores, criteria = _self_assessment(pct, cycle, framework)
            prepared = _Signed(
                scores=scores,
                evidence=[e for e in evidence[pct.id] if start <= e.occurred_on <= meeting],
                criteria=criteria,
                governance=(
                    _own_governance(pct, cycle) if _governance_rated(status, position) else []
                ),
                outcomes=[measure.content for measure in measures[pct.id]],
            )
            plan = _Planned(cycle, framework, pct, position, schedule, status, prepared)
            planned.append(plan)
            signed = status in SIGNED_OFF_OR_LATER
            sent = status in SUBMITTED_OR_LATER
            reviewer = accounts[(SHA_POST[0], pct.sha_id)]
            assessments.append(
                {
                    "organisation_id": pct.id,
                    "cycle_id": cycle.id,
                    "status": status.value,
                    "signed_off_at": schedule.signed_off() if signed else None,
                    "signed_off_by_id": accounts[("board", pct.id)] if signed else None,
                    "signed_off_fingerprint": prepared.fingerprint if signed else None,
                    "signed_off_meeting_date": meeting if signed else None,
                    "signed_off_minute_reference": MINUTE_REFERENCE[cycle.name] if signed else None,
                    "sign_off_withdrawn_at": None,
                    "sign_off_withdrawn_by_id": None,
                    "sign_off_withdrawn_reason": None,
                    "last_signed_digests": plan.digests if signed else None,
                    "submitted_at": schedule.submitted() if sent else None,
                    "submitted_by_id": accounts[("lead", pct.id)] if sent else None,
                    "returned_at": schedule.returned() if status is S.RETURNED else None,
                    "return_reason": RETURN_REASON if status is S.RETURNED else None,
                    "finalised_at": schedule.finalised() if status is S.FINALISED else None,
                    "finalised_by_id": reviewer if status is S.FINALISED else None,
                    "provisional_at": schedule.shared() if status in SHARED else None,
                    "provisional_by_id": reviewer if status in SHARED else None,
                    "created_at": schedule.opened(),
                    "updated_at": _last_move(schedule, status),
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
    selfs, criterion_scores, governance, reviews, criterion_reviews = [], [], [], [], []
    governance_reviews, ratings, points = [], [], []
    shared: list[dict[str, Any]] = []
    panels: list[dict[str, Any]] = []
    presented_outcomes = []
    snapshots: list[tuple[int, datetime, list[_Logged]]] = []
    submissions: list[tuple[int, _Planned]] = []
    values = list(EvidenceRatingValue)
    for plan in planned:
        cycle, pct, schedule, status = plan.cycle, plan.pct, plan.schedule, plan.status
        aid = assessment_ids[(pct.id, cycle.id)]
        lead = accounts[("lead", pct.id)]
        reviewer = accounts[(SHA_POST[0], pct.sha_id)]
        # A competency scored through criteria: the last criterion's level writes its score
        # (version 1), which the lead's rationale then updates (version 2).
        derived = {number for number, _criterion in plan.prepared.criteria}
        for score in plan.scores:
            number = score["competency_number"]
            selfs.append(
                {
                    **score,
                    "assessment_id": aid,
                    "updated_by_id": lead,
                    "updated_at": schedule.self_scored(number),
                    "version": 2 if number in derived else 1,
                }
            )
        criterion_scores += [
            {
                **criterion,
                "assessment_id": aid,
                "competency_number": number,
                "updated_by_id": lead,
                "updated_at": schedule.self_scored(number),
                "version": 1,
            }
            for number, criterion in plan.prepared.criteria
        ]
        governance += [
            {
                **rating,
                "assessment_id": aid,
                "updated_by_id": lead,
                "updated_at": schedule.presented(),
                "version": 1,
            }
            for rating in plan.prepared.governance
        ]
        presented_outcomes += [
            {
                "assessment_id": aid,
                "outcome_id": outcome["id"],
                "added_by_id": lead,
                "added_at": schedule.presented(),
            }
            for outcome in plan.prepared.outcomes
        ]
        if status in REVIEWED:
            own = {score["competency_number"]: score["level"] for score in plan.scores}
            panel = panel_levels(pct.code, cycle.name)
            criterion_levels: dict[str, int] = {}
            for number in plan.framework.numbers:
                parts = _criteria(
                    plan.framework, pct.code, f"panel-{cycle.name}", number, panel[number]
                )
                criterion_levels.update(parts)
                criterion_reviews += [
                    {
                        "assessment_id": aid,
                        "competency_number": number,
                        "criterion": criterion,
                        "level": level,
                        "comment": "",
                        "reviewer_id": reviewer,
                        "scored_at": schedule.reviewed(number),
                        "version": 1,
                    }
                    for criterion, level in parts
                ]
                reviews.append(
                    {
                        "assessment_id": aid,
                        "competency_number": number,
                        "level": panel[number],
                        "comment": review_comment(cycle.name, number, own[number], panel[number]),
                        "reviewer_id": reviewer,
                        "scored_at": schedule.reviewed(number),
                        "version": 2 if parts else 1,
                    }
                )
            # The panel rates governance after the competencies.
            after = len(plan.framework.numbers)
            board = assurance.own_governance(pct.code, cycle.name)
            found = assurance.panel_governance(pct.code, cycle.name)
            governance_reviews += [
                {
                    "assessment_id": aid,
                    "area": area.value,
                    "rating": found[area].value,
                    "comment": assurance.panel_comment(board[area], found[area]),
                    "reviewer_id": reviewer,
                    "reviewed_at": schedule.reviewed(after + 1 + index),
                    "version": 1,
                }
                for index, area in enumerate(_governance_reviewed(status, plan.position))
            ]
            panels.append(
                _panel(
                    aid,
                    plan,
                    names,
                    reviewer,
                    [n for n in plan.framework.numbers if panel[n] != own[n]],
                )
            )
            if status in SHARED:
                # The panel's ratings shared with the PCT: still to be checked, or accepted
                # as they stand by its lead (finalised without moderation).
                checked = status is S.FINALISED
                shared.append(
                    {
                        "assessment_id": aid,
                        "round": 1,
                        "issued_at": schedule.shared(),
                        "issued_by_id": reviewer,
                        "levels": {
                            "competencies": {str(n): panel[n] for n in plan.framework.numbers},
                            "criteria": criterion_levels,
                            "governance": {area.value: found[area].value for area in AREAS},
                        },
                        "responded_at": schedule.facts_checked() if checked else None,
                        "responded_by_id": lead if checked else None,
                        "comments": [],
                    }
                )
        if status not in SUBMITTED_OR_LATER:
            continue
        frozen = plan.presented
        snapshots.append((aid, schedule.submitted(), frozen))
        submissions.append((aid, plan))
        if status in REVIEWED:
            ratings += [
                {
                    "assessment_id": aid,
                    "evidence_id": item.id,
                    "rating": values[i % len(values)].value,
                    "comment": "",
                    "reviewer_id": reviewer,
                    "rated_at": schedule.rated(i),
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
                    "raised_at": schedule.returned(),
                    "response": None,
                    "responded_by_id": None,
                    "responded_at": None,
                    "version": 1,
                }
                for number, request in RETURN_POINTS
            ]
    _bulk(session, CriterionScore, criterion_scores, result)
    _bulk(session, SelfScore, selfs, result)
    _bulk(session, GovernanceRating, governance, result)
    _bulk(
        session,
        PresentedEvidence,
        (
            {
                "assessment_id": assessment_ids[(plan.pct.id, plan.cycle.id)],
                "evidence_id": item.id,
                "added_by_id": accounts[("lead", plan.pct.id)],
                "added_at": plan.schedule.presented(),
            }
            for plan in planned
            for item in plan.presented
        ),
        result,
    )
    _bulk(session, PresentedOutcome, presented_outcomes, result)
    _bulk(session, ReviewCriterionScore, criterion_reviews, result)
    _bulk(session, ReviewScore, reviews, result)
    _bulk(session, GovernanceReview, governance_reviews, result)
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
            _submission(
                aid, plan, accounts[("board", plan.pct.id)], accounts[("lead", plan.pct.id)]
            )
            for aid, plan in submissions
        ),
        result,
        size=SUBMISSION_BATCH,
    )
    _bulk(session, EvidenceRating, ratings, result)
    _bulk(session, ReturnPoint, points, result)
    _bulk(session, Panel, panels, result)
    _bulk(session, ProvisionalRating, shared, result)
    _development_plans(session, planned, assessment_ids, accounts, result)
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
    first = pcts[0]
    result.sign_ins = [
        (Role.ADMIN.value, "-", users[0]["email"], DEMO_PASSWORD),
        (
            Role.SHA_REVIEWER.value,
            first.sha_code,
            f"{SHA_POST[0]}.{first.sha_code.lower()}@{DEMO_DOMAIN}",
            DEMO_PASSWORD,
        ),
        (
            Role.PCT_LEAD.value,
            first.code,
            f"lead.{first.code.lower()}@{DEMO_DOMAIN}",
            DEMO_PASSWORD,
        ),
    ]
    return result
