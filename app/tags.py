"""Statuses shown as a word in an NHS.UK tag of a colour (never colour alone)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class TaggedStatus(StrEnum):
    """A status enum whose members each show as a label in a tag of a colour. A subclass lists
    its members and gives each one's (label, tag colour) in ``tags``."""

    @classmethod
    def tags(cls) -> Mapping[Any, tuple[str, str]]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return type(self).tags()[self][0]

    @property
    def tag_colour(self) -> str:
        """The NHS.UK tag modifier shown beside the label."""
        return type(self).tags()[self][1]
