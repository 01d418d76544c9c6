"""The comparison's rules, on their own: which levels a movement compares, how it reads, and
when the PCT sees this year's levels from the SHA."""

from __future__ import annotations

import pytest

from app.actors import Actor
from app.assessments.models import AssessmentStatus
from app.comparison.rules import Basis, Direction, Movement, compare, review_shown
from app.organisations.models import Organisation, OrganisationKind
from app.users.models import Role

PCT = Organisation(
    id=7, code="5C4", name="Tower Hamlets PCT", kind=OrganisationKind.PCT, parent_id=3
)


def test_the_shas_levels_are_compared_where_it_gave_one_in_both_years() -> None:
    assert compare(1, 2, 4, 3) == Movement(2, 3, Basis.REVIEW)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((1, None, 3, 2), Movement(1, 3, Basis.SELF)),  # no SHA level last year
        ((1, 2, 3, None), Movement(1, 3, Basis.SELF)),  # none (or none shown) this year
        ((None, 2, 3, None), None),  # neither side has both years
        ((None, None, None, None), None),
    ],
)
def test_else_the_pcts_own_levels_are_compared_where_it_gave_one_in_both(
    levels: tuple[int | None, ...], expected: Movement | None
) -> None:
    assert compare(*levels) == expected


def test_a_movement_says_its_direction_and_size_in_words() -> None:
    assert (Movement(1, 3, Basis.REVIEW).direction, Movement(1, 3, Basis.REVIEW).by) == (
        Direction.UP,
        2,
    )
    assert Movement(1, 3, Basis.REVIEW).words() == "Up 2 levels"
    assert Movement(3, 2, Basis.SELF).words() == "Down 1 level"
    assert Movement(2, 2, Basis.SELF).words() == "Same level"
    assert Movement(1, 1, Basis.SELF).words("step", "steps", "Same rating") == "Same rating"
    assert Movement(0, 2, Basis.REVIEW).words("step", "steps") == "Up 2 steps"
    assert [Movement(1, 3, Basis.SELF).signed, Movement(3, 1, Basis.SELF).signed] == [
        "+2",
        "\u22122",
    ]


def _actor(role: Role, *, pct_id: int | None = None, sha_id: int | None = None) -> Actor:
    return Actor(user_id=1, label="someone", role=role, pct_id=pct_id, sha_id=sha_id)


@pytest.mark.parametrize("status", list(AssessmentStatus))
def test_the_sha_and_administrators_always_see_this_years_sha_levels(
    status: AssessmentStatus,
) -> None:
    assert review_shown(_actor(Role.SHA_REVIEWER, sha_id=3), PCT, status)
    assert review_shown(_actor(Role.ADMIN), PCT, status)


@pytest.mark.parametrize("role", [Role.PCT_LEAD, Role.BOARD_MEMBER, Role.CLINICIAN])
def test_the_pct_sees_them_once_returned_shared_or_final(role: Role) -> None:
    actor = _actor(role, pct_id=7, sha_id=3)
    shown = {status for status in AssessmentStatus if review_shown(actor, PCT, status)}
    assert shown == {
        AssessmentStatus.RETURNED,
        AssessmentStatus.PROVISIONAL,
        AssessmentStatus.FINALISED,
    }
