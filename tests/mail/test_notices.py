"""The mails of the assurance cycle: each move that hands the work on tells the people whose
turn it is, only them, inside the move's own transaction."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.assessments import provisional, service
from app.assessments.models import AssessmentStatus
from app.mail.models import MailKind, OutboxMail
from app.threads import service as threads
from app.users.models import Role, User
from tests.assessment_moves import (
    Cast,
    actor,
    attempt,
    finalise,
    ready_draft,
    return_,
    review_all,
    sign_off,
    status_of,
    submit,
    walk_to,
    withdraw,
)
from tests.factories import make_cycle, make_user
from tests.world import build_world


def _mail(session: Session, kind: MailKind | None = None) -> list[OutboxMail]:
    statement = select(OutboxMail).order_by(col(OutboxMail.id))
    if kind is not None:
        statement = statement.where(col(OutboxMail.kind) == kind)
    return list(session.exec(statement).all())


def _to(mails: list[OutboxMail]) -> set[str]:
    return {mail.recipient for mail in mails}


def _emails(*users: User) -> set[str]:
    return {user.email for user in users}


def test_a_submission_tells_the_reviewers_of_the_pcts_own_sha_only(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.SIGNED_OFF)
    world = cast.world
    second = make_user(session, role=Role.SHA_REVIEWER, organisation=world.sha)
    make_user(session, role=Role.SHA_REVIEWER, organisation=world.sha, is_active=False)
    assert _mail(session) == []  # signing off tells nobody

    submit(session, cast)

    told = _mail(session, MailKind.SUBMITTED)
    assert _to(told) == _emails(world.reviewer, second)
    assert world.other_reviewer.email not in _to(_mail(session))
    mail = told[0]
    assert mail.organisation_id == world.a.pct.id
    assert mail.subject == f"{world.a.pct.name} has submitted its {world.cycle.name} assessment"
    assert f"/assessments/{cast.assessment_id}/review" in mail.body_text
    assert "minute BD/09/147" in mail.body_text and "1 December 2009" in mail.body_text
    assert f'href="http://127.0.0.1:8000/assessments/{cast.assessment_id}/review"' in (
        mail.body_html
    )


def test_a_return_tells_the_pcts_leads_and_board_with_the_reason(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.IN_REVIEW)
    world = cast.world
    before = len(_mail(session))

    return_(session, cast)

    told = _mail(session, MailKind.RETURNED)
    assert len(_mail(session)) == before + 2
    assert _to(told) == _emails(world.a.lead, world.a.board)
    for mail in told:
        assert mail.organisation_id == world.a.pct.id
        assert "Competency 7 needs evidence from this year." in mail.body_text
        assert "1 point to address" in mail.body_text


def test_a_withdrawn_sign_off_tells_every_other_board_member(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.SIGNED_OFF)
    world = cast.world
    chair = make_user(session, role=Role.BOARD_MEMBER, organisation=world.a.pct)
    make_user(session, role=Role.BOARD_MEMBER, organisation=world.b.pct)

    withdraw(session, cast)

    told = _mail(session, MailKind.SIGN_OFF_WITHDRAWN)
    assert _to(told) == _emails(chair)  # the member who withdrew it is not told of it
    assert "The board asked for competency 4's evidence" in told[0].body_text


def test_a_lead_withdrawing_the_sign_off_tells_the_whole_board(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.SIGNED_OFF)
    service.withdraw_sign_off(session, cast.lead, cast.assessment_id, reason="Typo in 4.")
    assert _to(_mail(session, MailKind.SIGN_OFF_WITHDRAWN)) == _emails(cast.world.a.board)


def test_finalising_tells_the_pct(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.IN_REVIEW)
    finalise(session, cast)
    told = _mail(session, MailKind.FINALISED)
    assert _to(told) == _emails(cast.world.a.lead, cast.world.a.board)
    assert all(mail.organisation_id == cast.world.a.pct.id for mail in told)


def test_provisional_ratings_tell_the_pct_where_to_check_them(session: Session) -> None:
    world = build_world(session)
    world.cycle = make_cycle(session, provisional_step=True)
    cast = ready_draft(session, world=world)
    sign_off(session, cast)
    submit(session, cast)
    review_all(session, cast)

    provisional.share_provisional(session, cast.reviewer, cast.assessment_id)

    told = _mail(session, MailKind.PROVISIONAL)
    assert _to(told) == _emails(world.a.lead, world.a.board)
    assert f"/assessments/{cast.assessment_id}/factual-accuracy" in told[0].body_text


def test_a_refused_move_writes_no_mail(session: Session) -> None:
    cast: Cast = walk_to(session, AssessmentStatus.SUBMITTED)
    count = len(_mail(session))
    refused = attempt(session, lambda: finalise(session, cast))
    assert refused is not None and refused.status_code == 409
    assert status_of(session, cast.assessment_id) is AssessmentStatus.SUBMITTED
    assert len(_mail(session)) == count


def test_a_message_tells_the_other_side_only(session: Session) -> None:
    cast = walk_to(session, AssessmentStatus.SUBMITTED)
    world = cast.world
    before = {mail.id for mail in _mail(session)}

    thread = threads.open_thread(
        session, cast.lead, cast.assessment_id, message="Which minutes do you need?"
    )
    asked = [m for m in _mail(session, MailKind.MESSAGE) if m.id not in before]
    assert _to(asked) == _emails(world.reviewer)
    assert "asked a question on the whole assessment" in asked[0].body_text
    assert "Which minutes do you need?" in asked[0].body_text
    assert f"/assessments/{cast.assessment_id}/questions" in asked[0].body_text

    seen = {mail.id for mail in _mail(session)}
    assert thread.id is not None
    threads.reply(
        session, cast.reviewer, cast.assessment_id, thread.id, message="The June board's."
    )
    answered = [m for m in _mail(session) if m.id not in seen]
    assert _to(answered) == _emails(world.a.lead, world.a.board)
    assert all(m.kind is MailKind.MESSAGE for m in answered)
    assert "(the SHA) replied" in answered[0].body_text


def test_a_long_message_is_cut_in_the_mail_and_kept_whole_in_the_thread(
    session: Session,
) -> None:
    cast = walk_to(session, AssessmentStatus.SUBMITTED)
    board = actor(session, cast.world.a.board)
    text = "word " * 400
    threads.open_thread(session, board, cast.assessment_id, message=text, competency_number=4)
    [mail] = _mail(session, MailKind.MESSAGE)
    assert "on competency 4" in mail.body_text
    assert "word word" in mail.body_text and len(mail.body_text) < 1_500
    assert "…" in mail.body_text
