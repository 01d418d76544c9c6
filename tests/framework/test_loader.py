"""The framework loader accepts the published file and refuses broken ones by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import BASE_DIR
from app.framework.loader import FrameworkError, load_framework, load_frameworks
from tests.factories import COMPETENCY_TITLES

PUBLISHED = BASE_DIR / "competencies" / "wcc-2008.yaml"
DATA = Path(__file__).parent / "data"


def test_published_framework_has_eleven_competencies_with_four_levels_each() -> None:
    loaded = load_framework(PUBLISHED)
    framework = loaded.framework
    assert framework.version == "wcc-2008"
    assert [c.number for c in framework.competencies] == list(range(1, 12))
    assert [c.title for c in framework.competencies] == COMPETENCY_TITLES
    for competency in framework.competencies:
        assert [d.level for d in competency.levels] == [1, 2, 3, 4]
        assert all(d.descriptor for d in competency.levels)
        assert competency.evidence_prompts
    assert [s.level for s in framework.scale] == [1, 2, 3, 4]
    assert len(loaded.sha256) == 64


def test_every_framework_in_the_folder_loads() -> None:
    assert "wcc-2008" in load_frameworks(BASE_DIR / "competencies")


def _published() -> dict[str, Any]:
    return yaml.safe_load(PUBLISHED.read_text())


def _drop_level(data: dict[str, Any]) -> None:
    data["competencies"][6]["levels"].pop()


def _duplicate_number(data: dict[str, Any]) -> None:
    data["competencies"][4]["number"] = 4


def _missing_competency(data: dict[str, Any]) -> None:
    data["competencies"].pop()


def _unknown_field(data: dict[str, Any]) -> None:
    data["competencies"][2]["colour"] = "blue"


def _level_out_of_range(data: dict[str, Any]) -> None:
    data["competencies"][1]["levels"][3]["level"] = 5


def _repeated_level(data: dict[str, Any]) -> None:
    data["competencies"][8]["levels"][3]["level"] = 3


def _duplicate_key(data: dict[str, Any]) -> None:
    data["competencies"][10]["key"] = data["competencies"][0]["key"]


def _empty_title(data: dict[str, Any]) -> None:
    data["competencies"][5]["title"] = "  "


def _no_version(data: dict[str, Any]) -> None:
    del data["version"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop_level, "competency 7: expected 4 levels, found 3"),
        (_duplicate_number, "competency 4 appears more than once"),
        (_missing_competency, "expected competencies 1 to 11, missing 11"),
        (_unknown_field, "competency 3: colour: unknown field"),
        (
            _level_out_of_range,
            "competency 2: levels[3].level: Input should be less than or equal to 4",
        ),
        (_repeated_level, "competency 9: levels must be 1, 2, 3 and 4 once each, found 1, 2, 3, 3"),
        (_duplicate_key, "competency 11: key 'locally_lead_the_nhs' is not unique"),
        (_empty_title, "competency 6: title: String should have at least 1 character"),
        (_no_version, "version: required field is missing"),
    ],
)
def test_broken_framework_is_refused_naming_file_and_fault(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = _published()
    mutate(data)
    path = tmp_path / "wcc-2008.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_file_that_is_not_yaml_is_refused_with_its_line() -> None:
    with pytest.raises(FrameworkError, match=r"not-yaml\.yaml: .* at line \d+"):
        load_framework(DATA / "not-yaml.yaml")


def test_competency_with_three_levels_is_refused() -> None:
    with pytest.raises(FrameworkError, match="competency 7: expected 4 levels, found 3"):
        load_framework(DATA / "three-levels.yaml")


def test_version_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "wcc-2010.yaml"
    path.write_text(PUBLISHED.read_text())
    with pytest.raises(FrameworkError, match="does not match the file name 'wcc-2010'"):
        load_framework(path)


def test_missing_file_and_empty_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="cannot be read"):
        load_framework(tmp_path / "nothing.yaml")
    with pytest.raises(FrameworkError, match="no framework files"):
        load_frameworks(tmp_path)
