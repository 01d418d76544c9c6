"""The demo world, made the way its people would make it.

Every organisation, account, cycle, evidence item and assessment step goes through the
service command the administrator, a PCT lead, a board member, a clinician or an SHA reviewer
would use, run at the moment it happens in the story (``app.demo.timeline`` on
``app.clock``). So the frozen evidence, the board's fingerprint, the audit events and every
date are the ones the application itself writes, dated 2008 to 2010.

Idempotent: each step looks for what it would make (an organisation's code, an email, a
cycle's name, an evidence item's title in its PCT, a PCT's assessment in a cycle and how far
it has got) and runs only when that is missing, so running the demo again adds nothing.

History is replayed a year at a time: a year's evidence is logged before that year's
assessments are signed off and submitted, and each PCT's steps follow its own dates (its
board's meeting, its submission, its SHA's panel and the SHA's release of results), so each
board signed, and each submission froze, the evidence of its assurance year as it stood at
the board's meeting.

Both years share the SHA's ratings as provisional before they are final: each finalised
assessment was shared after its panel, checked by the PCT's lead for factual accuracy (most
accept; Tower Hamlets in 2009/10 comments on one competency, which the reviewer then
moderates, with a reason) and finalised on the SHA's results day. Every assessment whose panel
has sat has its panel recorded, and a few carry the questions their PCT and SHA exchanged.
Each finalised assessment has the development plan its PCT's lead recorded after the results,
and the 2008/09 plans the progress reported on them through 2009 (``app.demo.development``).
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.actors import SYSTEM, Actor
from app.assessments import criteria as criterion_service
from app.assessments import provisional
from app.assessments import service as assessment_service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    EvidenceRatingValue,
    ModerationChange,
    ReviewScore,
    SelfScore,
)
from app.assessments.repository import current_provisional
from app.assessments.schemas import (
    CriterionReviewWrite,
    CriterionScoreWrite,
    EvidenceRatingWrite,
    FactualAccuracyComment,
    ReturnPointWrite,
    ReviewScoreWrite,
    SelfScoreWrite,
    SignOffRequest,
)
from app.auth import service as auth_service
from app.cycles import service as cycle_service
from app.demo import assurance, timeline
from app.demo import development as development_story
from app.demo import pbc as pbc_story
from app.demo.data import (
    ADMIN_NAME,
    ASSESSED,
    ASSESSMENTS,
    COMMON_EVIDENCE,
    CYCLES,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    FACT_CHECKS,
    JOB_TITLES,
    MINUTE_REFERENCE,
    PANEL_ATTENDEES,
    PANEL_NOTES,
    PANEL_PEERS,
    PBC_GROUPS,
    PCT_POSTS,
    PCTS,
    PEOPLE,
    POST_TITLES,
    PRACTICE_CLINICIANS,
    PRACTICE_COUNTS,
    PRACTICES,
    QUESTIONS,
    RATING_COMMENTS,
    RETURN_POINTS,
    RETURN_REASON,
    SCHEDULES,
    SHA_PEOPLE,
    SHA_POST,
    SHAS,
    SPECIAL_EVIDENCE,
    Asked,
    EvidenceSeed,
    QuestionSeed,
    improvement_action,
    panel_levels,
    panel_notes,
    practice_evidence,
    provisional_levels,
    rationale,
    review_comment,
    self_levels,
)
from app.development import service as development_service
from app.development.schemas import ActionCreate, ActionUpdate
from app.evidence import service as evidence_service
from app.evidence.models import EvidenceItem, EvidenceKind
from app.evidence.schemas import EvidenceCreate
from app.framework import service as framework_service
from app.framework.models import Framework
from app.governance import service as governance_service
from app.governance.models import GovernanceRating, GovernanceReview
from app.governance.schemas import GovernanceRatingWrite, GovernanceReviewWrite
from app.organisations import service as organisation_service
from app.organisations.models import OrganisationKind
from app.outcomes import service as outcome_service
from app.outcomes.repository import actuals_of, outcomes_of
from app.outcomes.schemas import OutcomeWrite
from app.panel import service as panel_service
from app.panel.models import Panel
from app.panel.schemas import PanelWrite, Person
from app.tables import metadata
from app.threads import service as thread_service
from app.users import service as user_service
from app.users.models import Role
from app.users.passwords import hash_password

S = AssessmentStatus
SUBMITTED_OR_LATER = {S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED}
SIGNED_OFF_OR_LATER = SUBMITTED_OR_LATER | {S.SIGNED_OFF}
REVIEWED = {S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED}
# The panel has scored every competency: its ratings are shared, or final.
FULLY_REVIEWED = {S.PROVISIONAL, S.FINALISED}
DRAFT_SCORED = range(1, 6)
PARTLY_REVIEWED = 5
RATED_PER_ASSESSMENT = 5
RATING_PATTERN = [
    EvidenceRatingValue.STRONG,
    EvidenceRatingValue.ADEQUATE,
    EvidenceRatingValue.WEAK,
    EvidenceRatingValue.ADEQUATE,
    EvidenceRatingValue.NOT_RELEVANT,
]
ADMIN = "admin"
SHA_OF_PCT = {code: sha for code, _name, sha, *_rest in PCTS}
PCT_DETAILS = {code: (name, council, trust) for code, name, _sha, _pop, council, trust in PCTS}


@dataclass
class DemoResult:
    """The demo sign-ins (role, organisation, email, password), and the rows each table
    gained: empty when the demo was already complete."""

    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Cycle:
    """What the story needs of a cycle, kept as plain values across the commands' commits."""

    id: int
    name: str
    opens_on: date
    submission_due: date
    review_due: date
    period: tuple[date, date]
    framework: Framework
    """The framework it is scored against, with only the competencies it assesses."""


