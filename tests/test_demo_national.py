"""The national data set: the full shape at a smaller size, loaded once, on an empty database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from app.demo import load_demo
from app.demo_national import load_national
from app.errors import Conflict
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation, OrganisationKind


def test_national_data_has_ten_shas_150_pcts_and_the_evidence_asked_for(session: Session) -> None:
    result = load_national(session, evidence_items=1_000)
    kinds = session.exec(
        select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)
    ).all()
    assert dict(kinds) == {OrganisationKind.SHA: 10, OrganisationKind.PCT: 150}
    assert session.exec(select(sa.func.count()).select_from(EvidenceItem)).one() == 1_000
    assert result.created["evidence_competency"] >= 1_000
    assert load_national(session, evidence_items=1_000).created == {}


def test_national_data_refuses_a_database_that_has_other_data(session: Session) -> None:
    load_demo(session)
    with pytest.raises(Conflict, match="needs a database of its own"):
        load_national(session, evidence_items=100)
