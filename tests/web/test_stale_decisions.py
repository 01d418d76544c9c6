"""Every decision form sends what its page showed (a ``seen`` field: a fingerprint of the
levels, evidence and statements on the page), and a decision on something that changed since
is refused (409): the page comes back with an error summary saying what changed and who
changed it, the current values shown, what the user typed kept, and nothing decided. After a
reload the same decision goes through."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from httpx2 import Response

from app.users.models import User
from tests.api_steps import (
    ok,
    ready_to_sign,
    resubmit_after_return,
    review_all,
    review_governance,
    review_score,
    reviewed,
    share_provisional,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in
from tests.world import World

SIGN_OFF_FORM = {
    "meeting_date[day]": "1",
    "meeting_date[month]": "12",
    "meeting_date[year]": "2009",
    "minute_reference": "BD/09/147",
    "declaration": "yes",
}
LEAD = "Test pct lead"
REVIEWER = "Test sha reviewer"


# Steps ----------------------------------------------------------------------------------------


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name}"
    return html.unescape(match.group(1))


def form_as_shown(client: TestClient, url: str) -> dict[str, str]:
    """What the page's form carries without the user: its token, version and ``seen``."""
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    fields = {"csrftoken": csrf_from(page.text), "seen": hidden(page.text, "seen")}
    if 'name="version"' in page.text:
        fields["version"] = hidden(page.text, "version")
    return fields


def form_as_reshown(shown: dict[str, str], page: str) -> dict[str, str]:
    """The form as the refused page shows it again: the same token, with the version and
    ``seen`` of what the page shows now."""
    return {**shown, "seen": hidden(page, "seen"), "version": hidden(page, "version")}


def opened(client: TestClient, user: User, aid: int, decision: str) -> tuple[str, dict[str, str]]:
    """``user`` signs in and opens the assessment's ``decision`` page: its URL and its form
    as shown."""
    sign_in(client, user)
    url = f"/assessments/{aid}/{decision}"
    return url, form_as_shown(client, url)


def post(client: TestClient, url: str, data: dict[str, str]) -> Response:
    return client.post(url, data=data, follow_redirects=False)


def refused_as_out_of_date(
    client: TestClient, url: str, data: dict[str, str]
) -> tuple[Response, str]:
    """Posts the form, which is refused as out of date: the page that comes back and the text
    of its error summary."""
    refused = post(client, url, data)
    assert refused.status_code == 409
    return refused, summary_text(refused.text)


def posted_after_reload(client: TestClient, url: str) -> Response:
    """The same decision, posted from the page loaded afresh."""
    return post(client, url, form_as_shown(client, url))


def status_of(client: TestClient, world: World, aid: int) -> str:
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    return str(detail["status"])


def summary_text(page: str) -> str:
    return html.unescape(" ".join(assert_summary_reaches_fields(page).values()))


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, flags=re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def ready(client: TestClient, world: World) -> int:
    """PCT "a"'s assessment, ready for its board's sign-off."""
    return ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]


def signed_off(client: TestClient, world: World) -> int:
    """PCT "a"'s assessment, signed off by its board."""
    aid = ready(client, world)
    sign_off(client, world.a.board, aid)
    return aid


def decided_elsewhere(client: TestClient, user: User, aid: int, decision: str, reason: str) -> None:
    """``user`` takes ``decision`` through the API, as from another tab."""
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/{decision}", json={"reason": reason}, headers=auth(user)
        )
    )


def finalised_elsewhere(client: TestClient, world: World, aid: int) -> None:
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))


def given_the_lead_changes_competency_3(client: TestClient, world: World, aid: int) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/3",
            json={"level": 3, "rationale": "Raised after the page was opened."},
            headers=auth(world.a.lead),
        )
    )


def given_the_review_of_competency_3_changes(client: TestClient, world: World, aid: int) -> None:
    review_score(client, world.reviewer, aid, 3, level=3, comment="Raised in another tab.")


def given_the_board_signs_off_again(client: TestClient, world: World, aid: int) -> None:
    sign_off(client, world.a.board, aid, minute_reference="BD/09/160")


