"""An outcome measure's trajectory against its actual values as a line chart (inline SVG);
where it stands in words is ``app.outcomes.standing``'s."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup, escape

from app.outcomes.models import Better, Outcome
from app.outcomes.standing import aimed_for, aimed_points, decimals, measure_values, number

# Chart geometry, in SVG units (the chart is drawn 170 mm wide).
WIDTH = 520
HEIGHT = 200
LEFT = 58
RIGHT = 18
TOP = 48
BOTTOM = 38
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
STYLE = (
    "text{font-family:'Liberation Sans',Arial,sans-serif;font-size:10px;fill:#425563}"
    ".grid{stroke:#d8dde0;stroke-width:.6}.axis{stroke:#425563;stroke-width:.8}"
    ".aim{fill:none;stroke:#212b32;stroke-width:1.6;stroke-dasharray:6 4}"
    ".aim-dot{fill:#fff;stroke:#212b32;stroke-width:1.4}"
    ".actual{fill:none;stroke:#005eb8;stroke-width:2.4}.actual-dot{fill:#005eb8}"
    ".baseline-dot{fill:#212b32}"
    ".better{font-weight:bold;fill:#212b32;font-size:10.5px}.unit{fill:#212b32}"
    ".key{fill:#212b32}"
)


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _value_axis(values: Sequence[float]) -> tuple[float, float, float]:
    """The bottom, top and step of the value axis: round numbers that hold every value."""
    low, high = min(values), max(values)
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:  # room above and below, so no point sits on the frame
        pad = (high - low) * 0.06
        low, high = low - pad, high + pad
    step = _nice_step(high - low)
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if low >= 0 > bottom:
        bottom = 0.0
    return bottom, top, step


def _tick_places(step: float) -> int:
    return 0 if math.isclose(step, round(step)) else decimals([step])


def trajectory_svg(outcome: Outcome, actuals: Mapping[int, float]) -> Markup:
    """The aimed values (dashed, hollow markers) from the baseline (a filled square) against
    the actuals (solid, filled markers), so the two read apart without colour; which way is
    better said in words. The only user text, the unit, is escaped."""
    aimed = aimed_points(outcome)
    actual_points = sorted(
        {outcome.baseline_year: float(outcome.baseline_value), **actuals}.items()
    )
    years = [y for y, _ in aimed] + [y for y, _ in actual_points]
    first, last = min(years), max(years)
    if first == last:
        last = first + 1
    bottom, top, step = _value_axis([v for _, v in aimed] + [v for _, v in actual_points])

    def x(year: float) -> float:
        return LEFT + PLOT_WIDTH * (year - first) / (last - first)

    def y(value: float) -> float:
        return TOP + PLOT_HEIGHT * (1 - (value - bottom) / (top - bottom))

    better = outcome.better
    arrow = "\u2193" if better is Better.LOWER else "\u2191"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="trajectory" role="img" aria-label="{escape(_label(outcome))}">',
        f"<style>{STYLE}</style>",
        # The key, the unit and which way is better, above the plot.
        f'<line class="aim" x1="{LEFT}" y1="13" x2="{LEFT + 26}" y2="13"/>',
        f'<circle class="aim-dot" cx="{LEFT + 13}" cy="13" r="3"/>',
        f'<text class="key" x="{LEFT + 32}" y="17">Aimed for</text>',
        f'<line class="actual" x1="{LEFT + 100}" y1="13" x2="{LEFT + 126}" y2="13"/>',
        f'<circle class="actual-dot" cx="{LEFT + 113}" cy="13" r="3.2"/>',
        f'<text class="key" x="{LEFT + 132}" y="17">Actual</text>',
        f'<rect class="baseline-dot" x="{LEFT + 185}" y="9.5" width="7" height="7"/>',
        f'<text class="key" x="{LEFT + 197}" y="17">Baseline</text>',
        f'<text class="better" x="{WIDTH - RIGHT}" y="17" text-anchor="end">'
        f"{better.label} {arrow}</text>",
        f'<text class="unit" x="{LEFT - 6}" y="{TOP - 12}">{escape(outcome.unit)}</text>',
    ]
    places = _tick_places(step)
    steps = round((top - bottom) / step)
    for i in range(steps + 1):
        value = bottom + i * step
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(value):.1f}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 3.5:.1f}" text-anchor="end">'
            f"{number(value, places)}</text>"
        )
    every = max(1, math.ceil((last - first + 1) / 12))
    for year in range(first, last + 1):
        parts.append(
            f'<line class="axis" x1="{x(year):.1f}" y1="{TOP + PLOT_HEIGHT}" x2="{x(year):.1f}" '
            f'y2="{TOP + PLOT_HEIGHT + 4}"/>'
        )
        if (year - first) % every == 0 or year == last:
            parts.append(
                f'<text x="{x(year):.1f}" y="{TOP + PLOT_HEIGHT + 16}" text-anchor="middle">'
                f"{year}</text>"
            )
        if year == outcome.baseline_year:
            parts.append(
                f'<text x="{x(year):.1f}" y="{TOP + PLOT_HEIGHT + 28}" text-anchor="middle">'
                "baseline</text>"
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + PLOT_HEIGHT}"/>'
        f'<line class="axis" x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + PLOT_HEIGHT}"/>'
    )
    parts.append(f'<polyline class="aim" points="{_line(aimed, x, y)}"/>')
    for year, value in aimed[1:]:
        parts.append(f'<circle class="aim-dot" cx="{x(year):.1f}" cy="{y(value):.1f}" r="3"/>')
    if len(actual_points) > 1:
        parts.append(f'<polyline class="actual" points="{_line(actual_points, x, y)}"/>')
    for year, value in actual_points:
        if year == outcome.baseline_year:
            continue
        parts.append(f'<circle class="actual-dot" cx="{x(year):.1f}" cy="{y(value):.1f}" r="3.2"/>')
    if actuals:
        year = max(actuals)
        value = actuals[year]
        aim = aimed_for(outcome, year)
        above = aim is None or value >= aim  # the label goes on the side away from the aim
        ly = y(value) - 8 if above else y(value) + 15
        anchor = "end" if year == last else "middle"
        lx = x(year) + 4 if year == last else x(year)
        places = decimals(measure_values(outcome, actuals))
        parts.append(
            f'<text class="key" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">'
            f"{number(value, places)}</text>"
        )
    base_x, base_y = x(outcome.baseline_year), y(outcome.baseline_value)
    parts.append(
        f'<rect class="baseline-dot" x="{base_x - 3.5:.1f}" y="{base_y - 3.5:.1f}" '
        'width="7" height="7"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(outcome: Outcome) -> str:
    return (
        f"{outcome.title}: the values aimed for from the {outcome.baseline_year} baseline "
        f"against the actual values, in {outcome.unit}. {outcome.better.label}."
    )


def _line(
    points: Sequence[tuple[int, float]],
    x: Callable[[float], float],
    y: Callable[[float], float],
) -> str:
    return " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in points)
