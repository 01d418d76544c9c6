"""Objects in an S3 bucket (AWS, SeaweedFS, MinIO…), through boto3.

Credentials come from boto3's usual places (``AWS_ACCESS_KEY_ID`` and friends). Time limits
are short, so that a store which is down is answered in seconds (503) rather than holding a
request open. An object is stored by one PUT: it is visible whole or not at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.storage.base import CHUNK_BYTES, ObjectMissing, StorageUnavailable, StoredObject

log = logging.getLogger(__name__)
MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
# One PUT up to this size (SeaweedFS and AWS take up to 5 GB): no half-finished multipart
# uploads to clean up after a crash.
SINGLE_PUT = TransferConfig(multipart_threshold=4 * 1024**3, max_concurrency=1)


def _unavailable(exc: Exception) -> StorageUnavailable:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    log.warning("file storage: %s", reason)
    error = StorageUnavailable(reason=reason)
    error.__cause__ = exc
    return error


def _is_missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in MISSING_CODES


class S3Download:
    def __init__(self, body: Any, size: int) -> None:
        self._body = body
        self.size = size

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self._body.iter_chunks(CHUNK_BYTES)
        except (BotoCoreError, OSError) as exc:
            raise _unavailable(exc) from None
        finally:
            self.close()

    def close(self) -> None:
        self._body.close()


class S3Store:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint: str | None = None,
        region: str | None = None,
        prefix: str = "",
        connect_seconds: float = 3,
        read_seconds: float = 30,
    ) -> None:
        self.bucket = bucket
        self.endpoint = endpoint
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._config = Config(
            connect_timeout=connect_seconds,
            read_timeout=read_seconds,
            retries={"mode": "standard", "max_attempts": 2},
            s3={"addressing_style": "path"},
            region_name=region or "us-east-1",
        )
        self._lock = threading.Lock()
        self._made: Any = None

    def __repr__(self) -> str:
        return f"S3Store({self.bucket!r}, endpoint={self.endpoint!r})"

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"the S3 bucket {self.bucket}{where}"

    @property
    def _client(self) -> Any:
        """One client for every thread: boto3 clients may be shared between threads, though
        making one is not thread-safe, so it is made once, under a lock."""
        if self._made is None:
            with self._lock:
                if self._made is None:
                    self._made = boto3.session.Session().client(
                        "s3", endpoint_url=self.endpoint, config=self._config
                    )
        return self._made

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"not a storage key: {key!r}")
        return self.prefix + key

    def _call(self, operation: str, **arguments: Any) -> Any:
        try:
            return getattr(self._client, operation)(Bucket=self.bucket, **arguments)
        except ClientError as exc:
            if _is_missing(exc):
                raise ObjectMissing(arguments.get("Key", "")) from None
            raise _unavailable(exc) from None
        except BotoCoreError as exc:
            raise _unavailable(exc) from None

    def check(self) -> None:
        try:
            self._call("head_bucket")
        except ObjectMissing:
            raise StorageUnavailable(reason=f"the bucket {self.bucket} does not exist") from None

    def prepare(self) -> None:
        try:
            self._call("head_bucket")
        except ObjectMissing:
            self._call("create_bucket")

    def put_file(self, key: str, path: Path) -> None:
        try:
            with path.open("rb") as source:
                self._client.upload_fileobj(source, self.bucket, self._key(key), Config=SINGLE_PUT)
        except (ClientError, BotoCoreError, boto3.exceptions.S3UploadFailedError) as exc:
            raise _unavailable(exc) from None

    def put_bytes(self, key: str, body: bytes) -> None:
        self._call("put_object", Key=self._key(key), Body=body)

    def open(self, key: str) -> S3Download:
        answer = self._call("get_object", Key=self._key(key))
        return S3Download(answer["Body"], int(answer["ContentLength"]))

    def read_bytes(self, key: str) -> bytes:
        download = self.open(key)
        return b"".join(download.chunks())

    def local_path(self, key: str) -> Path | None:
        return None

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Key=self._key(key))
        except ObjectMissing:
            return False
        return True

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._key(key))

    def list(self, prefix: str) -> Iterator[StoredObject]:
        paginator = self._client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for entry in page.get("Contents", []):
                    key = entry["Key"][len(self.prefix) :]
                    yield StoredObject(key, int(entry["Size"]), entry["LastModified"])
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc) from None

    def mark_used(self, key: str) -> None:
        return None  # S3 keeps no time of last reading; the cache drops the oldest written
