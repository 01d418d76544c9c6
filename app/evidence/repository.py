"""Reads of evidence, always through the actor's scope, in a fixed number of queries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceSnapshot,
    PresentedEvidence,
)
from app.assessments.workflow import FROZEN_STATUSES
from app.cycles.models import Cycle
from app.errors import InvalidInput, NotFound
from app.evidence.models import Attachment, EvidenceCompetency, EvidenceItem, EvidenceKind
from app.evidence.schemas import AttachmentRead, EvidenceRead
from app.framework import service as framework_service
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import evidence_scope, may_edit_evidence
from app.users.models import User


def visible_evidence(actor: Actor) -> sa.Select[tuple[EvidenceItem]]:
    return select(EvidenceItem).where(evidence_scope(actor))


WORD = re.compile(r"\w+", re.UNICODE)


def text_match(session: Session, text: str) -> sa.ColumnElement[bool]:
    """Items whose title or description holds every word typed, each as a word prefix
    (so "diab path" finds "Diabetes pathway"), through the database's own full-text index:
    SQLite FTS5, or a stored PostgreSQL tsvector with a GIN index. Input with no words at all is
    matched literally instead."""
    words = [w.lower() for w in WORD.findall(text)][:8]
    if not words:
        pattern = text.strip().lower()
        return sa.or_(
            sa.func.lower(EvidenceItem.title).contains(pattern, autoescape=True),
            sa.func.lower(EvidenceItem.description).contains(pattern, autoescape=True),
        )
    if session.get_bind().dialect.name == "sqlite":
        query = " AND ".join(f'"{w}"*' for w in words)
        matching = (
            sa.select(sa.literal_column("rowid"))
            .select_from(sa.text("evidence_search"))
            .where(sa.text("evidence_search MATCH :search").bindparams(search=query))
        )
        return col(EvidenceItem.id).in_(matching)
    query = " & ".join(f"{w}:*" for w in words)
    # A stored generated tsvector column with a GIN index (see the migrations).
    document = sa.literal_column("evidence_item.search_document")
    return document.op("@@")(sa.func.to_tsquery(sa.literal_column("'simple'"), query))


# The statements below are built once and bound to each page's ids ("expanding" parameters):
# building a statement costs more Python than running it on a page of twenty.
IDS = sa.bindparam("ids", expanding=True)
PRACTICE = aliased(Organisation, name="practice")
GROUP = aliased(Organisation, name="pbc_group")

FROZEN_IDS = (
    select(EvidenceSnapshot.evidence_id)
    .join(Assessment, col(Assessment.id) == EvidenceSnapshot.assessment_id)
    .where(col(EvidenceSnapshot.evidence_id).in_(IDS), col(Assessment.status).in_(FROZEN_STATUSES))
    .distinct()
)
COMPETENCY_NUMBERS = (
    select(EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number)
    .where(col(EvidenceCompetency.evidence_id).in_(IDS))
    .order_by(EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number)
)
ATTACHMENTS = select(Attachment).where(col(Attachment.evidence_id).in_(IDS)).order_by(Attachment.id)
# Everything a page of items needs besides their own rows, in one statement: the labels by
# join, and per item (correlated, each through an index) its competency numbers, whether a
# submission has frozen it, and how many attachments it has.
_LINKED = sa.alias(EvidenceCompetency.__table__, name="linked")
_SNAPSHOT = sa.alias(EvidenceSnapshot.__table__, name="snapshot")
_FILES = sa.alias(Attachment.__table__, name="files")
_PRESENTER = sa.alias(Assessment.__table__, name="presenter")
DETAILS = (
    select(
        EvidenceItem.id,
        Organisation.code,
        PRACTICE.code,
        User.full_name,
        sa.select(sa.func.aggregate_strings(sa.cast(_LINKED.c.competency_number, sa.String), ","))
        .where(_LINKED.c.evidence_id == EvidenceItem.id)
        .scalar_subquery(),
        sa.exists()
        .where(
            _SNAPSHOT.c.evidence_id == EvidenceItem.id,
            _PRESENTER.c.id == _SNAPSHOT.c.assessment_id,
            _PRESENTER.c.status.in_(FROZEN_STATUSES),
        )
        .label("frozen"),
        sa.select(sa.func.count()).where(_FILES.c.evidence_id == EvidenceItem.id).scalar_subquery(),
        PRACTICE.name,
        PRACTICE.kind,
        GROUP.name,
    )
    .join(Organisation, col(Organisation.id) == EvidenceItem.organisation_id)
    .outerjoin(PRACTICE, col(PRACTICE.id) == EvidenceItem.practice_id)
    .outerjoin(
        GROUP,
        sa.and_(col(GROUP.id) == PRACTICE.parent_id, col(GROUP.kind) == OrganisationKind.PBC_GROUP),
    )
    .join(User, col(User.id) == EvidenceItem.author_id)
    .where(col(EvidenceItem.id).in_(IDS))
)


def frozen_ids(session: Session, evidence_ids: Sequence[int]) -> set[int]:
    """Which of these items an assessment presents in a submitted, in-review or final state."""
    if not evidence_ids:
        return set()
    return set(session.exec(FROZEN_IDS, params={"ids": list(evidence_ids)}).all())


def competency_numbers(session: Session, evidence_ids: Sequence[int]) -> dict[int, list[int]]:
    links: dict[int, list[int]] = defaultdict(list)
    if evidence_ids:
        for evidence_id, number in session.exec(
            COMPETENCY_NUMBERS, params={"ids": list(evidence_ids)}
        ).all():
            links[evidence_id].append(number)
    return links


def attachments_by_item(
    session: Session, evidence_ids: Sequence[int]
) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = defaultdict(list)
    if evidence_ids:
        for attachment in session.exec(ATTACHMENTS, params={"ids": list(evidence_ids)}).all():
            found[attachment.evidence_id].append(attachment)
    return found


def read_models(session: Session, items: Sequence[EvidenceItem]) -> list[EvidenceRead]:
    """API shapes for a page of items: one more query, whatever the page size, and one for
    the attachments when any item has some."""
    ids = [item.id for item in items if item.id is not None]
    if not ids:
        return []
    details = {row[0]: row[1:] for row in session.exec(DETAILS, params={"ids": ids}).all()}
    with_files = [item_id for item_id, row in details.items() if row[5]]
    files = attachments_by_item(session, with_files)
    reads = []
    for item in items:
        assert item.id is not None
        (
            organisation_code,
            practice_code,
            author_name,
            numbers,
            frozen,
            _,
            practice_name,
            practice_kind,
            parent_group_name,
        ) = details[item.id]
        is_group = practice_kind == OrganisationKind.PBC_GROUP
        reads.append(
            EvidenceRead(
                id=item.id,
                organisation_code=organisation_code,
                title=item.title,
                description=item.description,
                kind=item.kind,
                occurred_on=item.occurred_on,
                competency_numbers=sorted(int(n) for n in numbers.split(",")) if numbers else [],
                url=item.url,
                practice_code=practice_code,
                practice_name=None if is_group else practice_name,
                pbc_group_name=practice_name if is_group else parent_group_name,
                clinicians_involved=item.clinicians_involved,
                practices_involved=item.practices_involved,
                author_id=item.author_id,
                author_name=author_name,
                attachments=[
                    AttachmentRead.model_validate(a, from_attributes=True)
                    for a in files.get(item.id, [])
                ],
                is_frozen=bool(frozen),
                created_at=item.created_at,
                updated_at=item.updated_at,
                version=item.version,
            )
        )
    return reads


def last_choice(session: Session, actor: Actor) -> list[int]:
    """The competencies this user linked their own most recent item to (none if they have not
    logged one)."""
    latest = recent_by_author(session, actor.user_id, limit=1)
    return competency_numbers_of(session, latest[0]) if latest else []


def recent_by_author(session: Session, user_id: int | None, *, limit: int) -> list[EvidenceItem]:
    """The items this user logged most recently."""
    return list(
        session.exec(
            select(EvidenceItem)
            .where(col(EvidenceItem.author_id) == user_id)
            .order_by(col(EvidenceItem.created_at).desc(), col(EvidenceItem.id).desc())
            .limit(limit)
        ).all()
    )


MAX_PAGE = 200


@dataclass(frozen=True)
class EvidenceFilters:
    organisation_code: str | None = None
    competency: int | None = None
    kind: EvidenceKind | None = None
    q: str | None = None
    practice_code: str | None = None


def get_evidence(
    session: Session, actor: Actor, evidence_id: int, *, for_update: bool = False
) -> EvidenceItem:
    statement = visible_evidence(actor).where(col(EvidenceItem.id) == evidence_id)
    if for_update:
        statement = statement.with_for_update()
    item = session.exec(statement).first()
    if item is None:
        raise NotFound(f"Evidence item {evidence_id} not found")
    return item


def list_evidence(
    session: Session, actor: Actor, filters: EvidenceFilters, *, limit: int, offset: int
) -> tuple[list[EvidenceItem], int]:
    """A page of visible items, newest first, and the total that match."""
    statement = sa.select(EvidenceItem).where(evidence_scope(actor))
    if filters.organisation_code:
        organisation = organisation_service.find_by_code(session, filters.organisation_code)
        if organisation is None:
            return [], 0
        statement = statement.where(col(EvidenceItem.organisation_id) == organisation.id)
    if filters.practice_code:
        practice = organisation_service.find_by_code(session, filters.practice_code)
        if practice is None:
            return [], 0
        statement = statement.where(col(EvidenceItem.practice_id) == practice.id)
    if filters.competency is not None:
        framework = framework_service.current_framework().framework
        if framework.competency(filters.competency) is None:
            raise InvalidInput(
                f"Competency {filters.competency} does not exist; competencies are numbered "
                f"{framework.numbers_text()}",
                field="competency",
            )
        linked = select(EvidenceCompetency.evidence_id).where(
            col(EvidenceCompetency.competency_number) == filters.competency
        )
        statement = statement.where(col(EvidenceItem.id).in_(linked))
    if filters.kind is not None:
        statement = statement.where(col(EvidenceItem.kind) == filters.kind)
    searching = bool(filters.q and filters.q.strip())
    if searching:
        statement = statement.where(text_match(session, filters.q or ""))
    page = (
        statement.order_by(col(EvidenceItem.occurred_on).desc(), col(EvidenceItem.id).desc())
        .limit(min(limit, MAX_PAGE))
        .offset(offset)
    )
    if not searching:
        # Through the indexes, the page and the count cost little apiece; a window over the
        # whole match would read and sort every matching row.
        return list(session.exec(page).scalars().all()), _count(session, statement)
    # A text search: one evaluation of the full-text match gives the page and, through a
    # window, the total; only a page past the end needs the count on its own.
    rows = session.exec(page.add_columns(sa.func.count().over().label("total"))).all()
    if rows:
        return [item for item, _ in rows], rows[0][1]
    return [], _count(session, statement) if offset else 0


def _count(session: Session, statement: sa.Select[Any]) -> int:
    return session.exec(select(sa.func.count()).select_from(statement.subquery())).one()


def get_attachment(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    attachment = session.exec(
        select(Attachment)
        .join(EvidenceItem, col(EvidenceItem.id) == Attachment.evidence_id)
        .where(col(Attachment.id) == attachment_id)
        .where(evidence_scope(actor))
    ).first()
    if attachment is None:
        raise NotFound(f"Attachment {attachment_id} not found")
    return attachment


def competency_numbers_of(session: Session, item: EvidenceItem) -> list[int]:
    assert item.id is not None
    return competency_numbers(session, [item.id]).get(item.id, [])


def signed_off_presenting(session: Session, evidence_id: int) -> Assessment | None:
    """A signed-off assessment that presents this item (which the PCT may not change)."""
    return session.exec(
        select(Assessment)
        .join(PresentedEvidence, col(PresentedEvidence.assessment_id) == Assessment.id)
        .where(
            col(PresentedEvidence.evidence_id) == evidence_id,
            col(Assessment.status) == AssessmentStatus.SIGNED_OFF,
        )
    ).first()


def may_attach(session: Session, actor: Actor, item: EvidenceItem) -> bool:
    assert item.id is not None
    return (
        may_edit_evidence(actor, item)
        and not frozen_ids(session, [item.id])
        and signed_off_presenting(session, item.id) is None
    )


def where_presented(
    session: Session, actor: Actor, evidence_id: int
) -> list[tuple[Assessment, Cycle]]:
    """The visible assessments whose submissions froze this item."""
    return assessment_repository.presenting(session, actor, evidence_id)
