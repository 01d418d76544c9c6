"""Who may do what, and which rows each actor may see: every permission rule, in one place.

Two questions, answered here and nowhere else:

- ``require(actor, action)``: may this role take this kind of action at all (403 if not)?
- the ``*_scope`` predicates: which rows are visible to this actor? Services add them to
  every read, so a row outside the caller's scope is simply not found (404).
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from app.actors import Actor
from app.assessments.models import Assessment, EvidenceSnapshot, PresentedEvidence
from app.errors import Forbidden, NotFound
from app.evidence.models import EvidenceItem
from app.organisations.models import Organisation
from app.users.models import Role


class Action(StrEnum):
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_USERS = "manage_users"
    MANAGE_CYCLES = "manage_cycles"
    OPEN_ASSESSMENT = "open_assessment"
    SCORE_SELF = "score_self"
    SIGN_OFF = "sign_off"
    SUBMIT = "submit"
    SCORE_REVIEW = "score_review"
    RATE_EVIDENCE = "rate_evidence"
    RETURN = "return"
    FINALISE = "finalise"
    REOPEN = "reopen"
    WITHDRAW_SIGN_OFF = "withdraw_sign_off"
    ANSWER_RETURN = "answer_return"
    LOG_EVIDENCE = "log_evidence"
    EDIT_ANY_EVIDENCE = "edit_any_evidence"
    READ_AUDIT = "read_audit"
    READ_SHA_REPORT = "read_sha_report"
    MANAGE_OUTCOMES = "manage_outcomes"
    DISCUSS = "discuss"
    RECORD_PANEL = "record_panel"
    SHARE_PROVISIONAL = "share_provisional"
    CHECK_FACTS = "check_facts"
    KEEP_DEVELOPMENT_PLAN = "keep_development_plan"
    READ_DEVELOPMENT_PLAN = "read_development_plan"
    KEEP_PBC_REGISTER = "keep_pbc_register"
    READ_OUTBOX = "read_outbox"
    INVITE_USERS = "invite_users"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        {
            Action.MANAGE_ORGANISATIONS,
            Action.MANAGE_USERS,
            Action.MANAGE_CYCLES,
            Action.OPEN_ASSESSMENT,
            Action.REOPEN,
            Action.READ_AUDIT,
            Action.READ_SHA_REPORT,
            Action.KEEP_PBC_REGISTER,
            Action.READ_OUTBOX,
            Action.INVITE_USERS,
        }
    ),
    Role.PCT_LEAD: frozenset(
        {
            Action.OPEN_ASSESSMENT,
            Action.SCORE_SELF,
            Action.SUBMIT,
            Action.WITHDRAW_SIGN_OFF,
            Action.ANSWER_RETURN,
            Action.LOG_EVIDENCE,
            Action.EDIT_ANY_EVIDENCE,
            Action.READ_AUDIT,
            Action.MANAGE_OUTCOMES,
            Action.DISCUSS,
            Action.CHECK_FACTS,
            Action.KEEP_DEVELOPMENT_PLAN,
            Action.READ_DEVELOPMENT_PLAN,
            Action.KEEP_PBC_REGISTER,
            Action.INVITE_USERS,
        }
    ),
    Role.BOARD_MEMBER: frozenset(
        {
            Action.SIGN_OFF,
            Action.WITHDRAW_SIGN_OFF,
            Action.DISCUSS,
            Action.READ_DEVELOPMENT_PLAN,
        }
    ),
    Role.CLINICIAN: frozenset({Action.LOG_EVIDENCE}),
    Role.SHA_REVIEWER: frozenset(
        {
            Action.SCORE_REVIEW,
            Action.RATE_EVIDENCE,
            Action.RETURN,
            Action.FINALISE,
            Action.READ_SHA_REPORT,
            Action.DISCUSS,
            Action.RECORD_PANEL,
            Action.SHARE_PROVISIONAL,
            Action.READ_DEVELOPMENT_PLAN,
        }
    ),
}

ACTION_WORDS: dict[Action, str] = {
    Action.MANAGE_ORGANISATIONS: "manage organisations",
    Action.MANAGE_USERS: "manage users",
    Action.MANAGE_CYCLES: "manage cycles",
    Action.OPEN_ASSESSMENT: "open an assessment",
    Action.SCORE_SELF: "enter self-assessment scores",
    Action.SIGN_OFF: "sign off an assessment",
    Action.SUBMIT: "submit an assessment",
    Action.SCORE_REVIEW: "enter review scores",
    Action.RATE_EVIDENCE: "rate evidence",
    Action.RETURN: "return an assessment",
    Action.FINALISE: "finalise an assessment",
    Action.REOPEN: "reopen a finalised assessment",
    Action.WITHDRAW_SIGN_OFF: "withdraw a board's sign-off",
    Action.ANSWER_RETURN: "answer the points of a return",
    Action.LOG_EVIDENCE: "log evidence",
    Action.EDIT_ANY_EVIDENCE: "change evidence logged by others",
    Action.READ_AUDIT: "read the audit trail",
    Action.READ_SHA_REPORT: "read SHA reports",
    Action.MANAGE_OUTCOMES: "manage outcome measures",
    Action.DISCUSS: "take part in the questions between a PCT and its SHA",
    Action.RECORD_PANEL: "record the assurance panel",
    Action.SHARE_PROVISIONAL: "share provisional ratings",
    Action.CHECK_FACTS: "answer provisional ratings for factual accuracy",
    Action.KEEP_DEVELOPMENT_PLAN: "keep a development plan",
    Action.READ_DEVELOPMENT_PLAN: "read a development plan",
    Action.KEEP_PBC_REGISTER: "keep the PBC register",
    Action.READ_OUTBOX: "read the mail outbox",
    Action.INVITE_USERS: "invite people",
}


def can(actor: Actor, action: Action) -> bool:
    return action in ROLE_ACTIONS[actor.role]


def require(actor: Actor, action: Action) -> None:
    if not can(actor, action):
        role = actor.role.value.replace("_", " ")
        raise Forbidden(f"A {role} cannot {ACTION_WORDS[action]}")


def _never() -> ColumnElement[bool]:
    return sa.false()


def organisation_scope(actor: Actor) -> ColumnElement[bool]:
    """Organisations an actor may see: their PCT and what lies under it; a reviewer's SHA
    and its PCTs; everything for an administrator."""
    if actor.is_admin:
        return sa.true()
    if actor.is_pct_side and actor.pct_id is not None:
        children = select(Organisation.id).where(Organisation.parent_id == actor.pct_id)
        return sa.or_(
            col(Organisation.id) == actor.pct_id,
            col(Organisation.id) == actor.sha_id,
            col(Organisation.parent_id) == actor.pct_id,
            col(Organisation.parent_id).in_(children),
        )
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        return sa.or_(
            col(Organisation.id) == actor.sha_id, col(Organisation.parent_id) == actor.sha_id
        )
    return _never()


def _reviewer_pcts(actor: Actor) -> sa.Select[tuple[int]]:
    return select(Organisation.id).where(Organisation.parent_id == actor.sha_id)


def assessment_scope(actor: Actor) -> ColumnElement[bool]:
    """Assessments an actor may see (use with a query over ``Assessment``)."""
    if actor.is_admin:
        return sa.true()
    if actor.is_pct_side and actor.pct_id is not None:
        return col(Assessment.organisation_id) == actor.pct_id
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        return sa.and_(
            col(Assessment.organisation_id).in_(_reviewer_pcts(actor)),
            # From its first submission on, in every later status.
            col(Assessment.submitted_at).is_not(None),
        )
    return _never()


def assessment_status_scope(actor: Actor) -> ColumnElement[bool]:
    """Assessments whose *status* an actor may know (use with a query over ``Assessment``).

    Status only, never content: a reader under this scope selects the assessment's id, PCT,
    cycle and status, and nothing else (no scores, ratings, evidence or text). Content stays
    under ``assessment_scope``.

    A reviewer may know the status of every assessment of their SHA's PCTs from the day it is
    opened (draft, signed off), so that the region page can say which PCTs are still
    preparing theirs and which have not started; its content they may read only from its
    first submission on. Everyone else knows the status of what they may see.
    """
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        return col(Assessment.organisation_id).in_(_reviewer_pcts(actor))
    return assessment_scope(actor)


def evidence_scope(actor: Actor) -> ColumnElement[bool]:
    """Evidence items an actor may see: their PCT's; for a reviewer, the items frozen into
    an assessment they may see or presented in it now."""
    if actor.is_admin:
        return sa.true()
    if actor.is_pct_side and actor.pct_id is not None:
        return col(EvidenceItem.organisation_id) == actor.pct_id
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        presented = (
            select(EvidenceSnapshot.evidence_id)
            .join(Assessment, col(Assessment.id) == EvidenceSnapshot.assessment_id)
            .where(assessment_scope(actor))
        )
        curated = (
            select(PresentedEvidence.evidence_id)
            .join(Assessment, col(Assessment.id) == PresentedEvidence.assessment_id)
            .where(assessment_scope(actor))
        )
        return sa.or_(col(EvidenceItem.id).in_(presented), col(EvidenceItem.id).in_(curated))
    return _never()


def may_edit_evidence(actor: Actor, item: EvidenceItem) -> bool:
    """A PCT lead may change any of the PCT's items; a clinician only their own."""
    if not actor.is_pct_side or item.organisation_id != actor.pct_id:
        return False
    return can(actor, Action.EDIT_ANY_EVIDENCE) or item.author_id == actor.user_id