@dataclass(frozen=True)
class _Planned:
    """An evidence item of the story and the PCT that holds it."""

    pct_code: str
    seed: EvidenceSeed


@dataclass
class _Progress:
    """How far an assessment has got, so that a step already taken is not taken again."""

    id: int
    self_scored: set[int] = field(default_factory=set)
    reviewed: set[int] = field(default_factory=set)
    rated: set[int] = field(default_factory=set)
    signed_off: bool = False
    submitted: bool = False
    returned: bool = False
    panel: bool = False
    shared: bool = False
    checked: bool = False
    """The PCT has answered the provisional ratings of the current round."""
    moderated: bool = False
    finalised: bool = False


@dataclass
class _Run:
    """One run of the demo: what it has found or made so far, by natural key."""

    session: Session
    sign_ins: list[tuple[str, str, str, str]] = field(default_factory=list)
    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    evidence: dict[tuple[int, str], int] = field(default_factory=dict)
    steps: int = 0

    def actor(self, key: str) -> Actor:
        """The demo user ``key`` as the application sees them once signed in."""
        found = self.actors.get(key)
        if found is None:
            found = auth_service.actor_for_user(self.session, self.users[key])
            assert found is not None, key
            self.actors[key] = found
        return found

    def set_up_moment(self) -> datetime:
        """The moment of the administrator's next set-up step."""
        self.steps += 1
        return timeline.set_up(self.steps)


def _row_counts(session: Session) -> dict[str, int]:
    """How many rows each table holds; what a run created is the difference."""
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


# Organisations and people ---------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _demo_hash(password: str) -> str:
    """Every demo account shares one password: hashed once (Argon2 is slow by design)."""
    return hash_password(password)


def _administrator(run: _Run) -> None:
    """The first account, made by the system as ``wcc user create`` would."""
    email = f"{ADMIN}@{DEMO_DOMAIN}"
    user = user_service.find_by_email(run.session, email)
    if user is None:
        with clock.frozen_at(timeline.set_up(0)):
            user = user_service.create_user(
                run.session,
                SYSTEM,
                email=email,
                full_name=ADMIN_NAME,
                password=DEMO_PASSWORD,
                role=Role.ADMIN,
                hash_with=_demo_hash,
            )
    assert user.id is not None
    run.users[ADMIN] = user.id
    run.sign_ins.append((Role.ADMIN.value, "-", email, DEMO_PASSWORD))


def _organisation(
    run: _Run,
    code: str,
    name: str,
    kind: OrganisationKind,
    parent: str | None,
    population: int,
    practice_count: int | None = None,
) -> None:
    moment = run.set_up_moment()
    found = organisation_service.find_by_code(run.session, code)
    if found is None:
        with clock.frozen_at(moment):
            found = organisation_service.create_organisation(
                run.session,
                run.actor(ADMIN),
                code=code,
                name=name,
                kind=kind,
                parent_code=parent,
                population=population,
                practice_count=practice_count,
            )
    assert found.id is not None
    run.orgs[code] = found.id


