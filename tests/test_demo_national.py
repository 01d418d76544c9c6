"""The national data set: the full shape at a smaller size, loaded once, on an empty database;
and its bulk rows are ones the services would accept, checked on a sample with the services'
own write schemas and commands."""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.actors import SYSTEM, Actor
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    ReviewScore,
    SelfScore,
)
from app.assessments.schemas import EvidenceRatingWrite, ReviewScoreWrite, SelfScoreWrite
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.demo import load_national, timeline
from app.errors import Conflict
from app.evidence import service as evidence_service
from app.evidence.models import EvidenceCompetency, EvidenceItem
from app.evidence.schemas import EvidenceCreate
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.permissions import Action, can
from app.users.models import Role, User

# Eleven items per PCT at the least (one for each competency before the first sign-off).
ITEMS = 2_000
S = AssessmentStatus


def _actor(session: Session, user_id: int | None) -> Actor:
    actor = actor_for_user(session, user_id or 0)
    assert actor is not None
    return actor


def _person(session: Session, organisation_id: int, role: Role) -> Actor:
    user = session.exec(
        select(User).where(col(User.organisation_id) == organisation_id, col(User.role) == role)
    ).one()
    return _actor(session, user.id)


def _reviewer_of(session: Session, assessment: Assessment) -> Actor:
    pct = session.get(Organisation, assessment.organisation_id)
    assert pct is not None and pct.parent_id is not None
    return _person(session, pct.parent_id, Role.SHA_REVIEWER)


def _in_cycle(session: Session, status: AssessmentStatus, *, newest: bool = True) -> Assessment:
    """The first PCT's assessment with this status in the newest (or the oldest) cycle."""
    pick = sa.func.max(Cycle.id) if newest else sa.func.min(Cycle.id)
    cycle_id = session.exec(select(pick)).one()
    found = session.exec(
        select(Assessment)
        .where(col(Assessment.cycle_id) == cycle_id, col(Assessment.status) == status)
        .order_by(Assessment.id)
    ).first()
    assert found is not None, status
    return found


def _links(session: Session) -> dict[int, list[int]]:
    links: dict[int, list[int]] = defaultdict(list)
    for evidence_id, number in session.exec(
        select(EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number).order_by(
            EvidenceCompetency.evidence_id, EvidenceCompetency.competency_number
        )
    ).all():
        links[evidence_id].append(number)
    return links


def test_national_data_has_ten_shas_150_pcts_and_the_evidence_asked_for(session: Session) -> None:
    result = load_national(session, evidence_items=ITEMS)
    kinds = session.exec(
        select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)
    ).all()
    assert dict(kinds) == {OrganisationKind.SHA: 10, OrganisationKind.PCT: 150}
    assert session.exec(select(sa.func.count()).select_from(EvidenceItem)).one() == ITEMS
    assert result.created["evidence_competency"] >= ITEMS
    assert result.created["evidence_snapshot"] >= ITEMS
    assert set(session.exec(select(Assessment.status)).all()) == set(AssessmentStatus)
    assert load_national(session, evidence_items=ITEMS).created == {}


def test_national_data_refuses_a_database_that_has_other_data(session: Session) -> None:
    organisation_service.create_organisation(
        session, SYSTEM, code="Q32", name="Yorkshire and the Humber", kind=OrganisationKind.SHA
    )
    with pytest.raises(Conflict, match="needs a database of its own"):
        load_national(session, evidence_items=ITEMS)


def test_national_data_refuses_fewer_items_than_a_pct_needs_to_sign_off(session: Session) -> None:
    with pytest.raises(ValueError, match="too few"):
        load_national(session, evidence_items=1_000)


