"""The national data set: the full shape at a smaller size, loaded once, on an empty database;
and its bulk rows are ones the services would accept, checked on a sample with the services'
own write schemas and commands."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.actors import SYSTEM, Actor
from app.assessments import criteria as criterion_service
from app.assessments import provisional
from app.assessments import repository as assessment_repository
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    EvidenceRating,
    EvidenceSnapshot,
    PresentedEvidence,
    ProvisionalRating,
    ReturnPoint,
    ReviewCriterionScore,
    ReviewScore,
    SelfScore,
    Submission,
)
from app.assessments.schemas import (
    CriterionReviewWrite,
    CriterionScoreWrite,
    EvidenceRatingWrite,
    ReturnPointResponse,
    ReturnPointWrite,
    ReviewScoreWrite,
    SelfScoreWrite,
    SignOffRequest,
)
from app.audit import AuditEvent
from app.auth.service import actor_for_user
from app.cycles.models import Cycle
from app.demo import assurance, load_national, timeline
from app.demo.data import (
    ASSESSED,
    PANEL_PEERS,
    PCT_POSTS,
    REAL_PCTS,
    RETURN_POINTS,
    RETURN_REASON,
    SHA_REGIONS,
)
from app.demo.national import LOADED_AT, schedule_for
from app.development import service as development_service
from app.development.models import ActionStatus, DevelopmentAction, ProgressNote, SupportKind
from app.development.schemas import ActionCreate, ActionUpdate
from app.errors import Conflict, WorkflowError
from app.evidence import service as evidence_service
from app.evidence.models import EvidenceCompetency, EvidenceItem
from app.evidence.schemas import EvidenceCreate
from app.framework import service as framework_service
from app.governance import service as governance_service
from app.governance.models import AREAS, GovernanceRating, GovernanceReview, Rag
from app.governance.schemas import GovernanceRatingWrite, GovernanceReviewWrite
from app.organisations import service as organisation_service
from app.organisations.models import Organisation, OrganisationKind
from app.outcomes import service as outcome_service
from app.outcomes.models import Outcome, OutcomeActual, PresentedOutcome
from app.outcomes.schemas import OutcomeWrite
from app.panel import service as panel_service
from app.panel.models import Panel
from app.panel.schemas import PanelWrite
from app.permissions import Action, can
from app.users.models import Role, User

# Each PCT's key documents at the least (28 a PCT, covering every competency each year).
ITEMS = 5_000
S = AssessmentStatus


def _actor(session: Session, user_id: int | None) -> Actor:
    actor = actor_for_user(session, user_id or 0)
    assert actor is not None
    return actor


# The post that acts for each role: the board's sign-off is the chief executive's.
POST = {
    Role.PCT_LEAD: "lead",
    Role.BOARD_MEMBER: "board",
    Role.CLINICIAN: "clinician",
    Role.SHA_REVIEWER: "reviewer",
}


def _person(session: Session, organisation_id: int, role: Role) -> Actor:
    user = session.exec(
        select(User).where(
            col(User.organisation_id) == organisation_id,
            col(User.role) == role,
            col(User.email).startswith(f"{POST[role]}."),
        )
    ).one()
    return _actor(session, user.id)


def _holders(session: Session, role: Role) -> dict[int, int]:
    """The id of the account that acts for ``role``, by its organisation's id."""
    return {
        organisation_id: user_id
        for user_id, organisation_id in session.exec(
            select(User.id, User.organisation_id).where(
                col(User.role) == role, col(User.email).startswith(f"{POST[role]}.")
            )
        ).all()
        if user_id is not None and organisation_id is not None
    }


def _code(session: Session, assessment: Assessment) -> str:
    pct = session.get(Organisation, assessment.organisation_id)
    assert pct is not None
    return pct.code


def _frozen(session: Session, assessment_id: int | None) -> dict[int, tuple[Any, str]]:
    return {
        s.evidence_id: (s.content, s.sha256)
        for s in session.exec(
            select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == assessment_id)
        )
    }


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


def _review_levels(session: Session, assessment_id: int) -> dict[str, Any]:
    """The SHA's ratings of an assessment as they stand, in the form a sharing keeps them."""
    return {
        "competencies": {
            str(number): level
            for number, level in session.exec(
                select(ReviewScore.competency_number, ReviewScore.level).where(
                    col(ReviewScore.assessment_id) == assessment_id
                )
            )
        },
        "criteria": dict(
            session.exec(
                select(ReviewCriterionScore.criterion, ReviewCriterionScore.level).where(
                    col(ReviewCriterionScore.assessment_id) == assessment_id
                )
            ).all()
        ),
        "governance": {
            review.area.value: review.rating.value
            for review in session.exec(
                select(GovernanceReview).where(col(GovernanceReview.assessment_id) == assessment_id)
            )
        },
    }


def _shared(row: ProvisionalRating) -> tuple[Any, ...]:
    """A sharing of provisional ratings and the PCT's answer, without whose and when."""
    return (
        row.round,
        sorted(row.levels),
        row.comments,
        row.responded_at is not None,
        row.issued_at < (row.responded_at or row.issued_at),
    )


def _sign_off_of(assessment: Assessment) -> dict[str, Any]:
    """The sign-off as a round keeps it, from the assessment's columns."""
    assert assessment.signed_off_at is not None and assessment.signed_off_meeting_date
    return {
        "signed_off_by_id": assessment.signed_off_by_id,
        "signed_off_at": assessment.signed_off_at.isoformat(),
        "meeting_date": assessment.signed_off_meeting_date.isoformat(),
        "minute_reference": assessment.signed_off_minute_reference,
    }


