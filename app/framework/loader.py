"""Reading and checking framework files. A bad file is refused with a one-line reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.framework.models import Framework, LoadedFramework

COMPETENCY_NUMBERS = tuple(range(1, 12))
LEVELS = (1, 2, 3, 4)


class FrameworkError(Exception):
    """A framework file that cannot be used; the message names the file and the fault."""


def _location(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a Pydantic error location into words: 'competency 7: levels[2].descriptor'."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "competencies" and isinstance(rest[1], int):
        index = rest[1]
        number: object = None
        if isinstance(data, dict):
            items = data.get("competencies")
            if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
                number = items[index].get("number")
        parts.append(f"competency {number}" if number is not None else f"competency #{index + 1}")
        rest = rest[2:]
    path = ""
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    if path:
        parts.append(path)
    return ": ".join(parts) if parts else "file"


def _check_rules(framework: Framework, expected_version: str) -> None:
    if framework.version != expected_version:
        raise ValueError(
            f"version {framework.version!r} does not match the file name {expected_version!r}"
        )
    numbers = [c.number for c in framework.competencies]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise ValueError(f"competency {duplicates[0]} appears more than once")
    missing = [n for n in COMPETENCY_NUMBERS if n not in numbers]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise ValueError(f"expected competencies 1 to 11, missing {listed}")
    seen_keys: set[str] = set()
    for competency in framework.competencies:
        if competency.key in seen_keys:
            raise ValueError(
                f"competency {competency.number}: key {competency.key!r} is not unique"
            )
        seen_keys.add(competency.key)
        found = [d.level for d in competency.levels]
        if len(found) != len(LEVELS):
            raise ValueError(
                f"competency {competency.number}: expected 4 levels, found {len(found)}"
            )
        if sorted(found) != list(LEVELS):
            raise ValueError(
                f"competency {competency.number}: levels must be 1, 2, 3 and 4 once each, "
                f"found {', '.join(str(level) for level in found)}"
            )
    if framework.scale and sorted(s.level for s in framework.scale) != list(LEVELS):
        raise ValueError("scale: expected levels 1, 2, 3 and 4 once each")


def parse_framework(raw: bytes, *, name: str, expected_version: str) -> Framework:
    """Parse and check framework text; raises FrameworkError naming ``name`` and the fault."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise FrameworkError(f"{name}: {problem}{where}") from None
    if not isinstance(data, dict):
        raise FrameworkError(f"{name}: expected a mapping with version, title and competencies")
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _location(data, tuple(first["loc"]))
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = len(exc.errors()) - 1
        extra = f" (and {more} more {'fault' if more == 1 else 'faults'})" if more else ""
        raise FrameworkError(f"{name}: {where}: {message}{extra}") from None
    try:
        _check_rules(framework, expected_version)
    except ValueError as exc:
        raise FrameworkError(f"{name}: {exc}") from None
    return framework


def load_framework(path: Path) -> LoadedFramework:
    """Load one framework file, checked; raises FrameworkError with a one-line message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    framework = parse_framework(raw, name=str(path), expected_version=path.stem)
    return LoadedFramework(
        framework=framework, path=str(path), sha256=hashlib.sha256(raw).hexdigest()
    )


def load_frameworks(directory: Path) -> dict[str, LoadedFramework]:
    """Every ``*.yaml`` framework in a folder, by version; at least one must exist."""
    if not directory.is_dir():
        raise FrameworkError(f"{directory}: framework folder not found")
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise FrameworkError(f"{directory}: no framework files (*.yaml) found")
    loaded = [load_framework(path) for path in paths]
    return {item.framework.version: item for item in loaded}
