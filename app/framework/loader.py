"""Reading and checking framework files. A bad file is refused with a one-line reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError

from app.framework.models import Competency, Framework, LoadedFramework

COMPETENCY_NUMBERS = tuple(range(1, 12))
LEVELS = (1, 2, 3, 4)


class FrameworkError(Exception):
    """A framework file that cannot be used; the message names the file, the line and the
    fault."""


class _Fault(ValueError):
    """A rule the file breaks, with where in the data it breaks it."""

    def __init__(self, message: str, *loc: int | str) -> None:
        super().__init__(message)
        self.loc = loc


def _line(raw: bytes, loc: tuple[int | str, ...]) -> int | None:
    """The line (from 1) where the value at ``loc`` starts in the YAML text, or of its nearest
    parent that exists."""
    try:
        node = yaml.compose(raw)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if getattr(p[0], "value", None) == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]  # the key's line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _item(items: object, index: int, field: str) -> object:
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index].get(field)
    return None


def _location(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a Pydantic error location into words: 'competency 7: levels[2].descriptor',
    'competency 1: criterion 1.2: levels'."""
    parts: list[str] = []
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "competencies" and isinstance(rest[1], int):
        index = rest[1]
        items = data.get("competencies") if isinstance(data, dict) else None
        number = _item(items, index, "number")
        parts.append(f"competency {number}" if number is not None else f"competency #{index + 1}")
        rest = rest[2:]
        if len(rest) >= 2 and rest[0] == "criteria" and isinstance(rest[1], int):
            competency = items[index] if isinstance(items, list) else None
            criteria = competency.get("criteria") if isinstance(competency, dict) else None
            criterion = _item(criteria, rest[1], "number")
            parts.append(
                f"criterion {criterion}" if criterion is not None else f"criterion #{rest[1] + 1}"
            )
            rest = rest[2:]
    path = ""
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    if path:
        parts.append(path)
    return ": ".join(parts) if parts else "file"


def _check_levels(found: list[int], what: str, *loc: int | str) -> None:
    if len(found) != len(LEVELS):
        raise _Fault(f"{what}: expected 4 levels, found {len(found)}", *loc)
    if sorted(found) != list(LEVELS):
        raise _Fault(
            f"{what}: levels must be 1, 2, 3 and 4 once each, "
            f"found {', '.join(str(level) for level in found)}",
            *loc,
        )


def _check_criteria(competency: Competency, index: int) -> None:
    seen: set[str] = set()
    for position, criterion in enumerate(competency.criteria):
        loc = ("competencies", index, "criteria", position)
        what = f"competency {competency.number}: criterion {criterion.number}"
        whole, _, part = criterion.number.partition(".")
        if int(whole) != competency.number:
            raise _Fault(
                f"{what}: a criterion of competency {competency.number} is numbered "
                f"{competency.number}.1, {competency.number}.2 and so on",
                *loc,
                "number",
            )
        if criterion.number in seen:
            raise _Fault(f"{what} appears more than once", *loc, "number")
        seen.add(criterion.number)
        if int(part) != position + 1:
            raise _Fault(
                f"{what}: expected criterion {competency.number}.{position + 1} here "
                "(criteria are numbered in order from .1)",
                *loc,
                "number",
            )
        _check_levels([d.level for d in criterion.levels], what, *loc, "levels")


def _check_rules(framework: Framework, expected_version: str) -> None:
    if framework.version != expected_version:
        raise _Fault(
            f"version {framework.version!r} does not match the file name {expected_version!r}",
            "version",
        )
    numbers = [c.number for c in framework.competencies]
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        index = len(numbers) - 1 - numbers[::-1].index(duplicates[0])
        raise _Fault(f"competency {duplicates[0]} appears more than once", "competencies", index)
    missing = [n for n in COMPETENCY_NUMBERS if n not in numbers]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise _Fault(f"expected competencies 1 to 11, missing {listed}", "competencies")
    seen_keys: set[str] = set()
    for index, competency in enumerate(framework.competencies):
        loc = ("competencies", index)
        if competency.key in seen_keys:
            raise _Fault(
                f"competency {competency.number}: key {competency.key!r} is not unique",
                *loc,
                "key",
            )
        seen_keys.add(competency.key)
        _check_levels(
            [d.level for d in competency.levels],
            f"competency {competency.number}",
            *loc,
            "levels",
        )
        _check_criteria(competency, index)
    if framework.roll_up is None and any(c.criteria for c in framework.competencies):
        raise _Fault(
            "roll_up: required when a competency has criteria (how their levels make the "
            "competency's level: lowest or median_rounded_down)"
        )
    if framework.scale and sorted(s.level for s in framework.scale) != list(LEVELS):
        raise _Fault("scale: expected levels 1, 2, 3 and 4 once each", "scale")


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
        loc = tuple(first["loc"])
        where = _location(data, loc)
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        more = len(exc.errors()) - 1
        extra = f" (and {more} more {'fault' if more == 1 else 'faults'})" if more else ""
        raise FrameworkError(f"{name}: {_at(raw, loc)}{where}: {message}{extra}") from None
    try:
        _check_rules(framework, expected_version)
    except _Fault as fault:
        raise FrameworkError(f"{name}: {_at(raw, fault.loc)}{fault}") from None
    return framework


def _at(raw: bytes, loc: tuple[int | str, ...]) -> str:
    line = _line(raw, loc)
    return f"line {line}: " if line is not None else ""


def _hint_lines(raw: bytes) -> set[int]:
    """The lines (from 0) that hold a competency's ``hint``, key and value."""
    try:
        node = yaml.compose(raw)
    except yaml.YAMLError:
        return set()
    if not isinstance(node, yaml.MappingNode):
        return set()
    competencies = next(
        (v for k, v in node.value if getattr(k, "value", None) == "competencies"), None
    )
    if not isinstance(competencies, yaml.SequenceNode):
        return set()
    lines: set[int] = set()
    for competency in competencies.value:
        if not isinstance(competency, yaml.MappingNode):
            continue
        for key, value in competency.value:
            if getattr(key, "value", None) == "hint":
                last = value.end_mark.line if value.end_mark.column else value.end_mark.line - 1
                lines.update(range(key.start_mark.line, max(last, key.start_mark.line) + 1))
    return lines


def scored_sha256(raw: bytes) -> str:
    """The SHA-256 of what a framework file scores: its bytes without the competencies' hint
    lines. Hints are guidance for people logging evidence, so adding or rewording one leaves
    this hash, and every cycle that recorded it, as it was."""
    hinted = _hint_lines(raw)
    kept = [line for n, line in enumerate(raw.splitlines(keepends=True)) if n not in hinted]
    return hashlib.sha256(b"".join(kept)).hexdigest()


def load_framework(path: Path) -> LoadedFramework:
    """Load one framework file, checked; raises FrameworkError with a one-line message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FrameworkError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    framework = parse_framework(raw, name=str(path), expected_version=path.stem)
    return LoadedFramework(
        framework=framework,
        path=str(path),
        sha256=scored_sha256(raw),
        file_sha256=hashlib.sha256(raw).hexdigest(),
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
