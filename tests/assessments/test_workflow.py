"""The assessment workflow, driven through the service commands against the database.

Every status is reached by the commands themselves, every step is a real command by the user
whose job it is, and what it should do is written out below from SPEC §2 ("Assessment
workflow": the diagram and the rules under it), not taken from the code.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.assessments import repository, service
from app.assessments.models import (
    Assessment,
    AssessmentStatus,
    EvidenceRating,
    ReviewScore,
    SelfScore,
)
from app.assessments.schemas import ReviewScoreWrite
from tests.assessment_moves import (
    ANSWER,
    EDITED,
    NO_SUCH_POINT,
    RATED,
    RETURN_REASON,
    REVIEWED,
    STEPS,
    Cast,
    actor,
    attempt,
    held,
    ready_draft,
    review,
    review_governance,
    sign_off,
    status_of,
    submit,
    walk_to,
)

S = AssessmentStatus
D, SO, SU, IR, RE, FI = S.DRAFT, S.SIGNED_OFF, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.FINALISED

STEP_ORDER = (
    "edit",
    "present",
    "take_out",
    "sign_off",
    "withdraw",
    "submit",
    "review",
    "rate",
    "return",
    "answer",
    "finalise",
    "reopen",
)

# What each step does from each status: the status it leaves the assessment in, 409 for a
# refusal that says why, 404 where the reviewer may not see the assessment at all (SPEC §6.2:
# "from its first submission on") or there is no such point to answer. Steps: edit = the
# lead changes a self-score; present / take_out = the lead adds a library item to what the
# assessment presents / takes one out; sign_off and withdraw = a board member; submit = the
# lead; review = the reviewer scores a competency; rate = the reviewer rates an item; return
# and finalise = the reviewer; answer = the lead answers the return's points; reopen = an
# administrator.
# fmt: off
EXPECTED: dict[AssessmentStatus, tuple[AssessmentStatus | int, ...]] = {
    #            edit present out sign wdraw submit review rate return answer final reopen
    S.DRAFT:      (D,   D,     D,  SO,  409,  409,   404,   404, 404,   404,   404,  409),
    S.SIGNED_OFF: (409, 409,   409, 409, D,    SU,    404,   404, 404,   404,   404,  409),
    S.SUBMITTED:  (409, 409,   409, 409, 409,  409,   IR,    IR,  RE,    404,   409,  409),
    S.IN_REVIEW:  (409, 409,   409, 409, 409,  409,   IR,    IR,  RE,    404,   FI,   409),
    S.RETURNED:   (RE,  RE,    RE,  409, 409,  409,   409,   409, 409,   RE,    409,  409),
    S.FINALISED:  (409, 409,   409, 409, 409,  409,   409,   409, 409,   404,   409,  IR),
}
# fmt: on
# Beyond the diagram: a reviewer may return a submission before scoring it (submitted →
# returned), and an administrator's reopen takes a finalised assessment back into review.
# SPEC §6.1: a signed-off assessment is locked for the PCT until a sign-off is withdrawn;
# §6.2: a returned one stays returned while the PCT revises it, and the board may sign it
# off again only once every point is answered.

# How a refusal opens, per step, and the reason it gives, per status.
REFUSAL_OPENS = {
    "edit": "Cannot change this assessment",
    "present": "Cannot change this assessment",
    "take_out": "Cannot change this assessment",
    "sign_off": "Cannot sign off this assessment",
    "withdraw": "Cannot withdraw the sign-off of this assessment",
    "submit": "Cannot submit this assessment",
    "review": "Cannot review this assessment",
    "rate": "Cannot review this assessment",
    "return": "Cannot return this assessment",
    "finalise": "Cannot finalise this assessment",
    "reopen": "Cannot reopen this assessment",
}
BECAUSE = {
    S.DRAFT: "it is still a draft",
    S.SIGNED_OFF: "it is signed off and waiting to be submitted",
    S.SUBMITTED: "it has been submitted to the SHA",
    S.IN_REVIEW: "the SHA is reviewing it",
    S.RETURNED: "the SHA has returned it to the PCT",
    S.FINALISED: "it is finalised",
}
# Refusals that give another reason than the status: a PCT change to a signed-off assessment
# names the sign-off and how to withdraw it; a returned one cannot be signed off again
# before its points are answered.
SIGNED_OFF_LOCK = (
    "Cannot change this assessment: the board signed off the assessment at its meeting of "
    "1 December 2009 (minute BD/09/147); to change it, a PCT lead or board member must first "
    "withdraw the sign-off, giving a reason"
)
OTHER_REASON = {
    (S.SIGNED_OFF, "edit"): SIGNED_OFF_LOCK,
    (S.SIGNED_OFF, "present"): SIGNED_OFF_LOCK,
    (S.SIGNED_OFF, "take_out"): SIGNED_OFF_LOCK,
    (S.RETURNED, "sign_off"): "Cannot sign off: 1 thing is missing",
}


def _landed(session: Session, cast: Cast, step: str) -> bool:
    """The mark each step leaves when it is taken, read from the database."""
    aid = cast.assessment_id
    world = cast.world
    if step == "edit":
        rationale = session.exec(
            select(SelfScore.rationale).where(
                col(SelfScore.assessment_id) == aid, col(SelfScore.competency_number) == 1
            )
        ).one()
        return rationale == EDITED
    presented = set(repository.presented_of(session, aid))
    if step == "present":
        return cast.spare_id in presented
    if step == "take_out":
        return cast.evidence_id not in presented
    if step == "answer":
        points = repository.return_points_of(session, aid)
        return bool(points) and all(p.response == ANSWER for p in points)
    row = session.exec(
        select(
            Assessment.signed_off_by_id,
            Assessment.submitted_by_id,
            Assessment.return_reason,
            Assessment.finalised_by_id,
            Assessment.finalised_at,
            Assessment.sign_off_withdrawn_by_id,
        ).where(col(Assessment.id) == aid)
    ).one()
    signed_by, submitted_by, reason, finalised_by, finalised_at, withdrawn_by = row
    if step == "withdraw":
        return withdrawn_by == world.a.board.id and signed_by is None
    if step == "sign_off":
        return signed_by == world.a.board.id
    if step == "submit":
        return submitted_by == world.a.lead.id
    if step == "review":
        comment = session.exec(
            select(ReviewScore.comment).where(
                col(ReviewScore.assessment_id) == aid, col(ReviewScore.competency_number) == 1
            )
        ).one()
        return comment == REVIEWED
    if step == "rate":
        comments = session.exec(
            select(EvidenceRating.comment).where(col(EvidenceRating.assessment_id) == aid)
        ).all()
        return list(comments) == [RATED]
    if step == "return":
        return reason == RETURN_REASON
    if step == "finalise":
        return finalised_by == world.reviewer.id and finalised_at is not None
    if step == "reopen":
        return finalised_by is None and finalised_at is None
    raise AssertionError(step)


CASES = [
    pytest.param(status, step, outcome, id=f"{status.value}-{step}")
    for status, outcomes in EXPECTED.items()
    for step, outcome in zip(STEP_ORDER, outcomes, strict=True)
]


@pytest.mark.parametrize(("status", "step", "expected"), CASES)
def test_each_step_from_each_status_does_what_the_spec_says(
    session: Session, status: AssessmentStatus, step: str, expected: AssessmentStatus | int
) -> None:
    cast = walk_to(session, status)
    before = held(session, cast.assessment_id)
    refusal = attempt(session, lambda: STEPS[step](session, cast))
    after = held(session, cast.assessment_id)
    if isinstance(expected, AssessmentStatus):
        assert refusal is None, f"{step} from {status.value} was refused: {refusal}"
        assert status_of(session, cast.assessment_id) is expected
        assert _landed(session, cast, step), f"{step} left no mark"
        assert after["audit_events"] > before["audit_events"], "the change was not audited"
        return
    assert refusal is not None, f"{step} from {status.value} was allowed"
    assert refusal.status_code == expected, refusal
    assert after == before, "a refused step changed something"
    if (status, step) in OTHER_REASON:
        assert refusal.detail == OTHER_REASON[status, step]
    elif expected == 409:
        assert refusal.detail.startswith(REFUSAL_OPENS[step]), refusal.detail
        assert BECAUSE[status] in refusal.detail, refusal.detail
    elif step == "answer":
        assert refusal.detail == (
            f"Return point {NO_SUCH_POINT} not found in assessment {cast.assessment_id}"
        )
    else:
        assert refusal.detail == f"Assessment {cast.assessment_id} not found"


def test_submitting_a_draft_says_the_board_must_sign_off_first(session: Session) -> None:
    cast = ready_draft(session)
    refusal = attempt(session, lambda: submit(session, cast))
    assert refusal is not None and refusal.status_code == 409
    assert refusal.detail == (
        "Cannot submit this assessment: it is still a draft; the board must sign it off first"
    )


def test_sign_off_is_refused_with_each_missing_piece_named_and_nothing_changes(
    session: Session,
) -> None:
    cast = ready_draft(
        session,
        scored=tuple(n for n in range(1, 12) if n != 3),
        evidenced=tuple(n for n in range(1, 12) if n != 7),
    )
    before = held(session, cast.assessment_id)
    refusal = attempt(session, lambda: sign_off(session, cast))
    assert refusal is not None and refusal.status_code == 409
    assert refusal.missing == (
        "Competency 3 (Engage with public and patients): no self-assessed level",
        "Competency 7 (Stimulate the market): no evidence presented",
    )
    assert held(session, cast.assessment_id) == before


def test_finalise_is_refused_until_every_competency_has_a_review_score(
    session: Session,
) -> None:
    cast = walk_to(session, S.SUBMITTED)
    for number in range(1, 10):
        review(session, cast, number)
    before = held(session, cast.assessment_id)
    refusal = attempt(session, lambda: service.finalise(session, cast.reviewer, cast.assessment_id))
    assert refusal is not None and refusal.status_code == 409
    assert refusal.missing == (
        "Competency 10: no review score",
        "Competency 11: no review score",
        "Governance (Strategy): no SHA rating",
        "Governance (Finance): no SHA rating",
        "Governance (Board): no SHA rating",
    )
    assert held(session, cast.assessment_id) == before
    review(session, cast, 10)
    review(session, cast, 11)
    review_governance(session, cast.reviewer, cast.assessment_id)
    service.finalise(session, cast.reviewer, cast.assessment_id)
    assert status_of(session, cast.assessment_id) is S.FINALISED


def test_a_return_needs_a_reason_and_gives_it_to_the_pct(session: Session) -> None:
    cast = walk_to(session, S.IN_REVIEW)
    before = held(session, cast.assessment_id)
    refusal = attempt(
        session,
        lambda: service.return_assessment(session, cast.reviewer, cast.assessment_id, reason=" "),
    )
    assert refusal is not None and refusal.status_code == 422
    assert held(session, cast.assessment_id) == before


@pytest.mark.parametrize("who", ["lead", "board", "reviewer"])
def test_only_an_administrator_reopens_a_finalised_assessment(session: Session, who: str) -> None:
    cast = walk_to(session, S.FINALISED)
    before = held(session, cast.assessment_id)
    refusal = attempt(
        session,
        lambda: service.reopen(session, getattr(cast, who), cast.assessment_id, reason="Why not"),
    )
    assert refusal is not None and refusal.status_code == 403
    assert held(session, cast.assessment_id) == before


def test_a_reviewer_of_another_sha_never_finds_a_submitted_assessment(session: Session) -> None:
    cast = walk_to(session, S.SUBMITTED)
    stranger = actor(session, cast.world.other_reviewer)
    before = held(session, cast.assessment_id)
    for command in (
        lambda: service.put_review_score(
            session, stranger, cast.assessment_id, 1, data=ReviewScoreWrite(level=2, comment="")
        ),
        lambda: service.return_assessment(session, stranger, cast.assessment_id, reason="No"),
        lambda: service.finalise(session, stranger, cast.assessment_id),
    ):
        refusal = attempt(session, command)
        assert refusal is not None and refusal.status_code == 404
    assert held(session, cast.assessment_id) == before


def test_a_returned_assessment_goes_round_again_with_the_review_so_far_kept(
    session: Session,
) -> None:
    cast = walk_to(session, S.RETURNED)
    STEPS["edit"](session, cast)
    assert status_of(session, cast.assessment_id) is S.RETURNED
    refusal = attempt(session, lambda: sign_off(session, cast))
    assert refusal is not None and refusal.missing == (
        "1 general point(s) the SHA raised: not yet answered",
    )
    STEPS["answer"](session, cast)
    sign_off(session, cast)
    submit(session, cast)
    assert status_of(session, cast.assessment_id) is S.SUBMITTED
    rounds = repository.rounds_of(session, cast.assessment_id)
    assert [r.round for r in rounds] == [1, 2]
    # Competency 1 changed between the rounds; nothing else did.
    changed = {n for n in range(1, 12) if rounds[0].digests[str(n)] != rounds[1].digests[str(n)]}
    assert changed == {1}
    review(session, cast, 4)
    assert status_of(session, cast.assessment_id) is S.IN_REVIEW
    # The first round scored all eleven: the second needs only what changed.
    service.finalise(session, cast.reviewer, cast.assessment_id)
    assert status_of(session, cast.assessment_id) is S.FINALISED
