"""Who is told: the active people of one PCT in some roles, or the reviewers of the SHA above
it. Nobody of another organisation is ever chosen, and the person who acted is left out."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.organisations.models import Organisation
from app.users.models import Role, User

PCT_LEADERSHIP = frozenset({Role.PCT_LEAD, Role.BOARD_MEMBER})
BOARD = frozenset({Role.BOARD_MEMBER})
LEADS = frozenset({Role.PCT_LEAD})


def _active(
    session: Session, organisation_id: int | None, roles: Iterable[Role], leave_out: int | None
) -> list[User]:
    if organisation_id is None:
        return []
    people = active_in(session, [organisation_id], roles).get(organisation_id, [])
    return [user for user in people if user.id != leave_out]


def of_pct(
    session: Session, pct: Organisation, roles: Iterable[Role], *, leave_out: int | None = None
) -> list[User]:
    """The PCT's own active users in ``roles``."""
    return _active(session, pct.id, roles, leave_out)


def active_in(
    session: Session, organisation_ids: Iterable[int], roles: Iterable[Role]
) -> dict[int, list[User]]:
    """The active users in ``roles`` of each organisation, by its id, in one statement."""
    wanted = list(organisation_ids)
    if not wanted:
        return {}
    statement = (
        select(User)
        .where(
            col(User.organisation_id).in_(wanted),
            col(User.role).in_(list(roles)),
            col(User.is_active).is_(True),
        )
        .order_by(col(User.full_name), col(User.id))
    )
    found: dict[int, list[User]] = {}
    for user in session.exec(statement).all():
        found.setdefault(user.organisation_id or 0, []).append(user)
    return found


def reviewers_of(
    session: Session, pct: Organisation, *, leave_out: int | None = None
) -> list[User]:
    """The active reviewers of the SHA the PCT answers to."""
    return _active(session, pct.parent_id, (Role.SHA_REVIEWER,), leave_out)