def _user(run: _Run, key: str, name: str, role: Role, org: str) -> None:
    moment = run.set_up_moment()
    email = f"{key.lower()}@{DEMO_DOMAIN}"
    found = user_service.find_by_email(run.session, email)
    if found is None:
        with clock.frozen_at(moment):
            found = user_service.create_user(
                run.session,
                run.actor(ADMIN),
                email=email,
                full_name=name,
                password=DEMO_PASSWORD,
                role=role,
                organisation_code=org,
                job_title=JOB_TITLES.get(key.lower()),
                hash_with=_demo_hash,
            )
    assert found.id is not None
    run.users[key] = found.id
    run.sign_ins.append((role.value, org, email, DEMO_PASSWORD))


def _organisations(run: _Run) -> None:
    for code, name, population in SHAS:
        _organisation(run, code, name, OrganisationKind.SHA, None, population)
    for code, name, sha, population, _council, _trust in PCTS:
        _organisation(run, code, name, OrganisationKind.PCT, sha, population, PRACTICE_COUNTS[code])
    for code, name, pct, population in PBC_GROUPS:
        _organisation(run, code, name, OrganisationKind.PBC_GROUP, pct, population)
    for code, name, parent, population in PRACTICES:
        _organisation(run, code, name, OrganisationKind.PRACTICE, parent, population)


def _people(run: _Run) -> None:
    """Each SHA's director of commissioning development (its reviewer); each PCT's WCC
    programme lead, chief executive, director of commissioning and PEC chair; the clinicians
    of its PBC groups and practices."""
    prefix, role, _title = SHA_POST
    for code, *_rest in SHAS:
        _user(run, f"{prefix}.{code}", SHA_PEOPLE[code], Role(role), code)
    for code, *_rest in PCTS:
        for prefix, role, _title in PCT_POSTS:
            _user(run, f"{prefix}.{code}", PEOPLE[code][prefix], Role(role), code)
    for code, name, _title in PRACTICE_CLINICIANS:
        _user(run, f"clinician.{code}", name, Role.CLINICIAN, code)


# Cycles --------------------------------------------------------------------------------------


def _cycles(run: _Run) -> dict[str, _Cycle]:
    cycles = {}
    for seed in CYCLES:
        cycle = cycle_service.find_by_name(run.session, seed.name)
        if cycle is None:
            with clock.frozen_at(timeline.cycle_created(seed.opens_on)):
                cycle = cycle_service.create_cycle(
                    run.session,
                    run.actor(ADMIN),
                    name=seed.name,
                    opens_on=seed.opens_on,
                    submission_due=seed.submission_due,
                    review_due=seed.review_due,
                    framework_version=assurance.FRAMEWORKS[seed.name],
                    assessed_competencies=list(ASSESSED[seed.name]),
                    provisional_step=seed.provisional_step,
                )
        assert cycle.id is not None
        cycles[seed.name] = _Cycle(
            cycle.id,
            cycle.name,
            cycle.opens_on,
            cycle.submission_due,
            cycle.review_due,
            cycle.period,
            framework_service.for_cycle(cycle),
        )
    return cycles


def _schedule(cycle: _Cycle, pct_code: str) -> timeline.Schedule:
    """The PCT's own dates in the cycle, its results released on its SHA's day."""
    submission_day, panel_day = SCHEDULES[cycle.name][pct_code]
    results = timeline.results_day(cycle, SHA_OF_PCT[pct_code])
    return timeline.Schedule(cycle, submission_day, panel_day, results)


# Evidence ----------------------------------------------------------------------------------------


def _for_pct(seed: EvidenceSeed, code: str, name: str, council: str, trust: str) -> EvidenceSeed:
    """A common seed with the PCT's names filled in and, for engagement, its own reach."""
    fill = {"pct": name, "council": council, "trust": trust}
    reach: dict[str, int] = {}
    if seed.kind == "engagement":
        rng = random.Random(f"{code}-{seed.title}")
        reach = {"clinicians": rng.randint(12, 60), "practices": rng.randint(6, 30)}
    return dataclasses.replace(
        seed, title=seed.title.format(**fill), description=seed.description.format(**fill), **reach
    )


def _evidence_plan() -> list[_Planned]:
    """Every demo evidence item with the PCT that holds it, in the order they are logged
    within a year."""
    plan = []
    for code, name, _sha, _population, council, trust in PCTS:
        plan += [_Planned(code, _for_pct(s, code, name, council, trust)) for s in COMMON_EVIDENCE]
        plan += [_Planned(code, seed) for seed in SPECIAL_EVIDENCE.get(code, [])]
        plan += [_Planned(code, seed) for seed in practice_evidence(code)]
    return plan


