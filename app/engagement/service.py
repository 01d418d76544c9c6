"""Engagement reach: per PBC group and practice of a PCT, the events logged in a cycle, the
clinician attendances they record and the practices engaged, with the share of the PCT's
practices engaged (SPEC 6.6). The rules are ``app.engagement.rules``; the reads are
``app.engagement.repository``, a fixed number of statements whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import Session

from app.actors import Actor
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.engagement import repository
from app.engagement.repository import Tally
from app.engagement.rules import NOT_IN_A_GROUP, not_recorded, percent, share
from app.errors import NotFound
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import may_read_engagement
from app.users.models import Role
from app.wording import count, long_date


@dataclass(frozen=True)
class PracticeLine:
    practice: Organisation
    tally: Tally

    @property
    def engaged(self) -> bool:
        return self.tally.events > 0


@dataclass(frozen=True)
class GroupLine:
    """A PBC group with its practices, or (``group`` None) the practices directly under the
    PCT."""

    group: Organisation | None
    own: Tally
    """Items attributed to the group itself."""
    practices: tuple[PracticeLine, ...]

    @property
    def name(self) -> str:
        return self.group.name if self.group else NOT_IN_A_GROUP

    @property
    def key(self) -> str:
        return self.group.code if self.group else "none"

    @property
    def tally(self) -> Tally:
        """The group's own items and its practices'."""
        total = self.own
        for line in self.practices:
            total = total + line.tally
        return total

    @property
    def engaged(self) -> int:
        return sum(1 for line in self.practices if line.engaged)

    @property
    def recorded(self) -> int:
        return len(self.practices)

    @property
    def percent(self) -> int:
        """Practices engaged of the group's practices recorded, as a whole percentage."""
        return percent(share(self.engaged, self.recorded)) or 0

    @property
    def bar_text(self) -> str:
        """ "3 of 6 practices engaged", "No practices recorded"."""
        if not self.recorded:
            return "No practices recorded"
        return f"{self.engaged} of {count(self.recorded, 'practice')} engaged"


@dataclass(frozen=True)
class Engagement:
    """A PCT's engagement reach in one cycle."""

    pct: Organisation
    cycle: Cycle
    cycles: tuple[Cycle, ...]
    groups: tuple[GroupLine, ...]
    """Each PBC group by name, then the practices directly under the PCT (when there are
    any)."""
    across: Tally
    """Counted items attributed to no practice or group: the PCT as a whole."""
    practice_total: int | None
    """``organisations.service.practice_total``: declared, else recorded, else None."""

    @property
    def period(self) -> tuple[str, str]:
        start, end = self.cycle.period
        return long_date(start), long_date(end)

    @property
    def practices(self) -> list[PracticeLine]:
        return [line for group in self.groups for line in group.practices]

    @property
    def tally(self) -> Tally:
        total = self.across
        for group in self.groups:
            total = total + group.tally
        return total

    @property
    def engaged(self) -> int:
        return sum(1 for line in self.practices if line.engaged)

    @property
    def recorded(self) -> int:
        return len(self.practices)

    @property
    def share(self) -> float | None:
        return share(self.engaged, self.practice_total)

    @property
    def percent(self) -> int | None:
        return percent(self.share)

    @property
    def declared(self) -> bool:
        """The PCT declares its number of practices (rather than it being counted)."""
        return self.pct.practice_count is not None

    @property
    def not_recorded(self) -> int:
        return not_recorded(self.practice_total, self.recorded)

    @property
    def not_engaged(self) -> list[tuple[GroupLine, PracticeLine]]:
        return [(g, line) for g in self.groups for line in g.practices if not line.engaged]

    @property
    def share_text(self) -> str:
        """ "7 of 112 practices engaged (6%)", or why there is no share."""
        if self.percent is None:
            return (
                f"{count(self.engaged, 'practice')} engaged by name; the number of practices "
                f"in {self.pct.name} is not recorded, so no share can be given"
            )
        return (
            f"{self.engaged} of {count(self.practice_total or 0, 'practice')} engaged "
            f"({self.percent}%)"
        )

    @property
    def total_note(self) -> str:
        """Where the number of practices comes from."""
        if self.practice_total is None:
            return "The number of practices is not recorded."
        if self.declared:
            said = f"{self.pct.name} declares {count(self.practice_total, 'practice')}"
            if self.not_recorded:
                said += (
                    f"; {self.not_recorded} of them {'is' if self.not_recorded == 1 else 'are'}"
                    " not recorded by name here"
                )
            return said + "."
        return f"Counted from the {count(self.recorded, 'practice')} recorded by name."

    @property
    def top_groups(self) -> list[GroupLine]:
        """The PBC groups with the most practices engaged, then events: at most three."""
        groups = [g for g in self.groups if g.group is not None and g.tally.events]
        return sorted(groups, key=lambda g: (-g.engaged, -g.tally.events, g.name))[:3]

    @property
    def href(self) -> str:
        return engagement_href(self.pct.code, self.cycle.id)

    def cycle_href(self, cycle: Cycle) -> str:
        return engagement_href(self.pct.code, cycle.id)


