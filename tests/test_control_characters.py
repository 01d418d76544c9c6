"""Control characters in text: refused at input on every database (the API and the page forms
alike) with tab and line breaks still taken; text already stored with them still exports as a
spreadsheet; a backup holding them is refused row by row, naming each; and a right-to-left
override in a title is shown neutralised in pages and PDFs."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from app import cli
from app.backup import BackupError, export_database, import_database
from app.demo import load_demo
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation
from app.plain_text import neutralise_bidi, unstorable
from tests.api_steps import log_evidence, ok, present, ready_to_sign
from tests.factories import auth
from tests.test_backup import _database, _kinds, _snapshot, data_dir  # noqa: F401
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

NUL_TITLE = "Board minutes\x00 March"
SOH_TITLE = "Board minutes\x01 March"
RLO_TITLE = "invoice\u202efdp.exe"
BODY = {
    "description": "What happened, in a sentence.",
    "kind": "minutes",
    "occurred_on": "2009-10-14",
    "competency_numbers": [4],
}


def _titled(session: Session, title: str) -> list[EvidenceItem]:
    """Items whose title starts as ``title`` does (up to its first control character: a
    NUL cannot even be searched for on PostgreSQL)."""
    session.expire_all()
    start = title.split("\x00")[0].split("\x01")[0]
    found = session.exec(select(EvidenceItem).where(col(EvidenceItem.title).startswith(start)))
    return list(found.all())


# The rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\x01b", "\x08", "a\x0bb", "a\x0cb", "\x1b[31m", "a\x1fb", "a\rb", "a\r"]
)
def test_c0_control_characters_and_a_lone_carriage_return_are_unstorable(text: str) -> None:
    assert unstorable(text)
    assert unstorable({"after": {"title": text}})
    assert unstorable(["fine", text])


@pytest.mark.parametrize(
    "text", ["plain", "tab\there", "line\nbreak", "windows\r\nbreak", "café ‏عربى", ""]
)
def test_tab_line_breaks_and_any_printable_text_are_storable(text: str) -> None:
    assert not unstorable(text)


def test_bidi_controls_are_taken_out_of_shown_text_and_nothing_else() -> None:
    assert neutralise_bidi(RLO_TITLE) == "invoicefdp.exe"
    text = "a\u202ab\u202bc\u202cd\u202de\u2066f\u2067g\u2068h\u2069i"
    assert neutralise_bidi(text) == "abcdefghi"
    assert neutralise_bidi("עברית, عربى") == "עברית, عربى"
    assert neutralise_bidi(7) == 7 and neutralise_bidi(None) is None


# Refused at input --------------------------------------------------------------------------


@pytest.mark.parametrize("title", [NUL_TITLE, SOH_TITLE])
def test_api_refuses_a_title_holding_a_control_character_and_stores_nothing(
    client: TestClient, session: Session, world, title: str
) -> None:
    response = client.post(
        "/api/v1/evidence",
        json={**BODY, "organisation_code": world.a.pct.code, "title": title},
        headers=auth(world.a.lead),
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "detail": "The title holds a control character (such as a NUL) that cannot be stored. "
        "Remove it and try again.",
        "field": "title",
    }
    assert _titled(session, title) == []


def test_api_refuses_a_control_character_in_a_change_and_keeps_what_was_saved(
    client: TestClient, session: Session, world
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Board minutes")
    response = client.patch(
        f"/api/v1/evidence/{item['id']}",
        json={"description": "Agreed\x00 the plan."},
        headers=auth(world.a.lead),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "description"
    session.expire_all()
    assert session.get(EvidenceItem, item["id"]).description == item["description"]


def test_api_takes_tabs_and_line_breaks(client: TestClient, session: Session, world) -> None:
    description = "First line\r\nSecond line\n\tindented"
    item = log_evidence(
        client, world.a.lead, world.a.pct.code, [4], title="Tab\there", description=description
    )
    assert item["title"] == "Tab\there" and item["description"] == description


def test_a_title_an_older_release_stored_with_a_control_character_can_be_corrected(
    client: TestClient, session: Session, world
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Board minutes")
    session.connection().execute(
        sa.update(EvidenceItem)
        .where(EvidenceItem.id == item["id"])
        .values(title=SOH_TITLE)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    kind = client.patch(
        f"/api/v1/evidence/{item['id']}", json={"kind": "engagement"}, headers=auth(world.a.lead)
    )
    assert kind.status_code == 200, kind.text  # the audit record copies the old title
    corrected = client.patch(
        f"/api/v1/evidence/{item['id']}",
        json={"title": "Board minutes March"},
        headers=auth(world.a.lead),
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["title"] == "Board minutes March"


@pytest.mark.parametrize("title", [NUL_TITLE, SOH_TITLE])
def test_evidence_form_refuses_a_control_character_with_the_error_summary_and_keeps_the_text(
    client: TestClient, session: Session, world, title: str
) -> None:
    sign_in(client, world.a.lead)
    token = csrf_from(client.get("/evidence/new").text)
    response = client.post(
        "/evidence",
        data={
            "csrftoken": token,
            "title": title,
            "description": "Eight GPs agreed the referral criteria.",
            "occurred_on": "2010-05-20",
            "competency_numbers": ["4"],
            "kind": "minutes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 422
    links = assert_summary_reaches_fields(response.text)
    assert links == {
        "title": "Enter a title without control characters (such as a NUL): they cannot be stored"
    }
    assert "Eight GPs agreed the referral criteria." in response.text
    assert "Board minutes" in response.text
    assert _titled(session, title) == []


# Already stored (before the rule): still exported ------------------------------------------


def test_spreadsheet_export_strips_control_characters_already_stored(
    client: TestClient, session: Session, world
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title="Board minutes")
    present(client, world.a.lead, assessment["id"], item["id"])
    # As an older release left it: written past every check.
    session.connection().execute(
        sa.update(EvidenceItem)
        .where(EvidenceItem.id == item["id"])
        .values(title="\x01=Board\x01 minutes\x1b March")
        .execution_options(synchronize_session=False)
    )
    response = client.get(
        f"/api/v1/assessments/{assessment['id']}/export.xlsx", headers=auth(world.a.lead)
    )
    assert response.status_code == 200, response.text[:300]
    evidence = list(load_workbook(io.BytesIO(response.content))["Evidence"].values)
    row = next(r for r in evidence[1:] if r[0] == item["id"])
    assert row[1] == "'=Board minutes March"


# Backups -----------------------------------------------------------------------------------


@contextmanager
def _demo_database(run_dir: Path) -> Iterator[sa.Engine]:
    """A SQLite database holding the demo, dropped afterwards."""
    made = _database(run_dir, "sqlite")
    source = next(made)
    try:
        with Session(source) as session:
            load_demo(session)
        yield source
    finally:
        made.close()


@contextmanager
def _empty_database(run_dir: Path) -> Iterator[sa.Engine]:
    """An empty database to restore into (PostgreSQL where the suite has a server), dropped
    afterwards."""
    made = _database(run_dir, _kinds()[1])
    try:
        yield next(made)
    finally:
        made.close()


@dataclass
class HeldBackup:
    """A backup holding control characters, and the ids of the rows that hold them."""

    path: Path
    item_id: int
    organisation_id: int


@pytest.fixture
def held(run_dir: Path, data_dir: Path, tmp_path: Path) -> HeldBackup:  # noqa: F811
    """A backup of a SQLite database where an older release stored a NUL in an evidence
    title and a \\x01 in an organisation's name."""
    with _demo_database(run_dir) as source:
        with source.begin() as connection:
            item_id = connection.execute(sa.select(sa.func.min(EvidenceItem.id))).scalar_one()
            organisation_id = connection.execute(
                sa.select(sa.func.min(Organisation.id))
            ).scalar_one()
            connection.execute(
                sa.update(EvidenceItem).where(EvidenceItem.id == item_id).values(title=NUL_TITLE)
            )
            connection.execute(
                sa.update(Organisation)
                .where(Organisation.id == organisation_id)
                .values(name="NHS\x01 Somewhere")
            )
        backup = tmp_path / "backup.json"
        export_database(source, backup)
    return HeldBackup(backup, item_id, organisation_id)


