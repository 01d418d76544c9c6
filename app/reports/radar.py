"""A radar chart of self and review levels across the eleven competencies, as inline SVG."""

from __future__ import annotations

import math
from collections.abc import Mapping

from markupsafe import Markup

SIZE = 300
CENTRE = SIZE / 2
RADIUS = 110
LEVELS = 4
STYLE = (
    ".ring{fill:none;stroke:#aeb7bd;stroke-width:.6}.spoke{stroke:#d8dde0;stroke-width:.6}"
    ".self{fill:#005eb8;fill-opacity:.12;stroke:#005eb8;stroke-width:2}.self-dot{fill:#005eb8}"
    ".review{fill:none;stroke:#212b32;stroke-width:2;stroke-dasharray:5 3}.review-dot{fill:#212b32}"
    "text{font-family:'Liberation Sans',Arial,sans-serif;font-size:9px;fill:#425563}"
    ".radar-axis{font-size:11px;font-weight:bold;fill:#212b32}"
)


def _point(index: int, count: int, level: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * level / LEVELS
    return CENTRE + distance * math.cos(angle), CENTRE + distance * math.sin(angle)


def _polygon(levels: list[int | None], count: int) -> str:
    return " ".join(
        f"{x:.1f},{y:.1f}"
        for i, level in enumerate(levels)
        for x, y in [_point(i, count, level or 0)]
    )


def radar_svg(
    numbers: list[int],
    self_levels: Mapping[int, int | None],
    review_levels: Mapping[int, int | None],
) -> Markup:
    """Self levels as a solid line with round markers; review levels dashed with squares, so
    the two read apart in greyscale. Contains numbers only, never user text."""
    count = len(numbers)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        'class="radar" role="img" aria-label="Self and review levels by competency">',
        f"<style>{STYLE}</style>",
    ]
    for level in range(1, LEVELS + 1):
        ring = " ".join(
            f"{x:.1f},{y:.1f}" for i in range(count) for x, y in [_point(i, count, level)]
        )
        parts.append(f'<polygon class="ring" points="{ring}"/>')
        x, y = _point(0, count, level)
        parts.append(f'<text x="{x + 3:.1f}" y="{y + 3:.1f}" class="radar-level">{level}</text>')
    for i, number in enumerate(numbers):
        x, y = _point(i, count, LEVELS)
        parts.append(f'<line class="spoke" x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = _point(i, count, LEVELS + 0.55)
        parts.append(
            f'<text class="radar-axis" x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle">'
            f"{number}</text>"
        )
    selfs = [self_levels.get(n) for n in numbers]
    reviews = [review_levels.get(n) for n in numbers]
    if any(selfs):
        parts.append(f'<polygon class="self" points="{_polygon(selfs, count)}"/>')
        for i, level in enumerate(selfs):
            if level:
                x, y = _point(i, count, level)
                parts.append(f'<circle class="self-dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
    if all(reviews):
        parts.append(f'<polygon class="review" points="{_polygon(reviews, count)}"/>')
    if any(reviews):
        for i, level in enumerate(reviews):
            if level:
                x, y = _point(i, count, level)
                parts.append(
                    f'<rect class="review-dot" x="{x - 3:.1f}" y="{y - 3:.1f}" '
                    'width="6" height="6"/>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))