def _known_evidence(run: _Run) -> None:
    """The evidence the demo PCTs already hold, by title, so that none is logged twice."""
    pct_ids = [run.orgs[code] for code, *_rest in PCTS]
    for organisation_id, title, evidence_id in run.session.exec(
        select(EvidenceItem.organisation_id, EvidenceItem.title, EvidenceItem.id).where(
            col(EvidenceItem.organisation_id).in_(pct_ids)
        )
    ).all():
        run.evidence.setdefault((organisation_id, title), evidence_id or 0)


def _author(run: _Run, pct_code: str, seed: EvidenceSeed) -> str:
    """A PCT's lead logs its papers; a clinician logs engagement: from their practice or
    group where they have an account there, else the PCT's PEC chair."""
    if seed.kind != EvidenceKind.ENGAGEMENT:
        return f"lead.{pct_code}"
    practice_clinician = f"clinician.{seed.practice}"
    return practice_clinician if practice_clinician in run.users else f"clinician.{pct_code}"


def _log_evidence(run: _Run, planned: list[_Planned]) -> None:
    for item in planned:
        key = (run.orgs[item.pct_code], item.seed.title)
        if key in run.evidence:
            continue
        seed = item.seed
        data = EvidenceCreate(
            organisation_code=item.pct_code,
            title=seed.title,
            description=seed.description,
            kind=EvidenceKind(seed.kind),
            occurred_on=seed.occurred_on,
            competency_numbers=list(seed.competencies),
            practice_code=seed.practice,
            clinicians_involved=seed.clinicians,
            practices_involved=seed.practices,
        )
        with clock.frozen_at(timeline.logged(seed.occurred_on)):
            logged = evidence_service.create_evidence(
                run.session, run.actor(_author(run, item.pct_code, seed)), data=data
            )
        assert logged.id is not None
        run.evidence[key] = logged.id


def _presented(
    run: _Run, plan: list[_Planned], pct_code: str, cycle: _Cycle, schedule: timeline.Schedule
) -> list[int]:
    """The PCT's demo evidence its assessment presents: what it logged in the cycle's
    assurance year up to its board's meeting."""
    pct_id = run.orgs[pct_code]
    start, _end = cycle.period
    return sorted(
        run.evidence[(pct_id, p.seed.title)]
        for p in plan
        if p.pct_code == pct_code and start <= p.seed.occurred_on <= schedule.board_day
    )


# Assessments -----------------------------------------------------------------------------------


def _progress(run: _Run, pct_code: str, cycle: _Cycle) -> _Progress | None:
    assessment = run.session.exec(
        select(Assessment).where(
            col(Assessment.organisation_id) == run.orgs[pct_code],
            col(Assessment.cycle_id) == cycle.id,
        )
    ).first()
    if assessment is None or assessment.id is None:
        return None
    aid = assessment.id
    shared = current_provisional(run.session, aid)
    return _Progress(
        id=aid,
        self_scored=set(
            run.session.exec(
                select(SelfScore.competency_number).where(col(SelfScore.assessment_id) == aid)
            ).all()
        ),
        reviewed=set(
            run.session.exec(
                select(ReviewScore.competency_number).where(col(ReviewScore.assessment_id) == aid)
            ).all()
        ),
        rated=set(
            run.session.exec(
                select(EvidenceRating.evidence_id).where(col(EvidenceRating.assessment_id) == aid)
            ).all()
        ),
        signed_off=assessment.signed_off_at is not None,
        submitted=assessment.submitted_at is not None,
        returned=assessment.returned_at is not None,
        panel=run.session.get(Panel, aid) is not None,
        shared=assessment.provisional_at is not None,
        checked=shared is not None and shared.responded_at is not None,
        moderated=run.session.exec(
            select(ModerationChange.id).where(col(ModerationChange.assessment_id) == aid)
        ).first()
        is not None,
        finalised=assessment.finalised_at is not None,
    )


