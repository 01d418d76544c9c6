"""What the engagement API gives: a mapping over ``service.Engagement``."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.engagement.service import Engagement, GroupLine, PracticeLine


class CycleRef(BaseModel):
    id: int
    name: str
    period_start: date = Field(description="The first day an item may be dated to count.")
    period_end: date = Field(description="The last day an item may be dated to count.")


class PracticeReach(BaseModel):
    code: str
    name: str
    events: int = Field(description="Counted items attributed to the practice by name.")
    clinician_attendances: int
    engaged: bool = Field(description="At least one counted item is attributed to it.")


class GroupReach(BaseModel):
    code: str | None = Field(
        description="The PBC group's code; null for the practices not in a PBC group."
    )
    name: str
    in_pbc_group: bool
    events: int = Field(description="Counted items of the group and of its practices.")
    group_events: int = Field(description="Counted items attributed to the group itself.")
    clinician_attendances: int
    practices_engaged: int
    practices_recorded: int
    practices: list[PracticeReach]


class Totals(BaseModel):
    events: int
    clinician_attendances: int
    practices_engaged: int
    practices_recorded: int
    practice_total: int | None = Field(
        description="The PCT's declared number of practices, else those recorded; null when "
        "neither is known."
    )
    practice_total_declared: bool
    practices_not_recorded: int = Field(
        description="Declared practices that are not recorded by name."
    )
    share: float | None = Field(description="Practices engaged over the practice total, 0 to 1.")
    share_percent: int | None
    share_text: str


class AcrossPct(BaseModel):
    events: int = Field(description="Counted items attributed to no practice or group.")
    clinician_attendances: int


class NotEngaged(BaseModel):
    code: str
    name: str
    pbc_group_code: str | None


class EngagementRead(BaseModel):
    organisation_code: str
    organisation_name: str
    cycle: CycleRef
    totals: Totals
    across_pct: AcrossPct
    groups: list[GroupReach]
    practices_not_engaged: list[NotEngaged]


def _practice(line: PracticeLine) -> PracticeReach:
    return PracticeReach(
        code=line.practice.code,
        name=line.practice.name,
        events=line.tally.events,
        clinician_attendances=line.tally.clinicians,
        engaged=line.engaged,
    )


def _group(group: GroupLine) -> GroupReach:
    return GroupReach(
        code=group.group.code if group.group else None,
        name=group.name,
        in_pbc_group=group.group is not None,
        events=group.tally.events,
        group_events=group.own.events,
        clinician_attendances=group.tally.clinicians,
        practices_engaged=group.engaged,
        practices_recorded=group.recorded,
        practices=[_practice(line) for line in group.practices],
    )


def engagement_read(reach: Engagement) -> EngagementRead:
    start, end = reach.cycle.period
    tally = reach.tally
    return EngagementRead(
        organisation_code=reach.pct.code,
        organisation_name=reach.pct.name,
        cycle=CycleRef(
            id=reach.cycle.id or 0, name=reach.cycle.name, period_start=start, period_end=end
        ),
        totals=Totals(
            events=tally.events,
            clinician_attendances=tally.clinicians,
            practices_engaged=reach.engaged,
            practices_recorded=reach.recorded,
            practice_total=reach.practice_total,
            practice_total_declared=reach.declared,
            practices_not_recorded=reach.not_recorded,
            share=reach.share,
            share_percent=reach.percent,
            share_text=reach.share_text,
        ),
        across_pct=AcrossPct(
            events=reach.across.events, clinician_attendances=reach.across.clinicians
        ),
        groups=[_group(group) for group in reach.groups],
        practices_not_engaged=[
            NotEngaged(
                code=line.practice.code,
                name=line.practice.name,
                pbc_group_code=group.group.code if group.group else None,
            )
            for group, line in reach.not_engaged
        ],
    )
