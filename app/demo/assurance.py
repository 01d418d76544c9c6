"""The rest of each demo PCT's assurance record: which framework each year used, its
governance ratings (the board's and the panel's), its outcome measures, and its criterion
levels. Deterministic, and shaped like the national picture: in 2008/09 about half of PCTs
were green on board, two in five on finance and under a third on strategy; Year 2 more so.

The outcome measures are the kinds PCTs chose (smoking, alcohol-related admissions, deaths
from cardiovascular disease, teenage conceptions); their figures are illustrative, not any
PCT's own, and their indicator text says so.
"""

from __future__ import annotations

import random
from typing import Any

from app.demo.data import FIRST_CYCLE, strength
from app.framework.models import Criterion
from app.governance.models import GovernanceArea, Rag

# The framework each year was scored against.
FRAMEWORKS = {"2008/09": "wcc-2008", "2009/10": "wcc-2009"}

# How likely each area was to be green, amber or red, by year (national results: board green
# 47% then 61%, finance 40% then 43%, strategy about 30%; red was rare, and gone by Year 2's
# triple reds).
_GREEN = {
    "2008/09": {
        GovernanceArea.BOARD: 0.47,
        GovernanceArea.FINANCE: 0.40,
        GovernanceArea.STRATEGY: 0.30,
    },
    "2009/10": {
        GovernanceArea.BOARD: 0.61,
        GovernanceArea.FINANCE: 0.43,
        GovernanceArea.STRATEGY: 0.42,
    },
}
_RED = {"2008/09": 0.08, "2009/10": 0.03}


def _rating(pct_code: str, cycle: str, area: GovernanceArea, draw: str) -> Rag:
    roll = random.Random(f"{draw}-{pct_code}-{cycle}-{area.value}").random()
    # A stronger commissioner is more often green: shift the draw by its strength.
    roll -= strength(pct_code, cycle) * 0.6
    if roll < _GREEN[cycle][area]:
        return Rag.GREEN
    if roll > 1 - _RED[cycle]:
        return Rag.RED
    return Rag.AMBER


def panel_governance(pct_code: str, cycle: str) -> dict[GovernanceArea, Rag]:
    """The SHA panel's rating of each area."""
    return {area: _rating(pct_code, cycle, area, "panel") for area in GovernanceArea}


def own_governance(pct_code: str, cycle: str) -> dict[GovernanceArea, Rag]:
    """The board's own rating: the panel's, except that a board now and then rated itself one
    step better than the panel found it."""
    panel = panel_governance(pct_code, cycle)
    own = {}
    for area, rating in panel.items():
        hopeful = random.Random(f"own-{pct_code}-{cycle}-{area.value}").random() < 0.15
        if hopeful and rating is not Rag.GREEN:
            rating = Rag.GREEN if rating is Rag.AMBER else Rag.AMBER
        own[area] = rating
    return own


_PLAN = {
    "2008/09": "Strategic Plan 2008/09–2012/13",  # noqa: RUF001 (the title uses an en dash)
    "2009/10": "the refreshed Strategic Plan",
}
NARRATIVE = {
    GovernanceArea.STRATEGY: (
        "The board approved {plan} after consultation with the council, providers and the "
        "Professional Executive Committee, and reviews delivery against it each quarter. "
        "{more}"
    ),
    GovernanceArea.FINANCE: (
        "{pct} ended the year in balance and the Financial Strategy matches the plan's "
        "investments year by year. {more}"
    ),
    GovernanceArea.BOARD: (
        "The board sees provider performance reports, the assurance framework and the corporate "
        "risk register at every meeting, and minutes the actions it takes. {more}"
    ),
}
_MORE = {
    Rag.GREEN: "We believe there are no concerns the panel needs to raise.",
    Rag.AMBER: "Some links are not yet firm, and the board has an action plan to close them.",
    Rag.RED: "The board recognises serious gaps and has asked for support from the SHA.",
}
PANEL_COMMENT = {
    Rag.GREEN: "The panel has no concerns.",
    Rag.AMBER: "The panel has some concerns and asks the board to report progress at mid-year.",
    Rag.RED: "The panel has serious concerns; the SHA will agree a development plan with the PCT.",
}