def may_log_for_place(actor: Actor, place: Organisation) -> bool:
    """Whether evidence this actor logs may be attributed to ``place``, a practice or PBC
    group of their PCT (already found inside it): a lead, or a clinician of the PCT itself,
    for any; a clinician of a group, for the group and its practices; of a practice, for that
    practice only."""
    if actor.role is not Role.CLINICIAN or actor.organisation_id == actor.pct_id:
        return True
    return actor.organisation_id is not None and actor.organisation_id in (
        place.id,
        place.parent_id,
    )


def acts_for_pct(actor: Actor, organisation_id: int) -> bool:
    return actor.is_pct_side and actor.pct_id == organisation_id


def reviews_pct(actor: Actor, pct: Organisation) -> bool:
    return actor.role is Role.SHA_REVIEWER and pct.parent_id == actor.sha_id


# Actions taken on an assessment by its own PCT, and by the reviewers of the PCT's SHA.
PCT_SIDE_ACTIONS = frozenset(
    {
        Action.SCORE_SELF,
        Action.SIGN_OFF,
        Action.SUBMIT,
        Action.WITHDRAW_SIGN_OFF,
        Action.ANSWER_RETURN,
        Action.CHECK_FACTS,
        Action.KEEP_DEVELOPMENT_PLAN,
    }
)
REVIEWER_ACTIONS = frozenset(
    {
        Action.SCORE_REVIEW,
        Action.RATE_EVIDENCE,
        Action.RETURN,
        Action.FINALISE,
        Action.RECORD_PANEL,
        Action.SHARE_PROVISIONAL,
    }
)
# Actions either side of an assessment takes: its own PCT, or its SHA's reviewers.
BOTH_SIDES_ACTIONS = frozenset({Action.DISCUSS, Action.READ_DEVELOPMENT_PLAN})