def _self_assess(
    run: _Run,
    progress: _Progress,
    cycle: _Cycle,
    pct_code: str,
    schedule: timeline.Schedule,
    numbers: Iterable[int],
) -> None:
    lead = run.actor(f"lead.{pct_code}")
    levels = self_levels(pct_code, cycle.name)
    name, council, trust = PCT_DETAILS[pct_code]
    framework = cycle.framework
    for number in numbers:
        if number in progress.self_scored:
            continue
        competency = framework.competency(number)
        parts = competency.criteria if competency else ()
        for criterion, level in zip(
            parts,
            assurance.criterion_levels(pct_code, cycle.name, number, levels[number], len(parts)),
            strict=True,
        ):
            with clock.frozen_at(schedule.self_scored(number)):
                criterion_service.put_criterion_score(
                    run.session,
                    lead,
                    progress.id,
                    number,
                    criterion.number,
                    data=CriterionScoreWrite(
                        level=level, rationale=assurance.criterion_rationale(criterion, level)
                    ),
                )
        data = SelfScoreWrite(
            level=levels[number],
            rationale=rationale(pct_code, name, cycle.name, number, council=council, trust=trust),
            improvement_action=improvement_action(
                pct_code, name, cycle.name, number, council=council, trust=trust
            ),
            target_level=min(levels[number] + 1, 4),
        )
        with clock.frozen_at(schedule.self_scored(number)):
            assessment_service.put_self_score(run.session, lead, progress.id, number, data=data)


def _review_scores(
    run: _Run,
    progress: _Progress,
    cycle: _Cycle,
    pct_code: str,
    schedule: timeline.Schedule,
    status: AssessmentStatus,
) -> None:
    """The panel's levels: every competency once finished, the first few while under way; as
    it first shared them (a level it moderated after the PCT's factual-accuracy check
    changes later, in ``_fact_check``)."""
    reviewer = run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}")
    own = self_levels(pct_code, cycle.name)
    panel = provisional_levels(pct_code, cycle.name)
    assessed = ASSESSED[cycle.name]
    numbers = assessed if status in FULLY_REVIEWED else assessed[:PARTLY_REVIEWED]
    framework = cycle.framework
    for number in numbers:
        if number in progress.reviewed:
            continue
        competency = framework.competency(number)
        parts = competency.criteria if competency else ()
        for criterion, level in zip(
            parts,
            assurance.criterion_levels(
                pct_code, f"panel-{cycle.name}", number, panel[number], len(parts)
            ),
            strict=True,
        ):
            with clock.frozen_at(schedule.reviewed(number)):
                criterion_service.put_criterion_review(
                    run.session,
                    reviewer,
                    progress.id,
                    number,
                    criterion.number,
                    data=CriterionReviewWrite(level=level),
                )
        data = ReviewScoreWrite(
            level=panel[number],
            comment=review_comment(cycle.name, number, own[number], panel[number]),
        )
        with clock.frozen_at(schedule.reviewed(number)):
            assessment_service.put_review_score(
                run.session, reviewer, progress.id, number, data=data
            )


def _governance(
    run: _Run, progress: _Progress, cycle: _Cycle, pct_code: str, schedule: timeline.Schedule
) -> None:
    """The board's rating of each governance area, with its narrative."""
    lead = run.actor(f"lead.{pct_code}")
    done = set(
        run.session.exec(
            select(GovernanceRating.area).where(col(GovernanceRating.assessment_id) == progress.id)
        ).all()
    )
    name = PCT_DETAILS[pct_code][0]
    for area, rating in assurance.own_governance(pct_code, cycle.name).items():
        if area in done:
            continue
        data = GovernanceRatingWrite(
            rating=rating, narrative=assurance.narrative(name, cycle.name, area, rating)
        )
        with clock.frozen_at(schedule.presented()):
            governance_service.put_rating(run.session, lead, progress.id, area, data=data)


def _governance_reviews(
    run: _Run, progress: _Progress, cycle: _Cycle, pct_code: str, schedule: timeline.Schedule
) -> None:
    reviewer = run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}")
    done = set(
        run.session.exec(
            select(GovernanceReview.area).where(col(GovernanceReview.assessment_id) == progress.id)
        ).all()
    )
    own = assurance.own_governance(pct_code, cycle.name)
    for area, rating in assurance.panel_governance(pct_code, cycle.name).items():
        if area in done:
            continue
        data = GovernanceReviewWrite(
            rating=rating, comment=assurance.panel_comment(own[area], rating)
        )
        with clock.frozen_at(schedule.reviewed(len(ASSESSED[cycle.name]))):
            governance_service.put_review(run.session, reviewer, progress.id, area, data=data)


