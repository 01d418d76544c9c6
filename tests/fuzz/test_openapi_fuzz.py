"""Schemathesis against our own /openapi.json, signed in as each role: whatever a client
sends, no 500, and every answer matches the documented status codes, types and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_steps import log_evidence, open_assessment
from tests.factories import auth

ROLES = ("admin", "lead", "board", "clinician", "reviewer", "anonymous")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 10


@pytest.mark.parametrize("role", ROLES)
def test_api_never_fails_and_matches_its_schema(client: TestClient, world, role: str) -> None:
    open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    log_evidence(client, world.a.lead, world.a.pct.code, [1, 4])
    user = {
        "admin": world.admin,
        "lead": world.a.lead,
        "board": world.a.board,
        "clinician": world.a.clinician,
        "reviewer": world.reviewer,
        "anonymous": None,
    }[role]
    headers = auth(user) if user is not None else {}
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
