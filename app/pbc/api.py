"""JSON routes for the PBC register: each PBC group's register entry, member practices and
business cases. Money is in pence, as a whole number."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path

from app.deps import CurrentActor, SessionDep
from app.openapi_errors import errors
from app.params import PathId
from app.pbc import rules, service
from app.pbc.models import BusinessCase
from app.pbc.schemas import (
    BusinessCaseCreate,
    BusinessCaseRead,
    BusinessCaseUpdate,
    PracticeRead,
    RegisterEntryRead,
    RegisterRead,
    RegisterWrite,
)
from app.pbc.service import GroupRecord
from app.wording import today_in_england

router = APIRouter(prefix="/api/v1/organisations", tags=["PBC register"])

GroupCode = Annotated[
    str, Path(min_length=1, max_length=12, description="The PBC group's code, such as 5N1-LEO")
]


def case_read(record: GroupRecord, case: BusinessCase, today: date) -> BusinessCaseRead:
    return BusinessCaseRead(
        id=case.id or 0,
        group_code=record.group.code,
        title=case.title,
        submitted_on=case.submitted_on,
        decided_on=case.decided_on,
        decision=case.decision,
        implemented_on=case.implemented_on,
        freed_up_resources=case.freed_up_resources,
        freed_up_resources_text=rules.pounds(case.freed_up_resources),
        days_to_decision=rules.days_to_decision(case),
        days_waiting=rules.days_waiting(case, today),
        slow=rules.is_slow(case, today),
        created_by_name=record.name(case.created_by_id),
        updated_by_name=record.name(case.updated_by_id),
        updated_at=case.updated_at,
        version=case.version,
    )


def register_read(record: GroupRecord, today: date) -> RegisterRead:
    entry = record.entry
    return RegisterRead(
        group_code=record.group.code,
        group_name=record.group.name,
        pct_code=record.pct.code,
        pct_name=record.pct.name,
        entry=None
        if entry is None
        else RegisterEntryRead(
            practice_count=entry.practice_count,
            gp_count=entry.gp_count,
            list_size=entry.list_size,
            indicative_budget=entry.indicative_budget,
            indicative_budget_text=rules.pounds(entry.indicative_budget),
            budget_shared_on=entry.budget_shared_on,
            earned_autonomy=entry.earned_autonomy,
            earned_autonomy_text=entry.earned_autonomy.label,
            updated_by_name=record.name(entry.updated_by_id),
            updated_at=entry.updated_at,
            version=entry.version,
        ),
        practices=[
            PracticeRead(code=p.code, name=p.name, list_size=p.population) for p in record.practices
        ],
        business_cases=[case_read(record, c, today) for c in record.cases],
        median_days_to_decision=rules.median_days_to_decision(record.cases),
    )


@router.get("/{code}/pbc-register", response_model=RegisterRead, responses=errors(401, 404, 422))
def read_register(code: GroupCode, session: SessionDep, actor: CurrentActor) -> RegisterRead:
    """A PBC group's register: its entry (null until recorded), member practices with their
    list sizes, and business cases with days to decision. Read by its PCT's people (a
    clinician whose account is at a group or practice: their own group only), its SHA's
    reviewers and administrators; 404 for anyone else, or for a code that is not a PBC
    group's."""
    return register_read(service.group_record(session, actor, code), today_in_england())


@router.put(
    "/{code}/pbc-register",
    response_model=RegisterRead,
    responses=errors(401, 403, 404, 409, 422),
)
def put_register(
    code: GroupCode, body: RegisterWrite, session: SessionDep, actor: CurrentActor
) -> RegisterRead:
    """The PCT's lead (or an administrator) records or replaces the group's register entry.
    `indicative_budget` is in pence. Send the `version` you read: a change made since is
    refused (409)."""
    service.put_register(session, actor, code, data=body)
    return register_read(service.group_record(session, actor, code), today_in_england())


@router.get(
    "/{code}/business-cases",
    response_model=list[BusinessCaseRead],
    responses=errors(401, 404, 422),
)
def list_cases(code: GroupCode, session: SessionDep, actor: CurrentActor) -> list[BusinessCaseRead]:
    """The group's business cases, newest submitted first."""
    record = service.group_record(session, actor, code)
    today = today_in_england()
    return [case_read(record, c, today) for c in record.cases]


@router.post(
    "/{code}/business-cases",
    status_code=201,
    response_model=BusinessCaseRead,
    responses=errors(401, 403, 404, 422),
)
def add_case(
    code: GroupCode, body: BusinessCaseCreate, session: SessionDep, actor: CurrentActor
) -> BusinessCaseRead:
    """The PCT's lead records a business case the group put to it. `freed_up_resources` is
    in pence (a whole number). The decision and its date go together; a decision cannot
    come before the submission, nor the date it was put into effect before the decision."""
    case = service.add_case(session, actor, code, data=body)
    record, found = service.business_case(session, actor, code, case.id or 0)
    return case_read(record, found, today_in_england())


@router.get(
    "/{code}/business-cases/{case_id}",
    response_model=BusinessCaseRead,
    responses=errors(401, 404, 422),
)
def read_case(
    code: GroupCode, case_id: PathId, session: SessionDep, actor: CurrentActor
) -> BusinessCaseRead:
    """One business case."""
    record, case = service.business_case(session, actor, code, case_id)
    return case_read(record, case, today_in_england())


@router.patch(
    "/{code}/business-cases/{case_id}",
    response_model=BusinessCaseRead,
    responses=errors(401, 403, 404, 409, 422),
)
def update_case(
    code: GroupCode,
    case_id: PathId,
    body: BusinessCaseUpdate,
    session: SessionDep,
    actor: CurrentActor,
) -> BusinessCaseRead:
    """The PCT's lead records the decision (with its date), when it was put into effect and
    what it freed up (pence), or corrects the case. A field left out stays; a null clears it.
    Send the `version` you read: a change made since is refused (409), naming who made it."""
    service.update_case(session, actor, code, case_id, data=body)
    record, case = service.business_case(session, actor, code, case_id)
    return case_read(record, case, today_in_england())
