"""Forms never lose typed work: a form sent after its session ended is kept, the sender signs in
again and finds it back in the form; nobody else ever sees it; it does not outlive its day."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.auth import kept_forms
from app.auth.form_keeping import KEPT_FORM_COOKIE
from app.auth.models import BrowserSession, KeptForm
from app.auth.pages import SESSION_EXPIRES_COOKIE
from app.config import get_settings
from app.db import utcnow
from app.deps import SESSION_COOKIE
from tests.api_steps import open_assessment
from tests.web.steps import csrf_from, sign_in

BASE = "http://testserver"
HX = {"HX-Request": "true"}
KEPT_JSON = re.compile(r'<script type="application/json" id="kept-form">(.*?)</script>', re.S)
KEPT_MESSAGE = "What you typed has been kept"


def _browser_session(session: Session, client: TestClient) -> BrowserSession:
    digest = hashlib.sha256(client.cookies[SESSION_COOKIE].encode()).hexdigest()
    return session.exec(
        select(BrowserSession).where(col(BrowserSession.token_sha256) == digest)
    ).one()


def given_the_session_has_run_out(session: Session, client: TestClient) -> None:
    browser = _browser_session(session, client)
    browser.expires_at = utcnow() - timedelta(minutes=1)
    session.add(browser)
    session.commit()


def given_a_lead_on_a_competency_page(client: TestClient, world) -> tuple[str, str]:
    assessment = open_assessment(client, world.a.lead, world.a.pct.code, world.cycle.id)
    sign_in(client, world.a.lead)
    url = f"/assessments/{assessment['id']}/competencies/3"
    return url, csrf_from(client.get(url).text)


def when_the_form_is_sent(client: TestClient, url: str, data: dict, **headers: str):
    return client.post(
        url, data=data, headers={"Referer": BASE + url, **headers}, follow_redirects=False
    )


def _kept_rows(session: Session) -> list[KeptForm]:
    return list(session.exec(select(KeptForm)).all())


def _embedded(page_html: str) -> dict | None:
    match = KEPT_JSON.search(page_html)
    return json.loads(match.group(1)) if match else None


def _set_cookies(response) -> str:
    return "\n".join(response.headers.get_list("set-cookie"))


def test_a_form_sent_after_the_session_ended_comes_back_to_its_author_after_signing_in(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    rationale = "Joint plan with the council.\nSecond line: \u2018quotes\u2019 & <b>markup</b>."
    sent = when_the_form_is_sent(
        client,
        url,
        {
            "csrftoken": token,
            "level": "3",
            "rationale": rationale,
            "improvement_action": "",
            "target_level": "4",
        },
    )
    # Then the lead is sent to sign in, and back to the form's page afterwards
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/login?next={url}"
    assert f"{KEPT_FORM_COOKIE}=" in _set_cookies(sent) and "HttpOnly" in _set_cookies(sent)
    [kept] = _kept_rows(session)
    assert kept.user_id == world.a.lead.id and kept.page_url == url and kept.action == url
    assert kept.field_values == [
        ["level", "3"],
        ["rationale", rationale],
        ["improvement_action", ""],
        ["target_level", "4"],
    ]
    # And the sign-in page says why, and that what was typed is kept
    login = client.get(sent.headers["location"])
    assert "you have been signed out" in login.text and KEPT_MESSAGE in login.text
    # When the lead signs in again (whatever the form says to do next)
    signed = sign_in(client, world.a.lead)
    assert signed.status_code == 303 and signed.headers["location"] == url
    # Then the form's page carries what was typed, once
    page = client.get(url)
    assert _embedded(page.text) == {
        "action": url,
        "fields": kept.field_values,
        "files_left_out": False,
    }
    assert f'{KEPT_FORM_COOKIE}=""' in _set_cookies(page)
    assert _kept_rows(session) == []
    assert _embedded(client.get(url).text) is None


def test_an_htmx_form_is_kept_and_the_browser_is_redirected_to_sign_in(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    sent = client.post(
        url,
        data={"level": "2", "rationale": "Typed in place."},
        headers={**HX, "X-CSRFToken": token, "HX-Current-URL": BASE + url},
    )
    assert sent.status_code == 200
    assert sent.headers["HX-Redirect"] == f"/login?next={url}"
    [kept] = _kept_rows(session)
    assert kept.field_values == [["level", "2"], ["rationale", "Typed in place."]]


def test_someone_else_signing_in_on_that_browser_throws_it_away(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Lead's own words."})
    assert len(_kept_rows(session)) == 1
    # When the board member signs in on the same browser
    signed = sign_in(client, world.a.board)
    assert signed.status_code == 303
    assert f'{KEPT_FORM_COOKIE}=""' in _set_cookies(signed)
    assert _kept_rows(session) == []
    assert "Lead's own words" not in client.get(url).text
    # And the lead, signing in afterwards, finds nothing waiting either
    client.cookies.clear()
    sign_in(client, world.a.lead)
    assert _embedded(client.get(url).text) is None


def test_a_kept_form_is_only_handed_to_its_author_on_its_own_page(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Mine."})
    sign_in(client, world.a.lead)
    assert _embedded(client.get("/evidence").text) is None
    assert _embedded(client.get(url, headers=HX).text) is None
    assert len(_kept_rows(session)) == 1
    assert _embedded(client.get(url).text) is not None


def test_a_kept_form_expires_after_its_lifetime(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Written yesterday."})
    [kept] = _kept_rows(session)
    kept.created_at = utcnow() - timedelta(hours=get_settings().kept_form_hours, minutes=1)
    session.add(kept)
    session.commit()
    # Then the sign-in page promises nothing, and signing in finds nothing
    assert KEPT_MESSAGE not in client.get(f"/login?next={url}").text
    signed = sign_in(client, world.a.lead)
    assert f'{KEPT_FORM_COOKIE}=""' in _set_cookies(signed)
    assert "Written yesterday" not in client.get(url).text
    # And the next form kept clears it from the table
    given_the_session_has_run_out(session, client)
    page_token = csrf_from(client.get("/login").text)
    when_the_form_is_sent(client, url, {"csrftoken": page_token, "rationale": "Today."})
    assert [k.field_values for k in _kept_rows(session)] == [[["rationale", "Today."]]]


def test_a_browser_holds_one_kept_form_at_a_time(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "First try."})
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Second try."})
    assert [k.field_values for k in _kept_rows(session)] == [[["rationale", "Second try."]]]
    sign_in(client, world.a.lead)
    assert _embedded(client.get(url).text)["fields"] == [["rationale", "Second try."]]


def test_passwords_and_the_form_token_are_never_kept(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.admin)
    token = csrf_from(client.get("/admin/users").text)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(
        client,
        "/admin/users",
        {
            "csrftoken": token,
            "email": "new.gp@test.nhs.test",
            "full_name": "New GP",
            "password": "a-secret-password",
            "new_Password_confirm": "a-secret-password",
            "role": "clinician",
        },
    )
    [kept] = _kept_rows(session)
    assert kept.field_values == [
        ["email", "new.gp@test.nhs.test"],
        ["full_name", "New GP"],
        ["role", "clinician"],
    ]
    assert "a-secret-password" not in json.dumps(kept.field_values)


def test_twenty_thousand_characters_are_kept_intact(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    line = "Ward 7 \u2013 £1,200 \u201csaved\u201d </script><script>alert(1)</script> é\r\n"
    rationale = (line * (20_000 // len(line) + 1))[:20_000]
    assert len(rationale) == 20_000
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": rationale})
    sign_in(client, world.a.lead)
    page = client.get(url).text
    assert _embedded(page)["fields"] == [["rationale", rationale]]
    # Kept as data: the text cannot end the script element that carries it
    assert "<script>alert(1)" not in page


def test_a_forged_or_unknown_kept_form_cookie_is_ignored(
    client: TestClient, session: Session, world
) -> None:
    url, _ = given_a_lead_on_a_competency_page(client, world)
    for forged in ("not-a-token", "x" * 3000, "%00%ff%3Cscript%3E"):
        client.cookies.set(KEPT_FORM_COOKIE, forged)
        login = client.get(f"/login?next={url}")
        assert login.status_code == 200 and KEPT_MESSAGE not in login.text
        page = client.get(url)
        assert page.status_code == 200 and _embedded(page.text) is None
        signed = sign_in(client, world.a.lead)
        assert signed.status_code == 303
        assert f'{KEPT_FORM_COOKIE}=""' in _set_cookies(signed)


def test_files_are_not_kept_and_the_sign_in_page_says_so(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.a.clinician)
    token = csrf_from(client.get("/evidence/new").text)
    given_the_session_has_run_out(session, client)
    sent = client.post(
        "/evidence",
        data={"csrftoken": token, "title": "Practice meeting", "kind": "engagement"},
        files={"file": ("notes.txt", b"Minutes.\n", "text/plain")},
        headers={"Referer": BASE + "/evidence/new"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == "/login?next=/evidence/new"
    [kept] = _kept_rows(session)
    assert kept.files_left_out is True
    assert kept.field_values == [["title", "Practice meeting"], ["kind", "engagement"]]
    login = client.get(sent.headers["location"]).text
    assert "Files you chose to upload could not be kept" in login


def test_nothing_is_kept_for_a_visitor_who_was_never_signed_in(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    client.cookies.delete(SESSION_COOKIE)
    sent = when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Anonymous."})
    assert sent.status_code == 303 and sent.headers["location"] == f"/login?next={url}"
    assert KEPT_FORM_COOKIE not in _set_cookies(sent)
    assert _kept_rows(session) == []
    login = client.get(sent.headers["location"]).text
    assert "you have been signed out" not in login


def test_a_button_only_form_keeps_nothing_and_returns_to_the_page_it_was_on(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    board = url.rsplit("/competencies", 1)[0]
    given_the_session_has_run_out(session, client)
    sent = client.post(
        f"{board}/submit",
        data={"csrftoken": token},
        headers={"Referer": BASE + board},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/login?next={board}"
    assert _kept_rows(session) == []
    assert "you have been signed out" in client.get(sent.headers["location"]).text


def test_a_referer_from_another_site_is_not_used_as_the_page(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    sent = client.post(
        url,
        data={"csrftoken": token, "rationale": "Mine."},
        headers={"Referer": "https://elsewhere.example/assessments/1"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/login?next={url}"


def test_signing_out_throws_a_waiting_form_away(
    client: TestClient, session: Session, world
) -> None:
    url, token = given_a_lead_on_a_competency_page(client, world)
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Mine."})
    sign_in(client, world.a.board)  # keeps nothing: the form was the lead's
    assert _kept_rows(session) == []
    token = csrf_from(client.get(url).text)  # the board member's session has its own token
    given_the_session_has_run_out(session, client)
    when_the_form_is_sent(client, url, {"csrftoken": token, "rationale": "Board's."})
    assert len(_kept_rows(session)) == 1
    out = client.post("/logout", data={"csrftoken": token}, follow_redirects=False)
    assert out.status_code == 303
    assert _kept_rows(session) == []
    assert f"{SESSION_EXPIRES_COOKIE}=0" in _set_cookies(out)


def test_kept_forms_store_only_what_fits(session: Session, world) -> None:
    too_much = [["rationale", "x" * (kept_forms.MAX_KEPT_CHARACTERS + 1)]]
    token = kept_forms.keep(
        session,
        user_id=world.a.lead.id,
        page_url="/",
        action="/",
        field_values=too_much,
        files_left_out=False,
    )
    assert token is None and _kept_rows(session) == []


def test_signing_in_sets_a_session_end_the_page_can_read(client: TestClient, world) -> None:
    signed = sign_in(client, world.a.lead)
    cookies = signed.headers.get_list("set-cookie")
    [expires] = [c for c in cookies if c.startswith(f"{SESSION_EXPIRES_COOKIE}=")]
    assert "HttpOnly" not in expires
    ends = int(expires.split("=", 1)[1].split(";", 1)[0])
    hours = get_settings().session_hours
    assert abs(ends - (utcnow() + timedelta(hours=hours)).timestamp()) < 60
    [main] = [c for c in cookies if c.startswith(f"{SESSION_COOKIE}=")]
    max_age = int(re.search(r"Max-Age=(\d+)", main).group(1))
    assert max_age > hours * 3600  # outlives the session, to tell whose a late form is


def test_stay_signed_in_gives_the_session_its_full_length_again(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.a.lead)
    token = csrf_from(client.get("/").text)
    browser = _browser_session(session, client)
    browser.expires_at = utcnow() + timedelta(minutes=3)
    session.add(browser)
    session.commit()
    response = client.post("/stay-signed-in", headers={"X-CSRFToken": token})
    assert response.status_code == 204
    session.refresh(browser)
    hours = get_settings().session_hours
    assert browser.expires_at > utcnow() + timedelta(hours=hours, minutes=-1)
    assert f"{SESSION_EXPIRES_COOKIE}={int(browser.expires_at.timestamp())}" in _set_cookies(
        response
    )
    [event] = session.exec(
        select(AuditEvent).where(col(AuditEvent.action) == "stayed_signed_in")
    ).all()
    assert event.actor_id == world.a.lead.id


def test_stay_signed_in_needs_a_live_session_and_the_form_token(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.a.lead)
    token = csrf_from(client.get("/").text)
    assert client.post("/stay-signed-in", headers={"X-CSRFToken": "forged"}).status_code == 403
    given_the_session_has_run_out(session, client)
    assert client.post("/stay-signed-in", headers={"X-CSRFToken": token}).status_code == 401


def test_the_page_loads_the_form_script_without_inline_code(client: TestClient, world) -> None:
    sign_in(client, world.a.lead)
    page = client.get("/").text
    assert '<script src="/static/js/app-forms.js" defer data-warn-minutes="5"></script>' in page
    script = client.get("/static/js/app-forms.js")
    assert script.status_code == 200 and "kept-form" in script.text
    assert 'id="kept-form"' not in page  # only when a kept form waits for this page
