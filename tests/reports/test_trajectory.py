"""An outcome measure's trajectory against its actuals: the status line, and the chart as SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from app.outcomes.models import Better, Outcome, OutcomeSource
from app.outcomes.standing import Standing, aimed_for, status
from app.reports.trajectory import trajectory_svg

SVG = "{http://www.w3.org/2000/svg}"


def _outcome(**changes: Any) -> Outcome:
    fields: dict[str, Any] = {
        "organisation_id": 1,
        "title": "Smoking prevalence in adults",
        "indicator": "Adults who smoke",
        "source": OutcomeSource.VITAL_SIGNS,
        "unit": "% of adults",
        "better": Better.LOWER,
        "baseline_year": 2008,
        "baseline_value": 24.0,
        "trajectory": [{"year": y, "value": 24.0 - (y - 2008)} for y in range(2009, 2014)],
    }
    return Outcome(**{**fields, **changes})


BREASTFEEDING = {
    "title": "Breastfeeding at 6 to 8 weeks",
    "unit": "% of infants",
    "better": Better.HIGHER,
    "baseline_value": 42.0,
    "trajectory": [{"year": y, "value": 42.0 + 3 * (y - 2008)} for y in range(2009, 2014)],
}


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("changes", "actuals", "standing", "text"),
    [
        ({}, {2009: 22.9}, Standing.ON, "On trajectory in 2009 (22.9 against 23.0 aimed)"),
        ({}, {2009: 23.0}, Standing.ON, "On trajectory in 2009 (23 against 23 aimed)"),
        ({}, {2009: 23.4}, Standing.BEHIND, "Behind trajectory in 2009 (23.4 against 23.0 aimed)"),
        # The latest year counts, not the best one.
        (
            {},
            {2009: 22.0, 2010: 22.5},
            Standing.BEHIND,
            "Behind trajectory in 2010 (22.5 against 22.0 aimed)",
        ),
        ({}, {}, Standing.NO_ACTUAL, "No actual recorded yet"),
        (
            BREASTFEEDING,
            {2009: 43.5},
            Standing.BEHIND,
            "Behind trajectory in 2009 (43.5 against 45.0 aimed)",
        ),
        (BREASTFEEDING, {2009: 46}, Standing.ON, "On trajectory in 2009 (46 against 45 aimed)"),
        # A year between two points is aimed at the straight line between them; a year after
        # the last point at the last point.
        (
            {"trajectory": [{"year": 2009, "value": 23.0}, {"year": 2011, "value": 21.0}]},
            {2010: 21.8},
            Standing.ON,
            "On trajectory in 2010 (21.8 against 22.0 aimed)",
        ),
        (
            {"trajectory": [{"year": 2009, "value": 23.0}]},
            {2012: 23.5},
            Standing.BEHIND,
            "Behind trajectory in 2012 (23.5 against 23.0 aimed)",
        ),
        (
            {},
            {2008: 24.1},
            Standing.NO_AIM,
            "Latest actual is for 2008 (24.1), the baseline year or before; the trajectory "
            "starts in 2009",
        ),
    ],
)
def test_the_status_compares_the_latest_actual_with_the_value_aimed_for_that_year(
    changes: dict[str, Any], actuals: dict[int, float], standing: Standing, text: str
) -> None:
    found = status(_outcome(**changes), actuals)
    assert found.standing is standing
    assert found.text == text


def test_nothing_is_aimed_for_up_to_the_baseline_year() -> None:
    outcome = _outcome()
    assert aimed_for(outcome, 2008) is None
    assert aimed_for(outcome, 2011) == 21.0
    assert aimed_for(outcome, 2020) == 19.0


def test_a_lower_is_better_chart_says_so_with_its_key_years_and_unit() -> None:
    svg = str(trajectory_svg(_outcome(), {2009: 22.9, 2010: 22.1}))
    texts = _texts(svg)  # parses: the chart is well-formed SVG
    assert "Lower is better \u2193" in texts
    assert "Higher is better" not in svg
    assert {"Aimed for", "Actual", "Baseline", "% of adults"} <= set(texts)
    assert [t for t in texts if re.fullmatch(r"20\d\d", t)] == [str(y) for y in range(2008, 2014)]
    assert "baseline" in texts
    # Values in the unit along the side: round numbers that hold 19 to 24.
    values = [float(t) for t in texts if re.fullmatch(r"\d+(\.\d+)?", t)]
    assert min(values) <= 19 and max(values) >= 24
    assert "22.1" in texts  # the latest actual is labelled
    root = ET.fromstring(svg)
    lines = {p.get("class"): p.get("points", "").split() for p in root.iter(f"{SVG}polyline")}
    assert len(lines["aim"]) == 6  # the baseline and five years aimed for
    assert len(lines["actual"]) == 3  # from the baseline through two actuals
    assert root.get("role") == "img" and "Smoking prevalence" in (root.get("aria-label") or "")


def test_a_higher_is_better_chart_points_up_and_rises_with_its_trajectory() -> None:
    svg = str(trajectory_svg(_outcome(**BREASTFEEDING), {2009: 43.5}))
    texts = _texts(svg)
    assert "Higher is better \u2191" in texts
    assert "Lower is better" not in svg
    assert "% of infants" in texts
    root = ET.fromstring(svg)
    [aim] = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "aim"]
    heights = [float(point.split(",")[1]) for point in (aim.get("points") or "").split()]
    assert heights == sorted(heights, reverse=True)  # SVG's y grows downwards: a rising line


def test_a_measure_without_actuals_is_drawn_from_its_baseline_alone() -> None:
    svg = str(trajectory_svg(_outcome(), {}))
    root = ET.fromstring(svg)
    classes = [p.get("class") for p in root.iter(f"{SVG}polyline")]
    assert classes == ["aim"]
    assert [r.get("class") for r in root.iter(f"{SVG}rect")].count("baseline-dot") == 2


def test_the_unit_is_user_text_and_is_escaped() -> None:
    svg = str(trajectory_svg(_outcome(unit='<script>alert(1)</script> & "x"'), {2009: 23}))
    assert "<script>" not in svg
    assert '<script>alert(1)</script> & "x"' in _texts(svg)
