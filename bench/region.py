"""The region page at national scale (not a test). One command:

    .venv/bin/python bench/region.py     # --databases sqlite,postgresql; --rounds 7; --requests 40

For each database it loads the national data set (10 SHAs, 152 PCTs, 2 cycles, 100,000
evidence items) and a tenth of it (10,000 items), the same way bench/suite.py does, starts
the service on each (bench/serve.py: `wcc serve` in production mode, one worker), signs in the
London reviewer (`reviewer.q36`: 31 PCTs, the largest region) on both, and asks each server in
turn for `GET /region` (the newest cycle, every PCT), one request at a time on loopback:
ROUNDS rounds of REQUESTS requests on each server, the servers taking turns within a round so
that the machine's drift hits both alike, after a warm-up that is not recorded. It prints each
side's p50 and p99 (medians over the rounds) and the ratio of the p50s at 100,000 items to
10,000 (goal at most 1.2): the page reads each kind of row for all PCTs at once, and no
evidence at all, so its time should not grow with the evidence.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import side_by_side  # noqa: E402

REVIEWER = "reviewer.q36@demo.wcc.nhs.test"  # London: 31 PCTs
PCTS = 31
PATH = "/region"
GOAL = 1.2


def _check(items: int, body: str) -> None:
    listed = body.count('id="pct-')
    if listed != PCTS:
        raise RuntimeError(f"{items:,} items: the page lists {listed} PCTs, not {PCTS}")


if __name__ == "__main__":
    side_by_side.main("region page", user=REVIEWER, path=PATH, check=_check, goal=GOAL)
