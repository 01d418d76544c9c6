"""Real PDFs from real data, read back with pypdf; spreadsheets read back with openpyxl."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from app.config import BASE_DIR
from app.errors import ServiceUnavailable
from app.reports import pool
from app.reports.pdf import render_pdf
from tests.api_steps import ok, ready_to_sign, review_governance
from tests.factories import COMPETENCY_TITLES, auth


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_assurance_report_holds_the_assessment_and_is_marked_draft_on_every_page(
    client: TestClient, world, reviewed: dict
) -> None:
    response = client.get(
        f"/api/v1/assessments/{reviewed['id']}/report.pdf", headers=auth(world.a.board)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="wcc-')
    pages = _pages(response.content)
    text = "\n".join(pages)
    assert world.a.pct.name in text
    for title in COMPETENCY_TITLES:
        assert title in text, title
    assert "Most practices take part in pathway redesign." in text
    assert "Engagement is real but uneven across localities." in text
    assert "<b>Locality</b> forum & <script>alert(1)</script>" in text
    assert reviewed["sha256"] in _flat(text)
    assert "forum minutes.pdf" in text
    assert all("DRAFT" in page for page in pages)
    assert all(re.search(rf"Page {i} of {len(pages)}", page) for i, page in enumerate(pages, 1))
    assert all(f"{world.a.pct.name} ({world.a.pct.code})" in page for page in pages[1:])


def test_a_finalised_report_is_not_marked_draft(client: TestClient, world, reviewed: dict) -> None:
    for number in range(1, 12):
        ok(
            client.put(
                f"/api/v1/assessments/{reviewed['id']}/review-scores/{number}",
                json={"level": 2, "comment": "Moderated."},
                headers=auth(world.reviewer),
            )
        )
    review_governance(client, world.reviewer, reviewed["id"])
    ok(client.post(f"/api/v1/assessments/{reviewed['id']}/finalise", headers=auth(world.reviewer)))
    pages = _pages(
        client.get(
            f"/api/v1/assessments/{reviewed['id']}/report.pdf", headers=auth(world.reviewer)
        ).content
    )
    assert not any("DRAFT" in page for page in pages)
    assert "Finalised" in pages[0]


def test_report_of_another_organisation_is_not_found(
    client: TestClient, world, reviewed: dict
) -> None:
    for user in (world.b.lead, world.other_reviewer):
        assert (
            client.get(
                f"/api/v1/assessments/{reviewed['id']}/report.pdf", headers=auth(user)
            ).status_code
            == 404
        )


def test_sha_summary_lists_its_pcts_and_no_others(
    client: TestClient, world, reviewed: dict
) -> None:
    response = client.get(
        f"/api/v1/cycles/{world.cycle.id}/sha-report.pdf",
        params={"sha_code": world.sha.code},
        headers=auth(world.reviewer),
    )
    assert response.status_code == 200
    text = "\n".join(_pages(response.content))
    assert world.a.pct.name in text and world.b.pct.name in text
    assert world.c.pct.name not in text
    assert "In review" in text and "Not yet submitted" in text
    assert "Distribution of review levels" in text
    other = client.get(
        f"/api/v1/cycles/{world.cycle.id}/sha-report.pdf",
        params={"sha_code": world.other_sha.code},
        headers=auth(world.reviewer),
    )
    assert other.status_code == 404
    assert (
        client.get(
            f"/api/v1/cycles/{world.cycle.id}/sha-report.pdf",
            params={"sha_code": world.sha.code},
            headers=auth(world.a.lead),
        ).status_code
        == 403
    )


def test_exports_share_columns_and_keep_types(client: TestClient, world, reviewed: dict) -> None:
    xlsx = client.get(
        f"/api/v1/assessments/{reviewed['id']}/export.xlsx", headers=auth(world.a.lead)
    )
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Scores", "Evidence"]
    scores = list(book["Scores"].values)
    header, c4 = scores[0], scores[4]
    assert c4[:3] == (4, "Collaborate with clinicians", 3)
    assert c4[6] == 2 and c4[7] == "Engagement is real but uneven across localities."
    evidence = list(book["Evidence"].values)
    row = next(r for r in evidence[1:] if r[0] == reviewed["item"]["id"])
    assert isinstance(row[3], datetime)
    assert row[5] == 23
    assert row[10] == reviewed["sha256"]
    text = client.get(
        f"/api/v1/assessments/{reviewed['id']}/export.csv", headers=auth(world.a.lead)
    ).text
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == header
    assert rows[4][:3] == ["4", "Collaborate with clinicians", "3"]


def test_formulas_in_user_text_stay_text_in_spreadsheets(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    ok(
        client.put(
            f"/api/v1/assessments/{assessment['id']}/self-scores/1",
            json={"level": 2, "rationale": '=HYPERLINK("http://evil","click")'},
            headers=auth(world.a.lead),
        )
    )
    text = client.get(
        f"/api/v1/assessments/{assessment['id']}/export.csv", headers=auth(world.a.lead)
    ).text
    assert "'=HYPERLINK" in text


def test_report_fetches_nothing_outside_static() -> None:
    pdf = render_pdf(
        '<link rel="stylesheet" href="css/report.css"><p>Shown</p>'
        '<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="file:///etc/ssl/openssl.cnf">'
    )
    assert "Shown" in _pages(pdf)[0]


def test_a_full_pool_queue_refuses_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    pool.shutdown()
    monkeypatch.setattr(pool.get_settings(), "report_queue", 1)
    monkeypatch.setattr(pool, "render_pdf", _work_for_a_minute)
    pool._pool().submit("5QV", "<p>A report at work</p>")
    try:
        # In a thread of its own: another test's browser may own this thread's event loop.
        with ThreadPoolExecutor(1) as runner, pytest.raises(ServiceUnavailable):
            runner.submit(lambda: asyncio.run(pool.render_pdf_in_pool("<p>x</p>", "5QW"))).result()
    finally:
        pool.shutdown()


def _work_for_a_minute(html: str) -> bytes:
    time.sleep(60)
    return b""


def test_wcc_report_writes_a_pdf(tmp_path: Path, run_dir: Path) -> None:
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {
        "WCC_DATABASE_URL": database,
        "PATH": "/usr/bin:/bin",
        "WCC_DATA_DIR": str(tmp_path / "f"),
    }
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env=env,
            cwd=BASE_DIR,
            check=True,
            capture_output=True,
        )
    out = tmp_path / "report.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "report", "1", "--out", str(out)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Leeds PCT" in "\n".join(_pages(out.read_bytes()))
    missing = subprocess.run(
        [sys.executable, "-m", "app.cli", "report", "999", "--out", str(out)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and "Assessment 999 not found" in missing.stderr


def test_heatmap_gives_levels_and_gaps_for_the_shas_pcts_only(
    client: TestClient, world, reviewed: dict
) -> None:
    data = ok(
        client.get(
            f"/api/v1/cycles/{world.cycle.id}/heatmap",
            params={"sha_code": world.sha.code},
            headers=auth(world.reviewer),
        )
    )
    codes = [row["organisation_code"] for row in data["rows"]]
    assert world.a.pct.code in codes and world.c.pct.code not in codes
    row = next(r for r in data["rows"] if r["organisation_code"] == world.a.pct.code)
    assert (
        row["review_levels"]["4"] == 2 and row["self_levels"]["4"] == 3 and row["gaps"]["4"] == -1
    )
    assert (
        client.get(
            f"/api/v1/cycles/{world.cycle.id}/heatmap",
            params={"sha_code": world.other_sha.code},
            headers=auth(world.reviewer),
        ).status_code
        == 404
    )
