"""A small, complete setting for API tests: organisations, a user of every role, a cycle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.cycles.models import Cycle
from app.organisations.models import Organisation
from app.users.models import Role, User
from tests import factories


@dataclass
class PctUsers:
    pct: Organisation
    lead: User
    board: User
    clinician: User


@dataclass
class World:
    sha: Organisation
    other_sha: Organisation
    a: PctUsers
    b: PctUsers
    c: PctUsers  # under the other SHA
    practice: Organisation  # inside PCT a
    practice_clinician: User
    reviewer: User
    other_reviewer: User
    admin: User
    cycle: Cycle


def _pct_users(session: Session, sha: Organisation) -> PctUsers:
    pct = factories.make_pct(session, sha=sha)
    return PctUsers(
        pct=pct,
        lead=factories.make_user(session, role=Role.PCT_LEAD, organisation=pct),
        board=factories.make_user(session, role=Role.BOARD_MEMBER, organisation=pct),
        clinician=factories.make_user(session, role=Role.CLINICIAN, organisation=pct),
    )


def build_world(session: Session) -> World:
    sha = factories.make_sha(session)
    other_sha = factories.make_sha(session)
    a = _pct_users(session, sha)
    practice = factories.make_practice(session, parent=a.pct)
    return World(
        sha=sha,
        other_sha=other_sha,
        a=a,
        b=_pct_users(session, sha),
        c=_pct_users(session, other_sha),
        practice=practice,
        practice_clinician=factories.make_user(session, role=Role.CLINICIAN, organisation=practice),
        reviewer=factories.make_user(session, role=Role.SHA_REVIEWER, organisation=sha),
        other_reviewer=factories.make_user(session, role=Role.SHA_REVIEWER, organisation=other_sha),
        admin=factories.make_user(session, role=Role.ADMIN),
        cycle=factories.make_cycle(session),
    )
