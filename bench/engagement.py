"""The engagement page at national scale (not a test). One command:

    .venv/bin/python bench/engagement.py     # --databases sqlite,postgresql; --rounds 7

Leeds PCT's lead asks for `GET /organisations/5N1/engagement` (the newest cycle) on the
national data set at 10,000 and at 100,000 evidence items, side by side
(bench/side_by_side.py), and it prints each side's p50 and p99 and the ratio of the p50s
(goal at most 1.2). The page tallies the PCT's items of the cycle in one grouped statement
(by its index on PCT and date), so its time should not grow with the evidence of other PCTs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import side_by_side  # noqa: E402

LEAD = "lead.5n1@demo.wcc.nhs.test"
PATH = "/organisations/5N1/engagement"
GOAL = 1.2


def _check(items: int, body: str) -> None:
    if "Clinician engagement in" not in body or 'id="total-events"' not in body:
        raise RuntimeError(f"{items:,} items: {PATH} is not the engagement page")


if __name__ == "__main__":
    side_by_side.main("engagement page", user=LEAD, path=PATH, check=_check, goal=GOAL)