def may_on_assessment(actor: Actor, action: Action, pct: Organisation) -> bool:
    """The role may take ``action`` and the actor stands in the right relation to the
    assessment's PCT: its own staff for PCT-side actions, its SHA's reviewers for reviews."""
    if not can(actor, action):
        return False
    if action in PCT_SIDE_ACTIONS:
        return acts_for_pct(actor, pct.id or 0)
    if action in REVIEWER_ACTIONS:
        return reviews_pct(actor, pct)
    if action in BOTH_SIDES_ACTIONS:
        return acts_for_pct(actor, pct.id or 0) or reviews_pct(actor, pct)
    return True


def may_read_threads(actor: Actor, pct: Organisation) -> bool:
    """Threads on an assessment are read by its two sides (the PCT's staff who may write to
    the SHA, and the SHA's reviewers) and by administrators: no one else."""
    return actor.is_admin or may_on_assessment(actor, Action.DISCUSS, pct)


def require_on_assessment(
    actor: Actor, action: Action, pct: Organisation, assessment_id: int
) -> None:
    """403 when the role may never take ``action``; 404 when the assessment belongs to an
    organisation the actor does not act for (it is not theirs to know about)."""
    require(actor, action)
    if not may_on_assessment(actor, action, pct):
        raise NotFound(f"Assessment {assessment_id} not found")


