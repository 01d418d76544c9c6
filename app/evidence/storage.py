"""Attachment files: received into a temporary file on this machine while hashed and
checked, then stored under their SHA-256 (``objects/ab/ab12…``) in the configured store.
Nothing half-received is ever stored: the store sees only whole, checked files."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import socket
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from app import storage
from app.config import get_settings
from app.errors import InsufficientStorage, NotFound, PayloadTooLarge
from app.storage.base import Download
from app.storage.local import LocalStore

TEMP_SUFFIX = ".part"
FETCH_UNAVAILABLE = (
    "The file cannot be fetched just now: file storage cannot be reached. "
    "Try again in a few minutes"
)
HOST = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())[:64] or "host"
HEX = frozenset("0123456789abcdef")


def temp_dir() -> Path:
    return get_settings().data_dir / "tmp"


def blob_key(sha256: str) -> str:
    if len(sha256) != 64 or not set(sha256) <= HEX:
        raise ValueError("not a SHA-256 hex digest")
    return f"objects/{sha256[:2]}/{sha256}"


@dataclass
class TempBlob:
    """A file being received. ``write`` refuses to go past ``max_bytes``; ``keep`` stores the
    finished file; anything else leaves no trace."""

    max_bytes: int
    path: Path = field(init=False)
    size: int = field(default=0, init=False)
    _hash: hashlib._Hash = field(default_factory=hashlib.sha256, init=False)

    def __post_init__(self) -> None:
        folder = temp_dir()
        folder.mkdir(parents=True, exist_ok=True)
        # The receiving machine and process lead the name: its files are swept once it has gone.
        self.path = folder / f"{HOST}_{os.getpid()}_{secrets.token_hex(16)}{TEMP_SUFFIX}"
        self._file = self.path.open("xb")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            limit = self.max_bytes // (1024 * 1024)
            raise PayloadTooLarge(f"The file is larger than the {limit} MB limit")
        self._hash.update(chunk)
        try:
            self._file.write(chunk)
        except OSError as exc:
            self.discard()
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise InsufficientStorage("The file could not be stored: storage is full") from None
            raise

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def finish(self) -> None:
        """All bytes received: flush them to disk so the content can be inspected."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())

    def keep(self) -> str:
        """Store the complete file under its hash and return its key. Storing a key that exists
        stores it again, which also marks it as new (see ``app.storage.sweep``)."""
        self.finish()
        self._file.close()
        key = blob_key(self.sha256)
        store = storage.current()
        if isinstance(store, LocalStore):
            store.move_file(key, self.path)
        else:
            store.put_file(key, self.path)
            self.path.unlink(missing_ok=True)
        return key

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


def remove_blob(sha256: str) -> None:
    storage.current().delete(blob_key(sha256))


def blob_stored(sha256: str) -> bool:
    return storage.current().exists(blob_key(sha256))


def open_blob(sha256: str) -> Download:
    """Start reading a stored file: 503 if the store cannot be reached, and 404 if the file
    is not there (which only an operator's mistake can cause)."""
    try:
        return storage.current().open(blob_key(sha256))
    except storage.StorageUnavailable as exc:
        raise storage.StorageUnavailable(FETCH_UNAVAILABLE) from exc
    except storage.ObjectMissing:
        raise NotFound(
            "The attachment's file is missing from storage: tell your administrator"
        ) from None


def local_path(sha256: str) -> Path | None:
    """The stored file on this machine's disk, when files are kept in a local folder."""
    return storage.current().local_path(blob_key(sha256))


def read_blob(sha256: str) -> bytes:
    return storage.current().read_bytes(blob_key(sha256))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_temp(older_than_seconds: float = 3600) -> int:
    """Delete temporary files left by uploads that were cut off: those of a process that is
    no longer running, and any older than ``older_than_seconds``. Returns how many."""
    folder = temp_dir()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.glob(f"*{TEMP_SUFFIX}"):
        host, _, owner = path.name.rpartition("_")[0].rpartition("_")
        try:
            gone = (
                host == HOST
                and owner.isdigit()
                and int(owner) != os.getpid()
                and not _alive(int(owner))
            )
            if gone or path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def safe_filename(name: str | None) -> str:
    """A display name: no folders, no control characters, no leading dots, at most 200
    characters. The stored file never uses it."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = text.strip().lstrip(".").strip()
    if len(text) > 200:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[:190] + dot + suffix[:9]) if dot and len(suffix) < 10 else text[:200]
    return text or "attachment"
