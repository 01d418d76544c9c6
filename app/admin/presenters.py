"""What the administration pages show, kept out of the templates: the users' filters and
their pages, role choices in words, and the "what changed" of a saved change."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any
from urllib.parse import urlencode

from app.audit.presenters import Change, Names, changes
from app.audit.trail import AuditEvent
from app.organisations.models import ALLOWED_PARENT_KINDS, OrganisationKind
from app.users.models import Role
from app.users.service import UserRow
from app.web import ROLE_WORDS

USERS_PAGE_SIZE = 50

# The account states a list may show, as the filter offers them.
STATUSES: dict[str, bool | None] = {"": None, "active": True, "inactive": False}


KIND_WORDS: dict[OrganisationKind, str] = {
    OrganisationKind.SHA: "strategic health authority",
    OrganisationKind.PCT: "primary care trust",
    OrganisationKind.PBC_GROUP: "PBC group",
    OrganisationKind.PRACTICE: "GP practice",
}


def parent_hint(kind: OrganisationKind) -> str:
    """What the "Part of" field of an organisation of ``kind`` takes."""
    allowed = " or ".join(KIND_WORDS[k] for k in sorted(ALLOWED_PARENT_KINDS[kind]))
    hint = f"The code of the {allowed} it belongs to."
    if kind is OrganisationKind.PRACTICE:
        hint += " It stays within its PCT: the PCT itself, or one of its PBC groups."
    elif kind is OrganisationKind.PBC_GROUP:
        hint += " It stays within its PCT."
    return hint


@dataclass(frozen=True)
class Choice:
    value: str
    text: str


def role_choices(first: str) -> list[Choice]:
    """The roles, in words, after a first choice ("Choose a role", "Any role")."""
    return [Choice("", first), *(Choice(role.value, ROLE_WORDS[role]) for role in Role)]


def _whole_number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else None


@dataclass(frozen=True)
class UserFilters:
    """The users' list as its address asks for it: what was typed stays as typed."""

    q: str = ""
    organisation: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_query(
        cls,
        *,
        q: str = "",
        organisation: str = "",
        role: str = "",
        status: str = "",
        page: str = "",
    ) -> UserFilters:
        return cls(
            q=q.strip()[:200],
            organisation=organisation.strip()[:12],
            role=role if role in {r.value for r in Role} else "",
            status=status if status in STATUSES else "",
            page=max(_whole_number(page) or 1, 1),
        )

    @property
    def role_value(self) -> Role | None:
        return Role(self.role) if self.role else None

    @property
    def is_active(self) -> bool | None:
        return STATUSES[self.status]

    @property
    def offset(self) -> int:
        return (self.page - 1) * USERS_PAGE_SIZE

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.organisation or self.role or self.status)

    def url(self, page: int = 1) -> str:
        """The list's address with these filters, on ``page``: to share, or to page on."""
        query = {
            name: value
            for name, value in (
                ("q", self.q),
                ("organisation", self.organisation),
                ("role", self.role),
                ("status", self.status),
                ("page", str(page) if page > 1 else ""),
            )
            if value
        }
        return "/admin/users" + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class UserLine:
    """One row of the users' list."""

    row: UserRow

    @property
    def user_id(self) -> int:
        assert self.row.user.id is not None
        return self.row.user.id

    @property
    def name(self) -> str:
        user = self.row.user
        return user.full_name + (f", {user.job_title}" if user.job_title else "")

    @property
    def role(self) -> str:
        return ROLE_WORDS[self.row.user.role]

    @property
    def organisation(self) -> str:
        if self.row.organisation_code is None:
            return ""
        return f"{self.row.organisation_name} ({self.row.organisation_code})"


@dataclass(frozen=True)
class UserResults:
    filters: UserFilters
    lines: list[UserLine]
    total: int

    @property
    def pages(self) -> int:
        return max(ceil(self.total / USERS_PAGE_SIZE), 1)

    @property
    def heading(self) -> str:
        found = f"{self.total:,} user{'s' if self.total != 1 else ''}"
        if self.pages > 1:
            found += f": page {self.filters.page} of {self.pages}"
        return found


def user_results(filters: UserFilters, rows: list[UserRow], total: int) -> UserResults:
    return UserResults(filters, [UserLine(row) for row in rows], total)


@dataclass(frozen=True)
class Saved:
    """The confirmation after a change is saved: what changed, before and after."""

    changes: list[Change] = field(default_factory=list)


def ids_in(event: AuditEvent | None, *names: str) -> set[int]:
    """The ids an event's before and after hold under ``names`` (to look up their names)."""
    found: set[int] = set()
    for side in (event.before, event.after) if event is not None else ():
        for name in names:
            value: Any = (side or {}).get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                found.add(value)
    return found


def saved(event: AuditEvent | None, organisations: dict[int, str] | None = None) -> Saved:
    if event is None:
        return Saved()
    names = Names(organisations=organisations or {})
    return Saved(changes(event.entity, event.before, event.after, names))
