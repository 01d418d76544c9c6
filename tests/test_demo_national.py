"""The national data set: the full shape at a smaller size, loaded once, on an empty database;
and its bulk rows are ones the services would accept, checked on a sample with the services'
own write schemas and commands."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.actors import SYSTEM, Actor
from app.assessments import repository as assessment_repository
from app.assessments import service as assessment_service
from app.assessments import snapshots
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceSnapshot,
    PresentedEvidence,
    ReturnPoint,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.assessments.schemas import (
    EvidenceRatingWrite,
    ReturnPointResponse,
    ReturnPointWrite,
    ReviewScoreWrite,
    SelfScoreWrite,
    SignOffRequest,
)
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.demo import load_national, timeline
from app.demo.data import RETURN_POINTS, RETURN_REASON
from app.errors import Conflict
from app.evidence import service as evidence_service
from app.evidence.models import EvidenceCompetency, EvidenceItem
from app.evidence.schemas import EvidenceCreate
from app.framework import service as framework_service
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


def _rounds(session: Session, assessment_id: int | None) -> list[Submission]:
    return list(
        session.exec(
            select(Submission)
            .where(col(Submission.assessment_id) == assessment_id)
            .order_by(Submission.round)
        ).all()
    )


def _points(session: Session, assessment_id: int | None) -> list[tuple[Any, ...]]:
    """A return's points, without who raised them."""
    return [
        (
            p.round,
            p.competency_number,
            p.request,
            p.raised_at,
            p.response,
            p.responded_by_id,
            p.responded_at,
            p.version,
        )
        for p in session.exec(
            select(ReturnPoint)
            .where(col(ReturnPoint.assessment_id) == assessment_id)
            .order_by(ReturnPoint.id)
        ).all()
    ]


def _sign_off_of(assessment: Assessment) -> dict[str, Any]:
    """The sign-off as a round keeps it, from the assessment's columns."""
    assert assessment.signed_off_at is not None and assessment.signed_off_meeting_date
    return {
        "signed_off_by_id": assessment.signed_off_by_id,
        "signed_off_at": assessment.signed_off_at.isoformat(),
        "meeting_date": assessment.signed_off_meeting_date.isoformat(),
        "minute_reference": assessment.signed_off_minute_reference,
    }


def test_national_data_has_ten_shas_150_pcts_and_the_evidence_asked_for(session: Session) -> None:
    result = load_national(session, evidence_items=ITEMS)
    kinds = session.exec(
        select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)
    ).all()
    assert dict(kinds) == {OrganisationKind.SHA: 10, OrganisationKind.PCT: 150}
    assert session.exec(select(sa.func.count()).select_from(EvidenceItem)).one() == ITEMS
    assert result.created["evidence_competency"] >= ITEMS
    assert result.created["evidence_snapshot"] >= ITEMS
    assert result.created["presented_evidence"] > result.created["evidence_snapshot"]
    submitted = session.exec(
        select(sa.func.count())
        .select_from(Assessment)
        .where(col(Assessment.submitted_at).is_not(None))
    ).one()
    assert result.created["submission"] == submitted
    assert result.created["return_point"] == len(RETURN_POINTS) * (
        session.exec(
            select(sa.func.count())
            .select_from(Assessment)
            .where(col(Assessment.status) == S.RETURNED)
        ).one()
    )
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


def test_national_rounds_and_fingerprints_are_the_services_own_over_what_is_presented(
    session: Session,
) -> None:
    """On a sample, what the bulk load says a board signed and a lead submitted is what the
    service computes from the bulk scores and presented evidence: fingerprint, round content,
    digests and frozen snapshots; and every assessment is ready to sign, but for the open
    points of a return."""
    load_national(session, evidence_items=ITEMS)
    rows = session.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .order_by(Assessment.id)
    ).all()
    checked: dict[AssessmentStatus, int] = defaultdict(int)
    for assessment, cycle in rows[::5]:
        aid = assessment.id or 0
        scores = assessment_repository.self_scores_of(session, aid)
        evidence = assessment_repository.presented_evidence_set(session, aid)
        assert evidence
        lead = _person(session, assessment.organisation_id, Role.PCT_LEAD)
        ready = assessment_repository.load_assessment(session, lead, aid).readiness
        assert ready.ready is (assessment.status is not S.RETURNED), ready.missing
        checked[assessment.status] += 1
        if assessment.status is S.DRAFT:
            assert assessment.signed_off_fingerprint is None
            continue
        assert assessment.signed_off_fingerprint == snapshots.fingerprint(scores, evidence)
        if assessment.submitted_at is None:
            continue
        (only,) = _rounds(session, aid)
        numbers = framework_service.get_framework(cycle.framework_version).numbers
        assert only.round == 1
        assert only.fingerprint == assessment.signed_off_fingerprint
        assert only.content == {
            **snapshots.self_assessment(scores, evidence),
            "sign_off": _sign_off_of(assessment),
        }
        assert only.digests == snapshots.competency_digests(numbers, scores, evidence)
        frozen = assessment_repository.snapshots_of(session, aid)
        assert sorted((s.content for s in frozen), key=lambda c: c["id"]) == evidence
    assert set(checked) == set(AssessmentStatus)


