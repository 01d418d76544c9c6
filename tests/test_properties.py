"""Property tests: the workflow table and the framework loader hold for any input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessments.models import AssessmentStatus as S
from app.assessments.workflow import TRANSITIONS, Move, next_status
from app.config import BASE_DIR
from app.errors import WorkflowError
from app.framework.loader import FrameworkError, parse_framework

PUBLISHED = yaml.safe_load((BASE_DIR / "competencies" / "wcc-2008.yaml").read_text())


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.sampled_from(list(Move)), max_size=40))
def test_any_sequence_of_moves_keeps_the_workflow_rules(moves: list[Move]) -> None:
    status = S.DRAFT
    for move in moves:
        try:
            after = next_status(move, status)
        except WorkflowError as refusal:
            assert (move, status) not in TRANSITIONS
            assert refusal.detail.startswith("Cannot ")
            continue
        # Submission only ever follows a board sign-off; finalising only follows review.
        if after is S.SUBMITTED:
            assert status is S.SIGNED_OFF
        if after is S.FINALISED:
            assert status is S.IN_REVIEW and move is Move.FINALISE
        if status is S.FINALISED:
            assert move is Move.REOPEN
        # A PCT edit never moves an assessment the SHA holds.
        if move is Move.PCT_EDIT:
            assert status in {S.DRAFT, S.SIGNED_OFF, S.RETURNED} and after is S.DRAFT
        status = after


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
