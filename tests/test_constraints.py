"""The database itself refuses rows that break the model's rules."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.assessments.models import Assessment, SelfScore
from app.cycles.models import Cycle
from app.organisations.models import Organisation, OrganisationKind


def _sha(session: Session, code: str = "Q99") -> Organisation:
    sha = Organisation(code=code, name="Test SHA", kind=OrganisationKind.SHA)
    session.add(sha)
    session.flush()
    return sha


def _pct(session: Session, code: str = "5ZZ") -> Organisation:
    sha = _sha(session)
    pct = Organisation(code=code, name="Test PCT", kind=OrganisationKind.PCT, parent_id=sha.id)
    session.add(pct)
    session.flush()
    return pct


def _cycle(session: Session) -> Cycle:
    cycle = Cycle(
        name="2099/00",
        opens_on=date(2099, 1, 1),
        submission_due=date(2099, 2, 1),
        review_due=date(2099, 3, 1),
        framework_version="wcc-2008",
        framework_sha256="0" * 64,
    )
    session.add(cycle)
    session.flush()
    return cycle


def _refused(session: Session, *rows: object) -> None:
    with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
        session.add_all(rows)
        session.flush()


def test_organisation_codes_are_unique(session: Session) -> None:
    _sha(session, "Q98")
    _refused(session, Organisation(code="Q98", name="Again", kind=OrganisationKind.SHA))


def test_a_pct_needs_a_parent(session: Session) -> None:
    _refused(session, Organisation(code="5YY", name="Orphan", kind=OrganisationKind.PCT))


def test_one_assessment_per_pct_per_cycle(session: Session) -> None:
    pct, cycle = _pct(session), _cycle(session)
    session.add(Assessment(organisation_id=pct.id, cycle_id=cycle.id))
    session.flush()
    _refused(session, Assessment(organisation_id=pct.id, cycle_id=cycle.id))


@pytest.mark.parametrize(("competency_number", "level"), [(0, 2), (12, 2), (3, 0), (3, 5)])
def test_levels_and_competency_numbers_are_bounded(
    session: Session, competency_number: int, level: int
) -> None:
    pct, cycle = _pct(session), _cycle(session)
    assessment = Assessment(organisation_id=pct.id, cycle_id=cycle.id)
    session.add(assessment)
    session.flush()
    score = SelfScore(
        assessment_id=assessment.id,
        competency_number=competency_number,
        level=level,
        rationale="x",
    )
    _refused(session, score)


def test_unknown_enum_values_are_refused_by_the_database(session: Session) -> None:
    with pytest.raises(sa.exc.DBAPIError), session.begin_nested():
        session.execute(
            sa.text(
                "INSERT INTO organisation (code, name, kind, created_at, version) "
                "VALUES ('ZZZ', 'Bad', 'hospital', CURRENT_TIMESTAMP, 1)"
            )
        )


def test_foreign_keys_are_enforced(session: Session) -> None:
    _refused(
        session,
        Organisation(code="5XX", name="Dangling", kind=OrganisationKind.PCT, parent_id=987654),
    )