def assert_a_review_change_is_refused_until_reload(
    client: TestClient, world: World, decision: str, before_you: str, decided: str
) -> None:
    """The reviewer opens ``decision``'s page and competency 3's review level changes in
    another tab: the decision is refused, naming the change, and nothing is decided; from the
    page loaded afresh it goes through, leaving the assessment ``decided``."""
    aid = reviewed(client, world)
    url, shown = opened(client, world.reviewer, aid, decision)
    given_the_review_of_competency_3_changes(client, world, aid)

    _, said = refused_as_out_of_date(client, url, shown)

    assert f"{REVIEWER} changed the review level of competency 3 from 2 to 3" in said
    assert f"before you {before_you}" in said
    assert status_of(client, world, aid) == "in_review"
    assert posted_after_reload(client, url).status_code == 303
    assert status_of(client, world, aid) == decided


# Sign-off --------------------------------------------------------------------------------------


def test_sign_off_of_a_level_changed_since_the_page_was_opened_is_refused_naming_the_change(
    client: TestClient, world
) -> None:
    aid = ready(client, world)
    url, shown = opened(client, world.a.board, aid, "sign-off")
    given_the_lead_changes_competency_3(client, world, aid)

    refused, said = refused_as_out_of_date(client, url, {**shown, **SIGN_OFF_FORM})

    assert "Since you opened this page" in said
    assert f"{LEAD} changed competency 3's level from 2 to 3" in said
    assert "before you sign it off" in said
    assert "Raised after the page was opened." in refused.text
    assert 'name="minute_reference"' in refused.text and "BD/09/147" in refused.text
    assert status_of(client, world, aid) == "draft"
    # The page re-shown carries what it shows now: signing from it goes through.
    again = form_as_reshown(shown, refused.text)
    assert post(client, url, {**again, **SIGN_OFF_FORM}).status_code == 303
    assert status_of(client, world, aid) == "signed_off"


def test_sign_off_refused_when_presented_evidence_changed_in_the_library(
    client: TestClient, world
) -> None:
    aid = ready(client, world)
    url, shown = opened(client, world.a.board, aid, "sign-off")
    presented = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    evidence_id = presented["presented_evidence"][0]["evidence_id"]
    ok(
        client.patch(
            f"/api/v1/evidence/{evidence_id}",
            json={"description": "Rewritten after the board read it."},
            headers=auth(world.a.lead),
        )
    )

    _, said = refused_as_out_of_date(client, url, {**shown, **SIGN_OFF_FORM})

    assert 'Since you opened this page, evidence item "Five-year strategic plan" changed' in said
    assert status_of(client, world, aid) == "draft"


# Submit ----------------------------------------------------------------------------------------


def test_submit_after_the_board_signed_something_else_is_refused_naming_the_change(
    client: TestClient, world
) -> None:
    aid = signed_off(client, world)
    url, shown = opened(client, world.a.lead, aid, "submit")
    decided_elsewhere(client, world.a.board, aid, "withdraw-sign-off", "One more change.")
    given_the_lead_changes_competency_3(client, world, aid)
    given_the_board_signs_off_again(client, world, aid)

    _, said = refused_as_out_of_date(client, url, shown)

    assert f"{LEAD} changed competency 3's level from 2 to 3" in said
    assert "the board's sign-off changed" in said
    assert "before you submit it" in said
    assert status_of(client, world, aid) == "signed_off"
    assert posted_after_reload(client, url).status_code == 303
    assert status_of(client, world, aid) == "submitted"


# Withdrawing a sign-off ------------------------------------------------------------------------


def test_withdrawing_a_sign_off_made_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = signed_off(client, world)
    url, shown = opened(client, world.a.board, aid, "withdraw-sign-off")
    decided_elsewhere(client, world.a.lead, aid, "withdraw-sign-off", "The lead withdrew it.")
    given_the_board_signs_off_again(client, world, aid)

    refused, said = refused_as_out_of_date(client, url, {**shown, "reason": "My own reason."})

    assert "the board's sign-off changed" in said
    assert textarea(refused.text, "reason") == "My own reason."
    assert "BD/09/160" in refused.text
    assert status_of(client, world, aid) == "signed_off"


# Return ----------------------------------------------------------------------------------------


