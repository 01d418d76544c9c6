"""Where an outcome measure stands against its trajectory: the value aimed for in a year, and
whether the actual is on or behind it. One rule, for the pages and the reports alike.

The trajectory is what the PCT aimed for, year by year, from its baseline; the actuals are
what the measure reached. A year between two points of the trajectory is aimed at the value
on the straight line between them; a year after the last point keeps the last point's value.
An actual is on trajectory when, shown to the measure's own decimals, it is as good as the aim
or better in the measure's better direction.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.outcomes.models import Better, Outcome


class Standing(StrEnum):
    ON = "on"
    BEHIND = "behind"
    NO_ACTUAL = "no_actual"
    NO_AIM = "no_aim"


@dataclass(frozen=True)
class Status:
    """Where a measure's latest actual stands against what was aimed for that year."""

    standing: Standing
    text: str
    year: int | None = None

    @property
    def on_trajectory(self) -> bool | None:
        """True on or ahead of trajectory, False behind, None when it cannot be told."""
        if self.standing is Standing.ON:
            return True
        if self.standing is Standing.BEHIND:
            return False
        return None

    @property
    def short(self) -> str:
        return {
            Standing.ON: "On trajectory",
            Standing.BEHIND: "Behind trajectory",
            Standing.NO_ACTUAL: "No actual yet",
            Standing.NO_AIM: "Before the trajectory",
        }[self.standing]


def aimed_points(outcome: Outcome) -> list[tuple[int, float]]:
    """The baseline and then each point of the trajectory, by year."""
    points = {outcome.baseline_year: float(outcome.baseline_value)}
    for point in outcome.trajectory:
        points[int(point["year"])] = float(point["value"])
    return sorted(points.items())


def aimed_for(outcome: Outcome, year: int) -> float | None:
    """The value aimed for in ``year``; None up to the baseline year (nothing was aimed)."""
    points = aimed_points(outcome)
    if year <= outcome.baseline_year or len(points) < 2:
        return None
    for (y0, v0), (y1, v1) in itertools.pairwise(points):
        if y0 < year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def decimals(values: Sequence[float]) -> int:
    """The decimal places that show every value of a measure as recorded (at most 2), so a
    measure's numbers all read alike: 22.9 against 23.0."""
    places = 0
    for value in values:
        for n in range(3):
            if math.isclose(round(value, n), value, abs_tol=1e-9):
                places = max(places, n)
                break
        else:
            places = 2
    return places


def measure_values(outcome: Outcome, actuals: Mapping[int, float]) -> list[float]:
    return [v for _, v in aimed_points(outcome)] + list(actuals.values())


def number(value: float, places: int) -> str:
    return f"{value:,.{places}f}"


def meets(better: Better, aim: float, actual: float, places: int) -> bool:
    """The actual is as good as the aim or better, compared as shown (to ``places``)."""
    shown_aim, shown_actual = round(aim, places), round(actual, places)
    return shown_actual <= shown_aim if better is Better.LOWER else shown_actual >= shown_aim


def status(outcome: Outcome, actuals: Mapping[int, float]) -> Status:
    """ "On trajectory in 2009 (22.9 against 23.0 aimed)", "Behind trajectory in …" or "No
    actual recorded yet", for the latest year with an actual."""
    if not actuals:
        return Status(Standing.NO_ACTUAL, "No actual recorded yet")
    year = max(actuals)
    actual = actuals[year]
    places = decimals(measure_values(outcome, actuals))
    aim = aimed_for(outcome, year)
    if aim is None:
        first = aimed_points(outcome)[1][0] if outcome.trajectory else None
        starts = f"; the trajectory starts in {first}" if first else ""
        return Status(
            Standing.NO_AIM,
            f"Latest actual is for {year} ({number(actual, places)}), the baseline year or "
            f"before{starts}",
            year,
        )
    on = meets(outcome.better, aim, actual, places)
    standing = Standing.ON if on else Standing.BEHIND
    words = "On trajectory" if on else "Behind trajectory"
    return Status(
        standing,
        f"{words} in {year} ({number(actual, places)} against {number(aim, places)} aimed)",
        year,
    )
