"""/admin/outbox: administrators read what was sent or would have been; no one else may."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.mail.models import MailKind
from app.mail.outbox import enqueue
from tests.mail.steps import notice
from tests.web.steps import sign_in


def _mail(session: Session, **overrides: object) -> int:
    mail = enqueue(session, **notice(**overrides))
    assert mail is not None
    session.flush()
    return mail.id or 0


def test_the_outbox_lists_mail_newest_first_and_says_nothing_is_sent(
    client: TestClient, world, session: Session
) -> None:
    _mail(session, subject="The older one")
    _mail(session, subject="The newer one", to="Board Member <board@pct.nhs.test>")
    sign_in(client, world.admin)

    page = client.get("/admin/outbox")

    assert page.status_code == 200
    assert "No mail server is set up" in page.text
    assert page.text.index("The newer one") < page.text.index("The older one")
    assert "Board Member<br>" in page.text and "board@pct.nhs.test" in page.text
    assert "Assessment returned" in page.text and "Waiting" in page.text
    assert "2 mails: 2 waiting." in " ".join(page.text.split())


def test_a_mail_page_shows_its_text_escaped(client: TestClient, world, session: Session) -> None:
    paragraphs = ["<script>alert('x')</script> needs an answer."]
    mail_id = _mail(
        session,
        context=notice()["context"] | {"paragraphs": paragraphs},
    )
    sign_in(client, world.admin)

    page = client.get(f"/admin/outbox/{mail_id}")

    assert page.status_code == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; needs an answer." in page.text
    assert "<script>alert(" not in page.text
    assert "http://127.0.0.1:8000/assessments/7" in page.text
    assert "jane.lead@pct.nhs.test" in page.text


def test_with_a_mail_server_set_the_notice_is_gone(
    client: TestClient, world, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    monkeypatch.setattr(get_settings(), "smtp_url", SecretStr("smtp://127.0.0.1:1025"))
    _mail(session)
    sign_in(client, world.admin)
    assert "No mail server is set up" not in client.get("/admin/outbox").text


def test_the_administration_page_links_to_the_outbox(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    assert 'href="/admin/outbox"' in client.get("/admin").text


def test_a_mail_that_does_not_exist_is_not_found(client: TestClient, world) -> None:
    sign_in(client, world.admin)
    assert client.get("/admin/outbox/999999").status_code == 404


@pytest.mark.parametrize("who", ["lead", "board", "clinician", "reviewer"])
def test_no_one_but_an_administrator_reads_the_outbox(
    client: TestClient, world, session: Session, who: str
) -> None:
    mail_id = _mail(session)
    user = {
        "lead": world.a.lead,
        "board": world.a.board,
        "clinician": world.a.clinician,
        "reviewer": world.reviewer,
    }[who]
    sign_in(client, user)
    for path in ("/admin/outbox", f"/admin/outbox/{mail_id}"):
        page = client.get(path)
        assert page.status_code == 403
        assert "jane.lead@pct.nhs.test" not in page.text


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    page = client.get("/admin/outbox", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


def test_the_outbox_shows_one_kind_and_status_when_asked(
    client: TestClient, world, session: Session
) -> None:
    _mail(session, subject="Returned to you")
    _mail(session, subject="Tell the SHA", kind=MailKind.SUBMITTED)
    sign_in(client, world.admin)
    page = client.get("/admin/outbox?kind=submitted&status=pending")
    assert page.status_code == 200
    assert "Tell the SHA" in page.text and "Returned to you" not in page.text
    assert '<option value="submitted" selected>' in page.text
    # A choice that is not on the lists shows everything rather than failing.
    every = client.get("/admin/outbox?kind=nonsense&status=%0A")
    assert every.status_code == 200
    assert "Tell the SHA" in every.text and "Returned to you" in every.text


def test_invitation_and_reset_links_are_never_shown(
    client: TestClient, world, session: Session
) -> None:
    token = "Abc_-" * 9
    context = notice()["context"] | {"action_path": f"/reset-password/{token}"}
    mail_id = _mail(session, kind=MailKind.PASSWORD_RESET, context=context)
    sign_in(client, world.admin)
    page = client.get(f"/admin/outbox/{mail_id}")
    assert page.status_code == 200
    assert token not in page.text
    assert "/reset-password/[link hidden: it lets whoever holds it choose" in page.text
