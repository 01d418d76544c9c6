"""Both stores keep the same promises: whole objects or none, replace on rewrite, list by
prefix, missing is missing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from app import storage
from app.storage.local import LocalStore


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> storage.ObjectStore:
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    request.getfixturevalue("s3_storage")
    return storage.current()


def test_a_file_is_stored_and_read_back_byte_for_byte(
    store: storage.ObjectStore, tmp_path: Path
) -> None:
    body = os.urandom(3 * 1024 * 1024 + 17)
    source = tmp_path / "upload.bin"
    source.write_bytes(body)
    store.put_file("objects/ab/one", source)
    download = store.open("objects/ab/one")
    assert download.size == len(body)
    assert hashlib.sha256(b"".join(download.chunks())).digest() == hashlib.sha256(body).digest()
    assert store.read_bytes("objects/ab/one") == body
    assert source.read_bytes() == body  # the source is left as it was


def test_writing_a_key_again_replaces_it_and_lists_it_once(store: storage.ObjectStore) -> None:
    store.put_bytes("report-cache/a.pdf", b"first")
    store.put_bytes("report-cache/a.pdf", b"second, longer")
    store.put_bytes("report-cache/b.pdf", b"b")
    store.put_bytes("objects/cd/c", b"c")
    assert store.read_bytes("report-cache/a.pdf") == b"second, longer"
    listed = list(store.list("report-cache/"))
    assert [(entry.key, entry.size) for entry in listed] == [
        ("report-cache/a.pdf", 14),
        ("report-cache/b.pdf", 1),
    ]
    assert all(entry.modified.tzinfo is not None for entry in listed)


def test_a_missing_key_is_missing_and_deleting_it_is_harmless(
    store: storage.ObjectStore,
) -> None:
    assert not store.exists("objects/00/none")
    with pytest.raises(storage.ObjectMissing):
        store.read_bytes("objects/00/none")
    with pytest.raises(storage.ObjectMissing):
        store.open("objects/00/none")
    store.delete("objects/00/none")
    store.put_bytes("objects/00/some", b"x")
    assert store.exists("objects/00/some")
    store.delete("objects/00/some")
    assert not store.exists("objects/00/some")
    assert list(store.list("objects/")) == []


@pytest.mark.parametrize("key", ["", "/etc/passwd", "objects/../secret", "a//b"])
def test_keys_cannot_leave_the_store(store: storage.ObjectStore, key: str) -> None:
    if isinstance(store, LocalStore) or key in ("", "/etc/passwd", "objects/../secret"):
        with pytest.raises(ValueError):
            store.put_bytes(key, b"x")
