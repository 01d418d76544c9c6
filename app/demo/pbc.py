"""The demo's PBC register: each demo PBC group's register entry, recorded by its PCT's lead
when the year's indicative budget was shared, and the business cases the group put to its PCT
over 2008 to 2010, each recorded on the day after its last step.

Real: Leodis Healthcare's 30 member practices, 126 GPs and just over 203,000 patients (seed
000); WyvernHealth.Com's 71 of Somerset's 75 practices (seed 001). Everything else here (GP
counts and list sizes not named above, every budget, date, tier and business case) is
fictional.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from app import clock
from app.actors import Actor
from app.pbc import service
from app.pbc.models import Decision, EarnedAutonomy
from app.pbc.schemas import BusinessCaseCreate, RegisterWrite


@dataclass(frozen=True)
class EntrySeed:
    practice_count: int
    gp_count: int
    list_size: int
    budget_pounds: int
    shared_on: date
    tier: EarnedAutonomy


@dataclass(frozen=True)
class CaseSeed:
    title: str
    submitted_on: date
    decided_on: date | None = None
    decision: Decision | None = None
    implemented_on: date | None = None
    freed_pounds: int | None = None

    @property
    def recorded_at(self) -> datetime:
        """The day after its last step, at ten in the morning."""
        last = self.implemented_on or self.decided_on or self.submitted_on
        return datetime.combine(last + timedelta(days=1), time(10), tzinfo=UTC)


A, R, D = Decision.APPROVED, Decision.REJECTED, Decision.DEFERRED

REGISTERS: dict[str, EntrySeed] = {
    # Real: 30 practices, 126 GPs, just over 203,000 patients. Budget, date, tier fictional.
    "5N1-LEO": EntrySeed(30, 126, 203_000, 98_400_000, date(2009, 4, 1), EarnedAutonomy.LEVEL_2),
    # Real: 71 of the county's 75 practices. GPs, list, budget, date and tier fictional.
    "5QL-WYV": EntrySeed(71, 342, 490_000, 231_000_000, date(2009, 4, 20), EarnedAutonomy.LEVEL_3),
    # Fictional, from here on.
    "5C4-NEL": EntrySeed(9, 38, 60_000, 31_500_000, date(2009, 6, 1), EarnedAutonomy.LEVEL_1),
    "5N2-NKC": EntrySeed(24, 97, 185_000, 88_200_000, date(2009, 5, 11), EarnedAutonomy.LEVEL_1),
    "5A4-HPC": EntrySeed(17, 64, 118_000, 57_900_000, date(2009, 7, 6), EarnedAutonomy.NONE),
}

# Every business case is fictional.
CASES: dict[str, tuple[CaseSeed, ...]] = {
    "5N1-LEO": (
        CaseSeed(
            "Community dermatology clinics in four practices",
            date(2008, 10, 6),
            date(2008, 11, 24),
            A,
            date(2009, 2, 2),
            310_000,
        ),
        CaseSeed(
            "Practice-based anticoagulation monitoring",
            date(2009, 3, 16),
            date(2009, 7, 27),
            A,
            date(2009, 10, 5),
            185_000,
        ),
        CaseSeed("Direct access to echocardiography", date(2009, 9, 7), date(2009, 10, 19), D),
        CaseSeed("Intermediate care beds for step-down from hospital", date(2010, 1, 18)),
    ),
    "5QL-WYV": (
        CaseSeed(
            "Community musculoskeletal service",
            date(2008, 9, 1),
            date(2008, 10, 13),
            A,
            date(2009, 1, 5),
            420_000,
        ),
        CaseSeed(
            "GP with special interest in ophthalmology", date(2009, 2, 9), date(2009, 6, 29), R
        ),
        CaseSeed(
            "Falls prevention with the county council",
            date(2009, 11, 2),
            date(2009, 12, 14),
            A,
            date(2010, 3, 1),
            95_000,
        ),
        CaseSeed("Minor surgery in the Frome practices", date(2010, 3, 22)),
        CaseSeed(
            "Diabetes education for newly diagnosed patients",
            date(2009, 6, 8),
            date(2009, 7, 20),
            A,
            date(2009, 9, 14),
            60_000,
        ),
    ),
    "5C4-NEL": (
        CaseSeed(
            "Practice-based spirometry for COPD",
            date(2009, 1, 12),
            date(2009, 5, 11),
            A,
            date(2009, 8, 3),
            48_000,
        ),
        CaseSeed(
            "Extended hours at Bow Road Health Centre", date(2009, 10, 5), date(2009, 11, 2), R
        ),
    ),
    "5N2-NKC": (
        CaseSeed(
            "Community gynaecology clinic",
            date(2009, 4, 6),
            date(2009, 5, 18),
            A,
            date(2009, 8, 10),
            120_000,
        ),
        CaseSeed("Near-patient testing for warfarin", date(2009, 8, 3), date(2009, 11, 30), D),
        CaseSeed("Heart failure nurse for the consortium", date(2010, 2, 1)),
    ),
    "5A4-HPC": (
        CaseSeed(
            "Community phlebotomy in three practices",
            date(2009, 7, 13),
            date(2009, 8, 24),
            A,
            date(2009, 10, 12),
            35_000,
        ),
        CaseSeed("Care home GP cover", date(2009, 12, 7), date(2010, 4, 26), R),
    ),
}


# Fictional: the cases a group without its own list above puts to its PCT.
STOCK_CASES: tuple[tuple[str, CaseSeed], ...] = (
    (
        "Community ophthalmology triage",
        CaseSeed("", date(2008, 11, 3), date(2008, 12, 15), A, date(2009, 3, 2), 140_000),
    ),
    ("Practice-based ECGs", CaseSeed("", date(2009, 5, 18), date(2009, 9, 28), R)),
    ("Shared care for drug misusers", CaseSeed("", date(2009, 10, 12), date(2009, 11, 23), D)),
    ("Pulmonary rehabilitation in the community", CaseSeed("", date(2010, 4, 6))),
)


def _stock_entry(code: str, population: int | None) -> EntrySeed:
    """A plausible, fictional entry for a group without its own: about one GP to 1,650
    patients, about £480 a head, and a practice to 6,500."""
    patients = population or 100_000
    rng = random.Random(code)
    return EntrySeed(
        max(1, patients // 6_500),
        max(1, patients // 1_650),
        patients,
        patients * 480 // 1_000 * 1_000,
        date(2009, 4, rng.randint(1, 30)),
        rng.choice(list(EarnedAutonomy)),
    )


def _stock_cases(code: str) -> tuple[CaseSeed, ...]:
    count = random.Random(code).randint(2, len(STOCK_CASES))
    return tuple(replace(seed, title=title) for title, seed in STOCK_CASES[:count])


def _moment(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(9), tzinfo=UTC)


def load(
    session: Session,
    lead_of: Callable[[str], Actor],
    groups: dict[str, tuple[str, int | None]],
) -> None:
    """Each demo group's register entry and business cases, recorded by its PCT's lead
    (``groups``: group code → its PCT's code and its population); what is there already is
    left as it is."""
    for code, (pct_code, population) in groups.items():
        lead = lead_of(pct_code)
        record = service.group_record(session, lead, code)
        seed = REGISTERS.get(code) or _stock_entry(code, population)
        if record.entry is None:
            data = RegisterWrite(
                practice_count=seed.practice_count,
                gp_count=seed.gp_count,
                list_size=seed.list_size,
                indicative_budget=seed.budget_pounds * 100,
                budget_shared_on=seed.shared_on,
                earned_autonomy=seed.tier,
            )
            with clock.frozen_at(_moment(seed.shared_on)):
                service.put_register(session, lead, code, data=data)
        titles = {case.title for case in record.cases}
        seeds = CASES.get(code) or _stock_cases(code)
        for case in sorted(seeds, key=lambda c: c.recorded_at):
            if case.title in titles:
                continue
            body = BusinessCaseCreate(
                title=case.title,
                submitted_on=case.submitted_on,
                decided_on=case.decided_on,
                decision=case.decision,
                implemented_on=case.implemented_on,
                freed_up_resources=None if case.freed_pounds is None else case.freed_pounds * 100,
            )
            with clock.frozen_at(case.recorded_at):
                service.add_case(session, lead, code, data=body)
