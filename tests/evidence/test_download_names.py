"""A file is recorded and downloaded under a name that ends as its content is: a plain text
file named as a script, a web page or a shortcut cannot be opened as one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_steps import log_evidence, ok
from tests.evidence.test_attachments import PDF, _upload
from tests.factories import auth

RISKY = ["html", "htm", "svg", "hta", "js", "vbs", "ps1", "lnk", "bat", "cmd", "scr", "jar"]


@pytest.mark.parametrize("ending", RISKY)
def test_plain_text_named_as_something_risky_is_named_as_text(
    client: TestClient, world, ending: str
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    name = f"minutes.{ending}"
    sent = ok(_upload(client, world.a.lead, item["id"], name, b"Plain words.\n", "text/plain"), 201)
    assert sent["content_type"] == "text/plain"
    assert sent["filename"] == f"{name}.txt"
    download = client.get(f"/api/v1/attachments/{sent['id']}", headers=auth(world.a.board))
    disposition = download.headers["content-disposition"]
    assert f'filename="{name}.txt"' in disposition
    assert disposition.endswith(f"{name}.txt")


@pytest.mark.parametrize(
    ("name", "kept"), [("board pack.PDF", "board pack.PDF"), ("scan", "scan.pdf")]
)
def test_a_name_that_already_ends_as_its_content_is_kept(
    client: TestClient, world, name: str, kept: str
) -> None:
    item = log_evidence(client, world.a.lead, world.a.pct.code, [5])
    sent = ok(_upload(client, world.a.lead, item["id"], name, PDF), 201)
    assert sent["filename"] == kept
