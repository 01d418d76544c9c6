"""The API documentation is served from this service at a pinned version, under a
Content-Security-Policy, fetching nothing from anywhere else."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.api_docs import SWAGGER_UI


def test_the_api_docs_load_only_this_services_files_under_a_policy(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert f"{SWAGGER_UI}/swagger-ui-bundle.js" in sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)
    assert "<script>" not in page.text  # no inline script
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    for path in sources:
        assert client.get(path).status_code == 200, path
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
