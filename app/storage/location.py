"""``WCC_STORAGE_URL``: which store holds the files.

- unset: the local folder ``WCC_DATA_DIR`` (the embedded default);
- ``file:///absolute/folder``: another local folder;
- ``s3://BUCKET?endpoint=http://HOST:PORT`` (optional ``region`` and ``prefix``): a bucket,
  with credentials from the usual ``AWS_*`` variables. Without ``endpoint``, AWS itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from app.storage.base import ObjectStore

BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
S3_OPTIONS = {"endpoint", "region", "prefix"}


class StorageUrlError(ValueError):
    """A storage URL that names no usable store; the message says what is wrong."""


@dataclass(frozen=True)
class StorageLocation:
    kind: str  # "local" or "s3"
    path: Path | None = None
    bucket: str = ""
    endpoint: str | None = None
    region: str | None = None
    prefix: str = ""


def parse(url: str, data_dir: Path) -> StorageLocation:
    text = url.strip()
    if not text:
        return StorageLocation("local", path=data_dir)
    parts = urlsplit(text)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise StorageUrlError(f"{text}: a file URL needs an absolute folder, file:///path")
        return StorageLocation("local", path=Path(unquote(parts.path)))
    if parts.scheme != "s3":
        raise StorageUrlError(
            f"{text}: the storage URL starts s3:// (a bucket) or file:/// (a folder)"
        )
    bucket = parts.netloc
    if not BUCKET.match(bucket):
        raise StorageUrlError(
            f"{text}: {bucket!r} is not a bucket name (3 to 63 lower-case letters, digits, "
            "dots or hyphens)"
        )
    if parts.path not in ("", "/"):
        raise StorageUrlError(f"{text}: put a key prefix in ?prefix=, not in the path")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - S3_OPTIONS)
    if unknown:
        raise StorageUrlError(
            f"{text}: unknown option {unknown[0]!r} (known: endpoint, region, prefix)"
        )
    endpoint = options.get("endpoint", [None])[-1] or None
    if endpoint is not None:
        scheme = urlsplit(endpoint)
        if scheme.scheme not in ("http", "https") or not scheme.netloc:
            raise StorageUrlError(f"{text}: endpoint must be an http:// or https:// address")
    return StorageLocation(
        "s3",
        bucket=bucket,
        endpoint=endpoint,
        region=options.get("region", [None])[-1] or None,
        prefix=options.get("prefix", [""])[-1],
    )


@lru_cache(maxsize=8)
def _open(location: StorageLocation) -> ObjectStore:
    if location.kind == "local":
        from app.storage.local import LocalStore

        assert location.path is not None
        return LocalStore(location.path)
    from app.storage.s3 import S3Store

    return S3Store(
        location.bucket, endpoint=location.endpoint, region=location.region, prefix=location.prefix
    )


def open_store(url: str, data_dir: Path | None = None) -> ObjectStore:
    """The store a URL names (an empty URL: the folder ``data_dir``)."""
    from app.config import get_settings

    return _open(parse(url, data_dir or get_settings().data_dir))


def current() -> ObjectStore:
    """The store this server is configured with."""
    from app.config import get_settings

    settings = get_settings()
    return _open(parse(settings.storage_url, settings.data_dir))