def may_read_development_plan(actor: Actor, pct: Organisation) -> bool:
    """A PCT's development plan is kept by its lead and read by its lead and board members,
    by its SHA's reviewers, and by administrators: no one else."""
    return actor.is_admin or may_on_assessment(actor, Action.READ_DEVELOPMENT_PLAN, pct)


def may_read_engagement(actor: Actor, pct: Organisation) -> bool:
    """A PCT's engagement reach is read by its own people (lead, board, clinicians of the PCT
    and of its practices and PBC groups), by its SHA's reviewers and by administrators: no
    one else (to them it is not found)."""
    return actor.is_admin or acts_for_pct(actor, pct.id or 0) or reviews_pct(actor, pct)


def require_development_reader(actor: Actor, pct: Organisation, assessment_id: int) -> None:
    """For an assessment the actor may see: 403 for a role that never reads development
    plans (a clinician), 404 for anyone else who is not one of its readers."""
    if not may_read_development_plan(actor, pct):
        require_on_assessment(actor, Action.READ_DEVELOPMENT_PLAN, pct, assessment_id)


def development_plan_scope(actor: Actor) -> ColumnElement[bool]:
    """Assessments whose development plans an actor may read (use with a query over
    ``Assessment``): those they may see, for the roles that read development plans."""
    if actor.is_admin:
        return sa.true()
    if not can(actor, Action.READ_DEVELOPMENT_PLAN):
        return _never()
    return assessment_scope(actor)


def pbc_group_scope(actor: Actor) -> ColumnElement[bool]:
    """PBC groups whose register (entry, member practices, business cases) an actor may read
    (use with a query over ``Organisation``): every group of their PCT for its people; only
    their own group for someone whose account is at a group or one of its practices; the
    groups of their SHA's PCTs for a reviewer; all for an administrator."""
    if actor.is_admin:
        return sa.true()
    if actor.is_pct_side and actor.pct_id is not None:
        if actor.organisation_id is not None and actor.organisation_id != actor.pct_id:
            above = select(Organisation.parent_id).where(Organisation.id == actor.organisation_id)
            return sa.and_(
                col(Organisation.parent_id) == actor.pct_id,
                sa.or_(
                    col(Organisation.id) == actor.organisation_id,
                    col(Organisation.id).in_(above),
                ),
            )
        return col(Organisation.parent_id) == actor.pct_id
    if actor.role is Role.SHA_REVIEWER and actor.sha_id is not None:
        return col(Organisation.parent_id).in_(_reviewer_pcts(actor))
    return _never()


def may_keep_pbc_register(actor: Actor, group: Organisation) -> bool:
    """A PBC group's register and business cases are kept by its PCT's lead and by
    administrators."""
    if not can(actor, Action.KEEP_PBC_REGISTER):
        return False
    return actor.is_admin or (
        actor.pct_id == group.parent_id and actor.organisation_id == actor.pct_id
    )


def require_pbc_keeper(actor: Actor, group: Organisation) -> None:
    """For a group the actor may read: 403 unless they keep its register."""
    require(actor, Action.KEEP_PBC_REGISTER)
    if not may_keep_pbc_register(actor, group):
        raise Forbidden("Only the PCT's lead keeps the PBC register of its groups")


# The roles a PCT's lead may invite, to the PCT or to a practice or PBC group under it; an
# administrator invites anyone, to any organisation.
LEAD_INVITES = frozenset({Role.CLINICIAN, Role.BOARD_MEMBER})


def require_invite(actor: Actor, role: Role, pct_id: int | None = None) -> None:
    """403 unless the actor may invite someone of ``role`` to an organisation of the PCT
    ``pct_id`` (None: not yet known, or an organisation outside every PCT)."""
    require(actor, Action.INVITE_USERS)
    if actor.is_admin:
        return
    if role not in LEAD_INVITES:
        raise Forbidden("A PCT lead can invite clinicians and board members only", field="role")
    if pct_id is None or not (actor.role is Role.PCT_LEAD and acts_for_pct(actor, pct_id)):
        raise Forbidden(
            "A PCT lead can invite people to its own PCT only", field="organisation_code"
        )