def test_national_data_has_ten_shas_152_pcts_and_the_evidence_asked_for(session: Session) -> None:
    result = load_national(session, evidence_items=ITEMS)
    kinds = session.exec(
        select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)
    ).all()
    assert dict(kinds) == {OrganisationKind.SHA: 10, OrganisationKind.PCT: 152}
    assert session.exec(select(sa.func.count()).select_from(EvidenceItem)).one() == ITEMS
    assert result.created["evidence_competency"] >= ITEMS
    # Each item is presented in the assurance year it is dated in, frozen once submitted.
    assert ITEMS > result.created["presented_evidence"] > result.created["evidence_snapshot"]
    assert (
        result.created["evidence_snapshot"]
        == session.exec(
            select(sa.func.count())
            .select_from(PresentedEvidence)
            .join(Assessment, col(Assessment.id) == PresentedEvidence.assessment_id)
            .where(col(Assessment.submitted_at).is_not(None))
        ).one()
    )
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
    # A panel for each assessment whose panel has sat; ratings shared for each one shared
    # or final.
    by_status = dict(
        session.exec(select(Assessment.status, sa.func.count()).group_by(Assessment.status)).all()
    )
    assert result.created["panel"] == sum(
        by_status[s] for s in (S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED)
    )
    assert result.created["provisional_rating"] == by_status[S.PROVISIONAL] + by_status[S.FINALISED]
    # Four outcome measures a PCT, each presented by both its assessments.
    assert result.created["outcome"] == 4 * 152
    assert result.created["presented_outcome"] == 2 * result.created["outcome"]
    # One audit event for each table the load filled, with its count of rows.
    events = session.exec(
        select(AuditEvent.entity, AuditEvent.after).where(col(AuditEvent.action) == "bulk_load")
    ).all()
    assert {entity: after["rows"] for entity, after in events} == {
        table: count for table, count in result.created.items() if table != "cycle"
    }
    assert load_national(session, evidence_items=ITEMS).created == {}


# Seasons of the SHA panels: Year 1 from October 2008 to January 2009, Year 2 in spring 2010
# up to the third week of May.
SEASONS = {
    "2008/09": (date(2008, 10, 1), date(2009, 1, 31)),
    "2009/10": (date(2010, 3, 1), date(2010, 5, 21)),
}


def test_national_pcts_have_real_shaped_codes_and_each_sha_its_real_number(
    session: Session,
) -> None:
    load_national(session, evidence_items=ITEMS)
    shas = dict(
        session.exec(
            select(Organisation.id, Organisation.code).where(
                col(Organisation.kind) == OrganisationKind.SHA
            )
        ).all()
    )
    pcts = session.exec(
        select(Organisation).where(col(Organisation.kind) == OrganisationKind.PCT)
    ).all()
    codes = [p.code for p in pcts]
    assert len(set(codes)) == 152
    assert all(re.fullmatch(r"5[0-9A-Z]{2}", code) for code in codes), codes
    per_sha = Counter(shas[p.parent_id] for p in pcts if p.parent_id is not None)
    assert per_sha == {code: count for code, _region, count in SHA_REGIONS}
    assert per_sha["Q36"] == 31  # London
    named = {(p.code, p.name, shas[p.parent_id or 0]) for p in pcts}
    for sha, real in REAL_PCTS.items():
        for code, name in real:
            assert (code, name, sha) in named
    cycles = {c.name: c.id for c in session.exec(select(Cycle)).all()}
    assert sorted(cycles) == ["2008/09", "2009/10"]  # no 2010/11 assurance
    statuses = {
        name: Counter(
            session.exec(
                select(Assessment.status).where(col(Assessment.cycle_id) == cycle_id)
            ).all()
        )
        for name, cycle_id in cycles.items()
    }
    assert statuses["2008/09"] == {S.FINALISED: 152}
    assert set(statuses["2009/10"]) == set(AssessmentStatus)


def test_national_post_holders_are_named_once_and_the_real_ones_only_in_their_posts(
    session: Session,
) -> None:
    load_national(session, evidence_items=ITEMS)
    users = session.exec(select(User)).all()
    names = Counter(u.full_name.removeprefix("Dr ") for u in users)
    assert names.most_common(1)[0][1] == 1
    emails = {u.email.split("@")[0]: u for u in users}
    for pct in session.exec(
        select(Organisation.code).where(col(Organisation.kind) == OrganisationKind.PCT)
    ).all():
        for prefix, role, _title in PCT_POSTS:
            assert emails[f"{prefix}.{pct.lower()}"].role == role
        assert emails[f"clinician.{pct.lower()}"].full_name.startswith("Dr ")
    for sha, _region, _count in SHA_REGIONS:
        assert emails[f"reviewer.{sha.lower()}"].role is Role.SHA_REVIEWER
    by_name = {u.full_name: u.email.split("@")[0] for u in users}
    assert by_name["Sophia Christie"] == "board.5pg"
    assert by_name["Alwen Williams"] == "board.5c4"
    assert by_name["Ian Tipney"] == "board.5ql"
    assert by_name["Matt Walsh"] == "director.5n1"


def _levels(session: Session) -> list[tuple[str, str, int, int, int]]:
    """(cycle, PCT code, competency, self level, panel level) for every review score."""
    return list(
        session.exec(
            select(
                Cycle.name,
                Organisation.code,
                SelfScore.competency_number,
                SelfScore.level,
                ReviewScore.level,
            )
            .join(
                ReviewScore,
                sa.and_(
                    col(ReviewScore.assessment_id) == SelfScore.assessment_id,
                    col(ReviewScore.competency_number) == SelfScore.competency_number,
                ),
            )
            .join(Assessment, col(Assessment.id) == SelfScore.assessment_id)
            .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
            .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
        ).all()
    )


def test_national_panel_levels_follow_the_national_picture(session: Session) -> None:
    """Panels confirm most levels and move a few, mostly down; competency 2 is the strongest,
    then 4 and 1; 7 and 9 the weakest, and 11 lowest of all in Year 2 (about 1.5); Year 1
    mostly 1 to 2 with no 4s, Year 2 mostly 2 to 3; the PCTs the press named lead."""
    load_national(session, evidence_items=ITEMS)
    rows = _levels(session)
    assert rows and all(number in ASSESSED[cycle] for cycle, _code, number, *_ in rows)
    moves = Counter(panel - own for _cycle, _code, _n, own, panel in rows)
    assert set(moves) <= {-1, 0, 1}
    assert moves[0] >= 0.8 * moves.total() and moves[-1] > 3 * moves[1] > 0
    for cycle, wanted, top in (("2008/09", {1, 2}, 3), ("2009/10", {2, 3}, 4)):
        levels = Counter(panel for name, _code, _n, _own, panel in rows if name == cycle)
        assert max(levels) == top
        assert sum(levels[level] for level in wanted) >= 0.75 * levels.total(), levels
        scores: dict[int, list[int]] = defaultdict(list)
        by_pct: dict[str, list[int]] = defaultdict(list)
        for name, code, number, _own, panel in rows:
            if name == cycle:
                scores[number].append(panel)
                by_pct[code].append(panel)
        mean = {n: sum(levels) / len(levels) for n, levels in scores.items()}
        order = sorted(mean, key=mean.__getitem__)
        assert order[-1] == 2 and set(order[-3:]) == {1, 2, 4}, mean
        leaders = sorted(by_pct, key=lambda code: sum(by_pct[code]) / len(by_pct[code]))[-3:]
        if cycle == "2008/09":
            assert set(order[:2]) == {7, 9} and order[0] == 7, mean
            assert set(leaders) == {"5PG", "5C4", "5QL"}
        else:
            assert set(order[:3]) == {7, 9, 11} and order[0] == 11, mean
            assert 1.3 <= mean[11] <= 1.6
            assert set(leaders) == {"5NX", "5F5", "5C4"}