def narrative(pct_name: str, cycle: str, area: GovernanceArea, rating: Rag) -> str:
    return NARRATIVE[area].format(plan=_PLAN[cycle], pct=pct_name, more=_MORE[rating])


def panel_comment(own: Rag, panel: Rag) -> str:
    said = PANEL_COMMENT[panel]
    if own is not panel:
        said += (
            f" The board rated itself {own.label.lower()}; the evidence at the panel did not "
            "bear that out."
        )
    return said


# Outcome measures ------------------------------------------------------------------------------

BASELINE_YEAR = 2008
TRAJECTORY_YEARS = tuple(range(2009, 2014))
ILLUSTRATIVE = " The figures in this demonstration are illustrative, not the PCT's own."
# (title, indicator, source, unit, better, typical baseline, yearly change aimed for)
OUTCOMES: tuple[tuple[str, str, str, str, str, float, float], ...] = (
    (
        "Smoking prevalence in adults",
        "Adults who smoke, from the integrated household survey.",
        "vital_signs",
        "% of adults",
        "lower",
        24.0,
        -0.8,
    ),
    (
        "Alcohol-related hospital admissions",
        "Admissions attributable to alcohol per 100,000 population, directly age-standardised.",
        "vital_signs",
        "per 100,000",
        "lower",
        1600.0,
        -35.0,
    ),
    (
        "Deaths from cardiovascular disease under 75",
        "Deaths from all circulatory diseases under 75 per 100,000, directly age-standardised.",
        "national",
        "per 100,000",
        "lower",
        88.0,
        -3.0,
    ),
    (
        "Under-18 conception rate",
        "Conceptions to women aged under 18 per 1,000 women aged 15 to 17.",
        "laa",
        "per 1,000",
        "lower",
        44.0,
        -2.0,
    ),
)


def outcome_measures(pct_code: str) -> list[dict[str, Any]]:
    """The PCT's outcome measures, as the outcomes API takes them."""
    rng = random.Random(f"outcomes-{pct_code}")
    measures = []
    for title, indicator, source, unit, better, typical, step in OUTCOMES:
        baseline = round(typical * rng.uniform(0.85, 1.2), 1)
        measures.append(
            {
                "title": title,
                "indicator": indicator + ILLUSTRATIVE,
                "source": source,
                "unit": unit,
                "better": better,
                "baseline_year": BASELINE_YEAR,
                "baseline_value": baseline,
                "trajectory": [
                    {"year": year, "value": round(baseline + step * (year - BASELINE_YEAR), 1)}
                    for year in TRAJECTORY_YEARS
                ],
            }
        )
    return measures


def actuals(pct_code: str, measure: dict[str, Any], through: int) -> dict[int, float]:
    """The values a measure actually reached, year by year up to ``through``: near the
    trajectory, a stronger PCT more often on or ahead of it."""
    rng = random.Random(f"actuals-{pct_code}-{measure['title']}")
    lean = strength(pct_code, FIRST_CYCLE)
    values = {}
    for point in measure["trajectory"]:
        if point["year"] > through:
            break
        aimed = point["value"]
        miss = rng.gauss(-lean * 0.02, 0.03)  # a share of the value: below 0 is better
        values[point["year"]] = round(aimed * (1 + miss), 1)
    return values


# Criteria ----------------------------------------------------------------------------------------


def criterion_levels(pct_code: str, cycle: str, number: int, level: int, count: int) -> list[int]:
    """Levels for a competency's criteria whose lowest is ``level`` (the framework's rule):
    the others at it or one above."""
    if not count:
        return []
    rng = random.Random(f"criteria-{pct_code}-{cycle}-{number}-{level}")
    levels = [min(level + (rng.random() < 0.4), 4) for _ in range(count)]
    levels[rng.randrange(count)] = level
    return levels


def criterion_rationale(criterion: Criterion, level: int) -> str:
    """The board's reason for a criterion's level: the level's description, as it saw itself."""
    first = criterion.descriptor(level).split(". ")[0].rstrip(".")
    return f"We see ourselves at level {level}: {first[0].lower()}{first[1:]}."
