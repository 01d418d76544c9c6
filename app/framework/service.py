"""The frameworks this process serves, loaded once from ``WCC_FRAMEWORKS_DIR``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.config import get_settings
from app.cycles.models import Cycle
from app.errors import NotFound
from app.framework.loader import load_frameworks
from app.framework.models import Framework, LoadedFramework


@lru_cache
def _frameworks_in(directory: Path) -> dict[str, LoadedFramework]:
    return load_frameworks(directory)


def loaded_frameworks() -> dict[str, LoadedFramework]:
    """All frameworks by version. Raises FrameworkError if any file is bad."""
    return _frameworks_in(get_settings().frameworks_dir.resolve())


def get_loaded_framework(version: str) -> LoadedFramework:
    try:
        return loaded_frameworks()[version]
    except KeyError:
        raise NotFound(f"Framework version {version!r} is not loaded") from None


def get_framework(version: str) -> Framework:
    return get_loaded_framework(version).framework


@lru_cache(maxsize=64)
def _assessing(version: str, sha256: str, numbers: tuple[int, ...]) -> Framework:
    return get_framework(version).assessing(numbers)


def for_cycle(cycle: Cycle) -> Framework:
    """The framework a cycle is scored against, with only the competencies it assesses."""
    loaded = get_loaded_framework(cycle.framework_version)
    return _assessing(cycle.framework_version, loaded.sha256, cycle.assessed)


def current_framework() -> LoadedFramework:
    """The framework new cycles use: the configured default, else the newest file."""
    frameworks = loaded_frameworks()
    default = get_settings().default_framework
    if default in frameworks:
        return frameworks[default]
    return frameworks[sorted(frameworks)[-1]]