def _outcomes(run: _Run, pct_code: str, cycle: _Cycle, schedule: timeline.Schedule) -> list[int]:
    """The PCT's outcome measures, made once by its lead, with their actuals for each year
    before the cycle's review is due (the year ending March, as the statistics run); their
    ids."""
    lead = run.actor(f"lead.{pct_code}")
    organisation_id = run.orgs[pct_code]
    kept = {o.title: o for o in outcomes_of(run.session, organisation_id)}
    for measure in assurance.outcome_measures(pct_code):
        outcome = kept.get(measure["title"])
        if outcome is None:
            with clock.frozen_at(schedule.opened()):
                outcome = outcome_service.create_outcome(
                    run.session, lead, pct_code, data=OutcomeWrite.model_validate(measure)
                )
            kept[outcome.title] = outcome
        assert outcome.id is not None
        recorded = actuals_of(run.session, [outcome.id]).get(outcome.id, {})
        for year, value in assurance.actuals(
            pct_code, measure, through=cycle.review_due.year - 1
        ).items():
            if year not in recorded:
                with clock.frozen_at(schedule.opened()):
                    outcome_service.put_actual(
                        run.session, lead, pct_code, outcome.id, year, value=value
                    )
    return [o.id for o in kept.values() if o.id is not None]


def _ratings(
    run: _Run,
    progress: _Progress,
    pct_code: str,
    schedule: timeline.Schedule,
    presented: list[int],
) -> None:
    reviewer = run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}")
    chosen = zip(RATING_PATTERN, presented[:RATED_PER_ASSESSMENT], strict=False)
    for index, (value, evidence_id) in enumerate(chosen):
        if evidence_id in progress.rated:
            continue
        data = EvidenceRatingWrite(rating=value, comment=RATING_COMMENTS[value.value])
        with clock.frozen_at(schedule.rated(index)):
            assessment_service.put_evidence_rating(
                run.session, reviewer, progress.id, evidence_id, data=data
            )


def _panel(
    run: _Run, progress: _Progress, cycle: _Cycle, pct_code: str, schedule: timeline.Schedule
) -> None:
    """The reviewer records the panel at the end of its day: the SHA's director of
    commissioning development with its two peers, and the PCT's four who came to it."""
    if progress.panel or progress.finalised:
        return
    sha = SHA_OF_PCT[pct_code]
    own, panel = self_levels(pct_code, cycle.name), panel_levels(pct_code, cycle.name)
    moved = [number for number in ASSESSED[cycle.name] if panel[number] != own[number]]
    data = PanelWrite(
        date=schedule.panel_day,
        members=[
            Person(name=SHA_PEOPLE[sha], role=SHA_POST[2]),
            *(Person(name=name, role=role) for name, role in PANEL_PEERS[sha]),
        ],
        pct_attendees=[
            Person(name=PEOPLE[pct_code][prefix], role=POST_TITLES[prefix])
            for prefix in PANEL_ATTENDEES
        ],
        notes=PANEL_NOTES.get((pct_code, cycle.name))
        or panel_notes(PCT_DETAILS[pct_code][0], moved),
    )
    with clock.frozen_at(schedule.panel_recorded()):
        panel_service.put_panel(run.session, run.actor(f"reviewer.{sha}"), progress.id, data=data)


def _questions(
    run: _Run,
    progress: _Progress,
    cycle: _Cycle,
    pct_code: str,
    schedule: timeline.Schedule,
    when: Asked,
) -> None:
    """The questions of the story asked at this point (``when``), each by its side on its
    day, and answered two days later by the other side when the story has an answer. A
    reviewer reads the PCT's answer to a key line of enquiry before the panel."""
    seeds = [q for q in QUESTIONS.get((pct_code, cycle.name), ()) if q.when == when]
    if not seeds:
        return
    reviewer = run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}")
    lead = run.actor(f"lead.{pct_code}")
    held = {
        c.question.body: c
        for c in thread_service.threads_of(run.session, reviewer, progress.id)
        if c.question is not None
    }
    for seed in seeds:
        asker, other = (reviewer, lead) if seed.asker == "reviewer" else (lead, reviewer)
        asked = _asked(schedule, seed)
        conversation = held.get(seed.question)
        if conversation is None:
            with clock.frozen_at(asked):
                thread = thread_service.open_thread(
                    run.session,
                    asker,
                    progress.id,
                    message=seed.question,
                    competency_number=seed.competency,
                )
            thread_id, messages, unread = thread.id or 0, 1, 0
        else:
            thread_id = conversation.id
            messages, unread = len(conversation.messages), conversation.unread
        if seed.answer is None:
            continue
        if messages < 2:
            with clock.frozen_at(schedule.answered(asked)):
                thread_service.reply(
                    run.session, other, progress.id, thread_id, message=seed.answer
                )
            unread += seed.asker == "reviewer"  # the lead answered the reviewer
        if seed.when == "before_panel" and unread:
            thread_service.mark_read(run.session, reviewer, progress.id, thread_id)