def test_return_of_a_round_replaced_since_the_page_was_opened_is_refused_keeping_the_points(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    url, shown = opened(client, world.reviewer, aid, "return")
    decided_elsewhere(client, world.reviewer, aid, "return", "Returned in another tab.")
    resubmit_after_return(client, world, aid)
    typed = {"reason": "Thin.", "point-2": "More engagement."}

    checked = post(client, url, {**shown, **typed, "step": "check"})
    assert checked.status_code == 200
    confirmed = {**form_as_confirmed(checked.text), "step": "confirm"}
    refused, said = refused_as_out_of_date(client, url, confirmed)

    assert "the PCT submitted round 2" in said and "before you return it" in said
    assert textarea(refused.text, "point-2") == "More engagement."
    assert status_of(client, world, aid) == "submitted"


def form_as_confirmed(page: str) -> dict[str, str]:
    """The hidden fields of the return's check page, as "Return to the PCT" posts them."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return {name: html.unescape(value) for name, value in fields.items()}


# Finalise --------------------------------------------------------------------------------------


def test_finalising_a_review_level_changed_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    assert_a_review_change_is_refused_until_reload(
        client, world, "finalise", before_you="finalise it", decided="finalised"
    )


def test_finalising_after_the_panel_changed_a_governance_rating_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    url, shown = opened(client, world.reviewer, aid, "finalise")
    review_governance(
        client, world.reviewer, aid, ("finance",), rating="red", comment="Changed in another tab."
    )

    _, said = refused_as_out_of_date(client, url, shown)

    assert "the panel's governance ratings changed" in said
    assert status_of(client, world, aid) == "in_review"


# Sharing provisional ratings --------------------------------------------------------------------


def test_sharing_ratings_changed_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    assert_a_review_change_is_refused_until_reload(
        client, world, "provisional", before_you="share them", decided="provisional"
    )


# Forms without the field ------------------------------------------------------------------------


def test_a_decision_form_without_seen_still_works_as_before(client: TestClient, world) -> None:
    aid = reviewed(client, world)
    url, shown = opened(client, world.reviewer, aid, "finalise")
    del shown["seen"]
    assert post(client, url, shown).status_code == 303
    assert status_of(client, world, aid) == "finalised"


def test_a_tampered_seen_is_refused_as_out_of_date(client: TestClient, world) -> None:
    aid = ready(client, world)
    url, shown = opened(client, world.a.board, aid, "sign-off")

    tampered = {**shown, **SIGN_OFF_FORM, "seen": "not what was shown"}
    _, said = refused_as_out_of_date(client, url, tampered)

    assert "changed" in said
    assert status_of(client, world, aid) == "draft"


# Reopen ----------------------------------------------------------------------------------------


def test_reopening_a_review_finalised_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    finalised_elsewhere(client, world, aid)
    url, shown = opened(client, world.admin, aid, "reopen")
    decided_elsewhere(client, world.admin, aid, "reopen", "Reopened in another tab.")
    finalised_elsewhere(client, world, aid)

    refused, said = refused_as_out_of_date(client, url, {**shown, "reason": "The panel met again."})

    assert "the review was finalised again" in said and "before you reopen it" in said
    assert textarea(refused.text, "reason") == "The panel met again."
    assert status_of(client, world, aid) == "finalised"
    again = {**form_as_reshown(shown, refused.text), "reason": "The panel met again."}
    assert post(client, url, again).status_code == 303
    assert status_of(client, world, aid) == "in_review"


# The PCT's check of provisional ratings ---------------------------------------------------------


def test_an_answer_to_ratings_shared_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = reviewed(client, world)
    share_provisional(client, world.reviewer, aid)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/factual-accuracy"
    page = client.get(url).text
    shown = {"csrftoken": csrf_from(page), "sharing": hidden(page, "sharing")}
    decided_elsewhere(client, world.reviewer, aid, "return", "Returned before the PCT answered.")
    resubmit_after_return(client, world, aid)
    review_all(client, world.reviewer, aid, level=3)
    share_provisional(client, world.reviewer, aid)

    answer = {**shown, "comment-general": "Accepted.", "step": "confirm"}
    refused, said = refused_as_out_of_date(client, url, answer)

    assert "the SHA shared other provisional ratings" in said
    assert textarea(refused.text, "comment-general") == "Accepted."
    shared = ok(client.get(f"/api/v1/assessments/{aid}/provisional", headers=auth(world.a.lead)))
    assert all(s["responded_at"] is None for s in shared)
    again = {**shown, "sharing": hidden(refused.text, "sharing"), "comment-general": "Accepted."}
    assert post(client, url, {**again, "step": "confirm"}).status_code == 303