def test_a_sample_of_national_rows_passes_the_services_write_schemas(session: Session) -> None:
    load_national(session, evidence_items=ITEMS)
    codes = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    links = _links(session)
    items = session.exec(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    for item in items[::41]:
        data = EvidenceCreate(
            organisation_code=codes[item.organisation_id],
            title=item.title,
            description=item.description,
            kind=item.kind,
            occurred_on=item.occurred_on,
            competency_numbers=links[item.id or 0],
            url=item.url,
            practice_code=codes.get(item.practice_id),
            clinicians_involved=item.clinicians_involved,
            practices_involved=item.practices_involved,
        )
        assert data.competency_numbers == links[item.id or 0]  # distinct, in order
        author = _actor(session, item.author_id)
        assert can(author, Action.LOG_EVIDENCE) and author.pct_id == item.organisation_id
        assert item.created_at == timeline.logged(item.occurred_on)
    sample = session.exec(select(Assessment.id).order_by(Assessment.id)).all()[::23]
    rows = 0
    for aid in sample:
        for score in session.exec(select(SelfScore).where(col(SelfScore.assessment_id) == aid)):
            SelfScoreWrite(
                level=score.level,
                rationale=score.rationale,
                improvement_action=score.improvement_action,
                target_level=score.target_level,
                version=score.version,
            )
            rows += 1
        for review in session.exec(
            select(ReviewScore).where(col(ReviewScore.assessment_id) == aid)
        ):
            ReviewScoreWrite(level=review.level, comment=review.comment, version=review.version)
            rows += 1
        for rating in session.exec(
            select(EvidenceRating).where(col(EvidenceRating.assessment_id) == aid)
        ):
            EvidenceRatingWrite(
                rating=rating.rating, comment=rating.comment, version=rating.version
            )
            rows += 1
    assert rows > 200


def test_sampled_national_evidence_is_accepted_when_its_authors_log_it_again(
    session: Session,
) -> None:
    load_national(session, evidence_items=ITEMS)
    codes = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    links = _links(session)
    items = session.exec(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    for item in items[::397]:
        logged = evidence_service.create_evidence(
            session,
            _actor(session, item.author_id),
            data=EvidenceCreate(
                organisation_code=codes[item.organisation_id],
                title=item.title,
                description=item.description,
                kind=item.kind,
                occurred_on=item.occurred_on,
                competency_numbers=links[item.id or 0],
                clinicians_involved=item.clinicians_involved,
                practices_involved=item.practices_involved,
            ),
        )
        assert (logged.organisation_id, logged.author_id) == (item.organisation_id, item.author_id)


def test_national_assessments_take_each_next_step_through_the_service_commands(
    session: Session,
) -> None:
    """An assessment in each status, moved on by its own people: the commands check the
    readiness, the board's fingerprint, the frozen evidence and the review on the bulk rows."""
    load_national(session, evidence_items=ITEMS)
    draft, signed, submitted, in_review, back = (
        _in_cycle(session, status)
        for status in (S.DRAFT, S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED)
    )
    finalised_first_year = _in_cycle(session, S.FINALISED, newest=False)

    # The lead saves each bulk self score again as it stands; the board can sign off.
    lead = _person(session, draft.organisation_id, Role.PCT_LEAD)
    for score in session.exec(select(SelfScore).where(col(SelfScore.assessment_id) == draft.id)):
        assessment_service.put_self_score(
            session,
            lead,
            draft.id or 0,
            score.competency_number,
            data=SelfScoreWrite(
                level=score.level,
                rationale=score.rationale,
                improvement_action=score.improvement_action,
                target_level=score.target_level,
                version=score.version,
            ),
        )
    board = _person(session, draft.organisation_id, Role.BOARD_MEMBER)
    assert assessment_service.sign_off(session, board, draft.id or 0).status is S.SIGNED_OFF

    # The lead submits what the bulk load says the board signed: the service recomputes the
    # fingerprint, then freezes the evidence exactly as the bulk load froze it a year before.
    lead = _person(session, signed.organisation_id, Role.PCT_LEAD)
    assert assessment_service.submit(session, lead, signed.id or 0).status is S.SUBMITTED
    frozen_now = {
        s.evidence_id: s
        for s in session.exec(
            select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == signed.id)
        )
    }
    cycles = session.exec(select(Cycle.id).order_by(Cycle.opens_on)).all()
    year_before = session.exec(
        select(EvidenceSnapshot)
        .join(Assessment, col(Assessment.id) == EvidenceSnapshot.assessment_id)
        .where(
            col(Assessment.organisation_id) == signed.organisation_id,
            col(Assessment.cycle_id) == cycles[-2],
        )
    ).all()
    assert year_before and len(frozen_now) > len(year_before)
    for bulk in year_before:
        by_service = frozen_now[bulk.evidence_id]
        assert (bulk.content, bulk.sha256) == (by_service.content, by_service.sha256)

    reviewer = _reviewer_of(session, submitted)
    returned = assessment_service.return_assessment(
        session, reviewer, submitted.id or 0, reason="Show the effect on referrals."
    )
    assert returned.status is S.RETURNED

    # The reviewers' bulk scores and ratings are accepted again as they stand (ratings only of
    # evidence the submission froze, which in the first year is not all the PCT holds now),
    # and they are complete enough to finalise.
    assessment_service.reopen(session, SYSTEM, finalised_first_year.id or 0, reason="Sample")
    for assessment in (in_review, finalised_first_year):
        aid = assessment.id or 0
        reviewer = _reviewer_of(session, assessment)
        for review in session.exec(
            select(ReviewScore).where(col(ReviewScore.assessment_id) == aid)
        ):
            assessment_service.put_review_score(
                session,
                reviewer,
                aid,
                review.competency_number,
                data=ReviewScoreWrite(
                    level=review.level, comment=review.comment, version=review.version
                ),
            )
        ratings = session.exec(
            select(EvidenceRating).where(col(EvidenceRating.assessment_id) == aid)
        ).all()
        assert ratings
        for rating in ratings:
            assessment_service.put_evidence_rating(
                session,
                reviewer,
                aid,
                rating.evidence_id,
                data=EvidenceRatingWrite(
                    rating=rating.rating, comment=rating.comment, version=rating.version
                ),
            )
        assert assessment_service.finalise(session, reviewer, aid).status is S.FINALISED

    board = _person(session, back.organisation_id, Role.BOARD_MEMBER)
    assert assessment_service.sign_off(session, board, back.id or 0).status is S.SIGNED_OFF


def test_national_history_is_dated_and_signed_by_the_right_people(session: Session) -> None:
    load_national(session, evidence_items=ITEMS)
    users = {u.id: u for u in session.exec(select(User)).all()}
    parents = dict(session.exec(select(Organisation.id, Organisation.parent_id)).all())
    logged = defaultdict(list)
    for organisation_id, created_at in session.exec(
        select(EvidenceItem.organisation_id, EvidenceItem.created_at)
    ):
        logged[organisation_id].append(created_at)
    frozen = {
        aid: (count, first, last)
        for aid, count, first, last in session.exec(
            select(
                EvidenceSnapshot.assessment_id,
                sa.func.count(),
                sa.func.min(EvidenceSnapshot.frozen_at),
                sa.func.max(EvidenceSnapshot.frozen_at),
            ).group_by(EvidenceSnapshot.assessment_id)
        )
    }
    rows = session.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all()
    for assessment, cycle in rows:
        pct = assessment.organisation_id
        assert assessment.created_at.date() == cycle.opens_on
        if assessment.status is S.DRAFT:
            assert assessment.signed_off_at is None
            continue
        assert assessment.signed_off_at is not None
        assert assessment.signed_off_at.date() < cycle.submission_due
        board = users[assessment.signed_off_by_id]
        assert (board.role, board.organisation_id) == (Role.BOARD_MEMBER, pct)
        if assessment.status is S.SIGNED_OFF:
            assert max(logged[pct]) < assessment.signed_off_at
            continue
        assert assessment.submitted_at is not None
        assert assessment.signed_off_at < assessment.submitted_at
        assert assessment.submitted_at.date() < cycle.submission_due
        assert users[assessment.submitted_by_id].role is Role.PCT_LEAD
        between = [t for t in logged[pct] if assessment.signed_off_at < t < assessment.submitted_at]
        assert between == [], "evidence logged after sign-off would have reopened the draft"
        count, first, last = frozen[assessment.id]
        assert count == sum(t < assessment.submitted_at for t in logged[pct])
        assert first == last == assessment.submitted_at
        if assessment.status is S.RETURNED:
            assert assessment.return_reason
            assert cycle.submission_due < assessment.returned_at.date() < cycle.review_due
        if assessment.status is S.FINALISED:
            reviewer = users[assessment.finalised_by_id]
            assert (reviewer.role, reviewer.organisation_id) == (Role.SHA_REVIEWER, parents[pct])
            assert cycle.submission_due < assessment.finalised_at.date() < cycle.review_due
