"""Criteria: parts of a competency scored on their own, checked like the competencies, and
rolled up into the competency's level by the rule the file names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import BASE_DIR
from app.framework.loader import FrameworkError, load_framework
from app.framework.models import RollUpRule

YEAR_ONE = BASE_DIR / "competencies" / "wcc-2008.yaml"


def _levels(count: int = 4) -> list[dict[str, Any]]:
    return [{"level": n, "descriptor": f"What level {n} looks like."} for n in range(1, count + 1)]


def _with_criteria() -> dict[str, Any]:
    data = yaml.safe_load(YEAR_ONE.read_text())
    data["roll_up"] = {"rule": "lowest", "meaning": "The weakest part sets the level."}
    data["competencies"][0]["criteria"] = [
        {"number": f"1.{n}", "title": f"Part {n}", "levels": _levels()} for n in (1, 2, 3)
    ]
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "wcc-2008.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_criteria_load_in_order_with_their_levels(tmp_path: Path) -> None:
    framework = load_framework(_write(tmp_path, _with_criteria())).framework
    first = framework.competency(1)
    assert first is not None
    assert [c.number for c in first.criteria] == ["1.1", "1.2", "1.3"]
    assert first.criteria_text == "1.1 to 1.3"
    assert first.criterion("1.2") is not None and first.criterion("2.1") is None
    assert framework.rolled_up([3, 2, 4]) == 2


def _missing_level(data: dict[str, Any]) -> None:
    data["competencies"][0]["criteria"][1]["levels"].pop()


def _another_competency(data: dict[str, Any]) -> None:
    data["competencies"][0]["criteria"][2]["number"] = "2.3"


def _repeated(data: dict[str, Any]) -> None:
    data["competencies"][0]["criteria"][2]["number"] = "1.2"


def _gap(data: dict[str, Any]) -> None:
    data["competencies"][0]["criteria"][2]["number"] = "1.4"


def _no_rule(data: dict[str, Any]) -> None:
    del data["roll_up"]


def _unknown_rule(data: dict[str, Any]) -> None:
    data["roll_up"]["rule"] = "average"


def _not_a_number(data: dict[str, Any]) -> None:
    data["competencies"][0]["criteria"][0]["number"] = "one"


@pytest.mark.parametrize(
    ("mutate", "expected", "line_holds"),
    [
        (_missing_level, "competency 1: criterion 1.2: expected 4 levels, found 3", "levels:"),
        (_another_competency, "criterion 2.3: a criterion of competency 1 is numbered", "2.3"),
        (_repeated, "competency 1: criterion 1.2 appears more than once", "1.2"),
        (_gap, "expected criterion 1.3 here", "1.4"),
        (_no_rule, "roll_up: required when a competency has criteria", None),
        (
            _unknown_rule,
            "roll_up.rule: Input should be 'lowest' or 'median_rounded_down'",
            "average",
        ),
        (_not_a_number, "competency 1: criterion one: number: String should match", "one"),
    ],
)
def test_bad_criteria_are_refused_with_file_line_and_fault(
    tmp_path: Path,
    mutate: Callable[[dict[str, Any]], None],
    expected: str,
    line_holds: str | None,
) -> None:
    data = _with_criteria()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    if line_holds is not None:
        line = int(message.split(": line ")[1].split(":")[0])
        assert line_holds in path.read_text().splitlines()[line - 1]


@pytest.mark.parametrize(
    ("rule", "levels", "level"),
    [
        (RollUpRule.LOWEST, [2, 3, 3], 2),
        (RollUpRule.LOWEST, [4], 4),
        (RollUpRule.MEDIAN_ROUNDED_DOWN, [1, 3, 4], 3),
        (RollUpRule.MEDIAN_ROUNDED_DOWN, [1, 2, 3, 4], 2),
        (RollUpRule.MEDIAN_ROUNDED_DOWN, [3, 1], 1),
    ],
)
def test_roll_up_rules(rule: RollUpRule, levels: list[int], level: int) -> None:
    assert rule.level(levels) == level


def test_year_two_scores_competencies_1_and_11_through_three_criteria_each() -> None:
    year_one = load_framework(YEAR_ONE).framework
    year_two = load_framework(BASE_DIR / "competencies" / "wcc-2009.yaml").framework
    assert year_two.version == "wcc-2009"
    assert year_two.roll_up is not None and year_two.roll_up.rule is RollUpRule.LOWEST
    with_criteria = {c.number: [k.number for k in c.criteria] for c in year_two.competencies}
    assert with_criteria[1] == ["1.1", "1.2", "1.3"]
    assert with_criteria[11] == ["11.1", "11.2", "11.3"]
    assert all(not with_criteria[n] for n in range(2, 11))
    # Same competencies, same keys and titles: a PCT's two years can be compared.
    assert [(c.key, c.title) for c in year_two.competencies] == [
        (c.key, c.title) for c in year_one.competencies
    ]
    # The file says where the wording is ours.
    assert any("our own" in note for note in year_two.notes)
