"""Every decision form sends what its page showed (a ``seen`` field: a fingerprint of the
levels, evidence and statements on the page), and a decision on something that changed since
is refused (409): the page comes back with an error summary saying what changed and who
changed it, the current values shown, what the user typed kept, and nothing decided. After a
reload the same decision goes through."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.api_steps import (
    ok,
    ready_to_sign,
    resubmit_after_return,
    review_all,
    share_provisional,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import assert_summary_reaches_fields, csrf_from, sign_in

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


def post(client: TestClient, url: str, data: dict[str, str]):
    return client.post(url, data=data, follow_redirects=False)


def status_of(client: TestClient, world, aid: int) -> str:
    detail = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    return str(detail["status"])


def summary_text(page: str) -> str:
    return html.unescape(" ".join(assert_summary_reaches_fields(page).values()))


def given_the_lead_changes_competency_3(client: TestClient, world, aid: int) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/self-scores/3",
            json={"level": 3, "rationale": "Raised after the page was opened."},
            headers=auth(world.a.lead),
        )
    )


def given_the_review_of_competency_3_changes(client: TestClient, world, aid: int) -> None:
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/review-scores/3",
            json={"level": 3, "comment": "Raised in another tab."},
            headers=auth(world.reviewer),
        )
    )


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, flags=re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


# Sign-off --------------------------------------------------------------------------------------


def test_sign_off_of_a_level_changed_since_the_page_was_opened_is_refused_naming_the_change(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.board)
    url = f"/assessments/{aid}/sign-off"
    shown = form_as_shown(client, url)
    given_the_lead_changes_competency_3(client, world, aid)

    refused = post(client, url, {**shown, **SIGN_OFF_FORM})

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert "Since you opened this page" in said
    assert f"{LEAD} changed competency 3's level from 2 to 3" in said
    assert "before you sign it off" in said
    assert "Raised after the page was opened." in refused.text
    assert 'name="minute_reference"' in refused.text and "BD/09/147" in refused.text
    assert status_of(client, world, aid) == "draft"
    # The page re-shown carries what it shows now: signing from it goes through.
    again = {"csrftoken": shown["csrftoken"], "seen": hidden(refused.text, "seen")}
    again["version"] = hidden(refused.text, "version")
    assert post(client, url, {**again, **SIGN_OFF_FORM}).status_code == 303
    assert status_of(client, world, aid) == "signed_off"


def test_sign_off_refused_when_presented_evidence_changed_in_the_library(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.board)
    url = f"/assessments/{aid}/sign-off"
    shown = form_as_shown(client, url)
    presented = ok(client.get(f"/api/v1/assessments/{aid}", headers=auth(world.a.lead)))
    evidence_id = presented["presented_evidence"][0]["evidence_id"]
    ok(
        client.patch(
            f"/api/v1/evidence/{evidence_id}",
            json={"description": "Rewritten after the board read it."},
            headers=auth(world.a.lead),
        )
    )

    refused = post(client, url, {**shown, **SIGN_OFF_FORM})

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert 'Since you opened this page, evidence item "Five-year strategic plan" changed' in said
    assert status_of(client, world, aid) == "draft"


# Submit ----------------------------------------------------------------------------------------


def test_submit_after_the_board_signed_something_else_is_refused_naming_the_change(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/submit"
    shown = form_as_shown(client, url)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/withdraw-sign-off",
            json={"reason": "One more change."},
            headers=auth(world.a.board),
        )
    )
    given_the_lead_changes_competency_3(client, world, aid)
    sign_off(client, world.a.board, aid, minute_reference="BD/09/160")

    refused = post(client, url, shown)

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert f"{LEAD} changed competency 3's level from 2 to 3" in said
    assert "the board's sign-off changed" in said
    assert "before you submit it" in said
    assert status_of(client, world, aid) == "signed_off"
    assert post(client, url, form_as_shown(client, url)).status_code == 303
    assert status_of(client, world, aid) == "submitted"


# Withdrawing a sign-off ------------------------------------------------------------------------


def test_withdrawing_a_sign_off_made_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_off(client, world.a.board, aid)
    sign_in(client, world.a.board)
    url = f"/assessments/{aid}/withdraw-sign-off"
    shown = form_as_shown(client, url)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/withdraw-sign-off",
            json={"reason": "The lead withdrew it."},
            headers=auth(world.a.lead),
        )
    )
    sign_off(client, world.a.board, aid, minute_reference="BD/09/160")

    refused = post(client, url, {**shown, "reason": "My own reason."})

    assert refused.status_code == 409
    assert "the board's sign-off changed" in summary_text(refused.text)
    assert textarea(refused.text, "reason") == "My own reason."
    assert "BD/09/160" in refused.text
    assert status_of(client, world, aid) == "signed_off"


# Return ----------------------------------------------------------------------------------------


def test_return_of_a_round_replaced_since_the_page_was_opened_is_refused_keeping_the_points(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/return"
    shown = form_as_shown(client, url)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "Returned in another tab."},
            headers=auth(world.reviewer),
        )
    )
    resubmit_after_return(client, world, aid)
    typed = {"reason": "Thin.", "point-2": "More engagement."}

    checked = post(client, url, {**shown, **typed, "step": "check"})
    assert checked.status_code == 200
    refused = post(client, url, {**form_as_confirmed(checked.text), "step": "confirm"})

    assert refused.status_code == 409
    said = summary_text(refused.text)
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
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/finalise"
    shown = form_as_shown(client, url)
    given_the_review_of_competency_3_changes(client, world, aid)

    refused = post(client, url, shown)

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert f"{REVIEWER} changed the review level of competency 3 from 2 to 3" in said
    assert "before you finalise it" in said
    assert status_of(client, world, aid) == "in_review"
    assert post(client, url, form_as_shown(client, url)).status_code == 303
    assert status_of(client, world, aid) == "finalised"


def test_finalising_after_the_panel_changed_a_governance_rating_is_refused(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/finalise"
    shown = form_as_shown(client, url)
    ok(
        client.put(
            f"/api/v1/assessments/{aid}/governance-reviews/finance",
            json={"rating": "red", "comment": "Changed in another tab."},
            headers=auth(world.reviewer),
        )
    )

    refused = post(client, url, shown)

    assert refused.status_code == 409
    assert "the panel's governance ratings changed" in summary_text(refused.text)
    assert status_of(client, world, aid) == "in_review"


# Sharing provisional ratings --------------------------------------------------------------------


def test_sharing_ratings_changed_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/provisional"
    shown = form_as_shown(client, url)
    given_the_review_of_competency_3_changes(client, world, aid)

    refused = post(client, url, shown)

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert f"{REVIEWER} changed the review level of competency 3 from 2 to 3" in said
    assert "before you share them" in said
    assert status_of(client, world, aid) == "in_review"
    assert post(client, url, form_as_shown(client, url)).status_code == 303
    assert status_of(client, world, aid) == "provisional"


# Forms without the field ------------------------------------------------------------------------


def test_a_decision_form_without_seen_still_works_as_before(client: TestClient, world) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    sign_in(client, world.reviewer)
    url = f"/assessments/{aid}/finalise"
    shown = form_as_shown(client, url)
    del shown["seen"]
    assert post(client, url, shown).status_code == 303
    assert status_of(client, world, aid) == "finalised"


def test_a_tampered_seen_is_refused_as_out_of_date(client: TestClient, world) -> None:
    aid = ready_to_sign(client, world.a.lead, world.a.pct.code, world.cycle.id)["id"]
    sign_in(client, world.a.board)
    url = f"/assessments/{aid}/sign-off"
    shown = form_as_shown(client, url)

    refused = post(client, url, {**shown, **SIGN_OFF_FORM, "seen": "not what was shown"})

    assert refused.status_code == 409
    assert "changed" in summary_text(refused.text)
    assert status_of(client, world, aid) == "draft"


# Reopen ----------------------------------------------------------------------------------------


def test_reopening_a_review_finalised_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))
    sign_in(client, world.admin)
    url = f"/assessments/{aid}/reopen"
    shown = form_as_shown(client, url)
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/reopen",
            json={"reason": "Reopened in another tab."},
            headers=auth(world.admin),
        )
    )
    ok(client.post(f"/api/v1/assessments/{aid}/finalise", headers=auth(world.reviewer)))

    refused = post(client, url, {**shown, "reason": "The panel met again."})

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert "the review was finalised again" in said and "before you reopen it" in said
    assert textarea(refused.text, "reason") == "The panel met again."
    assert status_of(client, world, aid) == "finalised"
    again = {**shown, "seen": hidden(refused.text, "seen"), "reason": "The panel met again."}
    again["version"] = hidden(refused.text, "version")
    assert post(client, url, again).status_code == 303
    assert status_of(client, world, aid) == "in_review"


# The PCT's check of provisional ratings ---------------------------------------------------------


def test_an_answer_to_ratings_shared_again_since_the_page_was_opened_is_refused(
    client: TestClient, world
) -> None:
    aid = submitted(client, world.a.lead, world.a.board, world.a.pct.code, world.cycle.id)["id"]
    review_all(client, world.reviewer, aid)
    share_provisional(client, world.reviewer, aid)
    sign_in(client, world.a.lead)
    url = f"/assessments/{aid}/factual-accuracy"
    page = client.get(url).text
    shown = {"csrftoken": csrf_from(page), "sharing": hidden(page, "sharing")}
    ok(
        client.post(
            f"/api/v1/assessments/{aid}/return",
            json={"reason": "Returned before the PCT answered."},
            headers=auth(world.reviewer),
        )
    )
    resubmit_after_return(client, world, aid)
    review_all(client, world.reviewer, aid, level=3)
    share_provisional(client, world.reviewer, aid)

    refused = post(client, url, {**shown, "comment-general": "Accepted.", "step": "confirm"})

    assert refused.status_code == 409
    said = summary_text(refused.text)
    assert "the SHA shared other provisional ratings" in said
    assert textarea(refused.text, "comment-general") == "Accepted."
    shared = ok(client.get(f"/api/v1/assessments/{aid}/provisional", headers=auth(world.a.lead)))
    assert all(s["responded_at"] is None for s in shared)
    again = {**shown, "sharing": hidden(refused.text, "sharing"), "comment-general": "Accepted."}
    assert post(client, url, {**again, "step": "confirm"}).status_code == 303