def engagement_href(pct_code: str, cycle_id: int | None = None) -> str:
    query = f"?{urlencode({'cycle_id': cycle_id})}" if cycle_id else ""
    return f"/organisations/{pct_code}/engagement{query}"


def _pct(session: Session, actor: Actor, pct_code: str) -> Organisation:
    """The PCT, when the actor may read its engagement (404 otherwise, as for no PCT)."""
    pct = organisation_service.find_by_code(session, pct_code)
    if pct is None or pct.kind is not OrganisationKind.PCT or not may_read_engagement(actor, pct):
        code = organisation_service.normalise_code(pct_code)
        raise NotFound(f"PCT {code!r} not found")
    return pct


def _cycle(cycles: list[Cycle], cycle_id: int | None) -> Cycle:
    """The cycle asked for, else the newest; 404 in words when there is none."""
    if cycle_id is None:
        if not cycles:
            raise NotFound("No assurance cycle has been set up yet: there is no period to count")
        return cycles[0]
    chosen = next((cycle for cycle in cycles if cycle.id == cycle_id), None)
    if chosen is None:
        names = ", ".join(f"{c.id} ({c.name})" for c in cycles) or "none yet"
        raise NotFound(f"Cycle {cycle_id} not found; the cycles are {names}", field="cycle_id")
    return chosen


def engagement(
    session: Session, actor: Actor, pct_code: str, *, cycle_id: int | None = None
) -> Engagement:
    """The PCT's engagement reach in the cycle (the newest unless one is asked for)."""
    pct = _pct(session, actor, pct_code)
    cycles = cycle_service.list_cycles(session)
    return reach(session, pct, _cycle(cycles, cycle_id), cycles)


def for_assessment(
    session: Session, actor: Actor, pct: Organisation, cycle: Cycle
) -> Engagement | None:
    """The reach beside an assessment's competency (None for a reader who may not see it)."""
    if not may_read_engagement(actor, pct):
        return None
    return reach(session, pct, cycle, [cycle])


def reach(session: Session, pct: Organisation, cycle: Cycle, cycles: list[Cycle]) -> Engagement:
    """Count the PCT's engagement in the cycle: three statements (four when the PCT does not
    declare its number of practices)."""
    assert pct.id is not None
    units = repository.units_of(session, pct.id)
    by_unit = repository.tallies(
        session, pct.id, cycle.period, [u.id for u in units if u.id is not None]
    )
    known = {u.id for u in units}
    across = sum((tally for unit_id, tally in by_unit.items() if unit_id not in known), Tally())
    groups = [u for u in units if u.kind is OrganisationKind.PBC_GROUP]
    practices = [u for u in units if u.kind is OrganisationKind.PRACTICE]

    def lines(parent_id: int | None) -> tuple[PracticeLine, ...]:
        return tuple(
            PracticeLine(p, by_unit.get(p.id, Tally()))
            for p in practices
            if p.parent_id == parent_id
        )

    grouped = [GroupLine(g, by_unit.get(g.id, Tally()), lines(g.id)) for g in groups]
    direct = lines(pct.id)
    if direct:
        grouped.append(GroupLine(None, Tally(), direct))
    return Engagement(
        pct=pct,
        cycle=cycle,
        cycles=tuple(cycles),
        groups=tuple(grouped),
        across=across,
        practice_total=organisation_service.practice_total(session, pct),
    )


@dataclass(frozen=True)
class Choice:
    """Where ``/engagement`` leads: the reader's own PCT, or the PCTs they may choose from."""

    own: Organisation | None
    pcts: tuple[Organisation, ...] = ()


def choose(session: Session, actor: Actor) -> Choice:
    """A PCT's people see their own PCT; a reviewer chooses among their SHA's PCTs, an
    administrator among every PCT."""
    if actor.is_pct_side and actor.pct_id is not None:
        return Choice(session.get(Organisation, actor.pct_id))
    if actor.is_admin:
        return Choice(None, tuple(repository.pcts(session)))
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        return Choice(None, tuple(repository.pcts(session, sha_id=actor.sha_id)))
    raise NotFound("There is no engagement page for you here")