def test_restore_lists_every_row_holding_a_control_character_and_loads_nothing(
    run_dir: Path, held: HeldBackup
) -> None:
    with _empty_database(run_dir) as target:
        with pytest.raises(BackupError) as refused:
            import_database(target, held.path)
        message = str(refused.value)
        assert f"table evidence_item, row {held.item_id}: title" in message
        assert f"table organisation, row {held.organisation_id}: name" in message
        assert "nothing was restored" in message
        assert all(rows == [] for rows in _snapshot(target).values())


def test_wcc_import_reports_the_rows_and_exits_1_without_a_traceback(
    run_dir: Path, held: HeldBackup, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _empty_database(run_dir) as target:
        monkeypatch.setattr("app.db.get_engine", lambda: target)
        result = CliRunner().invoke(cli.app, ["import", str(held.path)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"table evidence_item, row {held.item_id}: title" in result.output
        assert "Traceback" not in result.output


def test_backup_round_trips_tabs_and_line_breaks(
    run_dir: Path,
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    with _demo_database(run_dir) as source:
        with source.begin() as connection:
            connection.execute(
                sa.update(EvidenceItem)
                .where(EvidenceItem.id == 1)
                .values(title="Tab\there", description="One\r\nTwo\nThree")
            )
        backup = tmp_path / "backup.json"
        export_database(source, backup)
        before = json.loads(backup.read_text())["tables"]["evidence_item"]
        with _empty_database(run_dir) as target:
            import_database(target, backup)
            export_database(target, tmp_path / "again.json")
            after = json.loads((tmp_path / "again.json").read_text())["tables"]["evidence_item"]
            assert after == before


# Right-to-left overrides: shown neutralised ------------------------------------------------


def test_a_right_to_left_override_in_a_title_is_neutralised_on_its_page(
    client: TestClient, world
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [4], title=RLO_TITLE)
    assert item["title"] == RLO_TITLE  # stored as typed: the API gives the text back
    sign_in(client, world.a.lead)
    page = client.get(f"/evidence/{item['id']}")
    assert page.status_code == 200
    assert "invoicefdp.exe" in page.text
    assert "\u202e" not in page.text
    library = client.get("/evidence")
    assert "invoicefdp.exe" in library.text and "\u202e" not in library.text


def test_a_right_to_left_override_in_a_title_is_neutralised_in_the_pdf(
    client: TestClient, world
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    item = log_evidence(
        client, world.a.lead, world.a.pct.code, [4], title=f"{RLO_TITLE} board minutes"
    )
    present(client, world.a.lead, assessment["id"], item["id"])
    response = client.get(
        f"/api/v1/assessments/{assessment['id']}/report.pdf", headers=auth(world.a.lead)
    )
    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "invoicefdp.exeboardminutes" in "".join(text.split())
    assert "\u202e" not in text
    ok(client.get(f"/api/v1/evidence/{item['id']}", headers=auth(world.a.lead)))


def test_restore_told_to_strip_control_characters_loads_every_row_without_them(
    run_dir: Path, held: HeldBackup
) -> None:
    with _empty_database(run_dir) as target:
        counts = import_database(target, held.path, strip_control_characters=True)
        assert counts["cleaned"] == 2
        with Session(target) as session:
            assert session.get(EvidenceItem, held.item_id).title == "Board minutes March"
            assert session.get(Organisation, held.organisation_id).name == "NHS Somewhere"
