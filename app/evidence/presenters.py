"""Shaping evidence for the log-evidence form and the item's pages: the competencies with
their hints in number order, practices and PBC groups by name, and the form's values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.evidence.schemas import EvidenceRead
from app.framework.models import Framework
from app.organisations.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class CompetencyChoice:
    number: int
    title: str
    hint: str | None

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class PlaceChoice:
    """A practice or PBC group, as the form offers it: by name, a practice with its group."""

    code: str
    label: str


def competency_choices(framework: Framework) -> list[CompetencyChoice]:
    return [
        CompetencyChoice(c.number, c.title, c.hint)
        for c in sorted(framework.competencies, key=lambda c: c.number)
    ]


def place_choices(organisations: Iterable[Organisation]) -> list[PlaceChoice]:
    """The PCT's PBC groups and practices by name: each group, then its practices ("Name,
    Group name"), then practices in no group."""
    rows = [
        o
        for o in organisations
        if o.kind in (OrganisationKind.PRACTICE, OrganisationKind.PBC_GROUP)
    ]
    groups = sorted((o for o in rows if o.kind is OrganisationKind.PBC_GROUP), key=lambda o: o.name)
    practices = sorted(
        (o for o in rows if o.kind is OrganisationKind.PRACTICE), key=lambda o: o.name
    )
    choices: list[PlaceChoice] = []
    for group in groups:
        choices.append(PlaceChoice(group.code, f"{group.name} (PBC group)"))
        choices += [
            PlaceChoice(p.code, f"{p.name}, {group.name}")
            for p in practices
            if p.parent_id == group.id
        ]
    group_ids = {g.id for g in groups}
    choices += [PlaceChoice(p.code, p.name) for p in practices if p.parent_id not in group_ids]
    return choices


def place_text(item: EvidenceRead) -> str | None:
    """Where an item happened, by name: "Practice, in PBC group Group", or the group alone."""
    if item.practice_name and item.pbc_group_name:
        return f"{item.practice_name}, in PBC group {item.pbc_group_name}"
    if item.pbc_group_name:
        return f"PBC group {item.pbc_group_name}"
    return item.practice_name


def form_values(item: EvidenceRead) -> dict[str, Any]:
    """An item's fields as the form shows them, for changing it."""
    return {
        "title": item.title,
        "description": item.description,
        "occurred_on": item.occurred_on.isoformat(),
        "competency_numbers": list(item.competency_numbers),
        "kind": item.kind.value,
        "practice_code": item.practice_code or "",
        "clinicians_involved": _text(item.clinicians_involved),
        "practices_involved": _text(item.practices_involved),
        "url": item.url or "",
        "version": item.version,
    }


def _text(number: int | None) -> str:
    return "" if number is None else str(number)
