"""Each competency's one-line hint: in both framework files, in the API, and left out of the
hash a cycle records, so that cycles recorded before the hints were written still match."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import BASE_DIR
from app.framework import service as framework_service
from app.framework.loader import FrameworkError, load_framework, parse_framework, scored_sha256
from tests.factories import auth

FOLDER = BASE_DIR / "competencies"
# The SHA-256 of each file as published before the hints were added: what cycles recorded.
PUBLISHED = {
    "wcc-2008": "be07ec671f554c83757387c5dc2edaf4988caa034b4dc415e90c7f6eee0f452a",
    "wcc-2009": "ed4859e8c37e42351357a1555783943c0f39d39743786e632bd101de716f25d4",
}


@pytest.mark.parametrize("version", sorted(PUBLISHED))
def test_every_competency_has_a_one_line_hint(version: str) -> None:
    framework = load_framework(FOLDER / f"{version}.yaml").framework
    hints = [c.hint for c in framework.competencies]
    assert all(hints) and len(set(hints)) == 11
    assert all("\n" not in (h or "") and len(h or "") <= 160 for h in hints)
    four = framework.competency(4)
    assert four is not None
    assert four.hint == "Working with GPs and other clinicians so they shape what is commissioned"


@pytest.mark.parametrize("version", sorted(PUBLISHED))
def test_hints_leave_the_hash_cycles_record_as_published(version: str) -> None:
    loaded = load_framework(FOLDER / f"{version}.yaml")
    assert loaded.sha256 == PUBLISHED[version]
    raw = (FOLDER / f"{version}.yaml").read_bytes()
    assert loaded.file_sha256 == hashlib.sha256(raw).hexdigest() != loaded.sha256


def test_rewording_a_hint_changes_the_file_hash_but_not_the_scored_hash() -> None:
    raw = (FOLDER / "wcc-2008.yaml").read_bytes()
    reworded = raw.replace(b"so they shape what is commissioned", b"so they shape services")
    assert reworded != raw
    assert scored_sha256(reworded) == scored_sha256(raw)
    changed = raw.replace(b"title: Collaborate with clinicians", b"title: Work with clinicians")
    assert scored_sha256(changed) != scored_sha256(raw)


def test_a_hint_over_several_lines_is_refused() -> None:
    raw = (FOLDER / "wcc-2008.yaml").read_bytes()
    broken = raw.replace(
        b"    hint: Working with GPs and other clinicians so they shape what is commissioned\n",
        b"    hint: |\n      Working with GPs\n      and other clinicians\n",
    )
    with pytest.raises(FrameworkError, match="competency 4: hint"):
        parse_framework(broken, name="wcc-2008.yaml", expected_version="wcc-2008")


def test_competencies_api_gives_each_hint_in_number_order(client: TestClient, world) -> None:
    response = client.get("/api/v1/competencies", headers=auth(world.practice_clinician))
    assert response.status_code == 200
    body = response.json()
    assert [c["number"] for c in body] == list(range(1, 12))
    current = framework_service.current_framework().framework
    assert [c["hint"] for c in body] == [c.hint for c in current.competencies]
    assert body[3]["hint"].startswith("Working with GPs")
    # Extended, not changed: every field the contract names is still there.
    assert {"number", "key", "title", "summary", "levels"} <= set(body[0])


def test_framework_api_keeps_the_recorded_hash_and_gives_hints(client: TestClient, world) -> None:
    response = client.get("/api/v1/frameworks/wcc-2009", headers=auth(world.a.lead))
    assert response.status_code == 200
    body = response.json()
    assert body["sha256"] == PUBLISHED["wcc-2009"]
    assert all(c["hint"] for c in body["competencies"])
    assert response.headers["ETag"] == (
        f'"{framework_service.get_loaded_framework("wcc-2009").file_sha256}"'
    )


def test_a_cycle_records_the_scored_hash(client: TestClient, world) -> None:
    current = framework_service.current_framework()
    assert world.cycle.framework_sha256 == current.sha256 == PUBLISHED[current.framework.version]


def test_folder_path_is_the_one_served() -> None:
    assert Path(framework_service.current_framework().path).parent == FOLDER
