"""The `wcc` command: framework checks, user creation, and start-up refusing a bad framework."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from sqlmodel import Session
from typer.testing import CliRunner

from app.cli import app
from app.config import BASE_DIR

runner = CliRunner()
PUBLISHED = BASE_DIR / "competencies" / "wcc-2008.yaml"


def _broken_framework_dir(tmp_path: Path) -> Path:
    data = yaml.safe_load(PUBLISHED.read_text())
    data["competencies"][6]["levels"].pop()
    folder = tmp_path / "competencies"
    folder.mkdir()
    (folder / "wcc-2008.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_framework_check_accepts_the_published_file() -> None:
    result = runner.invoke(app, ["framework", "check", str(PUBLISHED)])
    assert result.exit_code == 0, result.output
    assert "ok: wcc-2008, 11 competencies" in result.output


def test_framework_check_names_the_fault_in_a_broken_file(tmp_path: Path) -> None:
    broken = _broken_framework_dir(tmp_path) / "wcc-2008.yaml"
    result = runner.invoke(app, ["framework", "check", str(broken)])
    assert result.exit_code == 1
    assert "competency 7: expected 4 levels, found 3" in result.output


def test_serve_refuses_to_start_on_a_broken_framework_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WCC_FRAMEWORKS_DIR": str(_broken_framework_dir(tmp_path)),
        "WCC_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=BASE_DIR,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(
        r"wcc-2008\.yaml: line \d+: competency 7: expected 4 levels, found 3", lines[0]
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_user_create_rejects_an_unknown_role() -> None:
    result = runner.invoke(
        app, ["user", "create", "--email", "a@b.test", "--password", "x" * 12, "--role", "king"]
    )
    assert result.exit_code == 1
    assert "unknown role 'king'" in result.output


def test_user_create_makes_an_admin(session: Session, monkeypatch) -> None:
    monkeypatch.setattr("app.cli._with_session", lambda action: action(session))
    result = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "First.Admin@Example.test",
            "--password",
            "a-long-password",
            "--role",
            "admin",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Created admin first.admin@example.test" in result.output


def test_user_create_explains_a_missing_organisation(session: Session, monkeypatch) -> None:
    monkeypatch.setattr("app.cli._with_session", lambda action: action(session))
    result = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "lead@example.test",
            "--password",
            "a-long-password",
            "--role",
            "pct_lead",
            "--org",
            "NOPE",
        ],
    )
    assert result.exit_code == 1
    assert "Organisation 'NOPE' not found" in result.output


def test_serve_believes_forwarded_addresses_only_from_the_proxies_named(monkeypatch) -> None:
    import uvicorn

    from app.config import get_settings

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    # It would set up the embedded mail worker for the rest of the run: not its concern here.
    monkeypatch.setattr("app.cli._embedded_mail_worker", lambda settings: None)
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "127.0.0.1"
    monkeypatch.setattr(get_settings(), "forwarded_allow_ips", "10.0.0.0/8,192.168.1.5")
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert seen["forwarded_allow_ips"] == "10.0.0.0/8,192.168.1.5"
