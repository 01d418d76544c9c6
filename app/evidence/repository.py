"""Reads of evidence, always through the actor's scope, in a fixed number of queries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.actors import Actor
from app.assessments.models import Assessment, EvidenceSnapshot
from app.assessments.workflow import FROZEN_STATUSES
from app.evidence.models import Attachment, EvidenceCompetency, EvidenceItem
from app.evidence.schemas import AttachmentRead, EvidenceRead
from app.organisations.models import Organisation
from app.permissions import evidence_scope
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
    )
    .join(Organisation, col(Organisation.id) == EvidenceItem.organisation_id)
    .outerjoin(PRACTICE, col(PRACTICE.id) == EvidenceItem.practice_id)
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
        organisation_code, practice_code, author_name, numbers, frozen, _ = details[item.id]
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
