"""Who is acting: a signed-in user, or the system itself (demo, command line)."""

from __future__ import annotations

from dataclasses import dataclass

from app.users.models import Role

PCT_ROLES = frozenset({Role.PCT_LEAD, Role.BOARD_MEMBER, Role.CLINICIAN})


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller, with the organisations that scope what they may see.

    ``pct_id`` is the PCT a PCT-side user works for (their own organisation, or the PCT above
    their practice or PBC group); ``sha_id`` is the SHA above it, or a reviewer's own SHA.
    """

    user_id: int | None
    label: str
    role: Role
    organisation_id: int | None = None
    organisation_code: str | None = None
    pct_id: int | None = None
    sha_id: int | None = None
    # For the layout's "Signed in as" line; read by the same statement that signs them in.
    full_name: str = ""
    job_title: str | None = None
    organisation_name: str | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_pct_side(self) -> bool:
        return self.role in PCT_ROLES


SYSTEM = Actor(user_id=None, label="system", role=Role.ADMIN)
