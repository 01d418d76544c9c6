"""Deadline reminders written from a process of its own, for the test of two at once: it
connects, says "ready", waits for a line on its input, writes the reminders due on DATE and
prints how many it wrote.

    python -m tests.mail.reminder_process DATABASE_URL DATE
"""

from __future__ import annotations

import sys
from datetime import date

from sqlmodel import Session

from app.db import create_db_engine
from app.mail.reminders import send_reminders


def main() -> None:
    database_url, day = sys.argv[1], date.fromisoformat(sys.argv[2])
    engine = create_db_engine(database_url)
    with engine.connect():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    with Session(engine, expire_on_commit=False) as session:
        print(send_reminders(session, day).written, flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
