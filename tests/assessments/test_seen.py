"""The ``seen`` token a decision page sends: read back only for the page it came from."""

from __future__ import annotations

import base64

from app.assessments import seen
from app.assessments.workflow import Move


def _token(move: str, shown: object) -> str:
    text = f'["{move}",{shown}]'
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_token_reads_back_part_by_part() -> None:
    parts = seen.read(_token("finalise", '[["status","in_review","ab"]]'), Move.FINALISE)
    assert parts == {"status": seen.Part("status", "in_review", "ab")}


def test_a_token_of_another_page_is_not_read() -> None:
    assert seen.read(_token("sign_off", '[["status","draft","ab"]]'), Move.FINALISE) is None


def test_garbage_and_overlong_tokens_are_not_read() -> None:
    for bad in ("not a token", "", "e30", "W10", "!" * 10, "A" * (seen.MAX_TOKEN + 1)):
        assert seen.read(bad, Move.SIGN_OFF) is None, bad
