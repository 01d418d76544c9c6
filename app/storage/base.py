"""What every object store offers, and the two ways it can fail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.errors import ServiceUnavailable

CHUNK_BYTES = 256 * 1024

UNAVAILABLE = (
    "File storage cannot be reached just now, so nothing was saved. Try again in a few minutes"
)


class StorageUnavailable(ServiceUnavailable):
    """The store did not answer, or answered that it cannot serve now (503). ``detail`` is
    for the user; ``reason`` says what went wrong, for the operator's log and the command."""

    def __init__(
        self, detail: str = UNAVAILABLE, *, field: str | None = None, reason: str = ""
    ) -> None:
        super().__init__(detail, field=field)
        self.reason = reason


class ObjectMissing(LookupError):
    """No object is stored under the key."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


class Download(Protocol):
    """An object being read: its size, then its bytes in chunks; close when done."""

    size: int

    def chunks(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class ObjectStore(Protocol):
    """A flat space of keys. Writes are whole or nothing: a reader never sees half an object,
    and writing a key that exists replaces it (and makes it new again for ``list``)."""

    def describe(self) -> str:
        """Where the objects are, in words, for the operator (never a secret)."""
        ...

    def check(self) -> None:
        """Raise ``StorageUnavailable`` if the store cannot be used now (changes nothing)."""
        ...

    def prepare(self) -> None:
        """Make the folder or the bucket if it does not exist yet; then as ``check``."""
        ...

    def put_file(self, key: str, path: Path) -> None:
        """Store the file at ``path`` (streamed, never read whole into memory)."""
        ...

    def put_bytes(self, key: str, body: bytes) -> None: ...

    def open(self, key: str) -> Download:
        """Start reading ``key``; ``ObjectMissing`` if there is none."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """The whole object; ``ObjectMissing`` if there is none."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The object's file when the store is a local folder (for sendfile), else None."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens if it is already gone."""
        ...

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with ``prefix``, in key order."""
        ...

    def mark_used(self, key: str) -> None:
        """Note that ``key`` was just read, where the store keeps such a time (a local file's
        modification time); elsewhere nothing."""
        ...