def _numbers_by_assessment(session: Session, model: Any) -> dict[int, list[int]]:
    numbers: dict[int, list[int]] = defaultdict(list)
    for aid, number in session.exec(
        select(model.assessment_id, model.competency_number).order_by(
            model.assessment_id, model.competency_number
        )
    ).all():
        numbers[aid].append(number)
    return numbers


def test_national_scores_are_of_the_competencies_each_cycle_assesses(session: Session) -> None:
    """2008/09 assesses competencies 1 to 10 on wcc-2008, 2009/10 all eleven on wcc-2009: a
    self-score for each competency the cycle assesses and none for any other (so no 2008/09
    score for competency 11), and a review score for each once reviewed."""
    load_national(session, evidence_items=ITEMS)
    cycles = {c.id: c for c in session.exec(select(Cycle)).all()}
    assert {
        c.name: (c.framework_version, list(c.assessed_competencies)) for c in cycles.values()
    } == {
        "2008/09": ("wcc-2008", list(range(1, 11))),
        "2009/10": ("wcc-2009", list(range(1, 12))),
    }
    selfs = _numbers_by_assessment(session, SelfScore)
    reviews = _numbers_by_assessment(session, ReviewScore)
    for assessment in session.exec(select(Assessment)).all():
        cycle = cycles[assessment.cycle_id]
        assessed = list(ASSESSED[cycle.name])
        assert list(cycle.assessed) == assessed
        assert framework_service.for_cycle(cycle).numbers == tuple(assessed)
        assert selfs[assessment.id or 0] == assessed
        reviewed = assessment.status in (S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED)
        assert reviews.get(assessment.id or 0, []) == (assessed if reviewed else [])
    first_year = [
        a.id for a in session.exec(select(Assessment)).all() if cycles[a.cycle_id].name == "2008/09"
    ]
    for model in (SelfScore, ReviewScore, CriterionScore, ReviewCriterionScore):
        assert not session.exec(
            select(model.id).where(
                col(model.assessment_id).in_(first_year), col(model.competency_number) == 11
            )
        ).first()


def test_national_criterion_levels_roll_up_to_the_competency_levels(session: Session) -> None:
    """wcc-2009 scores competencies 1 and 11 through their criteria (1.1 to 1.3, 11.1 to
    11.3): each 2009/10 self-assessment has a level for every criterion, and so has every
    review, the competency's level the lowest of them by the framework's rule; the other
    criteria at it or one above. wcc-2008 has no criteria: 2008/09 has no criterion scores.
    A score that follows from criteria was written by the last criterion and then given its
    rationale (or comment): version 2."""
    load_national(session, evidence_items=ITEMS)
    cycles = {c.id: c for c in session.exec(select(Cycle)).all()}
    assessments = {a.id: a for a in session.exec(select(Assessment)).all()}
    checked: Counter[tuple[str, Any]] = Counter()
    for model, score_model in ((CriterionScore, SelfScore), (ReviewCriterionScore, ReviewScore)):
        levels: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
        for row in session.exec(select(model)).all():
            levels[(row.assessment_id, row.competency_number)][row.criterion] = row.level
            assert row.version == 1
        for score in session.exec(select(score_model)).all():
            assessment = assessments[score.assessment_id]
            cycle = cycles[assessment.cycle_id]
            framework = framework_service.for_cycle(cycle)
            competency = framework.competency(score.competency_number)
            assert competency is not None
            criteria = levels.pop((score.assessment_id, score.competency_number), {})
            assert sorted(criteria) == sorted(k.number for k in competency.criteria)
            if not criteria:
                assert score.version == 1
                continue
            assert cycle.name == "2009/10"
            assert framework.rolled_up(list(criteria.values())) == score.level
            assert min(criteria.values()) == score.level
            assert max(criteria.values()) - score.level <= 1
            assert score.version == 2
            checked[(model.__tablename__, score.competency_number)] += 1
            checked[(model.__tablename__, "above")] += max(criteria.values()) > score.level
        assert levels == {}  # no criterion without its competency's score
    for table in ("criterion_score", "review_criterion_score"):
        assert checked[(table, 1)] == checked[(table, 11)] > 0
        assert 0 < checked[(table, "above")] < 2 * checked[(table, 1)]


