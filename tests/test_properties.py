"""Property tests: any sequence of workflow commands does what a model of the SPEC says, and the
framework loader holds for any input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection
from sqlmodel import Session

from app.assessments import service as assessment_service
from app.assessments.models import AssessmentStatus as S
from app.config import BASE_DIR
from app.framework.loader import FrameworkError, parse_framework
from tests import assessment_moves as moves
from tests.factories import auth

PUBLISHED = yaml.safe_load((BASE_DIR / "competencies" / "wcc-2008.yaml").read_text())

ALL = frozenset(range(1, 12))

# The steps of tests/assessment_moves.py (here "present" and "take_out" both concern the spare
# item, so that they can be taken in any order), and the reviewer scoring every competency.
NAMES = (*moves.STEPS, "review_all")
Step = tuple[str, int]  # a step, and the competency it concerns (edit and review)
# Steps that succeed without changing anything when there is nothing to do (idempotent).
IDEMPOTENT = frozenset({"present", "take_out"})


@dataclass(frozen=True)
class Model:
    """SPEC §2 with §6.1 and §6.2 as a small state machine of its own: the status, the
    competencies the reviewer has scored (finalising needs all eleven), whether the spare item
    is presented, whether a return's points wait for answers, whether the SHA has ever had it,
    and whether it has been returned since it was last submitted."""

    status: S = S.DRAFT
    reviewed: frozenset[int] = frozenset()
    spare: bool = False
    open_points: bool = False
    submitted_once: bool = False
    returned_since_submit: bool = False

    def after(self, step: str, number: int) -> tuple[Model, S | int]:
        """The model after ``step``, and what the step should give: a status, or the HTTP
        status of its refusal."""
        now = self.status
        pct_may_change = now in {S.DRAFT, S.RETURNED}  # locked once signed off

        def to(status: S, **changes: Any) -> tuple[Model, S]:
            return replace(self, status=status, **changes), status

        refused = (self, 409)
        if step == "edit":
            return to(now) if pct_may_change else refused
        if step == "present":
            return to(now, spare=True) if pct_may_change else refused
        if step == "take_out":
            return to(now, spare=False) if pct_may_change else refused
        if step == "answer":  # with nothing to answer, the point asked for does not exist
            return to(now, open_points=False) if self.open_points else (self, 404)
        if step == "sign_off":
            ready = not self.open_points
            return to(S.SIGNED_OFF) if pct_may_change and ready else refused
        if step == "withdraw":
            back = S.RETURNED if self.returned_since_submit else S.DRAFT
            return to(back) if now is S.SIGNED_OFF else refused
        if step == "submit":
            if now is not S.SIGNED_OFF:
                return refused
            return to(S.SUBMITTED, submitted_once=True, returned_since_submit=False)
        if step == "reopen":  # an administrator's, and only of a finalised assessment
            return to(S.IN_REVIEW) if now is S.FINALISED else refused
        if not self.submitted_once:
            return self, 404  # not there at all for the reviewer
        reviewing = now in {S.SUBMITTED, S.IN_REVIEW}  # the first review score starts review
        if step == "review":
            return to(S.IN_REVIEW, reviewed=self.reviewed | {number}) if reviewing else refused
        if step == "review_all":
            return to(S.IN_REVIEW, reviewed=ALL) if reviewing else refused
        if step == "rate":
            return to(S.IN_REVIEW) if reviewing else refused
        if step == "return":
            if not reviewing:
                return refused
            return to(S.RETURNED, open_points=True, returned_since_submit=True)
        if step == "finalise":
            return to(S.FINALISED) if now is S.IN_REVIEW and self.reviewed == ALL else refused
        raise AssertionError(step)

    def ahead(self) -> str:
        """The next step along the main path (and back round after a reopen)."""
        if self.status is S.IN_REVIEW:
            return "finalise" if self.reviewed == ALL else "review_all"
        if self.status is S.RETURNED and self.open_points:
            return "answer"
        return {
            S.DRAFT: "sign_off",
            S.SIGNED_OFF: "submit",
            S.SUBMITTED: "review_all",
            S.RETURNED: "sign_off",
            S.FINALISED: "reopen",
        }[self.status]


def _take(session: Session, cast: moves.Cast, step: str, number: int) -> moves.Refused | None:
    commands = {
        "edit": lambda: moves.edit(session, cast, number),
        "take_out": lambda: assessment_service.withdraw_evidence(
            session, cast.lead, cast.assessment_id, cast.spare_id
        ),
        "review": lambda: moves.review(session, cast, number),
        "review_all": lambda: moves.review_all(session, cast),
    }
    return moves.attempt(session, commands.get(step, lambda: moves.STEPS[step](session, cast)))


@contextmanager
def _rolled_back(session: Session) -> Iterator[None]:
    """Each example starts from what the fixtures built and leaves nothing behind: a savepoint
    on the test's connection, taken before the example and rolled back after it."""
    session.close()
    connection = session.get_bind()
    assert isinstance(connection, Connection)
    example = connection.begin_nested()
    try:
        yield
    finally:
        session.close()
        example.rollback()


@pytest.fixture
def ready(session: Session) -> moves.Cast:
    return moves.ready_draft(session)


