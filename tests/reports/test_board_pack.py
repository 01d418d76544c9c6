"""The assessment report as a board paper: a front sheet, a contents page, the competency
sections, and the hashes in appendices. Real PDFs, read back with pypdf."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from app.users.models import User
from tests.api_steps import log_evidence, ok, open_assessment, present, ready_to_sign, sign_off
from tests.factories import COMPETENCY_TITLES, auth

HASH = re.compile(r"[0-9a-f]{64}")


class Pack:
    """The pages of a board pack, found by their headings."""

    def __init__(self, pdf: bytes) -> None:
        self.pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        self.contents_at = next(
            i for i, page in enumerate(self.pages) if re.search(r"^Contents$", page, re.M)
        )

    @property
    def cover(self) -> str:
        return self.pages[0]

    @property
    def front(self) -> str:
        """The front sheet: every page before the contents."""
        return "\n".join(self.pages[: self.contents_at])

    @property
    def contents(self) -> str:
        return self.pages[self.contents_at]

    def listed_page(self, title: str) -> int:
        """The page number the contents give for a section."""
        found = re.search(rf"{re.escape(title)}\s*\.+\s*(\d+)", self.contents)
        assert found, f"{title!r} not in the contents:\n{self.contents}"
        return int(found.group(1))

    def page_opening(self, heading: str) -> int:
        """The number of the first page after the contents with ``heading`` on a line."""
        pattern = re.compile(rf"^{re.escape(heading)}$", re.M)
        return next(
            i + 1
            for i, page in enumerate(self.pages)
            if i > self.contents_at and pattern.search(page)
        )


def _pack(client: TestClient, user: User, assessment_id: int) -> Pack:
    response = client.get(f"/api/v1/assessments/{assessment_id}/report.pdf", headers=auth(user))
    assert response.status_code == 200, response.text
    return Pack(response.content)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_signed_off_pack_shows_meeting_and_minute_on_the_cover_and_the_hash_in_an_appendix(
    client: TestClient, world
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    signed = sign_off(
        client,
        world.a.board,
        assessment["id"],
        meeting_date="2009-11-26",
        minute_reference="PCT/BD/09/131",
    )
    fingerprint = signed["signed_off_fingerprint"]
    assert HASH.fullmatch(fingerprint)

    pack = _pack(client, world.a.board, assessment["id"])

    cover = _flat(pack.cover)
    assert "Board paper" in cover
    assert "World Class Commissioning self-assessment" in cover
    assert world.a.pct.name in cover and world.cycle.name in cover
    assert "Status: Signed off" in cover
    assert "Board meeting 26 November 2009" in cover
    assert "Minute reference PCT/BD/09/131" in cover
    assert world.a.board.full_name in cover
    front = _flat(pack.front)
    assert not HASH.search(re.sub(r"\s+", "", pack.front)), "no hash on the front sheet"
    for heading in (
        "Purpose of this paper",
        "The board is asked to…",
        "Executive summary",
        "Key gaps and risks",
        "Improvement actions",
    ):
        assert heading in front, heading
    assert (
        "note that the board signed off the self-assessment at its meeting of 26 November 2009 "
        "(minute PCT/BD/09/131)" in front
    )
    assert "ratify" not in front
    assert "All 11 are ready for sign-off" in front
    assert "Do more, better." in front  # each competency's improvement action, with its target

    for number, title in enumerate(COMPETENCY_TITLES, 1):
        heading = f"{number}. {title}"
        assert pack.listed_page(heading) == pack.page_opening(heading) > pack.contents_at + 1
    appendix_b = pack.listed_page("Appendix B: Sign-off and submissions")
    assert appendix_b == pack.page_opening("Appendix B: Sign-off and submissions")
    assert fingerprint in re.sub(r"\s+", "", pack.pages[appendix_b - 1])
    assert "Not yet submitted." in pack.pages[appendix_b - 1]


def test_a_draft_pack_asks_the_board_to_ratify_and_lists_what_is_missing(
    client: TestClient, world
) -> None:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    item = log_evidence(client, world.a.lead, world.a.pct.code, [1], title="Strategic plan")
    present(client, world.a.lead, assessment["id"], item["id"])
    ok(
        client.put(
            f"/api/v1/assessments/{assessment['id']}/self-scores/1",
            json={
                "level": 3,
                "rationale": "The plan is owned by the council and the PCT.",
                "improvement_action": "Run a partners' perception survey.",
                "target_level": 4,
            },
            headers=auth(world.a.lead),
        )
    )

    pack = _pack(client, world.a.lead, assessment["id"])

    cover = _flat(pack.cover)
    assert "Status: Draft" in cover
    assert "Not yet signed off by the board" in cover
    front = _flat(pack.front)
    assert "The board is asked to…" in front
    assert "ratify the self-assessment" in front
    assert "note that 24 things must be completed before the board can sign off" in front
    assert "1 of 11 is ready for sign-off" in front
    assert "2. Work with community partners: No self-assessed level; no evidence presented." in (
        front
    )
    assert "1. Locally lead the NHS: " not in front  # ready, so not a gap
    assert "Run a partners' perception survey." in front
    assert "Not known yet: the SHA has not reviewed this assessment." in front
    assert "None: the SHA has not returned this assessment." in front
    manifest = pack.listed_page("Appendix A: Evidence manifest")
    assert manifest == pack.page_opening("Appendix A: Evidence manifest")
    assert manifest > pack.listed_page(f"11. {COMPETENCY_TITLES[10]}")
    assert "Strategic plan" in pack.pages[manifest - 1]


def test_an_in_review_pack_lists_where_the_sha_differs_and_keeps_hashes_in_the_appendix(
    client: TestClient, world, reviewed: dict
) -> None:
    pack = _pack(client, world.a.board, reviewed["id"])

    front = _flat(pack.front)
    assert "Minute reference BD/09/147" in _flat(pack.cover)
    assert "note that the board signed off the self-assessment at its meeting of 1 December" in (
        front
    )
    assert "is reviewing it" in front
    assert "4. Collaborate with clinicians: PCT level 3, SHA level 2 (lower)." in front
    assert "differs from the PCT's level on 1 competency (1 lower)" in front
    manifest = pack.page_opening("Appendix A: Evidence manifest")
    assert pack.listed_page("Appendix A: Evidence manifest") == manifest
    flat_pages = [re.sub(r"\s+", "", page) for page in pack.pages]
    assert [i + 1 for i, page in enumerate(flat_pages) if reviewed["sha256"] in page] == [manifest]
    rounds = pack.page_opening("Appendix B: Sign-off and submissions")
    assert "Submissions to the SHA" in pack.pages[rounds - 1]
    assert HASH.search(flat_pages[rounds - 1])


def test_a_returned_pack_asks_for_a_fresh_sign_off_and_shows_the_open_points(
    client: TestClient, world
) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    aid = assessment["id"]
    sign_off(client, world.a.board, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/submit", headers=auth(world.a.lead)))
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={
                "reason": "Two things to address.",
                "points": [
                    {"competency_number": 4, "request": "Show engagement across practices."},
                    {"request": "Date every item of evidence."},
                ],
            },
            headers=auth(world.reviewer),
        )
    )
    points = ok(client.get(f"/api/v1/assessments/{aid}/return-points", headers=auth(world.a.lead)))
    on_4 = next(p for p in points if p["competency_number"] == 4)
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/return-points/{on_4['id']}",
            json={"response": "Added the practice survey with 38 practices."},
            headers=auth(world.a.lead),
        )
    )

    pack = _pack(client, world.a.lead, aid)

    cover = _flat(pack.cover)
    assert "Status: Returned" in cover
    assert "the revised assessment is not yet signed off" in cover
    front = _flat(pack.front)
    assert "note the points the SHA raised when it returned the assessment" in front
    assert "sign off the self-assessment again" in front and "as round 2" in front
    assert "General (raised at the return of round 1): Date every item of evidence." in front
    assert "Show engagement across practices." not in front  # answered: no longer open
    section = pack.page_opening(f"4. {COMPETENCY_TITLES[3]}")
    assert "Added the practice survey with 38 practices." in _flat(pack.pages[section - 1])
    appendix = _flat(pack.pages[pack.page_opening("Appendix B: Sign-off and submissions") - 1])
    assert "Points the SHA raised when it returned the assessment" in appendix
    assert "Not yet answered" in appendix


def test_user_text_in_the_minute_reference_stays_text(client: TestClient, world) -> None:
    assessment = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_off(client, world.a.board, assessment["id"], minute_reference="<b>BD</b>/09 & 7")

    pack = _pack(client, world.a.board, assessment["id"])

    assert "Minute reference <b>BD</b>/09 & 7" in _flat(pack.cover)
    assert "(minute <b>BD</b>/09 & 7)" in _flat(pack.front)
