"""Free loopback ports for the servers the tests start."""

from __future__ import annotations

import random
import socket


def free_port() -> int:
    """A port nothing listens on now, chosen by the system."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_block(count: int, below: int = 44_000) -> list[int]:
    """``count`` consecutive free ports below ``below``, for a server that takes several."""
    for _ in range(200):
        base = random.randrange(20_000, below - count)
        ports = list(range(base, base + count))
        if all(_free(port) for port in ports):
            return ports
    raise RuntimeError(f"no block of {count} free ports")
