"""GET /api/v1/organisations/{pct_code}/engagement: what counts, who may read it, and the
cycle asked for."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.cycles import service as cycle_service
from tests.engagement.setting import DAY, build, item
from tests.factories import auth


def _read(client: TestClient, user, code: str, query: str = "") -> dict:
    response = client.get(f"/api/v1/organisations/{code}/engagement{query}", headers=auth(user))
    assert response.status_code == 200, response.text
    return response.json()


def _group(body: dict, name: str) -> dict:
    return next(g for g in body["groups"] if g["name"] == name)


def test_items_count_on_the_periods_edges_and_not_a_day_outside(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    first, second = s.in_group
    item(session, world, on=s.start, unit=first, clinicians=3)
    item(session, world, on=s.end, unit=second, clinicians=4)
    item(session, world, on=s.start - DAY, unit=s.direct[0], clinicians=5)
    item(session, world, on=s.end + DAY, unit=s.direct[1], clinicians=6)
    body = _read(client, world.a.lead, s.pct.code)
    assert body["cycle"]["period_start"] == s.start.isoformat()
    assert body["totals"]["events"] == 2
    assert body["totals"]["clinician_attendances"] == 7
    assert body["totals"]["practices_engaged"] == 2
    assert {p["name"] for p in body["practices_not_engaged"]} == {
        s.direct[0].name,
        s.direct[1].name,
    }


def test_a_group_item_is_an_event_of_the_group_and_engages_none_of_its_practices(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    on = date(2009, 6, 1)
    item(session, world, on=on, unit=s.group, clinicians=20, practices=2)
    item(session, world, on=on, unit=s.group)
    item(session, world, on=on, unit=s.in_group[0])
    body = _read(client, world.a.lead, s.pct.code)
    group = _group(body, s.group.name)
    assert (group["events"], group["group_events"], group["clinician_attendances"]) == (3, 2, 20)
    assert (group["practices_engaged"], group["practices_recorded"]) == (1, 2)
    assert [p["engaged"] for p in group["practices"]] == [True, False]
    assert body["totals"]["practices_engaged"] == 1


def test_pct_wide_items_count_only_when_they_record_clinicians(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    on = date(2009, 10, 1)
    item(session, world, on=on, clinicians=15)
    item(session, world, on=on)
    item(session, world, on=on, clinicians=0)
    body = _read(client, world.a.lead, s.pct.code)
    assert body["across_pct"] == {"events": 1, "clinician_attendances": 15}
    assert body["totals"]["events"] == 1 and body["totals"]["practices_engaged"] == 0


def test_practices_directly_under_the_pct_are_grouped_as_not_in_a_pbc_group(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    item(session, world, on=date(2009, 7, 1), unit=s.direct[1], clinicians=2)
    body = _read(client, world.a.lead, s.pct.code)
    assert [g["name"] for g in body["groups"]] == [s.group.name, "Not in a PBC group"]
    direct = _group(body, "Not in a PBC group")
    assert direct["code"] is None and not direct["in_pbc_group"]
    assert (direct["practices_engaged"], direct["practices_recorded"]) == (1, 2)


def test_the_share_is_of_the_recorded_practices_when_none_is_declared(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    item(session, world, on=date(2009, 7, 1), unit=s.in_group[0])
    totals = _read(client, world.a.lead, s.pct.code)["totals"]
    assert totals["practice_total"] == 4 and not totals["practice_total_declared"]
    assert (totals["share"], totals["share_percent"]) == (0.25, 25)
    assert totals["practices_not_recorded"] == 0
    assert totals["share_text"] == "1 of 4 practices engaged (25%)"


def test_the_share_is_of_the_declared_practices_and_says_how_many_are_not_recorded(
    client: TestClient, session: Session, world
) -> None:
    s = build(session, world)
    s.pct.practice_count = 40
    session.add(s.pct)
    session.commit()
    item(session, world, on=date(2009, 7, 1), unit=s.in_group[0])
    item(session, world, on=date(2009, 7, 2), unit=s.direct[0])
    totals = _read(client, world.a.lead, s.pct.code)["totals"]
    assert totals["practice_total"] == 40 and totals["practice_total_declared"]
    assert (totals["share"], totals["share_percent"]) == (0.05, 5)
    assert totals["practices_not_recorded"] == 36


def test_with_no_practices_recorded_or_declared_there_is_no_share_and_it_says_why(
    client: TestClient, session: Session, world
) -> None:
    item(session, world, pct=world.b.pct, on=date(2009, 7, 1), clinicians=9)
    body = _read(client, world.b.lead, world.b.pct.code)
    totals = body["totals"]
    assert totals["practice_total"] is None and totals["share"] is None
    assert "not recorded" in totals["share_text"]
    assert body["groups"] == [] and body["across_pct"]["clinician_attendances"] == 9


def test_another_cycle_counts_its_own_period(client: TestClient, session: Session, world) -> None:
    s = build(session, world)
    earlier = cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2008/09",
        opens_on=date(2008, 5, 1),
        submission_due=date(2008, 10, 31),
        review_due=date(2008, 12, 17),
    )
    item(session, world, on=date(2008, 6, 1), unit=s.in_group[1])
    item(session, world, on=date(2009, 6, 1), unit=s.in_group[0])
    now = _read(client, world.a.lead, s.pct.code)
    then = _read(client, world.a.lead, s.pct.code, f"?cycle_id={earlier.id}")
    assert now["cycle"]["id"] == world.cycle.id  # the newest, when none is asked for
    assert then["cycle"]["name"] == "2008/09"
    engaged_then = [p["name"] for p in then["groups"][0]["practices"] if p["engaged"]]
    assert engaged_then == [s.in_group[1].name]


def test_the_pcts_people_its_reviewer_and_an_administrator_read_it_and_no_one_else(
    client: TestClient, session: Session, world
) -> None:
    build(session, world)
    code = world.a.pct.code
    readers = [
        world.a.lead,
        world.a.board,
        world.a.clinician,
        world.practice_clinician,
        world.reviewer,
        world.admin,
    ]
    for user in readers:
        assert _read(client, user, code)["organisation_code"] == code
    for user in (world.b.lead, world.c.clinician, world.other_reviewer):
        response = client.get(f"/api/v1/organisations/{code}/engagement", headers=auth(user))
        assert response.status_code == 404, user.email
        assert response.json()["detail"] == f"PCT {code!r} not found"
    assert client.get(f"/api/v1/organisations/{code}/engagement").status_code == 401


def test_an_unknown_cycle_is_not_found_in_words_and_a_bad_one_is_invalid(
    client: TestClient, session: Session, world
) -> None:
    url = f"/api/v1/organisations/{world.a.pct.code}/engagement"
    unknown = client.get(f"{url}?cycle_id=9999", headers=auth(world.a.lead))
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("Cycle 9999 not found; the cycles are")
    for bad in ("0", "x", str(2**31)):
        response = client.get(f"{url}?cycle_id={bad}", headers=auth(world.a.lead))
        assert response.status_code == 422, bad


def test_only_a_pct_has_engagement(client: TestClient, session: Session, world) -> None:
    for code in (world.practice.code, world.sha.code, "NOPE"):
        response = client.get(f"/api/v1/organisations/{code}/engagement", headers=auth(world.admin))
        assert response.status_code == 404, code
    long_code = "X" * 13
    response = client.get(
        f"/api/v1/organisations/{long_code}/engagement", headers=auth(world.admin)
    )
    assert response.status_code == 422


def test_an_item_of_another_pct_never_counts(client: TestClient, session: Session, world) -> None:
    s = build(session, world)
    item(session, world, pct=world.b.pct, on=date(2009, 7, 1), clinicians=30)
    body = _read(client, world.a.lead, s.pct.code)
    assert body["totals"]["events"] == 0
