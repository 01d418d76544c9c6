"""Attachment storage, a local folder against S3 (SeaweedFS), side by side in one run (not a
test).

1. Store level, in this process: ``put_file`` and ``open().chunks()`` on a ``LocalStore`` and
   on an ``S3Store`` talking to a real SeaweedFS on loopback, for small and large files. The
   two stores take turns file by file (the order swapping every file), so the machine's drift
   hits both alike.
2. End to end through HTTP: two `wcc serve` processes (production mode, one worker each), each
   on its own copy of one SQLite demo database, one keeping files in its data folder and one
   with ``WCC_STORAGE_URL`` naming the SeaweedFS bucket. Leeds PCT's lead uploads the same
   files to an evidence item on each (``POST /api/v1/evidence/{id}/attachments``) and
   downloads them (``GET /api/v1/attachments/{id}``), the servers taking turns file by file.

Every file is fresh random bytes (a PDF header and trailer around them for the service's type
check), and every download is compared byte for byte with what was sent; at the end each
uploaded file is looked for where its server should have put it (the data folder, or the
bucket and not the data folder). Latency is the median and p95 of operations made one at a
time; throughput is the bytes moved over the time taken, one operation at a time.

Run: .venv/bin/python bench/storage.py   (or: make bench-storage)
     [--sizes 50K,10M] [--store-counts 400,60] [--http-counts 200,40] [--json PATH]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.storage.local import LocalStore  # noqa: E402
from app.storage.s3 import S3Store  # noqa: E402
from tests.seaweed import S3_CREDENTIALS, running_seaweedfs  # noqa: E402

LEAD = "lead.5n1@demo.wcc.nhs.test"
PCT = "5N1"
PASSWORD = "world-class-2008"
BUCKET = "wcc-bench"
STORE_PREFIX = "store-level"
SERVED_PREFIX = "served"
LOCAL, S3 = "local", "S3"
PDF_HEAD = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%"
PDF_TAIL = b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MB = 1024 * 1024
UNITS = {"K": 1024, "M": MB}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def size_label(size: int) -> str:
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size:,} B"


def document(size: int) -> bytes:
    """``size`` bytes the service accepts as a PDF, random between header and trailer, so
    that no two files are alike and nothing compresses."""
    return PDF_HEAD + secrets.token_bytes(size - len(PDF_HEAD) - len(PDF_TAIL)) + PDF_TAIL


@dataclass
class Timings:
    """Seconds taken by each operation, and the bytes each moved."""

    seconds: list[float] = field(default_factory=list)
    moved: int = 0

    def add(self, seconds: float, size: int) -> None:
        self.seconds.append(seconds)
        self.moved += size

    def figures(self) -> dict[str, float]:
        ordered = sorted(self.seconds)
        p95 = ordered[max(math.ceil(len(ordered) * 0.95) - 1, 0)]
        return {
            "count": len(ordered),
            "p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": p95 * 1000,
            "mb_per_s": self.moved / MB / sum(ordered),
        }


def turns(number: int) -> tuple[str, str]:
    """Who goes first for the ``number``th file: the order swaps every file."""
    return (LOCAL, S3) if number % 2 == 0 else (S3, LOCAL)


# Store level ---------------------------------------------------------------------------------


def store_level(
    stores: dict[str, LocalStore | S3Store], size: int, count: int, warm_up: int, work: Path
) -> dict[str, dict[str, Timings]]:
    """``count`` files of ``size`` bytes put and read back on each store in turn."""
    timings = {name: {"put_file": Timings(), "open().chunks()": Timings()} for name in stores}
    source = work / "source.pdf"
    for number in range(warm_up + count):
        body = document(size)
        source.write_bytes(body)
        key = f"bench/{size}/{number}-{secrets.token_hex(4)}"
        for name in turns(number):
            store = stores[name]
            started = time.perf_counter()
            store.put_file(key, source)
            put_seconds = time.perf_counter() - started
            started = time.perf_counter()
            chunks = list(store.open(key).chunks())
            get_seconds = time.perf_counter() - started
            if b"".join(chunks) != body:
                raise RuntimeError(f"{name}: {key} read back differs from what was put")
            store.delete(key)
            if number >= warm_up:
                timings[name]["put_file"].add(put_seconds, size)
                timings[name]["open().chunks()"].add(get_seconds, size)
    source.unlink()
    return timings


# End to end ----------------------------------------------------------------------------------


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wcc(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True
    )


class Server:
    """`wcc serve` on a port of its own, one worker, production mode."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                env=env,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        for _ in range(600):
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"{self.base}/readyz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"{name} server did not start; see {log}")
        if self.process.poll() is not None:
            raise RuntimeError(f"{name} server stopped at start:\n{log.read_text()[-2000:]}")
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.token = ""

    def call(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes]:
        """One request on the kept-alive connection: status and the whole body."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def sign_in(self, email: str) -> None:
        form = urllib.parse.urlencode({"username": email, "password": PASSWORD}).encode()
        status, payload = self.call(
            "POST", "/api/v1/auth/token", form, "application/x-www-form-urlencoded"
        )
        if status != 200:
            raise RuntimeError(f"{self.name}: sign in {email}: {status} {payload[:200]!r}")
        self.token = json.loads(payload)["access_token"]

    def evidence_item(self) -> int:
        body = json.dumps(
            {
                "organisation_code": PCT,
                "title": "Storage benchmark",
                "description": "Files uploaded by bench/storage.py.",
                "kind": "engagement",
                "occurred_on": "2009-11-01",
                "competency_numbers": [4],
                "clinicians_involved": 1,
            }
        ).encode()
        status, payload = self.call("POST", "/api/v1/evidence", body, "application/json")
        if status != 201:
            raise RuntimeError(f"{self.name}: log evidence: {status} {payload[:200]!r}")
        return json.loads(payload)["id"]

    def upload(self, evidence_id: int, body: bytes) -> dict[str, Any]:
        boundary = secrets.token_hex(16)
        multipart = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="file"; filename="bench.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, payload = self.call(
            "POST",
            f"/api/v1/evidence/{evidence_id}/attachments",
            multipart,
            f"multipart/form-data; boundary={boundary}",
        )
        if status != 201:
            raise RuntimeError(f"{self.name}: upload: {status} {payload[:200]!r}")
        return json.loads(payload)

    def download(self, attachment_id: int) -> bytes:
        status, payload = self.call("GET", f"/api/v1/attachments/{attachment_id}")
        if status != 200:
            raise RuntimeError(f"{self.name}: download: {status} {payload[:200]!r}")
        return payload

    def stop(self) -> None:
        if getattr(self, "connection", None):
            self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


def demo_database(work: Path) -> Path:
    """The demo, migrated and loaded once into a SQLite file that each server gets a copy of."""
    database = work / "demo.db"
    env = {
        **os.environ,
        "WCC_DATABASE_URL": f"sqlite:///{database}",
        "WCC_DATA_DIR": str(work / "demo-files"),
        "WCC_STORAGE_URL": "",
    }
    _wcc(env, "db", "upgrade")
    _wcc(env, "demo")
    return database


def http_level(
    servers: dict[str, Server],
    evidence: dict[str, int],
    size: int,
    count: int,
    warm_up: int,
    uploaded: dict[str, list[str]],
) -> dict[str, dict[str, Timings]]:
    """``count`` files of ``size`` bytes uploaded to and downloaded from each server in turn;
    the digests stored on each are added to ``uploaded``."""
    timings = {name: {"upload": Timings(), "download": Timings()} for name in servers}
    for number in range(warm_up + count):
        body = document(size)
        for name in turns(number):
            server = servers[name]
            started = time.perf_counter()
            answer = server.upload(evidence[name], body)
            up_seconds = time.perf_counter() - started
            if answer["size"] != size or answer["content_type"] != "application/pdf":
                raise RuntimeError(f"{name}: upload answered {answer}")
            started = time.perf_counter()
            payload = server.download(int(answer["id"]))
            down_seconds = time.perf_counter() - started
            if payload != body:
                raise RuntimeError(f"{name}: attachment {answer['id']} downloaded differs")
            uploaded[name].append(str(answer["sha256"]))
            if number >= warm_up:
                timings[name]["upload"].add(up_seconds, size)
                timings[name]["download"].add(down_seconds, size)
    return timings


def check_placement(
    uploaded: dict[str, list[str]], local_files: Path, s3_files: Path, s3_store: S3Store
) -> None:
    """Each server's files are where its settings say: the folder's under its data folder;
    the bucket's in the bucket (those and no others: the store-level files are under a prefix
    of their own) and not in its data folder."""
    for digest in uploaded[LOCAL]:
        if not (local_files / "objects" / digest[:2] / digest).is_file():
            raise RuntimeError(f"local server: {digest} is not in its data folder")
    for digest in uploaded[S3]:
        if not s3_store.exists(f"objects/{digest[:2]}/{digest}"):
            raise RuntimeError(f"S3 server: {digest} is not in the bucket")
    in_bucket = sum(1 for _ in s3_store.list("objects/"))
    if in_bucket != len(set(uploaded[S3])):
        raise RuntimeError(f"S3 server: {in_bucket} files in the bucket, {len(uploaded[S3])} sent")
    kept = [p for p in (s3_files / "objects").rglob("*") if p.is_file()]
    if kept:
        raise RuntimeError(f"S3 server: {len(kept)} files in its data folder ({kept[0]})")


# Report --------------------------------------------------------------------------------------


def figures_of(timings: dict[str, dict[str, Timings]]) -> dict[str, dict[str, dict[str, float]]]:
    operations = next(iter(timings.values()))
    return {
        operation: {name: timings[name][operation].figures() for name in (LOCAL, S3)}
        for operation in operations
    }


def ratios(pair: dict[str, dict[str, float]]) -> dict[str, float]:
    return {
        measure: pair[S3][measure] / pair[LOCAL][measure]
        for measure in ("p50_ms", "p95_ms", "mb_per_s")
    }


def print_table(results: list[dict[str, object]]) -> None:
    print("\n| level | operation | size | files | measure | local | S3 | S3/local |")
    print("|---|---|---|---|---|---|---|---|")
    for row in results:
        local, s3, ratio = row[LOCAL], row[S3], row["ratio"]
        assert isinstance(local, dict) and isinstance(s3, dict) and isinstance(ratio, dict)
        for index, (measure, label, places) in enumerate(
            (("p50_ms", "p50 ms", 2), ("p95_ms", "p95 ms", 2), ("mb_per_s", "MB/s", 1))
        ):
            lead = (
                f"| {row['level']} | {row['operation']} | {row['size_label']} | {local['count']} "
                if index == 0
                else "| | | | "
            )
            print(
                f"{lead}| {label} | {local[measure]:,.{places}f} | {s3[measure]:,.{places}f} "
                f"| **{ratio[measure]:.2f}** |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50K,10M", help="file sizes (K, M suffixes)")
    parser.add_argument(
        "--store-counts", default="400,60", help="files per size at the store level"
    )
    parser.add_argument("--http-counts", default="200,40", help="files per size through HTTP")
    parser.add_argument("--warm-up", type=int, default=3, help="unrecorded files per size")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sizes = [parse_size(text) for text in args.sizes.split(",")]
    store_counts = [int(text) for text in args.store_counts.split(",")]
    http_counts = [int(text) for text in args.http_counts.split(",")]
    if not len(sizes) == len(store_counts) == len(http_counts):
        parser.error("--sizes, --store-counts and --http-counts need as many entries each")
    smallest = len(PDF_HEAD) + len(PDF_TAIL) + 1
    if min(sizes) < smallest:
        parser.error(f"the smallest size is {smallest} bytes")

    os.environ.update(S3_CREDENTIALS)
    work = Path(tempfile.mkdtemp(prefix="wcc-bench-storage-"))
    results: list[dict[str, object]] = []
    servers: dict[str, Server] = {}
    began = time.perf_counter()
    try:
        with running_seaweedfs(work / "seaweedfs") as seaweed:
            print(f"SeaweedFS at {seaweed.endpoint}, work in {work}")
            stores: dict[str, LocalStore | S3Store] = {
                LOCAL: LocalStore(work / "store-level"),
                S3: S3Store(BUCKET, endpoint=seaweed.endpoint, prefix=STORE_PREFIX),
            }
            for store in stores.values():
                store.prepare()

            for size, count in zip(sizes, store_counts, strict=True):
                started = time.perf_counter()
                timings = store_level(stores, size, count, args.warm_up, work)
                for operation, pair in figures_of(timings).items():
                    results.append(
                        {
                            "level": "store",
                            "operation": operation,
                            "size": size,
                            "size_label": size_label(size),
                            **pair,
                            "ratio": ratios(pair),
                        }
                    )
                print(
                    f"  store level, {count} files of {size_label(size)} on each: "
                    f"{time.perf_counter() - started:.1f} s"
                )

            started = time.perf_counter()
            database = demo_database(work)
            print(f"  demo database loaded in {time.perf_counter() - started:.1f} s")
            common = {
                **os.environ,
                **S3_CREDENTIALS,
                "WCC_ENV": "production",
                "WCC_SECRET_KEY": "bench-only-secret",
                "WCC_SIGN_IN_FAILURES_PER_ADDRESS": "100000",
            }
            setups = {
                LOCAL: "",
                S3: seaweed.storage_url(bucket=BUCKET, prefix=SERVED_PREFIX),
            }
            for name, storage_url in setups.items():
                folder = work / f"served-{name.lower()}"
                folder.mkdir()
                shutil.copyfile(database, folder / "wcc.db")
                env = {
                    **common,
                    "WCC_DATABASE_URL": f"sqlite:///{folder / 'wcc.db'}",
                    "WCC_DATA_DIR": str(folder / "files"),
                    "WCC_STORAGE_URL": storage_url,
                }
                servers[name] = Server(name, env, folder / "server.log")
            evidence: dict[str, int] = {}
            for name, server in servers.items():
                server.sign_in(LEAD)
                evidence[name] = server.evidence_item()
            uploaded: dict[str, list[str]] = {LOCAL: [], S3: []}
            for size, count in zip(sizes, http_counts, strict=True):
                started = time.perf_counter()
                timings = http_level(servers, evidence, size, count, args.warm_up, uploaded)
                for operation, pair in figures_of(timings).items():
                    results.append(
                        {
                            "level": "HTTP",
                            "operation": operation,
                            "size": size,
                            "size_label": size_label(size),
                            **pair,
                            "ratio": ratios(pair),
                        }
                    )
                print(
                    f"  HTTP, {count} files of {size_label(size)} on each server: "
                    f"{time.perf_counter() - started:.1f} s"
                )
            check_placement(
                uploaded,
                work / "served-local" / "files",
                work / "served-s3" / "files",
                S3Store(BUCKET, endpoint=seaweed.endpoint, prefix=SERVED_PREFIX),
            )
            checked = sum(len(digests) for digests in uploaded.values())
            print(
                f"  verified: every read and download byte for byte; {checked} uploads found "
                "where their server keeps files"
            )
            for server in servers.values():
                server.stop()
            servers.clear()
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print_table(results)
    print(
        f"\nOne operation at a time; local and S3 alternating file by file; "
        f"run took {time.perf_counter() - began:.0f} s."
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"results": results}, indent=2) + "\n")
        print(f"Figures written to {args.json}")


if __name__ == "__main__":
    main()
