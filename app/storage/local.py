"""Objects as files under one folder: written to a temporary name, then moved into place."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.errors import InsufficientStorage
from app.storage.base import CHUNK_BYTES, ObjectMissing, StorageUnavailable, StoredObject

PART = ".part"


def _disk_error(exc: OSError) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InsufficientStorage("The file could not be stored: storage is full")
    return StorageUnavailable()


class LocalFile:
    def __init__(self, path: Path) -> None:
        try:
            self._file = path.open("rb")
        except FileNotFoundError:
            raise ObjectMissing(str(path)) from None
        self.size = os.fstat(self._file.fileno()).st_size

    def chunks(self) -> Iterator[bytes]:
        try:
            while chunk := self._file.read(CHUNK_BYTES):
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalStore({self.root})"

    def describe(self) -> str:
        return f"the folder {self.root}"

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root.joinpath(*parts)

    def check(self) -> None:
        if not self.root.is_dir():
            raise StorageUnavailable(reason=f"{self.root} is not a folder")

    def prepare(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _disk_error(exc) from None

    def _place(self, key: str, write: Callable[[Path], None]) -> None:
        target = self._path(key)
        temporary = target.with_name(f".{secrets.token_hex(8)}{PART}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write(temporary)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _disk_error(exc) from None

    def put_file(self, key: str, path: Path) -> None:
        def copy(temporary: Path) -> None:
            with path.open("rb") as source, temporary.open("xb") as copy:
                shutil.copyfileobj(source, copy, CHUNK_BYTES)
                copy.flush()
                os.fsync(copy.fileno())

        self._place(key, copy)

    def move_file(self, key: str, path: Path) -> None:
        """Move ``path`` (on the same disk) into place: no copy."""
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        except OSError:
            self.put_file(key, path)
            path.unlink(missing_ok=True)

    def put_bytes(self, key: str, body: bytes) -> None:
        self._place(key, lambda temporary: temporary.write_bytes(body))

    def open(self, key: str) -> LocalFile:
        return LocalFile(self._path(key))

    def read_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectMissing(key) from None
        except OSError as exc:
            raise _disk_error(exc) from None

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        folder = (
            self.root.joinpath(*prefix.rpartition("/")[0].split("/"))
            if "/" in prefix
            else self.root
        )
        if not folder.is_dir():
            return
        found: list[StoredObject] = []
        for path in folder.rglob("*"):
            if path.name.endswith(PART) or path.name.startswith("."):
                continue
            key = path.relative_to(self.root).as_posix()
            if not key.startswith(prefix):
                continue
            try:
                status = path.stat()
            except FileNotFoundError:
                continue
            if not path.is_file():
                continue
            modified = datetime.fromtimestamp(status.st_mtime, UTC)
            found.append(StoredObject(key, status.st_size, modified))
        yield from sorted(found, key=lambda item: item.key)

    def mark_used(self, key: str) -> None:
        with contextlib.suppress(OSError):
            os.utime(self._path(key))
