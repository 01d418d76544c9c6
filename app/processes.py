"""Naming this process among every server and worker that shares the database."""

from __future__ import annotations

import os
import secrets
import socket


def process_name() -> str:
    """Machine, process and a random part: unique among processes that share the database,
    and readable in a row that says who holds a claim or a lease."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
