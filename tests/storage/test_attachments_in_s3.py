"""Attachments kept in S3 (a real SeaweedFS): stored by content, streamed back byte for byte,
and, while the store is down, refused with a plain 503 that loses nothing, until it is back."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import storage as file_store
from app.config import get_settings
from app.evidence import storage
from app.evidence.models import Attachment, EvidenceItem
from tests.api_steps import log_evidence, ok, ready_to_sign
from tests.evidence.test_attachments import PDF, _temp_files, _upload
from tests.evidence.test_logging_pages import FORM, _post
from tests.factories import auth
from tests.seaweed import SeaweedFS, new_prefix, running_seaweedfs
from tests.web.steps import assert_summary_reaches_fields, sign_in


def _big_pdf(megabytes: int) -> bytes:
    return PDF + b"%" + os.urandom(megabytes * 1024 * 1024)


def test_a_file_is_kept_in_the_bucket_by_its_hash_and_streamed_back_byte_for_byte(
    client: TestClient, world, s3_storage: str
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    body = _big_pdf(3)
    attached = ok(_upload(client, world.a.lead, item["id"], "board pack.pdf", body), 201)
    digest = hashlib.sha256(body).hexdigest()
    assert attached["sha256"] == digest
    store = file_store.current()
    assert store.exists(f"objects/{digest[:2]}/{digest}")
    assert storage.local_path(digest) is None
    assert not (get_settings().data_dir / "objects" / digest[:2] / digest).exists()
    download = client.get(f"/api/v1/attachments/{attached['id']}", headers=auth(world.a.board))
    assert download.status_code == 200
    assert download.headers["content-length"] == str(len(body))
    assert download.content == body
    assert _temp_files() == []


@pytest.fixture
def own_seaweedfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seaweedfs: SeaweedFS
) -> Iterator[SeaweedFS]:
    """A SeaweedFS of this test's own, to be stopped and started again."""
    with running_seaweedfs(tmp_path / "seaweedfs") as server:
        monkeypatch.setattr(get_settings(), "storage_url", server.storage_url(prefix=new_prefix()))
        file_store.current().prepare()
        yield server


def test_with_the_store_down_uploads_are_503_in_plain_words_and_nothing_is_lost(
    client: TestClient, world, session: Session, own_seaweedfs: SeaweedFS
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    before = ok(_upload(client, world.a.lead, item["id"], "before.pdf", PDF), 201)

    own_seaweedfs.stop()
    later = _big_pdf(1)
    refused = _upload(client, world.a.lead, item["id"], "during.pdf", later)
    assert refused.status_code == 503
    detail = refused.json()["detail"]
    assert detail == (
        "File storage cannot be reached just now, so nothing was saved. Try again in a few minutes"
    )
    assert "S3" not in detail and "endpoint" not in detail.lower()
    rows = session.exec(select(Attachment).where(Attachment.evidence_id == item["id"])).all()
    assert [row.filename for row in rows] == ["before.pdf"]
    assert _temp_files() == []
    fetch = client.get(f"/api/v1/attachments/{before['id']}", headers=auth(world.a.lead))
    assert fetch.status_code == 503
    assert fetch.json()["detail"].startswith("The file cannot be fetched just now")

    # A page form with a file: the form comes back with everything typed and the reason at
    # the file field; no item is logged.
    sign_in(client, world.practice_clinician)
    page = _post(
        client, "/evidence/new", "/evidence", FORM, files={"file": ("minutes.pdf", PDF, "x")}
    )
    assert page.status_code == 503
    assert FORM["title"] in page.text and FORM["description"] in page.text
    links = assert_summary_reaches_fields(page.text)
    assert list(links) == ["file"]
    assert "File storage cannot be reached just now" in links["file"]
    assert session.exec(select(EvidenceItem).where(EvidenceItem.title == FORM["title"])).all() == []

    own_seaweedfs.start()
    again = ok(_upload(client, world.a.lead, item["id"], "during.pdf", later), 201)
    fetched = client.get(f"/api/v1/attachments/{again['id']}", headers=auth(world.a.lead))
    assert fetched.content == later
    kept = client.get(f"/api/v1/attachments/{before['id']}", headers=auth(world.a.lead))
    assert kept.content == PDF


def test_a_download_from_the_pages_with_the_store_down_is_a_page_in_plain_words(
    client: TestClient, world, own_seaweedfs: SeaweedFS
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    attached = ok(_upload(client, world.a.lead, item["id"], "minutes.pdf", PDF), 201)
    sign_in(client, world.a.lead)
    page = client.get(f"/evidence/{item['id']}").text
    assert f'href="/attachments/{attached["id"]}"' in page
    assert client.get(f"/attachments/{attached['id']}").content == PDF
    assert client.get("/healthz/storage").json() == {"status": "ok", "storage": "ok"}

    own_seaweedfs.stop()
    refused = client.get(f"/attachments/{attached['id']}")
    assert refused.status_code == 503
    assert refused.headers["content-type"].startswith("text/html")
    assert "The file cannot be fetched just now" in refused.text
    health = client.get("/healthz/storage")
    assert health.status_code == 503
    assert health.json()["detail"] == "File storage is not reachable"
    assert client.get("/readyz").status_code == 200  # pages still work: the server stays in use
    own_seaweedfs.start()
    assert client.get(f"/attachments/{attached['id']}").content == PDF


def test_a_server_starts_with_the_store_down_and_answers_503_for_files_only(
    client: TestClient, world, monkeypatch: pytest.MonkeyPatch, seaweedfs: SeaweedFS
) -> None:
    from app.main import create_app

    closed = SeaweedFS(Path("/nonexistent"))  # never started: its ports answer nothing
    monkeypatch.setattr(get_settings(), "storage_url", closed.storage_url(prefix=new_prefix()))
    with TestClient(create_app()) as fresh:
        assert fresh.get("/readyz").status_code == 200
        assert fresh.get("/healthz/storage").status_code == 503
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    assert _upload(client, world.a.lead, item["id"], "a.pdf", PDF).status_code == 503


def test_with_the_store_down_reports_are_rendered_and_served_all_the_same(
    client: TestClient, world, own_seaweedfs: SeaweedFS
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    url = f"/api/v1/assessments/{assessment['id']}/report.pdf"
    first = client.get(url, headers=auth(world.a.lead))
    assert (first.status_code, first.headers["x-report-source"]) == (200, "render")
    assert [e.key.startswith("report-cache/") for e in file_store.current().list("")] == [True]

    own_seaweedfs.stop()
    during = client.get(url, headers=auth(world.a.lead))
    assert (during.status_code, during.headers["x-report-source"]) == (200, "render")
    assert during.content.startswith(b"%PDF")

    own_seaweedfs.start()
    after = client.get(url, headers=auth(world.a.lead))
    assert (after.status_code, after.headers["x-report-source"]) == (200, "cache")
    assert after.content == first.content