def _asked(schedule: timeline.Schedule, seed: QuestionSeed) -> datetime:
    """When the story's question is asked."""
    if seed.when == "before_panel":
        return schedule.enquired()
    if seed.when == "after_panel":
        return schedule.asked_after_panel()
    return schedule.asked_after_return()


def _fact_check(
    run: _Run, progress: _Progress, cycle: _Cycle, pct_code: str, schedule: timeline.Schedule
) -> None:
    """The lead's answer to the provisional ratings: acceptance, or the story's comment on a
    competency, which the reviewer answers by moderating its level, with the reason."""
    check = FACT_CHECKS.get((pct_code, cycle.name))
    if not progress.checked:
        comments = (
            [FactualAccuracyComment(competency_number=check.competency, comment=check.comment)]
            if check
            else []
        )
        with clock.frozen_at(schedule.facts_checked()):
            provisional.check_facts(
                run.session, run.actor(f"lead.{pct_code}"), progress.id, comments
            )
    if check is None or progress.moderated:
        return
    data = ReviewScoreWrite(
        level=panel_levels(pct_code, cycle.name)[check.competency],
        comment=check.final_comment,
        reason=check.reason,
    )
    with clock.frozen_at(schedule.moderated()):
        assessment_service.put_review_score(
            run.session,
            run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}"),
            progress.id,
            check.competency,
            data=data,
        )


def _assessment(
    run: _Run, plan: list[_Planned], cycle: _Cycle, pct_code: str, status: AssessmentStatus
) -> None:
    """Take the PCT's assessment in ``cycle`` as far as ``status``, each step by its person
    on the PCT's own dates."""
    session = run.session
    schedule = _schedule(cycle, pct_code)
    lead = run.actor(f"lead.{pct_code}")
    progress = _progress(run, pct_code, cycle)
    if progress is None:
        with clock.frozen_at(schedule.opened()):
            opened = assessment_service.open_assessment(
                session, lead, organisation_code=pct_code, cycle_id=cycle.id
            )
        assert opened.id is not None
        progress = _Progress(id=opened.id)
    assessed = ASSESSED[cycle.name]
    scored = (
        assessed if status in SIGNED_OFF_OR_LATER else [n for n in DRAFT_SCORED if n in assessed]
    )
    _self_assess(run, progress, cycle, pct_code, schedule, scored)
    presented = _presented(run, plan, pct_code, cycle, schedule)
    if not progress.signed_off:
        measures = _outcomes(run, pct_code, cycle, schedule)
        with clock.frozen_at(schedule.presented()):
            for evidence_id in presented:
                assessment_service.present_evidence(session, lead, progress.id, evidence_id)
            for outcome_id in measures:
                outcome_service.present_outcome(session, lead, progress.id, outcome_id)
        if status in SIGNED_OFF_OR_LATER:
            _governance(run, progress, cycle, pct_code, schedule)
    if status in SIGNED_OFF_OR_LATER and not progress.signed_off:
        decision = SignOffRequest(
            meeting_date=schedule.board_day,
            minute_reference=MINUTE_REFERENCE[cycle.name],
            declaration=True,
        )
        with clock.frozen_at(schedule.signed_off()):
            assessment_service.sign_off(
                session, run.actor(f"board.{pct_code}"), progress.id, data=decision
            )
    if status in SUBMITTED_OR_LATER and not progress.submitted:
        with clock.frozen_at(schedule.submitted()):
            assessment_service.submit(session, lead, progress.id)
    if status not in REVIEWED:
        return
    if not progress.finalised:
        _questions(run, progress, cycle, pct_code, schedule, "before_panel")
    _review_scores(run, progress, cycle, pct_code, schedule, status)
    _ratings(run, progress, pct_code, schedule, presented)
    if status in FULLY_REVIEWED:
        _governance_reviews(run, progress, cycle, pct_code, schedule)
    # An assessment in review was scored at its panel, on the panel day: the panel has sat.
    _panel(run, progress, cycle, pct_code, schedule)
    if not progress.finalised:
        _questions(run, progress, cycle, pct_code, schedule, "after_panel")
    reviewer = run.actor(f"reviewer.{SHA_OF_PCT[pct_code]}")
    if status is S.RETURNED and not progress.returned:
        with clock.frozen_at(schedule.returned()):
            assessment_service.return_assessment(
                session,
                reviewer,
                progress.id,
                reason=RETURN_REASON,
                points=[
                    ReturnPointWrite(competency_number=number, request=request)
                    for number, request in RETURN_POINTS
                ],
            )
    if status is S.RETURNED:
        _questions(run, progress, cycle, pct_code, schedule, "after_return")
    if status in FULLY_REVIEWED and not progress.shared:
        with clock.frozen_at(schedule.shared()):
            provisional.share_provisional(session, reviewer, progress.id)
    if status is S.FINALISED and not progress.finalised:
        _fact_check(run, progress, cycle, pct_code, schedule)
        with clock.frozen_at(schedule.finalised()):
            assessment_service.finalise(session, reviewer, progress.id)


