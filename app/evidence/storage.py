"""Attachment files on disk: written to a temporary file while hashed, then moved into place
under their SHA-256. Nothing half-written is ever visible under ``objects/``."""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from app.config import get_settings
from app.errors import InsufficientStorage, PayloadTooLarge

TEMP_SUFFIX = ".part"


def _data_dir() -> Path:
    return get_settings().data_dir


def temp_dir() -> Path:
    return _data_dir() / "tmp"


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _data_dir() / "objects" / sha256[:2] / sha256


@dataclass
class TempBlob:
    """A file being received. ``write`` refuses to go past ``max_bytes``; ``keep`` moves the
    finished file into place; anything else leaves no trace."""

    max_bytes: int
    path: Path = field(init=False)
    size: int = field(default=0, init=False)
    _hash: hashlib._Hash = field(default_factory=hashlib.sha256, init=False)

    def __post_init__(self) -> None:
        folder = temp_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{secrets.token_hex(16)}{TEMP_SUFFIX}"
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
        self._file.flush()
        os.fsync(self._file.fileno())

    def keep(self) -> Path:
        """Move the complete file to ``objects/`` under its hash (idempotent)."""
        self.finish()
        self._file.close()
        target = blob_path(self.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            self.path.unlink(missing_ok=True)
        else:
            os.replace(self.path, target)
        return target

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


def remove_blob(sha256: str) -> None:
    blob_path(sha256).unlink(missing_ok=True)


def clean_temp(older_than_seconds: float = 3600) -> int:
    """Delete temporary files left by uploads that were cut off; returns how many."""
    folder = temp_dir()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.glob(f"*{TEMP_SUFFIX}"):
        try:
            if path.stat().st_mtime < cutoff:
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
