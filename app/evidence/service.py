"""Evidence commands: log, change, delete, link, attach files. Reads live in ``repository``."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from app import audit
from app.actors import Actor
from app.assessments import repository as assessment_repository
from app.assessments import service as assessment_service
from app.assessments.models import PresentedEvidence
from app.config import get_settings
from app.db import begin_write, utcnow
from app.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge, StaleEdit
from app.evidence import filetypes, repository, storage
from app.evidence.models import Attachment, EvidenceCompetency, EvidenceItem
from app.evidence.schemas import EvidenceCreate, EvidenceUpdate
from app.evidence.uploads import ReceivedFile
from app.framework import service as framework_service
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import (
    Action,
    may_edit_evidence,
    may_log_for_place,
    require,
)
from app.storage import StorageUnavailable


def _audit_view(item: EvidenceItem, numbers: list[int]) -> dict[str, object]:
    return {**audit.snapshot(item), "competency_numbers": numbers}


def _owning_pct(session: Session, actor: Actor, organisation_code: str) -> Organisation:
    organisation = organisation_service.find_by_code(session, organisation_code)
    if organisation is None or organisation.id != actor.pct_id:
        # Not the caller's PCT: say nothing about whether it exists.
        raise NotFound(f"Organisation {organisation_code.strip().upper()!r} not found")
    if organisation.kind is not OrganisationKind.PCT:
        raise InvalidInput(
            "Evidence belongs to a PCT: give the PCT's code", field="organisation_code"
        )
    return organisation


def _practice_in_pct(
    session: Session, actor: Actor, pct: Organisation, code: str | None
) -> int | None:
    """The id of a practice or PBC group inside ``pct``; 404 if it is not one of them (one of
    another PCT is not the caller's to know about), 403 if it is not one this actor may log
    evidence for (``permissions.may_log_for_place``)."""
    if not code:
        return None
    practice = organisation_service.find_by_code(session, code)
    inside = practice is not None and practice.kind in {
        OrganisationKind.PRACTICE,
        OrganisationKind.PBC_GROUP,
    }
    if inside and practice is not None and practice.parent_id != pct.id:
        parent = session.get(Organisation, practice.parent_id)
        inside = parent is not None and parent.parent_id == pct.id
    if not inside or practice is None:
        raise NotFound(
            f"There is no practice or PBC group {code.strip().upper()} in {pct.name}",
            field="practice_code",
        )
    if not may_log_for_place(actor, practice):
        raise Forbidden(
            f"You can log evidence for {actor.organisation_name or 'your own practice'} or for "
            "the whole PCT, not for another practice or group",
            field="practice_code",
        )
    return practice.id


def _check_practices_involved(session: Session, pct: Organisation, count: int | None) -> None:
    """No more practices involved than the PCT has, when it is known how many it has."""
    if count is None:
        return
    total = organisation_service.practice_total(session, pct)
    if total is not None and count > total:
        practices = "practice" if total == 1 else "practices"
        raise InvalidInput(
            f"The PCT has {total} {practices}; practices involved cannot be more than that",
            field="practices_involved",
        )


@dataclass(frozen=True)
class CheckedFile:
    """A received file that may be attached: its display name and its type by content."""

    received: ReceivedFile
    filename: str
    content_type: str


def check_file(received: ReceivedFile) -> CheckedFile:
    """Refuse a file the service does not keep, before anything is recorded: too large (413)
    or not an accepted kind of file by its content (415)."""
    limit = get_settings().max_upload_bytes
    if received.blob.size > limit:
        raise PayloadTooLarge(
            f"The file is larger than the {limit // (1024 * 1024)} MB limit", field="file"
        )
    filename = storage.safe_filename(received.filename)
    content_type = filetypes.sniff(received.blob.path, filename)
    return CheckedFile(received, filetypes.name_for_type(filename, content_type), content_type)


def check_may_log(actor: Actor) -> None:
    """Refuse before a byte of a file is read: only those who log evidence may send one."""
    require(actor, Action.LOG_EVIDENCE)


def _check_numbers(numbers: list[int]) -> None:
    """Every competency named exists in the framework evidence is logged against."""
    framework = framework_service.current_framework().framework
    unknown = [n for n in numbers if framework.competency(n) is None]
    if unknown:
        raise InvalidInput(
            f"Competency {unknown[0]} does not exist; competencies are numbered "
            f"{framework.numbers_text()}",
            field="competency_numbers",
        )


def _set_links(session: Session, item: EvidenceItem, numbers: list[int]) -> None:
    _check_numbers(numbers)
    session.exec(delete(EvidenceCompetency).where(col(EvidenceCompetency.evidence_id) == item.id))
    assert item.id is not None
    session.add_all(EvidenceCompetency(evidence_id=item.id, competency_number=n) for n in numbers)


def create_evidence(
    session: Session, actor: Actor, *, data: EvidenceCreate, file: CheckedFile | None = None
) -> EvidenceItem:
    """Log an item, with its file if one came (checked by ``check_file`` first): both are
    saved, or neither."""
    begin_write(session)
    require(actor, Action.LOG_EVIDENCE)
    pct = _owning_pct(session, actor, data.organisation_code)
    assert actor.user_id is not None and pct.id is not None
    practice_id = _practice_in_pct(session, actor, pct, data.practice_code)
    _check_practices_involved(session, pct, data.practices_involved)
    item = EvidenceItem(
        organisation_id=pct.id,
        title=data.title,
        description=data.description,
        kind=data.kind,
        occurred_on=data.occurred_on,
        url=str(data.url) if data.url else None,
        practice_id=practice_id,
        clinicians_involved=data.clinicians_involved,
        practices_involved=data.practices_involved,
        author_id=actor.user_id,
    )
    session.add(item)
    session.flush()
    _set_links(session, item, data.competency_numbers)
    assert item.id is not None
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_id=item.id,
        action="create",
        after=_audit_view(item, data.competency_numbers),
        organisation_id=pct.id,
    )
    _commit_with(session, actor, item, file)
    return item


def _editable(
    session: Session,
    actor: Actor,
    evidence_id: int,
    expected_version: int | None,
    *,
    lock: bool = True,
) -> EvidenceItem:
    item = repository.get_evidence(session, actor, evidence_id, for_update=lock)
    if not may_edit_evidence(actor, item):
        raise Forbidden("You cannot change this evidence item")
    if expected_version is not None and expected_version != item.version:
        raise StaleEdit(
            f"Evidence item {evidence_id} was changed by someone else "
            f"(version {item.version}, you had {expected_version}); reload and try again"
        )
    assert item.id is not None
    if repository.frozen_ids(session, [item.id]):
        raise Conflict(
            f"Evidence item {evidence_id} is part of a submitted or finalised assessment "
            "and cannot be changed; log a new item instead"
        )
    signed = repository.signed_off_presenting(session, item.id)
    if signed is not None:
        raise Conflict(
            assessment_service.signed_off_refusal(signed, what=f"evidence item {evidence_id}")
        )
    return item


def update_evidence(
    session: Session,
    actor: Actor,
    evidence_id: int,
    *,
    data: EvidenceUpdate,
    file: CheckedFile | None = None,
) -> EvidenceItem:
    """Change an item (and attach a file checked by ``check_file``, if one came)."""
    begin_write(session)
    item = _editable(session, actor, evidence_id, data.version)
    assert item.id is not None
    before_numbers = repository.competency_numbers(session, [item.id]).get(item.id, [])
    before = _audit_view(item, before_numbers)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "competency_numbers"})
    pct = session.get(Organisation, item.organisation_id)
    assert pct is not None
    if "practice_code" in changes:
        item.practice_id = _practice_in_pct(session, actor, pct, changes.pop("practice_code"))
    if "practices_involved" in changes:
        _check_practices_involved(session, pct, changes["practices_involved"])
    for required in ("title", "kind", "occurred_on"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} cannot be empty", field=required)
    if "url" in changes:
        changes["url"] = str(changes["url"]) if changes["url"] else None
    for name, value in changes.items():
        setattr(item, name, value)
    numbers = before_numbers
    if data.competency_numbers is not None:
        numbers = data.competency_numbers
        _set_links(session, item, numbers)
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_id=item.id,
        action="update",
        before=before,
        after=_audit_view(item, numbers),
        organisation_id=item.organisation_id,
    )
    _commit_with(session, actor, item, file)
    return item


def link_competency(
    session: Session, actor: Actor, evidence_id: int, *, number: int
) -> EvidenceItem:
    """Add one competency to the competencies an item supports (the others stay)."""
    item = repository.get_evidence(session, actor, evidence_id)
    current = repository.competency_numbers_of(session, item)
    return update_evidence(
        session,
        actor,
        evidence_id,
        data=EvidenceUpdate(competency_numbers=sorted({*current, number})),
    )


def unlink_competency(
    session: Session,
    actor: Actor,
    evidence_id: int,
    *,
    number: int,
    expected_version: int | None = None,
) -> EvidenceItem:
    """Take one competency off an item (the others stay); an item keeps at least one."""
    item = repository.get_evidence(session, actor, evidence_id)
    current = repository.competency_numbers_of(session, item)
    if number not in current:
        raise NotFound(f"Evidence item {evidence_id} is not linked to competency {number}")
    if current == [number]:
        raise InvalidInput(
            f"Competency {number} is the only one this item shows: link another competency "
            "first, or delete the item",
            field="competency_numbers",
        )
    return update_evidence(
        session,
        actor,
        evidence_id,
        data=EvidenceUpdate(
            competency_numbers=[n for n in current if n != number], version=expected_version
        ),
    )


def check_may_change(session: Session, actor: Actor, evidence_id: int) -> EvidenceItem:
    """The item, if this actor may change or delete it now: unknown (404), not theirs to
    change (403), or frozen by a submission or a sign-off (409). Holds no lock."""
    try:
        return _editable(session, actor, evidence_id, None, lock=False)
    finally:
        session.rollback()


def delete_evidence(
    session: Session, actor: Actor, evidence_id: int, *, expected_version: int | None = None
) -> None:
    begin_write(session)
    item = _editable(session, actor, evidence_id, expected_version)
    assert item.id is not None
    if assessment_repository.presented_anywhere(session, item.id):
        raise Conflict(
            f"Evidence item {evidence_id} was presented in an earlier submission and is kept "
            "for the record"
        )
    numbers = repository.competency_numbers(session, [item.id]).get(item.id, [])
    attachments = repository.attachments_by_item(session, [item.id]).get(item.id, [])
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_id=item.id,
        action="delete",
        before={**_audit_view(item, numbers), "attachments": [a.sha256 for a in attachments]},
        organisation_id=item.organisation_id,
    )
    for attachment in attachments:
        session.delete(attachment)
    session.exec(delete(EvidenceCompetency).where(col(EvidenceCompetency.evidence_id) == item.id))
    session.exec(delete(PresentedEvidence).where(col(PresentedEvidence.evidence_id) == item.id))
    session.delete(item)
    session.commit()


def check_may_attach(session: Session, actor: Actor, evidence_id: int) -> None:
    """Refuse before a byte is read: unknown item (404), not allowed (403), frozen (409).
    Takes no lock and ends its transaction, so nothing is held while the file arrives."""
    try:
        _editable(session, actor, evidence_id, None, lock=False)
    finally:
        session.rollback()


def _attach(session: Session, actor: Actor, item: EvidenceItem, file: CheckedFile) -> Attachment:
    """Record a checked file against an item and move it into the store (not committed)."""
    blob = file.received.blob
    assert item.id is not None and actor.user_id is not None
    attachment = Attachment(
        evidence_id=item.id,
        filename=file.filename,
        content_type=file.content_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=actor.user_id,
    )
    session.add(attachment)
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    assert attachment.id is not None
    audit.record(
        session,
        actor,
        entity="attachment",
        entity_id=attachment.id,
        action="create",
        after=audit.snapshot(attachment),
        organisation_id=item.organisation_id,
    )
    return attachment


def _commit_with(
    session: Session, actor: Actor, item: EvidenceItem, file: CheckedFile | None
) -> Attachment | None:
    """Commit the change, with ``file`` attached to ``item`` if given: on any failure neither
    the row nor the stored file remains."""
    if file is None:
        session.commit()
        return None
    blob = file.received.blob
    try:
        already_stored = session.exec(
            select(sa.func.count()).select_from(Attachment).where(Attachment.sha256 == blob.sha256)
        ).one()
        attachment = _attach(session, actor, item, file)
        try:
            blob.keep()
        except StorageUnavailable as exc:
            raise StorageUnavailable(field="file") from exc
        try:
            session.commit()
        except BaseException:
            if not already_stored:
                # If the store cannot be reached now, the sweep removes it later.
                with contextlib.suppress(StorageUnavailable):
                    storage.remove_blob(attachment.sha256)
            raise
        return attachment
    finally:
        blob.discard()


def add_attachment(
    session: Session, actor: Actor, evidence_id: int, *, received: ReceivedFile
) -> Attachment:
    """Store a received file and record it; on any failure no file and no row remain."""
    begin_write(session)
    try:
        item = _editable(session, actor, evidence_id, None)
        file = check_file(received)
    except BaseException:
        received.blob.discard()
        raise
    attachment = _commit_with(session, actor, item, file)
    assert attachment is not None
    return attachment