def test_national_assessments_take_each_next_step_through_the_service_commands(
    session: Session,
) -> None:
    """An assessment in each status, moved on by its own people: the commands check the
    readiness, the presented evidence, the board's fingerprint, the frozen evidence, the
    rounds, the return points and the review on the bulk rows, and write rows like them."""
    load_national(session, evidence_items=ITEMS)
    draft, signed, submitted, in_review, back = (
        _in_cycle(session, status)
        for status in (S.DRAFT, S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED)
    )
    finalised_first_year = _in_cycle(session, S.FINALISED, newest=False)
    cycle = session.get(Cycle, draft.cycle_id)
    assert cycle is not None

    # The lead saves each bulk self score again as it stands, and presents an item again
    # (the service's row is the bulk one); the board can sign off at its meeting, as the
    # bulk load says the other boards did.
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
    presented = select(
        PresentedEvidence.assessment_id,
        PresentedEvidence.evidence_id,
        PresentedEvidence.added_by_id,
        PresentedEvidence.added_at,
    ).where(col(PresentedEvidence.assessment_id) == draft.id)
    bulk_presented = session.exec(presented.order_by(PresentedEvidence.evidence_id)).all()
    assert bulk_presented
    evidence_id = bulk_presented[0][1]
    assert not assessment_service.present_evidence(session, lead, draft.id or 0, evidence_id)
    assert assessment_service.withdraw_evidence(session, lead, draft.id or 0, evidence_id)
    with clock.frozen_at(timeline.presented(cycle)):
        assert assessment_service.present_evidence(session, lead, draft.id or 0, evidence_id)
    assert session.exec(presented.order_by(PresentedEvidence.evidence_id)).all() == bulk_presented
    board = _person(session, draft.organisation_id, Role.BOARD_MEMBER)
    decision = SignOffRequest(
        meeting_date=timeline.sign_off_day(cycle),
        minute_reference=signed.signed_off_minute_reference or "",
        declaration=True,
    )
    with clock.frozen_at(timeline.signed_off(cycle)):
        done = assessment_service.sign_off(session, board, draft.id or 0, data=decision)
    assert done.status is S.SIGNED_OFF
    columns = (
        "signed_off_at",
        "signed_off_meeting_date",
        "signed_off_minute_reference",
        "sign_off_withdrawn_at",
        "sign_off_withdrawn_by_id",
        "sign_off_withdrawn_reason",
    )
    assert [getattr(done, c) for c in columns] == [getattr(signed, c) for c in columns]

    # The lead submits what the bulk load says the board signed: the service recomputes the
    # fingerprint over the bulk presented set, then freezes the evidence exactly as the bulk
    # load froze it a year before, and keeps round 1 as the bulk load kept another's.
    lead = _person(session, signed.organisation_id, Role.PCT_LEAD)
    with clock.frozen_at(timeline.submitted(cycle)):
        assert assessment_service.submit(session, lead, signed.id or 0).status is S.SUBMITTED
    session.expire_all()
    frozen_now = {
        s.evidence_id: s
        for s in session.exec(
            select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == signed.id)
        )
    }
    cycles = session.exec(select(Cycle.id).order_by(Cycle.opens_on)).all()
    last_year = session.exec(
        select(Assessment).where(
            col(Assessment.organisation_id) == signed.organisation_id,
            col(Assessment.cycle_id) == cycles[-2],
        )
    ).one()
    year_before = session.exec(
        select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == last_year.id)
    ).all()
    assert year_before and len(frozen_now) > len(year_before)
    for bulk in year_before:
        by_service = frozen_now[bulk.evidence_id]
        assert (bulk.content, bulk.sha256) == (by_service.content, by_service.sha256)
    (by_service,) = _rounds(session, signed.id)
    (bulk_round,) = _rounds(session, submitted.id)
    (bulk_last_year,) = _rounds(session, last_year.id)
    assert by_service.fingerprint == signed.signed_off_fingerprint
    for one, assessment in ((by_service, signed), (bulk_round, submitted)):
        assert one.content["sign_off"] == _sign_off_of(assessment)
        assert one.submitted_by_id == assessment.submitted_by_id
    shape = [
        (s.round, s.submitted_at, sorted(s.content), sorted(s.digests))
        for s in (by_service, bulk_round)
    ]
    assert shape[0] == shape[1]
    assert by_service.content["sign_off"] | {"signed_off_by_id": None} == bulk_round.content[
        "sign_off"
    ] | {"signed_off_by_id": None}
    kept_now = {e["id"]: e for e in by_service.content["evidence"]}
    assert bulk_last_year.content["evidence"]
    for item in bulk_last_year.content["evidence"]:
        assert kept_now[item["id"]] == item

    # The reviewer returns a submitted one with the demo's points: round 1 (the bulk load
    # kept one round), and points like those the bulk load wrote for a returned one.
    reviewer = _reviewer_of(session, submitted)
    with clock.frozen_at(timeline.returned(cycle)):
        returned = assessment_service.return_assessment(
            session,
            reviewer,
            submitted.id or 0,
            reason=RETURN_REASON,
            points=[
                ReturnPointWrite(competency_number=number, request=request)
                for number, request in RETURN_POINTS
            ],
        )
    assert returned.status is S.RETURNED
    assert (returned.return_reason, returned.returned_at) == (back.return_reason, back.returned_at)
    assert _points(session, submitted.id) == _points(session, back.id)
    for assessment in (submitted, back):
        raisers = session.exec(
            select(ReturnPoint.raised_by_id).where(col(ReturnPoint.assessment_id) == assessment.id)
        ).all()
        assert set(raisers) == {_reviewer_of(session, assessment).user_id}

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

    # The PCT answers each bulk point of the returned one, its board signs the unchanged
    # self-assessment again (the same fingerprint the bulk load gave) and the lead submits
    # round 2: the bulk round 1 again, but for the sign-off.
    lead = _person(session, back.organisation_id, Role.PCT_LEAD)
    for point in session.exec(select(ReturnPoint).where(col(ReturnPoint.assessment_id) == back.id)):
        assessment_service.answer_return_point(
            session,
            lead,
            back.id or 0,
            point.id or 0,
            data=ReturnPointResponse(response="Answered in the evidence.", version=point.version),
        )
    bulk_fingerprint = back.signed_off_fingerprint
    meeting = timeline.returned(cycle).date() + timedelta(days=14)
    board = _person(session, back.organisation_id, Role.BOARD_MEMBER)
    again = SignOffRequest(meeting_date=meeting, minute_reference="PCT/BD/11/021", declaration=True)
    with clock.frozen_at(timeline.at(meeting, 18)):
        resigned = assessment_service.sign_off(session, board, back.id or 0, data=again)
    assert resigned.status is S.SIGNED_OFF
    assert resigned.signed_off_fingerprint == bulk_fingerprint
    with clock.frozen_at(timeline.at(meeting + timedelta(days=1), 10)):
        assert assessment_service.submit(session, lead, back.id or 0).status is S.SUBMITTED
    session.expire_all()
    first, second = _rounds(session, back.id)
    assert (first.round, second.round) == (1, 2)
    assert (second.fingerprint, second.digests) == (first.fingerprint, first.digests)
    assert {k: v for k, v in second.content.items() if k != "sign_off"} == {
        k: v for k, v in first.content.items() if k != "sign_off"
    }
    assert second.content["sign_off"]["minute_reference"] == "PCT/BD/11/021"