# Development plans -------------------------------------------------------------------------------


def _development_plan(run: _Run, cycle: _Cycle, pct_code: str) -> None:
    """The plan the PCT's lead records after the SHA finalises its assessment, and the
    progress the lead reports on it, each on its day (``app.demo.development``)."""
    assessment = run.session.exec(
        select(Assessment).where(
            col(Assessment.organisation_id) == run.orgs[pct_code],
            col(Assessment.cycle_id) == cycle.id,
        )
    ).one()
    assert assessment.id is not None and assessment.finalised_at is not None
    assessment_id = assessment.id
    name, council, trust = PCT_DETAILS[pct_code]
    seeds = development_story.plan(
        pct_code,
        name,
        cycle.name,
        finalised_at=assessment.finalised_at,
        panel=panel_levels(pct_code, cycle.name),
        assessed=ASSESSED[cycle.name],
        places={"council": council, "trust": trust},
    )
    lead = run.actor(f"lead.{pct_code}")
    kept = {
        (p.action.competency_number, p.action.action): p
        for p in development_service.plan_of(run.session, lead, assessment_id)
    }
    for seed in seeds:
        found = kept.get((seed.competency_number, seed.action))
        if found is None:
            data = ActionCreate(
                competency_number=seed.competency_number,
                action=seed.action,
                owner=seed.owner,
                due_on=seed.due_on,
                support=seed.support,
                support_note=seed.support_note,
            )
            with clock.frozen_at(seed.created_at):
                action = development_service.add_action(run.session, lead, assessment_id, data=data)
            reported = 0
        else:
            action, reported = found.action, len(found.notes)
        assert action.id is not None
        for note in seed.notes[reported:]:
            update = ActionUpdate(status=note.status, progress_note=note.note)
            with clock.frozen_at(note.written_at):
                development_service.update_action(
                    run.session, lead, assessment_id, action.id, data=update
                )


# The whole demo ----------------------------------------------------------------------------------


def load_demo(session: Session) -> DemoResult:
    """Make whatever part of the demo is missing; returns the sign-ins and what was created."""
    before = _row_counts(session)
    run = _Run(session=session)
    _administrator(run)
    _organisations(run)
    _people(run)
    cycles = _cycles(run)
    _known_evidence(run)
    plan = _evidence_plan()
    pending = plan
    for seed in CYCLES:
        cycle = cycles[seed.name]
        _log_evidence(run, [p for p in pending if p.seed.occurred_on <= cycle.submission_due])
        pending = [p for p in pending if p.seed.occurred_on > cycle.submission_due]
        for pct_code, status in ASSESSMENTS[cycle.name].items():
            _assessment(run, plan, cycle, pct_code, S(status))
    # Each plan follows its results: the 2008/09 plans are reported on through 2009.
    for seed in CYCLES:
        for pct_code, status in ASSESSMENTS[seed.name].items():
            if S(status) is S.FINALISED:
                _development_plan(run, cycles[seed.name], pct_code)
    # Each PBC group's register and the business cases it put to its PCT.
    pbc_story.load(
        session,
        lambda pct_code: run.actor(f"lead.{pct_code}"),
        {code: (pct, population) for code, _name, pct, population in PBC_GROUPS},
    )
    # Evidence dated after the last deadline comes last (the library only: no assessment
    # presents it).
    _log_evidence(run, pending)
    after = _row_counts(session)
    session.commit()
    created = {name: after[name] - before[name] for name in after if after[name] > before[name]}
    return DemoResult(sign_ins=run.sign_ins, created=created)
