"""Attachments: typed by content, limited in size, stored by hash, served safely."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import get_settings
from app.evidence import storage
from app.evidence.models import Attachment
from tests.api_steps import log_evidence, ok
from tests.factories import auth

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
    + b"\x00" * 400
)


def _upload(
    client: TestClient,
    user,
    evidence_id: int,
    name: str,
    content: bytes,
    declared: str = "application/pdf",
):
    return client.post(
        f"/api/v1/evidence/{evidence_id}/attachments",
        files={"file": (name, content, declared)},
        headers=auth(user),
    )


def _temp_files() -> list[Path]:
    return list(storage.temp_dir().glob("*")) if storage.temp_dir().exists() else []


def test_pdf_is_stored_by_hash_and_downloads_as_an_attachment(client: TestClient, world) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    body = ok(_upload(client, world.a.lead, item["id"], "JSNA 2009 \u2013 summary.pdf", PDF), 201)
    digest = hashlib.sha256(PDF).hexdigest()
    assert body["sha256"] == digest
    assert (body["content_type"], body["size"], body["filename"]) == (
        "application/pdf",
        len(PDF),
        "JSNA 2009 \u2013 summary.pdf",
    )
    assert storage.read_blob(digest) == PDF
    download = client.get(f"/api/v1/attachments/{body['id']}", headers=auth(world.a.board))
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="JSNA 2009 _ summary.pdf"')
    assert "filename*=UTF-8''JSNA%202009%20%E2%80%93%20summary.pdf" in disposition
    listed = ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)))
    assert [a["sha256"] for a in listed["attachments"]] == [digest]


def test_type_is_decided_by_content_not_by_name_or_declared_type(
    client: TestClient, world, session: Session
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    disguised = _upload(
        client, world.a.lead, item["id"], "board-papers.pdf", EXE, "application/pdf"
    )
    assert disguised.status_code == 415
    refusal = disguised.json()["detail"]
    assert "board-papers.pdf is not a kind of file the service accepts" in refusal
    assert "application/" not in refusal  # plain words, not media types
    html = _upload(
        client,
        world.a.lead,
        item["id"],
        "notes.txt",
        b"<html><script>alert(1)</script></html>",
        "text/plain",
    )
    assert html.status_code == 415
    image = ok(_upload(client, world.a.lead, item["id"], "chart.pdf", PNG, "application/pdf"), 201)
    assert image["content_type"] == "image/png"
    csv = ok(
        _upload(
            client,
            world.a.lead,
            item["id"],
            "practices.csv",
            b"practice,clinicians\nB86001,4\n",
            "application/octet-stream",
        ),
        201,
    )
    assert csv["content_type"] == "text/csv"
    assert (
        session.exec(select(Attachment).where(Attachment.evidence_id == item["id"])).all().__len__()
        == 2
    )
    assert _temp_files() == []


def test_path_traversal_filename_is_kept_only_as_a_safe_display_name(
    client: TestClient, world
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    body = ok(
        _upload(
            client,
            world.a.lead,
            item["id"],
            "../../../etc/passwd.txt",
            b"plain words\n",
            "text/plain",
        ),
        201,
    )
    assert body["filename"] == "passwd.txt"
    stored = storage.local_path(body["sha256"])
    assert stored is not None and stored.is_file()
    assert stored.is_relative_to(get_settings().data_dir / "objects")
    assert stored.name == body["sha256"]
    windows = ok(
        _upload(
            client, world.a.lead, item["id"], "..\\..\\boot.ini", b"more words\n", "text/plain"
        ),
        201,
    )
    assert windows["filename"] == "boot.ini.txt"  # plain text, and named so


def test_oversized_file_is_413_and_leaves_no_file_and_no_row(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    big = PDF + b"0" * (1024 * 1024)
    response = _upload(client, world.a.lead, item["id"], "big.pdf", big)
    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]
    assert not storage.blob_stored(hashlib.sha256(big).hexdigest())
    assert session.exec(select(Attachment).where(Attachment.evidence_id == item["id"])).all() == []
    assert _temp_files() == []


def test_upload_is_refused_before_reading_for_unknown_or_foreign_items(
    client: TestClient, world
) -> None:
    item = log_evidence(client, world.b.lead, world.b.pct.code, [5])
    assert _upload(client, world.a.lead, item["id"], "x.pdf", PDF).status_code == 404
    assert _upload(client, world.a.lead, 987654, "x.pdf", PDF).status_code == 404
    assert _upload(client, world.b.board, item["id"], "x.pdf", PDF).status_code == 403


def test_request_without_a_file_is_422(client: TestClient, world) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    no_file = client.post(
        f"/api/v1/evidence/{item['id']}/attachments",
        data={"note": "hello"},
        headers=auth(world.a.lead),
    )
    assert no_file.status_code == 422
    not_multipart = client.post(
        f"/api/v1/evidence/{item['id']}/attachments", json={"file": "x"}, headers=auth(world.a.lead)
    )
    assert not_multipart.status_code == 422
    assert _temp_files() == []


def test_other_organisations_cannot_download(client: TestClient, world) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    body = ok(_upload(client, world.a.lead, item["id"], "a.pdf", PDF), 201)
    assert (
        client.get(f"/api/v1/attachments/{body['id']}", headers=auth(world.b.lead)).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/attachments/{body['id']}", headers=auth(world.reviewer)).status_code
        == 404
    )