def test_national_history_is_dated_and_signed_by_the_right_people(session: Session) -> None:
    load_national(session, evidence_items=ITEMS)
    users = {u.id: u for u in session.exec(select(User)).all()}
    parents = dict(session.exec(select(Organisation.id, Organisation.parent_id)).all())
    logged = defaultdict(list)
    items = defaultdict(list)
    for evidence_id, organisation_id, occurred_on, created_at in session.exec(
        select(
            EvidenceItem.id,
            EvidenceItem.organisation_id,
            EvidenceItem.occurred_on,
            EvidenceItem.created_at,
        )
    ):
        logged[organisation_id].append(created_at)
        items[organisation_id].append((evidence_id, occurred_on))
    frozen = defaultdict(set)
    frozen_at = defaultdict(set)
    for aid, evidence_id, at in session.exec(
        select(
            EvidenceSnapshot.assessment_id, EvidenceSnapshot.evidence_id, EvidenceSnapshot.frozen_at
        )
    ):
        frozen[aid].add(evidence_id)
        frozen_at[aid].add(at)
    presented = defaultdict(set)
    presented_by = defaultdict(set)
    for aid, evidence_id, added_by_id, added_at in session.exec(
        select(
            PresentedEvidence.assessment_id,
            PresentedEvidence.evidence_id,
            PresentedEvidence.added_by_id,
            PresentedEvidence.added_at,
        )
    ):
        presented[aid].add(evidence_id)
        presented_by[aid].add((added_by_id, added_at))
    rounds = defaultdict(list)
    for submission in session.exec(select(Submission).order_by(Submission.round)):
        rounds[submission.assessment_id].append(submission)
    points = defaultdict(list)
    for point in session.exec(select(ReturnPoint).order_by(ReturnPoint.id)):
        points[point.assessment_id].append(point)
    rows = session.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all()
    for assessment, cycle in rows:
        pct = assessment.organisation_id
        aid = assessment.id
        assert assessment.created_at.date() == cycle.opens_on
        # The lead presents, the morning of the board meeting (also in draft), every item
        # dated on or before it.
        meeting = timeline.sign_off_day(cycle)
        assert presented[aid] == {i for i, day in items[pct] if day <= meeting}
        ((added_by_id, added_at),) = presented_by[aid]
        assert added_at == timeline.presented(cycle)
        assert (users[added_by_id].role, users[added_by_id].organisation_id) == (
            Role.PCT_LEAD,
            pct,
        )
        assert assessment.sign_off_withdrawn_at is None
        assert assessment.sign_off_withdrawn_by_id is None
        assert assessment.sign_off_withdrawn_reason is None
        if assessment.status is not S.RETURNED:
            assert points[aid] == []
        if assessment.status is S.DRAFT:
            assert assessment.signed_off_at is None
            assert assessment.signed_off_meeting_date is None
            assert assessment.signed_off_minute_reference is None
            assert rounds[aid] == []
            assert assessment.updated_at == added_at
            continue
        assert assessment.signed_off_at is not None
        assert added_at < assessment.signed_off_at
        assert assessment.signed_off_at.date() == assessment.signed_off_meeting_date == meeting
        assert assessment.signed_off_minute_reference
        assert assessment.signed_off_at.date() < cycle.submission_due
        board = users[assessment.signed_off_by_id]
        assert (board.role, board.organisation_id) == (Role.BOARD_MEMBER, pct)
        if assessment.status is S.SIGNED_OFF:
            assert max(logged[pct]) < assessment.signed_off_at
            assert rounds[aid] == []
            continue
        assert assessment.submitted_at is not None
        assert assessment.signed_off_at < assessment.submitted_at
        assert assessment.submitted_at.date() < cycle.submission_due
        assert users[assessment.submitted_by_id].role is Role.PCT_LEAD
        # Round 1 freezes what the board signed: the presented items, as submitted.
        assert frozen[aid] == presented[aid]
        assert frozen_at[aid] == {assessment.submitted_at}
        (only,) = rounds[aid]
        assert (only.round, only.submitted_at, only.submitted_by_id, only.fingerprint) == (
            1,
            assessment.submitted_at,
            assessment.submitted_by_id,
            assessment.signed_off_fingerprint,
        )
        assert [e["id"] for e in only.content["evidence"]] == sorted(presented[aid])
        assert only.content["sign_off"] == _sign_off_of(assessment)
        if assessment.status is S.RETURNED:
            assert assessment.return_reason == RETURN_REASON
            assert cycle.submission_due < assessment.returned_at.date() < cycle.review_due
            assert [(p.round, p.competency_number, p.request) for p in points[aid]] == [
                (1, number, request) for number, request in RETURN_POINTS
            ]
            for point in points[aid]:
                reviewer = users[point.raised_by_id]
                assert (reviewer.role, reviewer.organisation_id) == (
                    Role.SHA_REVIEWER,
                    parents[pct],
                )
                assert point.raised_at == assessment.returned_at
                assert (point.response, point.responded_at, point.version) == (None, None, 1)
        if assessment.status is S.FINALISED:
            reviewer = users[assessment.finalised_by_id]
            assert (reviewer.role, reviewer.organisation_id) == (Role.SHA_REVIEWER, parents[pct])
            assert cycle.submission_due < assessment.finalised_at.date() < cycle.review_due
