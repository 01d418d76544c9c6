"""A mail worker in a process of its own, for the test of two workers at once: it connects,
says "ready", waits for a line on its input, makes one pass and prints how many it sent.

    python -m tests.mail.worker_process DATABASE_URL SMTP_URL BATCH
"""

from __future__ import annotations

import sys

from sqlmodel import Session

from app.db import create_db_engine
from app.mail.worker import deliver_due


def main() -> None:
    database_url, smtp_url, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    engine = create_db_engine(database_url)

    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    with engine.connect():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    print(deliver_due(factory, smtp_url=smtp_url, batch=batch), flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
