"""Pages and answers are never kept by a browser's or a proxy's cache; static assets may be.
A redirect never names the host a request claimed: a forged Host header cannot send a browser
to another site."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import auth
from tests.web.steps import sign_in


def test_signed_in_pages_and_api_answers_are_not_stored(client: TestClient, world) -> None:
    answers = [
        client.get("/api/v1/users/me", headers=auth(world.a.lead)),
        client.get("/api/v1/evidence", headers=auth(world.a.lead)),
        client.get("/login"),
        client.get("/healthz"),
    ]
    sign_in(client, world.a.lead)
    answers += [client.get("/"), client.get("/evidence"), client.get("/no-such-page")]
    for answer in answers:
        assert "no-store" in answer.headers["cache-control"], answer.url


def test_static_assets_may_be_kept(client: TestClient) -> None:
    css = client.get("/static/css/report.css")
    assert css.status_code == 200
    assert "no-store" not in css.headers.get("cache-control", "")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "EVIL.example"])
def test_a_forged_host_header_never_reaches_a_redirect(
    client: TestClient, world, host: str
) -> None:
    for path in ["/admin/", "/evidence/", "/"]:
        answer = client.get(path, headers={"Host": host}, follow_redirects=False)
        if answer.is_redirect:
            location = answer.headers["location"]
            assert location.startswith("/") and not location.startswith("//"), (path, location)
            assert "evil" not in location.lower()


def test_an_unexpected_fault_is_answered_with_the_security_headers() -> None:
    from app.main import create_app

    app = create_app()

    @app.get("/api/v1/fault-for-test")
    def fault() -> None:
        raise RuntimeError("a fault of ours")

    with TestClient(app, raise_server_exceptions=False) as plain:
        answer = plain.get("/api/v1/fault-for-test")
    assert answer.status_code == 500
    assert "something went wrong on our side" in answer.text
    assert "a fault of ours" not in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"


def test_with_allowed_hosts_set_another_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import get_settings
    from app.main import create_app

    monkeypatch.setattr(get_settings(), "allowed_hosts", "wcc.example.nhs.uk, testserver")
    with TestClient(create_app()) as named:
        assert named.get("/healthz").status_code == 200
        assert named.get("/healthz", headers={"Host": "wcc.example.nhs.uk"}).status_code == 200
        refused = named.get("/admin/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert refused.status_code == 400
    assert "evil" not in refused.headers.get("location", "")
    assert refused.headers["content-security-policy"]
