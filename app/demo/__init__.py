"""Demo data: a small realistic world made through the service commands (``world``), and a
national-scale data set written in bulk for benchmarks (``national``).

    data.py      the world's organisations, people, evidence and wording
    timeline.py  when each step of its history happens
    development.py  the development plans after each final assessment, and their progress
    world.py     ``load_demo``: drives the commands, at those moments, idempotently
    national.py  ``load_national``: 10 SHAs, 152 PCTs, 2 cycles, 100,000 evidence items
"""

from app.demo.national import NationalResult, load_national, refresh_statistics
from app.demo.world import DemoResult, load_demo

__all__ = ["DemoResult", "NationalResult", "load_demo", "load_national", "refresh_statistics"]