def _play(
    session: Session, client: TestClient, cast: moves.Cast, choose: Callable[[Model], Step | None]
) -> None:
    """Take the steps ``choose`` gives, one at a time, checking each against the model and the
    rules that hold whatever the model says; then check who can see the result."""
    aid = cast.assessment_id
    model = Model()
    after = moves.held(session, aid)
    while (chosen := choose(model)) is not None:
        step, number = chosen
        before = after
        was = model
        model, expected = model.after(step, number)
        refusal = _take(session, cast, step, number)
        after = moves.held(session, aid)
        if isinstance(expected, int):
            assert refusal is not None, f"{step} was allowed from {before['assessment']['status']}"
            assert refusal.status_code == expected, refusal
            assert after == before, f"the refused {step} changed something"
        else:
            assert refusal is None, f"{step} from {before['assessment']['status']}: {refusal}"
            assert moves.status_of(session, aid) is expected
            if step not in IDEMPOTENT or model != was:
                assert after["audit_events"] > before["audit_events"], f"{step} was not audited"
            else:
                assert after == before, f"{step} with nothing to do changed something"
        # Read-only once finalised, for everyone but the administrator who reopens it.
        if before["assessment"]["status"] == S.FINALISED and step != "reopen":
            assert after == before
    # Whatever happened, the SHA sees it from its first submission on, and no other PCT ever
    # does.
    status = moves.status_of(session, aid)
    seen = client.get(f"/api/v1/assessments/{aid}", headers=auth(cast.world.reviewer))
    if model.submitted_once:
        assert seen.status_code == 200 and seen.json()["status"] == status.value
    else:
        assert seen.status_code == 404, status
    stranger = auth(cast.world.b.lead)
    assert client.get(f"/api/v1/assessments/{aid}", headers=stranger).status_code == 404


def test_a_round_trip_through_every_status_does_what_the_spec_model_says(
    session: Session, client: TestClient, ready: moves.Cast
) -> None:
    story: list[Step] = [
        ("withdraw", 1),
        ("answer", 1),
        ("sign_off", 1),
        ("edit", 2),
        ("present", 1),
        ("withdraw", 1),
        ("present", 1),
        ("present", 1),
        ("sign_off", 1),
        ("submit", 1),
        ("review", 4),
        ("return", 1),
        ("review", 5),
        ("edit", 3),
        ("sign_off", 1),
        ("answer", 1),
        ("take_out", 1),
        ("sign_off", 1),
        ("withdraw", 1),
        ("take_out", 1),
        ("sign_off", 1),
        ("submit", 1),
        ("review_all", 1),
        ("finalise", 1),
        ("edit", 2),
        ("return", 1),
        ("answer", 1),
        ("reopen", 1),
        ("rate", 1),
        ("finalise", 1),
    ]
    steps = iter(story)
    _play(session, client, ready, lambda model: next(steps, None))


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    # One world for the whole test; each example runs inside its own savepoint (_rolled_back).
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    # No shrinking: an example is a run of database commands and shrinking one takes minutes.
    # A failure prints the steps as drawn, and each assertion names the step and the status.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=st.data())
def test_any_sequence_of_commands_does_what_the_spec_model_says(
    session: Session, client: TestClient, ready: moves.Cast, data: st.DataObject
) -> None:
    length = data.draw(st.integers(min_value=6, max_value=16), label="length")

    def choose(model: Model) -> Step | None:
        nonlocal length
        if length == 0:
            return None
        length -= 1
        number = data.draw(st.integers(min_value=1, max_value=11))
        # Often the next step along the main path, or any step that changes something, so that
        # sequences reach every status; else one the model refuses, so that refusals are tried
        # from everywhere; else any step at all.
        onward = [name for name in NAMES if model.after(name, number)[0] != model]
        refused = [name for name in NAMES if isinstance(model.after(name, number)[1], int)]
        ahead = st.just(model.ahead())
        name = data.draw(
            ahead
            | ahead
            | st.sampled_from(onward)
            | st.sampled_from(refused)
            | st.sampled_from(NAMES)
        )
        event(f"{model.status} {name}")  # shown by --hypothesis-show-statistics
        return name, number

    with _rolled_back(session):
        _play(session, client, ready, choose)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


PATHS = [p for p in _paths(PUBLISHED) if p]


def _replace(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replace(document[head], tuple(rest), value)
    return copy


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.sampled_from(PATHS), json_values)
def test_the_loader_accepts_or_refuses_any_change_with_one_line_naming_the_file(
    path: tuple, value: Any
) -> None:
    document = _replace(PUBLISHED, path, value)
    raw = yaml.safe_dump(document, sort_keys=False).encode()
    try:
        framework = parse_framework(raw, name="wcc-2008.yaml", expected_version="wcc-2008")
    except FrameworkError as refusal:
        message = str(refusal)
        assert message.startswith("wcc-2008.yaml: ") and "\n" not in message
        return
    assert [c.number for c in framework.competencies] == list(range(1, 12))
    assert all(sorted(d.level for d in c.levels) == [1, 2, 3, 4] for c in framework.competencies)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.binary(max_size=200))
def test_the_loader_refuses_arbitrary_bytes_cleanly(raw: bytes) -> None:
    try:
        parse_framework(raw, name="x.yaml", expected_version="x")
    except FrameworkError as refusal:
        assert str(refusal).startswith("x.yaml: ")


def test_paths_cover_the_whole_file() -> None:
    assert len(PATHS) > 200
    assert Path(BASE_DIR / "competencies" / "wcc-2008.yaml").exists()