def test_national_governance_ratings_follow_the_national_shape(session: Session) -> None:
    """Every assessment signed off or later has the board's rating of all three governance
    areas, with its narrative (the sign-off needs them), and some drafts have them too; the
    panel has rated all three once it finalised or returned an assessment, one or two while
    still reviewing. Board is green more often than strategy, in both years and both
    ratings; Year 2 greener; a board now and then rated itself better than the panel."""
    load_national(session, evidence_items=ITEMS)
    rows = session.exec(
        select(Assessment, Cycle, Organisation)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .join(Organisation, col(Organisation.id) == Assessment.organisation_id)
    ).all()
    own: dict[int, dict[Any, GovernanceRating]] = defaultdict(dict)
    for rating in session.exec(select(GovernanceRating)).all():
        own[rating.assessment_id][rating.area] = rating
    panel: dict[int, dict[Any, GovernanceReview]] = defaultdict(dict)
    for review in session.exec(select(GovernanceReview)).all():
        panel[review.assessment_id][review.area] = review
    last_review = dict(
        session.exec(
            select(ReviewScore.assessment_id, sa.func.max(ReviewScore.scored_at)).group_by(
                ReviewScore.assessment_id
            )
        ).all()
    )
    leads = _holders(session, Role.PCT_LEAD)
    reviewers = _holders(session, Role.SHA_REVIEWER)
    greens: Counter[tuple[str, str, Any]] = Counter()
    rated: Counter[tuple[str, str, Any]] = Counter()
    drafts: Counter[int] = Counter()
    reviewing: Counter[int] = Counter()
    hopeful = 0
    for assessment, cycle, pct in rows:
        aid = assessment.id or 0
        plan = schedule_for(cycle, pct.code)
        ratings, reviews = own[aid], panel[aid]
        if assessment.status is S.DRAFT:
            drafts[len(ratings)] += 1
        else:
            assert set(ratings) == set(AREAS)
        for area, rating in ratings.items():
            expected = assurance.own_governance(pct.code, cycle.name)[area]
            assert rating.rating is expected
            assert rating.narrative == assurance.narrative(pct.name, cycle.name, area, expected)
            assert (rating.updated_at, rating.version) == (plan.presented(), 1)
            assert rating.updated_by_id == leads[pct.id or 0]
            greens[("own", cycle.name, area.value)] += rating.rating is Rag.GREEN
            rated[("own", cycle.name, area.value)] += 1
        if assessment.status in (S.FINALISED, S.PROVISIONAL, S.RETURNED):
            assert set(reviews) == set(AREAS)
        elif assessment.status is S.IN_REVIEW:
            reviewing[len(reviews)] += 1
            assert list(reviews) and set(reviews) < set(AREAS)
        else:
            assert reviews == {}
        for area, review in reviews.items():
            found = assurance.panel_governance(pct.code, cycle.name)[area]
            assert review.rating is found
            assert review.comment == assurance.panel_comment(ratings[area].rating, found)
            assert last_review[aid] < review.reviewed_at < plan.rated(0)
            assert review.reviewer_id == reviewers[pct.parent_id or 0]
            greens[("panel", cycle.name, area.value)] += review.rating is Rag.GREEN
            rated[("panel", cycle.name, area.value)] += 1
            hopeful += ratings[area].rating.points > found.points
    assert drafts[3] and drafts[0] and set(drafts) == {0, 3}
    assert set(reviewing) == {1, 2}
    assert hopeful > 0
    share = {key: greens[key] / rated[key] for key in rated}
    assert rated[("own", "2008/09", "board")] == rated[("panel", "2008/09", "board")] == 152
    for who in ("own", "panel"):
        for name in ("2008/09", "2009/10"):
            board, strategy = (share[(who, name, area)] for area in ("board", "strategy"))
            assert board > strategy > 0, (who, name, share)
        assert 0.35 < share[(who, "2008/09", "board")] < 0.65, share
        assert share[(who, "2009/10", "board")] > share[(who, "2008/09", "board")], share


