"""The SHA summary's "Most improved" and "Fell back": each PCT's movement of the SHA's level
on each competency since its previous finalised assessment (the latest finalised one of an
earlier cycle, as the comparison API finds it), biggest first, a handful of each."""

from __future__ import annotations

from sqlmodel import Session

from app.assessments.models import AssessmentStatus
from app.auth.service import actor_for_user
from app.reports.sha_summary import HANDFUL, sha_report
from tests import factories
from tests.comparison.steps import assessment_with, cycle_of

ALL = range(1, 12)


def _levels(**changes: int) -> dict[int, int]:
    """Level 2 on every competency but those named ("c4=3")."""
    return {n: changes.get(f"c{n}", 2) for n in ALL}


def test_the_lists_rank_each_pct_and_competency_by_how_far_the_shas_level_moved(
    session: Session, world
) -> None:
    last, now = cycle_of(session, 2008), cycle_of(session, 2009)
    pcts = {
        name: factories.make_pct(session, sha=world.sha, name=name)
        for name in ("Ashfield PCT", "Bassetlaw PCT", "Corby PCT")
    }
    movements = {
        # Ashfield: up 3 on 4, up 1 on 5 and 6, down 2 on 7.
        "Ashfield PCT": ({"c4": 1, "c7": 3}, {"c4": 4, "c5": 3, "c6": 3, "c7": 1}),
        # Bassetlaw: up 2 on 1 and 9, up 1 on 2, down 1 on 3.
        "Bassetlaw PCT": ({"c1": 1, "c9": 1}, {"c1": 3, "c9": 3, "c2": 3, "c3": 1}),
        # Corby: up 1 on 8, but the SHA has not scored it this year: its own levels are not
        # the SHA's, so it is in neither list.
        "Corby PCT": ({}, {}),
    }
    for name, (before, after) in movements.items():
        assessment_with(
            session,
            pct=pcts[name],
            cycle=last,
            reviewer=world.reviewer,
            selfs=_levels(**before),
            reviews=_levels(**before),
        )
        assessment_with(
            session,
            pct=pcts[name],
            cycle=now,
            reviewer=world.reviewer,
            status=AssessmentStatus.IN_REVIEW,
            selfs=_levels(c8=3) if name == "Corby PCT" else _levels(**after),
            reviews={} if name == "Corby PCT" else _levels(**after),
        )
    assert world.reviewer.id is not None and now.id is not None
    reviewer = actor_for_user(session, world.reviewer.id)
    assert reviewer is not None

    report = sha_report(session, reviewer, now.id, world.sha.code)

    def ranked(movers) -> list[tuple[str, int, int]]:
        return [(m.line.organisation.name, m.competency.number, m.movement.change) for m in movers]

    assert HANDFUL == 5
    assert ranked(report.most_improved) == [
        ("Ashfield PCT", 4, 3),
        ("Bassetlaw PCT", 1, 2),
        ("Bassetlaw PCT", 9, 2),
        ("Ashfield PCT", 5, 1),
        ("Ashfield PCT", 6, 1),
    ]
    assert ranked(report.fell_back) == [("Ashfield PCT", 7, -2), ("Bassetlaw PCT", 3, -1)]
    assert (
        report.movers_left_out
        == "Each list gives the biggest 5; the table above shows 1 more rise."
    )
    assert report.most_improved[0].words == "\u2191 Up 3 levels"
    assert report.fell_back[0].words == "\u2193 Down 2 levels"


def test_a_pct_whose_last_assessment_was_never_finalised_is_compared_with_its_one_before(
    session: Session, world
) -> None:
    older, last, now = cycle_of(session, 2007), cycle_of(session, 2008), cycle_of(session, 2009)
    pct = world.a.pct
    assessment_with(
        session, pct=pct, cycle=older, reviewer=world.reviewer, selfs=_levels(), reviews=_levels()
    )
    assessment_with(
        session,
        pct=pct,
        cycle=last,
        reviewer=world.reviewer,
        status=AssessmentStatus.RETURNED,
        selfs=_levels(c4=4),
        reviews=_levels(c4=4),
    )
    assessment_with(
        session,
        pct=pct,
        cycle=now,
        reviewer=world.reviewer,
        status=AssessmentStatus.IN_REVIEW,
        selfs=_levels(c4=3),
        reviews=_levels(c4=3),
    )
    assert world.reviewer.id is not None and now.id is not None
    reviewer = actor_for_user(session, world.reviewer.id)
    assert reviewer is not None

    report = sha_report(session, reviewer, now.id, world.sha.code)

    line = next(line for line in report.pcts if line.organisation.id == pct.id)
    assert line.previous_cycle is not None and line.previous_cycle.name == "2007/08"
    assert report.previous_name == "2008/09"
    assert report.against(line) == "2007/08"
    assert [(m.competency.number, m.movement.change) for m in report.most_improved] == [(4, 1)]
    assert report.fell_back == []
    assert (
        "1 of the 2 PCTs has both an assessment finalised in an earlier cycle and the SHA's "
        "levels this cycle to compare it with." in report.movement_sentences
    )
