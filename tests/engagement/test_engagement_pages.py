"""The engagement page, /engagement, and the engagement box on competency 4 for the PCT and
for its reviewer."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api_steps import submitted
from tests.engagement.setting import build, item
from tests.web.steps import sign_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_shows_a_bar_per_group_the_numbers_and_the_practices_not_engaged(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    s.pct.practice_count = 10
    session.add(s.pct)
    session.commit()
    item(session, world, on=date(2009, 7, 1), unit=s.in_group[0], clinicians=6)
    item(session, world, on=date(2009, 8, 1), unit=s.group, clinicians=14)
    sign_in(client, world.a.lead)
    response = client.get(f"/organisations/{s.pct.code}/engagement")
    assert response.status_code == 200
    html = response.text
    text = _text(html)
    assert 'href="/static/css/engagement.css"' in html
    assert f"{s.group.name} : 1 of 2 practices engaged (50%)" in text
    assert "Not in a PBC group : 0 of 2 practices engaged (0%)" in text
    assert "10% of practices engaged (1 of 10)" in text
    assert "2 events, 20 clinician attendances, of which 1 logged for the group" in text
    not_engaged = html.split('id="not-engaged"')[1].split("</ul>")[0]
    assert s.in_group[1].name in not_engaged and s.in_group[0].name not in not_engaged
    assert "A further 6 practices are not recorded by name" in text
    assert 'name="cycle_id"' not in html  # one cycle: nothing to choose


def test_engagement_leads_a_pct_user_to_their_pct_and_a_reviewer_to_a_choice(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.practice_clinician)
    response = client.get("/engagement", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/organisations/{world.a.pct.code}/engagement"
    sign_in(client, world.reviewer)
    html = client.get("/engagement").text
    assert world.a.pct.name in html and world.b.pct.name in html
    assert world.c.pct.name not in html


def test_the_page_is_not_found_for_another_pcts_people_and_another_sha(
    client: TestClient, session: Session, world
) -> None:
    for user in (world.b.lead, world.other_reviewer):
        sign_in(client, user)
        response = client.get(f"/organisations/{world.a.pct.code}/engagement")
        assert response.status_code == 404, user.email
    sign_in(client, world.a.lead)
    assert (
        client.get(f"/organisations/{world.a.pct.code}/engagement?cycle_id=999").status_code == 404
    )


def test_competency_4_shows_the_engagement_box_to_the_pct_and_to_its_reviewer(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    item(session, world, on=date(2009, 7, 1), unit=s.in_group[0], clinicians=6)
    aid = submitted(client, world.a.lead, world.a.board, s.pct.code, world.cycle.id)["id"]
    href = f'href="/organisations/{s.pct.code}/engagement?cycle_id={world.cycle.id}"'
    for user, url in (
        (world.a.lead, f"/assessments/{aid}/competencies/4"),
        (world.reviewer, f"/assessments/{aid}/review/4"),
    ):
        sign_in(client, user)
        html = client.get(url).text
        assert 'id="engagement-box"' in html, url
        box = _text(html.split('id="engagement-box"')[1].split("Engagement by PBC group")[0])
        assert "1 of 4 practices engaged (25%)" in box
        assert "Events logged 1 " in box and "Clinician attendances 6 " in box
        assert f"{s.group.name}: 1 of 2 practices engaged" in box
        assert href in html
        other = client.get(url.replace("/4", "/3")).text
        assert 'id="engagement-box"' not in other


def test_the_pct_home_and_the_reviewers_home_link_to_engagement(
    client: TestClient, session: Session, world
) -> None:
    sign_in(client, world.a.lead)
    assert 'href="/engagement"' in client.get("/").text
    sign_in(client, world.reviewer)
    assert 'href="/engagement"' in client.get("/").text