def test_national_pcts_present_their_outcome_measures(session: Session) -> None:
    """Each PCT keeps its four outcome measures, made by its lead the day its first assessment
    opened (before its first board meeting), with the actual values up to the year before the
    last review, recorded once the year's figures were out; every assessment presents all of
    its PCT's measures (the sign-off needs one at least), added with its evidence."""
    load_national(session, evidence_items=ITEMS)
    pcts = {
        p.id: p
        for p in session.exec(
            select(Organisation).where(col(Organisation.kind) == OrganisationKind.PCT)
        ).all()
    }
    cycles = sorted(session.exec(select(Cycle)).all(), key=lambda c: c.opens_on)
    outcomes: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in session.exec(select(Outcome).order_by(Outcome.id)).all():
        outcomes[outcome.organisation_id].append(outcome)
    actuals: dict[int, list[OutcomeActual]] = defaultdict(list)
    for actual in session.exec(select(OutcomeActual)).all():
        actuals[actual.outcome_id].append(actual)
    assert set(outcomes) == set(pcts)
    last_year = cycles[-1].review_due.year - 1
    leads = _holders(session, Role.PCT_LEAD)
    for pct_id, measures in outcomes.items():
        pct = pcts[pct_id]
        lead = leads[pct_id]
        first = schedule_for(cycles[0], pct.code)
        expected = assurance.outcome_measures(pct.code)
        assert [m.title for m in measures] == [e["title"] for e in expected]
        for measure, wanted in zip(measures, expected, strict=True):
            assert (measure.created_by_id, measure.created_at) == (lead, first.opened())
            assert measure.created_at.date() < first.board_day
            written = OutcomeWrite.model_validate(wanted)
            assert measure.trajectory == [p.model_dump() for p in written.trajectory]
            assert (measure.source, measure.better, measure.baseline_value) == (
                written.source,
                written.better,
                written.baseline_value,
            )
            recorded = sorted(actuals[measure.id or 0], key=lambda a: a.year)
            assert {a.year: a.value for a in recorded} == assurance.actuals(
                pct.code, wanted, through=last_year
            )
            assert [a.year for a in recorded] == [last_year]
            for actual in recorded:
                assert measure.baseline_year <= actual.year
                assert actual.recorded_by_id == lead
                assert date(actual.year + 1, 1, 31) < actual.recorded_at.date()
                assert actual.recorded_at < LOADED_AT
            # Each actual recorded touched the measure.
            assert measure.version == 1 + len(recorded)
            assert measure.updated_at == max(
                (a.recorded_at for a in recorded), default=measure.created_at
            )
    presented: dict[int, set[int]] = defaultdict(set)
    added: dict[int, set[tuple[Any, ...]]] = defaultdict(set)
    for row in session.exec(select(PresentedOutcome)).all():
        presented[row.assessment_id].add(row.outcome_id)
        added[row.assessment_id].add((row.added_by_id, row.added_at))
    for assessment, cycle in session.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all():
        aid = assessment.id or 0
        pct = pcts[assessment.organisation_id]
        assert presented[aid] == {m.id for m in outcomes[pct.id or 0]}
        plan = schedule_for(cycle, pct.code)
        assert added[aid] == {(leads[pct.id or 0], plan.presented())}


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
        for criterion in session.exec(
            select(CriterionScore).where(col(CriterionScore.assessment_id) == aid)
        ):
            written = CriterionScoreWrite(
                level=criterion.level, rationale=criterion.rationale, version=criterion.version
            )
            assert written.rationale == criterion.rationale
            rows += 1
        for panel in session.exec(
            select(ReviewCriterionScore).where(col(ReviewCriterionScore.assessment_id) == aid)
        ):
            CriterionReviewWrite(level=panel.level, comment=panel.comment, version=panel.version)
            rows += 1
        for own in session.exec(
            select(GovernanceRating).where(col(GovernanceRating.assessment_id) == aid)
        ):
            said = GovernanceRatingWrite(
                rating=own.rating, narrative=own.narrative, version=own.version
            )
            assert said.narrative == own.narrative
            rows += 1
        for review in session.exec(
            select(GovernanceReview).where(col(GovernanceReview.assessment_id) == aid)
        ):
            said = GovernanceReviewWrite(
                rating=review.rating, comment=review.comment, version=review.version
            )
            assert said.comment == review.comment
            rows += 1
    assert rows > 200
    for outcome in session.exec(select(Outcome).order_by(Outcome.id)).all()[::7]:
        written = OutcomeWrite(
            title=outcome.title,
            indicator=outcome.indicator,
            source=outcome.source,
            unit=outcome.unit,
            better=outcome.better,
            baseline_year=outcome.baseline_year,
            baseline_value=outcome.baseline_value,
            trajectory=outcome.trajectory,
        )
        assert (written.title, written.indicator, written.unit) == (
            outcome.title,
            outcome.indicator,
            outcome.unit,
        )
        assert [p.model_dump() for p in written.trajectory] == outcome.trajectory


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
    service computes from the bulk rows (scores, criteria, governance, presented evidence and
    outcome measures): fingerprint, round content, digests and frozen snapshots. Every
    assessment signed off or later is ready by the record's own readiness, but for the open
    points of a return; a draft is ready once its board has rated governance."""
    load_national(session, evidence_items=ITEMS)
    rows = session.exec(
        select(Assessment, Cycle)
        .join(Cycle, col(Cycle.id) == Assessment.cycle_id)
        .order_by(Assessment.id)
    ).all()
    checked: dict[AssessmentStatus, int] = defaultdict(int)
    parts: Counter[str] = Counter()
    drafts: Counter[bool] = Counter()
    for assessment, cycle in rows[::5]:
        aid = assessment.id or 0
        numbers = framework_service.for_cycle(cycle).numbers
        signed = assessment_repository.self_assessment_of(session, aid)
        assert signed.evidence and signed.outcomes and signed.scores
        assert len(signed.scores) == len(numbers)
        parts.update(key for key in signed.content() if key not in ("self_scores", "evidence"))
        lead = _person(session, assessment.organisation_id, Role.PCT_LEAD)
        record = assessment_repository.load_assessment(session, lead, aid, full=True)
        ready = record.readiness
        checked[assessment.status] += 1
        if assessment.status is S.DRAFT:
            assert assessment.signed_off_fingerprint is None
            assert assessment.last_signed_digests is None
            rated = bool(signed.governance)
            drafts[rated] += 1
            if rated:
                assert ready.ready, ready.missing
            else:
                assert ready.missing == tuple(
                    f"Governance ({area.label}): no rating" for area in AREAS
                )
            continue
        if assessment.status is S.RETURNED:
            assert not ready.ready
            assert len(ready.missing) == len(RETURN_POINTS), ready.missing
            assert all("point" in gap for gap in ready.missing), ready.missing
        else:
            assert ready.ready, ready.missing
        # What the board signed is what the service would sign now, and keeps its digests.
        assert assessment.signed_off_fingerprint == signed.fingerprint == record.fingerprint
        assert assessment.last_signed_digests == signed.digests(numbers) == record.digests()
        assert {"governance", "outcomes"} <= set(signed.digests(numbers))
        if assessment.submitted_at is None:
            continue
        (only,) = _rounds(session, aid)
        assert only.round == 1
        assert only.fingerprint == assessment.signed_off_fingerprint
        assert only.content == {**signed.content(), "sign_off": _sign_off_of(assessment)}
        assert only.digests == signed.digests(numbers)
        frozen = assessment_repository.snapshots_of(session, aid)
        evidence = sorted((s.content for s in frozen), key=lambda c: c["id"])
        assert evidence == sorted(signed.evidence, key=lambda c: c["id"])
    assert set(checked) == set(AssessmentStatus)
    assert drafts[True] and drafts[False]
    assert parts["governance"] == parts["outcomes"] - drafts[False] > parts["criterion_scores"] > 0


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

    # The lead saves each bulk criterion level, self score and governance rating again as it
    # stands (a criterion's level leaves its competency's score as it is: the bulk level is
    # the one that follows), and presents an item and an outcome measure again (the
    # service's rows are the bulk ones); the board can sign off at its meeting, as the bulk
    # load says the other boards did.
    lead = _person(session, draft.organisation_id, Role.PCT_LEAD)
    plan = schedule_for(cycle, _code(session, draft))
    bulk_scores = {
        s.competency_number: (s.level, s.version, s.updated_at)
        for s in session.exec(select(SelfScore).where(col(SelfScore.assessment_id) == draft.id))
    }
    criteria = session.exec(
        select(CriterionScore).where(col(CriterionScore.assessment_id) == draft.id)
    ).all()
    assert {c.competency_number for c in criteria} == {1, 11}
    for criterion in criteria:
        with clock.frozen_at(plan.self_scored(criterion.competency_number)):
            _saved, whole = criterion_service.put_criterion_score(
                session,
                lead,
                draft.id or 0,
                criterion.competency_number,
                criterion.criterion,
                data=CriterionScoreWrite(
                    level=criterion.level, rationale=criterion.rationale, version=criterion.version
                ),
            )
        assert whole is not None
        assert (whole.level, whole.version, whole.updated_at) == bulk_scores[
            whole.competency_number
        ]
    ratings = session.exec(
        select(GovernanceRating).where(col(GovernanceRating.assessment_id) == draft.id)
    ).all()
    assert {r.area for r in ratings} == set(AREAS)
    for rating in ratings:
        with clock.frozen_at(plan.presented()):
            governance_service.put_rating(
                session,
                lead,
                draft.id or 0,
                rating.area,
                data=GovernanceRatingWrite(
                    rating=rating.rating, narrative=rating.narrative, version=rating.version
                ),
            )
    shown = select(
        PresentedOutcome.assessment_id,
        PresentedOutcome.outcome_id,
        PresentedOutcome.added_by_id,
        PresentedOutcome.added_at,
    ).where(col(PresentedOutcome.assessment_id) == draft.id)
    bulk_shown = session.exec(shown.order_by(PresentedOutcome.outcome_id)).all()
    assert bulk_shown
    outcome_id = bulk_shown[-1][1]
    assert not outcome_service.present_outcome(session, lead, draft.id or 0, outcome_id)
    assert outcome_service.withdraw_outcome(session, lead, draft.id or 0, outcome_id)
    with clock.frozen_at(plan.presented()):
        assert outcome_service.present_outcome(session, lead, draft.id or 0, outcome_id)
    assert session.exec(shown.order_by(PresentedOutcome.outcome_id)).all() == bulk_shown
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
    with clock.frozen_at(plan.presented()):
        assert assessment_service.present_evidence(session, lead, draft.id or 0, evidence_id)
    assert session.exec(presented.order_by(PresentedEvidence.evidence_id)).all() == bulk_presented
    board = _person(session, draft.organisation_id, Role.BOARD_MEMBER)
    decision = SignOffRequest(
        meeting_date=plan.board_day,
        minute_reference=signed.signed_off_minute_reference or "",
        declaration=True,
    )
    with clock.frozen_at(plan.signed_off()):
        done = assessment_service.sign_off(session, board, draft.id or 0, data=decision)
    assert done.status is S.SIGNED_OFF
    columns = (
        "signed_off_minute_reference",
        "sign_off_withdrawn_at",
        "sign_off_withdrawn_by_id",
        "sign_off_withdrawn_reason",
    )
    assert [getattr(done, c) for c in columns] == [getattr(signed, c) for c in columns]
    for one in (done, signed):
        own = schedule_for(cycle, _code(session, one))
        assert (one.signed_off_meeting_date, one.signed_off_at) == (
            own.board_day,
            own.signed_off(),
        )
    assert sorted(done.last_signed_digests or {}) == sorted(signed.last_signed_digests or {})

    # A draft whose board has not rated its governance yet cannot be signed off: that is all
    # it lacks.
    unrated = next(
        a
        for a in session.exec(
            select(Assessment)
            .where(col(Assessment.cycle_id) == cycle.id, col(Assessment.status) == S.DRAFT)
            .order_by(Assessment.id)
        )
        if not session.exec(
            select(GovernanceRating.id).where(col(GovernanceRating.assessment_id) == a.id)
        ).first()
    )
    unrated_plan = schedule_for(cycle, _code(session, unrated))
    with pytest.raises(WorkflowError) as refused, clock.frozen_at(unrated_plan.signed_off()):
        assessment_service.sign_off(
            session,
            _person(session, unrated.organisation_id, Role.BOARD_MEMBER),
            unrated.id or 0,
            data=SignOffRequest(
                meeting_date=unrated_plan.board_day,
                minute_reference=signed.signed_off_minute_reference or "",
                declaration=True,
            ),
        )
    assert refused.value.missing == [f"Governance ({area.label}): no rating" for area in AREAS]
    session.rollback()

    # The lead submits what the bulk load says the board signed, on the PCT's own day: the
    # service recomputes the fingerprint over the bulk presented set (all of it dated in the
    # cycle's assurance year), freezes it, and keeps round 1 as the bulk load kept another's.
    lead = _person(session, signed.organisation_id, Role.PCT_LEAD)
    signed_plan = schedule_for(cycle, _code(session, signed))
    with clock.frozen_at(signed_plan.submitted()):
        assert assessment_service.submit(session, lead, signed.id or 0).status is S.SUBMITTED
    session.expire_all()
    frozen_now = {
        s.evidence_id: s
        for s in session.exec(
            select(EvidenceSnapshot).where(col(EvidenceSnapshot.assessment_id) == signed.id)
        )
    }
    start, end = cycle.period
    assert frozen_now
    for snapshot in frozen_now.values():
        dated = date.fromisoformat(snapshot.content["occurred_on"])
        assert start <= dated <= signed_plan.board_day <= end
    (by_service,) = _rounds(session, signed.id)
    (bulk_round,) = _rounds(session, submitted.id)
    assert by_service.fingerprint == signed.signed_off_fingerprint
    for one, assessment in ((by_service, signed), (bulk_round, submitted)):
        assert one.content["sign_off"] == _sign_off_of(assessment)
        assert one.submitted_by_id == assessment.submitted_by_id
        assert one.submitted_at == schedule_for(cycle, _code(session, assessment)).submitted()
    shape = [(s.round, sorted(s.content), sorted(s.digests)) for s in (by_service, bulk_round)]
    assert shape[0] == shape[1]
    assert sorted(by_service.content["sign_off"]) == sorted(bulk_round.content["sign_off"])
    assert sorted(e["id"] for e in by_service.content["evidence"]) == sorted(frozen_now)

    # The reviewer returns a submitted one with the demo's points: round 1 (the bulk load
    # kept one round), and points like those the bulk load wrote for a returned one.
    reviewer = _reviewer_of(session, submitted)
    with clock.frozen_at(schedule_for(cycle, _code(session, submitted)).returned()):
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
    assert returned.return_reason == back.return_reason
    for one in (returned, back):
        assert one.returned_at == schedule_for(cycle, _code(session, one)).returned()
        assert [p[3] for p in _points(session, one.id)] == [one.returned_at] * len(RETURN_POINTS)
    assert [p[:3] + p[4:] for p in _points(session, submitted.id)] == [
        p[:3] + p[4:] for p in _points(session, back.id)
    ]
    for assessment in (submitted, back):
        raisers = session.exec(
            select(ReturnPoint.raised_by_id).where(col(ReturnPoint.assessment_id) == assessment.id)
        ).all()
        assert set(raisers) == {_reviewer_of(session, assessment).user_id}

    # The reviewers' bulk criterion levels, scores, governance ratings and evidence ratings
    # are accepted again as they stand (a criterion's level leaves its competency's score as
    # it is; ratings only of evidence the submission froze, which in the first year is not
    # all the PCT holds now). Finished, they are complete enough to finalise; one still in
    # review is not until the panel has rated the rest of governance.
    assessment_service.reopen(session, SYSTEM, finalised_first_year.id or 0, reason="Sample")
    for assessment in (in_review, finalised_first_year):
        aid = assessment.id or 0
        reviewer = _reviewer_of(session, assessment)
        code = _code(session, assessment)
        own_cycle = session.get(Cycle, assessment.cycle_id)
        assert own_cycle is not None
        panel_plan = schedule_for(own_cycle, code)
        levels = {
            r.competency_number: (r.level, r.version, r.scored_at)
            for r in session.exec(select(ReviewScore).where(col(ReviewScore.assessment_id) == aid))
        }
        for criterion in session.exec(
            select(ReviewCriterionScore).where(col(ReviewCriterionScore.assessment_id) == aid)
        ):
            with clock.frozen_at(panel_plan.reviewed(criterion.competency_number)):
                _saved, whole = criterion_service.put_criterion_review(
                    session,
                    reviewer,
                    aid,
                    criterion.competency_number,
                    criterion.criterion,
                    data=CriterionReviewWrite(
                        level=criterion.level, comment=criterion.comment, version=criterion.version
                    ),
                )
            assert whole is not None
            assert (whole.level, whole.version, whole.scored_at) == levels[whole.competency_number]
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
        reviewed = session.exec(
            select(GovernanceReview).where(col(GovernanceReview.assessment_id) == aid)
        ).all()
        for review in reviewed:
            governance_service.put_review(
                session,
                reviewer,
                aid,
                review.area,
                data=GovernanceReviewWrite(
                    rating=review.rating, comment=review.comment, version=review.version
                ),
            )
        left = [area for area in AREAS if area not in {r.area for r in reviewed}]
        assert bool(left) is (assessment is in_review)
        if left:
            with pytest.raises(WorkflowError) as refused:
                assessment_service.finalise(session, reviewer, aid)
            assert refused.value.missing == [
                f"Governance ({area.label}): no SHA rating" for area in left
            ]
            session.rollback()
            board = assurance.own_governance(code, own_cycle.name)
            found = assurance.panel_governance(code, own_cycle.name)
            for area in left:
                governance_service.put_review(
                    session,
                    reviewer,
                    aid,
                    area,
                    data=GovernanceReviewWrite(
                        rating=found[area],
                        comment=assurance.panel_comment(board[area], found[area]),
                    ),
                )
        if assessment is in_review:
            # Its cycle shares the ratings as provisional first: the reviewer shares them and
            # the lead accepts them, on the PCT's own days, as the bulk load says the leads of
            # the finalised ones did; then the review can be final.
            with pytest.raises(WorkflowError, match="as provisional first"):
                assessment_service.finalise(session, reviewer, aid)
            session.rollback()
            with clock.frozen_at(panel_plan.shared()):
                provisional.share_provisional(session, reviewer, aid)
            with clock.frozen_at(panel_plan.facts_checked()):
                by_service = provisional.check_facts(
                    session, _person(session, assessment.organisation_id, Role.PCT_LEAD), aid, []
                )
            bulk = session.exec(
                select(ProvisionalRating)
                .join(Assessment, col(Assessment.id) == ProvisionalRating.assessment_id)
                .where(
                    col(Assessment.cycle_id) == assessment.cycle_id,
                    col(Assessment.status) == S.FINALISED,
                )
                .order_by(ProvisionalRating.id)
            ).first()
            assert bulk is not None
            assert _shared(by_service) == _shared(bulk)
            assert by_service.levels == _review_levels(session, aid)
            assert by_service.issued_at == panel_plan.shared()
            assert by_service.responded_at == panel_plan.facts_checked()
        with clock.frozen_at(panel_plan.finalised()):
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
    bulk_frozen = _frozen(session, back.id)
    assert back.returned_at is not None
    meeting = back.returned_at.date() + timedelta(days=14)
    board = _person(session, back.organisation_id, Role.BOARD_MEMBER)
    again = SignOffRequest(meeting_date=meeting, minute_reference="PCT/BD/10/021", declaration=True)
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
    assert second.content["sign_off"]["minute_reference"] == "PCT/BD/10/021"
    # The service froze the evidence again exactly as the bulk load had frozen it.
    assert _frozen(session, back.id) == bulk_frozen


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
    panels = dict(
        session.exec(
            select(ReviewScore.assessment_id, sa.func.min(ReviewScore.scored_at)).group_by(
                ReviewScore.assessment_id
            )
        ).all()
    )
    codes = dict(session.exec(select(Organisation.id, Organisation.code)).all())
    rows = session.exec(
        select(Assessment, Cycle).join(Cycle, col(Cycle.id) == Assessment.cycle_id)
    ).all()
    for assessment, cycle in rows:
        pct = assessment.organisation_id
        aid = assessment.id
        plan = schedule_for(cycle, codes[pct])
        assert assessment.created_at.date() == cycle.opens_on
        # The lead presents, the morning of the board meeting (also in draft), every item
        # of the cycle's assurance year dated on or before it.
        meeting = plan.board_day
        start, _end = cycle.period
        assert presented[aid] == {i for i, day in items[pct] if start <= day <= meeting}
        ((added_by_id, added_at),) = presented_by[aid]
        assert added_at == plan.presented()
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
        assert assessment.submitted_at == plan.submitted()
        assert assessment.signed_off_at < assessment.submitted_at
        assert assessment.submitted_at.date() < cycle.submission_due
        assert users[assessment.submitted_by_id].role is Role.PCT_LEAD
        # The panel sits after the PCT's own submission, in the cycle's season (Year 1 panels
        # began before the last submission deadline), and the results come after it.
        panel = panels.get(aid)
        if assessment.status in (S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED):
            assert panel == plan.reviewed(1)
            assert assessment.submitted_at < panel
            low, high = SEASONS[cycle.name]
            assert low <= panel.date() <= high, (cycle.name, panel)
            for moment in (assessment.returned_at, assessment.finalised_at):
                assert moment is None or panel < moment
        else:
            assert panel is None
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


def test_national_panels_sat_and_final_ratings_were_checked_by_the_pct_first(
    session: Session,
) -> None:
    """Both cycles have the provisional step. Each assessment whose panel has sat has it
    recorded by its reviewer at the end of the panel day (the SHA's director of
    commissioning development and two peers; the PCT's chief executive, PEC chair, director
    of commissioning and lead), in a form ``put_panel`` accepts. Each finalised one was shared
    as provisional after its panel (the SHA's ratings as they stand) and accepted by its lead
    days later, before its SHA's results day; a provisional one waits for its PCT's answer."""
    load_national(session, evidence_items=ITEMS)
    cycles = {c.id: c for c in session.exec(select(Cycle)).all()}
    assert all(c.provisional_step for c in cycles.values())
    users = {u.id: u for u in session.exec(select(User)).all()}
    by_post = {(u.email.split(".", 1)[0], u.organisation_id): u for u in users.values()}
    organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
    panels = {p.assessment_id: p for p in session.exec(select(Panel)).all()}
    shared: dict[int, list[ProvisionalRating]] = defaultdict(list)
    for row in session.exec(select(ProvisionalRating)).all():
        shared[row.assessment_id].append(row)
    seen: Counter[AssessmentStatus] = Counter()
    for assessment in session.exec(select(Assessment).order_by(Assessment.id)).all():
        aid = assessment.id or 0
        pct = organisations[assessment.organisation_id]
        sha = organisations[pct.parent_id]
        plan = schedule_for(cycles[assessment.cycle_id], pct.code)
        panel = panels.get(aid)
        status = assessment.status
        seen[status] += 1
        if status in (S.DRAFT, S.SIGNED_OFF, S.SUBMITTED):
            assert panel is None and shared[aid] == [] and assessment.provisional_at is None
            continue
        assert panel is not None, (pct.code, status)
        reviewer = by_post[("reviewer", sha.id)]
        assert (panel.panel_date, panel.updated_at, panel.updated_by_id, panel.version) == (
            plan.panel_day,
            plan.panel_recorded(),
            reviewer.id,
            1,
        )
        assert panel.members == [
            {"name": reviewer.full_name, "role": "Director of commissioning development"},
            *({"name": name, "role": role} for name, role in PANEL_PEERS[sha.code]),
        ]
        assert [p["name"] for p in panel.pct_attendees] == [
            by_post[(post, pct.id)].full_name for post in ("board", "clinician", "director", "lead")
        ]
        assert panel.notes.startswith("Key lines of enquiry") and pct.name in panel.notes
        if status in (S.IN_REVIEW, S.RETURNED):
            assert shared[aid] == [] and assessment.provisional_at is None
            continue
        (row,) = shared[aid]
        assert (row.round, row.issued_at, row.issued_by_id) == (1, plan.shared(), reviewer.id)
        assert (assessment.provisional_at, assessment.provisional_by_id) == (
            row.issued_at,
            reviewer.id,
        )
        assert plan.panel_recorded() < row.issued_at
        # What was shared is the SHA's ratings as they stand: nothing was moderated.
        assert row.levels == _review_levels(session, aid)
        assert row.comments == []
        if status is S.PROVISIONAL:
            assert (row.responded_at, row.responded_by_id) == (None, None)
            continue
        lead = by_post[("lead", pct.id)]
        assert (row.responded_at, row.responded_by_id) == (plan.facts_checked(), lead.id)
        assert assessment.finalised_at is not None
        assert row.issued_at < row.responded_at < assessment.finalised_at
        assert row.responded_at - row.issued_at <= timedelta(days=5)
        assert assessment_repository.current_provisional(session, aid) == row
    assert set(seen) == set(AssessmentStatus)

    # A panel record as written is one the reviewer could record: the service takes it again
    # for one not yet final, and keeps what the bulk load wrote.
    in_review = _in_cycle(session, S.IN_REVIEW)
    bulk = panels[in_review.id or 0]
    data = PanelWrite.model_validate(
        {
            "date": bulk.panel_date,
            "members": bulk.members,
            "pct_attendees": bulk.pct_attendees,
            "notes": bulk.notes,
            "version": bulk.version,
        }
    )
    before = (bulk.panel_date, bulk.members, bulk.pct_attendees, bulk.notes)
    with clock.frozen_at(bulk.updated_at):
        again = panel_service.put_panel(
            session, _reviewer_of(session, in_review), in_review.id or 0, data=data
        )
    assert (again.panel_date, again.members, again.pct_attendees, again.notes) == before


def test_national_finalised_assessments_have_development_plans_the_service_would_keep(
    session: Session,
) -> None:
    """Two to four actions on each finalised assessment, recorded by the PCT's lead after
    the results; the 2008/09 ones reported on through 2009, a few at risk, and carried into
    2009/10; each row one the development service accepts and goes on keeping."""
    result = load_national(session, evidence_items=ITEMS)
    finalised = session.exec(select(Assessment).where(col(Assessment.status) == S.FINALISED)).all()
    actions = session.exec(select(DevelopmentAction).order_by(col(DevelopmentAction.id))).all()
    by_assessment: dict[int, list[DevelopmentAction]] = defaultdict(list)
    for action in actions:
        by_assessment[action.assessment_id].append(action)
    assert set(by_assessment) == {a.id for a in finalised}
    assert all(2 <= len(plan) <= 4 for plan in by_assessment.values())
    assert result.created["development_action"] == len(actions)
    leads = _holders(session, Role.PCT_LEAD)
    for assessment in finalised:
        for action in by_assessment[assessment.id or 0]:
            assert action.created_by_id == leads[assessment.organisation_id]
            assert assessment.finalised_at is not None
            assert assessment.finalised_at < action.created_at < LOADED_AT
            assert action.due_on >= assessment.finalised_at.date()
    statuses = Counter(a.status for a in actions)
    assert (
        statuses[ActionStatus.ON_TRACK]
        > statuses[ActionStatus.DONE]
        > statuses[ActionStatus.AT_RISK]
        > 0
    )
    assert {a.support for a in actions} >= {SupportKind.FESC, SupportKind.NATIONAL_PROGRAMME}
    notes = session.exec(select(ProgressNote)).all()
    assert notes and {n.written_at.year for n in notes} == {2009}
    # Each row passes the service's schema, and the service takes it on from there.
    sample = actions[::37]
    for action in sample:
        ActionCreate(
            competency_number=action.competency_number,
            action=action.action,
            owner=action.owner,
            due_on=action.due_on,
            support=action.support,
            support_note=action.support_note,
        )
    action = next(a for a in actions if a.status is ActionStatus.AT_RISK)
    assessment = session.get(Assessment, action.assessment_id)
    assert assessment is not None
    lead = _person(session, assessment.organisation_id, Role.PCT_LEAD)
    with clock.frozen_at(LOADED_AT):
        kept = development_service.update_action(
            session,
            lead,
            action.assessment_id,
            action.id or 0,
            data=ActionUpdate(
                status=ActionStatus.DONE, progress_note="Done.", version=action.version
            ),
        )
    assert kept.status is ActionStatus.DONE
    # A PCT's 2009/10 assessment carries its open 2008/09 actions forward.
    later = session.exec(
        select(Assessment)
        .where(col(Assessment.organisation_id) == assessment.organisation_id)
        .where(col(Assessment.id) != assessment.id)
    ).one()
    carried = development_service.carried_forward(session, lead, later.id or 0)
    assert carried and None in carried
