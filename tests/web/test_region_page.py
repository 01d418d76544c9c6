"""The region page: every PCT of an SHA in a cycle on one screen, for its reviewers and for
administrators. Each PCT's status (also of those not started, and of drafts the reviewer may
not read), the days to or past its deadline, the heat map of self, review and gap with
drill-down, and filters by status and cycle."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.actors import SYSTEM
from app.assessments.models import AssessmentStatus
from app.auth.service import actor_for_user
from app.cycles import service as cycle_service
from app.cycles.models import Cycle
from app.development.models import ActionStatus, DevelopmentAction
from app.organisations.models import Organisation
from app.region import service as region_service
from app.users.models import Role, User
from tests import factories
from tests.api_steps import (
    ok,
    open_assessment,
    ready_to_sign,
    review_all,
    review_governance,
    sign_off,
    submitted,
)
from tests.factories import auth
from tests.web.steps import sign_in

S = AssessmentStatus


# Given: an SHA whose PCTs stand at every status -----------------------------------------------


@dataclass(frozen=True)
class Pct:
    organisation: Organisation
    lead: User
    board: User
    assessment_id: int | None = None


def _a_pct(session: Session, world, name: str) -> Pct:
    pct = factories.make_pct(session, sha=world.sha, name=name)
    return Pct(
        pct,
        factories.make_user(session, role=Role.PCT_LEAD, organisation=pct),
        factories.make_user(session, role=Role.BOARD_MEMBER, organisation=pct),
    )


def _in_status(client: TestClient, world, pct: Pct, status: S | None) -> Pct:
    """The PCT's assessment in ``world.cycle`` taken to ``status`` by the PCT's and the
    reviewer's own moves (None: not started)."""
    code, cycle_id, reviewer = pct.organisation.code, world.cycle.id, world.reviewer
    if status is None:
        return pct
    if status is S.DRAFT:
        return Pct(
            pct.organisation,
            pct.lead,
            pct.board,
            open_assessment(client, pct.lead, code, cycle_id)["id"],
        )
    if status is S.SIGNED_OFF:
        aid = ready_to_sign(client, pct.lead, code, cycle_id)["id"]
        sign_off(client, pct.board, aid)
        return Pct(pct.organisation, pct.lead, pct.board, aid)
    aid = submitted(client, pct.lead, pct.board, code, cycle_id)["id"]
    if status is S.IN_REVIEW:
        ok(
            client.put(
                f"/api/v1/assessments/{aid}/review-scores/4",
                json={"level": 3, "comment": "Stronger than the PCT says."},
                headers=auth(reviewer),
            )
        )
        review_governance(client, reviewer, aid)
    elif status is S.RETURNED:
        ok(
            client.post(
                f"/api/v1/assessments/{aid}/return",
                json={"reason": "More on clinical engagement, please."},
                headers=auth(reviewer),
            )
        )
    elif status in (S.PROVISIONAL, S.FINALISED):
        review_all(client, reviewer, aid)
        move = "finalise" if status is S.FINALISED else "provisional"
        ok(client.post(f"/api/v1/assessments/{aid}/{move}", headers=auth(reviewer)))
    return Pct(pct.organisation, pct.lead, pct.board, aid)


# One PCT for each status, named so that they list in this order.
EVERY_STATUS: tuple[tuple[str, S | None], ...] = (
    ("Aldbury PCT", None),
    ("Barwick PCT", S.DRAFT),
    ("Cawood PCT", S.SIGNED_OFF),
    ("Denby PCT", S.SUBMITTED),
    ("Elland PCT", S.IN_REVIEW),
    ("Farnley PCT", S.RETURNED),
    ("Garforth PCT", S.PROVISIONAL),
    ("Horsforth PCT", S.FINALISED),
)
LABELS = {None: "Not started"} | {status: status.label for status in S}


def given_a_region(client: TestClient, session: Session, world) -> dict[S | None, Pct]:
    """World's SHA with a PCT at every status in world.cycle (world's own PCTs a and b not
    started)."""
    return {
        status: _in_status(client, world, _a_pct(session, world, name), status)
        for name, status in EVERY_STATUS
    }


def on(day: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today, by the service's clock for dates in England, is ``day``."""
    monkeypatch.setattr(
        "app.wording.now", lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    )


# Reading the page -------------------------------------------------------------------------------


def page(client: TestClient, user: User, url: str = "/region") -> str:
    client.cookies.clear()
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return response.text


def text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def status_rows(html: str) -> dict[str, str]:
    """The table of where each PCT stands: PCT code to the row's text."""
    table = html.split('class="nhsuk-table nhsuk-table--responsive app-region-pcts"', 1)[1]
    table = table.split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        code = re.search(r'id="pct-([^"]+)"', row)
        if code:
            rows[code[1]] = text(row)
    return rows


def heat_map(html: str) -> str:
    return html.split('class="nhsuk-table app-heat-map__table"', 1)[1].split("</table>", 1)[0]


def heat_row(html: str, name: str) -> str:
    """One PCT's row of the heat map, as text."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", heat_map(html), flags=re.S):
        if f">{name}<" in row:
            return text(row)
    raise AssertionError(f"{name} is not in the heat map")


def counts(html: str) -> dict[str, int]:
    """The summary row: each status's label to its count."""
    found = re.findall(
        r'<span class="app-region-counts__number">(\d+)</span>\s*<strong[^>]*>([^<]+)</strong>',
        html,
    )
    return {label: int(number) for number, label in found}


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


# Every PCT, every status ------------------------------------------------------------------------


def test_every_pct_of_the_sha_is_listed_with_its_status_also_those_not_started(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    html = page(client, world.reviewer)
    rows = status_rows(html)
    assert set(rows) == {p.organisation.code for p in pcts.values()} | {
        world.a.pct.code,
        world.b.pct.code,
    }
    for status, pct in pcts.items():
        assert LABELS[status] in rows[pct.organisation.code], (status, rows[pct.organisation.code])
    assert "Not started" in rows[world.a.pct.code]
    # Listed by name, and only the SHA's own PCTs.
    names = [name for name, _ in EVERY_STATUS]
    assert [n for n in re.findall(r"(\w+ PCT)", text(html)) if n in names][:8] == names
    assert world.c.pct.code not in rows


def test_the_summary_counts_each_status_and_the_late(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    given_a_region(client, session, world)
    on(date(2009, 12, 26), monkeypatch)
    assert counts(page(client, world.reviewer)) == {
        "Not started": 3,  # Aldbury and world's PCTs a and b
        "Draft": 1,
        "Signed off": 1,
        "Submitted": 1,
        "In review": 1,
        "Returned": 1,
        "Provisional": 1,
        "Finalised": 1,
        # Past the submission date: not started (3), draft, signed off and returned.
        "Late": 6,
    }


def test_a_reviewer_sees_the_status_of_a_draft_but_never_its_levels(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    html = page(client, world.reviewer)
    for status in (S.DRAFT, S.SIGNED_OFF):
        pct = pcts[status]
        assert "Not submitted yet" in heat_row(html, pct.organisation.name)
        assert "PCT 2" not in heat_row(html, pct.organisation.name)
        assert not any(
            link.startswith(f"/assessments/{pct.assessment_id}/") for link in links(html)
        )
    assert "Not started" in heat_row(html, pcts[None].organisation.name)
    # Once submitted, its levels show.
    assert "PCT 2" in heat_row(html, pcts[S.SUBMITTED].organisation.name)


def test_the_status_rule_gives_a_reviewer_every_pct_s_status_and_content_only_once_submitted(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    assert world.reviewer.id is not None
    reviewer = actor_for_user(session, world.reviewer.id)
    assert reviewer is not None
    region = region_service.region(session, reviewer, cycle_id=world.cycle.id)
    by_code = {row.pct.code: row for row in region.rows}
    for status, pct in pcts.items():
        row = by_code[pct.organisation.code]
        assert row.status is status
        seen = status not in (None, S.DRAFT, S.SIGNED_OFF)
        assert row.readable is seen
        assert bool(row.levels) is seen and bool(row.governance) is seen


# Deadlines --------------------------------------------------------------------------------------


def test_days_to_the_deadline_before_it(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    pcts = given_a_region(client, session, world)
    on(date(2009, 12, 6), monkeypatch)  # submission due 18 December 2009, review 21 May 2010
    rows = status_rows(page(client, world.reviewer))
    for status in (None, S.DRAFT, S.SIGNED_OFF, S.RETURNED):
        row = rows[pcts[status].organisation.code]
        assert "Due in 12 days" in row and "Submission due 18 December 2009" in row, row
    for status in (S.SUBMITTED, S.IN_REVIEW, S.PROVISIONAL):
        row = rows[pcts[status].organisation.code]
        assert "Due in 166 days" in row and "Review due 21 May 2010" in row, row
    assert "None: review finalised" in rows[pcts[S.FINALISED].organisation.code]


def test_days_past_the_deadline_and_on_the_day(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    pcts = given_a_region(client, session, world)
    on(date(2009, 12, 26), monkeypatch)
    rows = status_rows(page(client, world.reviewer))
    for status in (None, S.DRAFT, S.SIGNED_OFF, S.RETURNED):
        row = rows[pcts[status].organisation.code]
        assert "8 days late" in row and "Submission was due 18 December 2009" in row, row
    assert "Due in 146 days" in rows[pcts[S.IN_REVIEW].organisation.code]
    on(date(2009, 12, 18), monkeypatch)
    assert "Due today" in status_rows(page(client, world.reviewer))[pcts[S.DRAFT].organisation.code]
    on(date(2010, 5, 22), monkeypatch)
    assert (
        "1 day late"
        in status_rows(page(client, world.reviewer))[pcts[S.SUBMITTED].organisation.code]
    )


def test_the_deadline_rule_for_every_status() -> None:
    cycle = Cycle(
        name="Test",
        opens_on=date(2009, 9, 16),
        submission_due=date(2009, 12, 18),
        review_due=date(2010, 5, 21),
        framework_version="wcc-2009",
        framework_sha256="0" * 64,
    )
    today = date(2009, 12, 17)
    expected = {
        None: ("submission", 1, "Due in 1 day"),
        S.DRAFT: ("submission", 1, "Due in 1 day"),
        S.SIGNED_OFF: ("submission", 1, "Due in 1 day"),
        S.RETURNED: ("submission", 1, "Due in 1 day"),
        S.SUBMITTED: ("review", 155, "Due in 155 days"),
        S.IN_REVIEW: ("review", 155, "Due in 155 days"),
        S.PROVISIONAL: ("review", 155, "Due in 155 days"),
    }
    for status, (kind, days, words) in expected.items():
        deadline = region_service.deadline_for(status, cycle, today)
        assert deadline is not None
        assert (deadline.kind.value, deadline.days, deadline.words) == (kind, days, words)
    assert region_service.deadline_for(S.FINALISED, cycle, today) is None
    late = region_service.deadline_for(S.DRAFT, cycle, date(2013, 3, 31))
    assert late is not None and late.words == "1,199 days late" and late.is_late


# The heat map -----------------------------------------------------------------------------------


def test_the_heat_map_gives_self_review_and_gap_and_governance_in_words(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    html = page(client, world.reviewer)
    in_review = pcts[S.IN_REVIEW]
    cell = text(
        re.search(rf'id="cell-{in_review.organisation.code}-4"[^>]*>(.*?)</td>', html, re.S)[1]
    )
    assert "PCT 2" in cell and "SHA 3" in cell and "Gap +1" in cell
    unreviewed = text(
        re.search(rf'id="cell-{in_review.organisation.code}-5"[^>]*>(.*?)</td>', html, re.S)[1]
    )
    assert "PCT 2" in unreviewed and "SHA \u2013" in unreviewed and "Gap \u2013" in unreviewed
    # Governance: the SHA's rating once given, else the PCT's own, saying which.
    finance = text(
        re.search(rf'id="cell-{in_review.organisation.code}-finance"[^>]*>(.*?)</td>', html, re.S)[
            1
        ]
    )
    assert "Amber" in finance and "the SHA's rating" in finance
    returned = pcts[S.RETURNED]
    finance = text(
        re.search(rf'id="cell-{returned.organisation.code}-finance"[^>]*>(.*?)</td>', html, re.S)[1]
    )
    assert "Amber" in finance and "the PCT's own rating" in finance
    # Colour beside the words, never instead: each cell names its level in text.
    assert 'app-heat-map__cell--level-3" id="cell-' + in_review.organisation.code + '-4"' in html


def test_a_reviewer_drills_down_to_the_review_of_each_competency(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    html = page(client, world.reviewer)
    for status in (S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.PROVISIONAL, S.FINALISED):
        aid = pcts[status].assessment_id
        assert f"/assessments/{aid}/review/4" in links(html), status
        assert f"/assessments/{aid}/review" in links(html)
        assert f"/assessments/{aid}/competencies/4" not in links(html)
    target = f"/assessments/{pcts[S.IN_REVIEW].assessment_id}/review/4"
    assert client.get(target).status_code == 200


def test_an_administrator_drills_down_to_the_competency_page_of_every_assessment(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    html = page(client, world.admin, f"/region?sha={world.sha.code}")
    for status, pct in pcts.items():
        if status is None:
            continue
        assert f"/assessments/{pct.assessment_id}/competencies/4" in links(html), status
        assert f"/assessments/{pct.assessment_id}/review/4" not in links(html)
    # An administrator reads what the PCT has not submitted yet too.
    assert "PCT 2" in heat_row(html, pcts[S.SIGNED_OFF].organisation.name)
    assert "Not submitted yet" not in heat_row(html, pcts[S.DRAFT].organisation.name)
    draft = f"/assessments/{pcts[S.DRAFT].assessment_id}/competencies/4"
    assert client.get(draft).status_code == 200


# Filters ----------------------------------------------------------------------------------------


def test_the_status_filter_lists_only_the_pcts_at_that_status(
    client: TestClient, session: Session, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    pcts = given_a_region(client, session, world)
    on(date(2009, 12, 26), monkeypatch)
    draft = status_rows(page(client, world.reviewer, "/region?status=draft"))
    assert set(draft) == {pcts[S.DRAFT].organisation.code}
    late = page(client, world.reviewer, "/region?status=late")
    assert set(status_rows(late)) == {
        pcts[s].organisation.code for s in (None, S.DRAFT, S.SIGNED_OFF, S.RETURNED)
    } | {world.a.pct.code, world.b.pct.code}
    assert "Showing late: 6 of 10 PCTs." in text(late)
    # The heat map follows the filter; the counts stay those of every PCT.
    assert pcts[S.SUBMITTED].organisation.name not in heat_map(late)
    assert counts(late)["Submitted"] == 1
    not_started = status_rows(page(client, world.reviewer, "/region?status=not_started"))
    assert set(not_started) == {pcts[None].organisation.code, world.a.pct.code, world.b.pct.code}
    everyone = status_rows(page(client, world.reviewer, "/region?status=whatever"))
    assert len(everyone) == 10


def test_the_filter_is_a_plain_form_with_an_apply_button(client: TestClient, world) -> None:
    html = page(client, world.reviewer, "/region?status=returned")
    form = html.split('<form method="get" action="/region"', 1)[1].split("</form>", 1)[0]
    assert 'name="status"' in form and 'name="cycle_id"' in form and "Apply" in form
    assert re.search(r'<option value="returned" selected', form)
    assert 'name="sha"' not in form  # a reviewer sees their own SHA only
    for choice in region_service.status_choices():
        assert f'<option value="{choice.value}"' in form


def test_the_cycle_filter_shows_the_newest_cycle_unless_another_is_chosen(
    client: TestClient, session: Session, world
) -> None:
    pcts = given_a_region(client, session, world)
    newer = cycle_service.create_cycle(
        session,
        SYSTEM,
        name="2010/11",
        opens_on=date(2010, 9, 15),
        submission_due=date(2010, 12, 17),
        review_due=date(2011, 5, 20),
    )
    html = page(client, world.reviewer)
    assert "PCTs in 2010/11" in text(html)
    assert counts(html)["Not started"] == 10
    older = page(client, world.reviewer, f"/region?cycle_id={world.cycle.id}")
    assert LABELS[S.FINALISED] in status_rows(older)[pcts[S.FINALISED].organisation.code]
    assert client.get("/region?cycle_id=999999").status_code == 404
    assert newer.id is not None


def test_the_summary_links_to_each_filter_and_to_the_sha_summary(client: TestClient, world) -> None:
    html = page(client, world.reviewer)
    cycle, code = world.cycle.id, world.sha.code
    assert f"/region?cycle_id={cycle}&amp;status=late" in html
    assert f"/region?cycle_id={cycle}&amp;status=in_review" in html
    assert f"/api/v1/cycles/{cycle}/sha-report.pdf?sha_code={code}" in html
    assert f"/api/v1/cycles/{cycle}/heatmap?sha_code={code}" in html


# Who sees what ----------------------------------------------------------------------------------


def test_a_reviewer_of_another_sha_sees_only_their_own_sha(
    client: TestClient, session: Session, world
) -> None:
    given_a_region(client, session, world)
    html = page(client, world.other_reviewer, f"/region?sha={world.sha.code}")
    assert set(status_rows(html)) == {world.c.pct.code}
    assert world.other_sha.name in text(html)
    assert world.sha.name not in text(html)


@pytest.mark.parametrize("who", ["lead", "board", "clinician", "practice_clinician"])
def test_pct_users_are_refused(client: TestClient, world, who: str) -> None:
    user = {
        "lead": world.a.lead,
        "board": world.a.board,
        "clinician": world.a.clinician,
        "practice_clinician": world.practice_clinician,
    }[who]
    sign_in(client, user)
    response = client.get("/region")
    assert response.status_code == 403
    assert "cannot read SHA reports" in text(response.text)


def test_an_administrator_picks_the_sha(client: TestClient, session: Session, world) -> None:
    html = page(client, world.admin, f"/region?sha={world.other_sha.code.lower()}")
    assert set(status_rows(html)) == {world.c.pct.code}
    form = html.split('<form method="get" action="/region"', 1)[1].split("</form>", 1)[0]
    assert re.search(rf'<option value="{world.other_sha.code}" selected', form)
    assert f'<option value="{world.sha.code}"' in form
    # Links keep the SHA chosen.
    assert f"sha={world.other_sha.code}&amp;cycle_id={world.cycle.id}&amp;status=late" in html
    # Without a choice, the first SHA by name.
    first = min((world.sha, world.other_sha), key=lambda sha: sha.name)
    assert first.name in text(page(client, world.admin))
    sign_in(client, world.admin)
    assert client.get("/region?sha=NOPE").status_code == 404
    assert client.get(f"/region?sha={world.a.pct.code}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient, world) -> None:
    response = client.get("/region?status=late", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/region%3Fstatus%3Dlate"


def test_the_reviewer_s_home_links_to_the_region(client: TestClient, world) -> None:
    assert 'href="/region"' in page(client, world.reviewer, "/")


# Overdue development actions ----------------------------------------------------------------------


def _actions(session: Session, pct: Organisation, dues: list[tuple[date, ActionStatus]]) -> None:
    """Actions on a finalised assessment of ``pct`` in a cycle before ``world.cycle``."""
    earlier = cycle_service.create_cycle(
        session,
        SYSTEM,
        name=f"2008/09 {pct.code}",
        opens_on=date(2008, 9, 16),
        submission_due=date(2008, 12, 18),
        review_due=date(2009, 5, 21),
    )
    assessment = factories.make_assessment(session, pct=pct, cycle=earlier, status=S.FINALISED)
    assessment.submitted_at = datetime(2008, 12, 18, tzinfo=UTC)
    assessment.finalised_at = datetime(2009, 5, 21, tzinfo=UTC)
    for due_on, status in dues:
        session.add(
            DevelopmentAction(
                assessment_id=assessment.id or 0,
                competency_number=4,
                action="Hold a stakeholder event with every practice.",
                owner="Director of commissioning",
                due_on=due_on,
                status=status,
            )
        )
    session.commit()


def test_each_pct_shows_its_overdue_development_actions_in_words(
    client: TestClient, session: Session, world
) -> None:
    later = date.today() + timedelta(days=30)
    _actions(
        session,
        world.a.pct,
        [
            (date(2009, 9, 30), ActionStatus.AT_RISK),
            (date(2009, 12, 31), ActionStatus.NOT_STARTED),
            (date(2009, 6, 30), ActionStatus.DONE),
            (later, ActionStatus.ON_TRACK),
        ],
    )
    _actions(session, world.b.pct, [(date(2009, 6, 30), ActionStatus.DONE)])
    _actions(session, world.c.pct, [(date(2009, 6, 30), ActionStatus.NOT_STARTED)])
    for reader in (world.reviewer, world.admin):
        html = page(client, reader, f"/region?sha={world.sha.code}")
        rows = status_rows(html)
        assert rows[world.a.pct.code].endswith("2 overdue")
        assert rows[world.b.pct.code].endswith("None overdue")
        assert '<strong class="nhsuk-tag nhsuk-tag--red">2 overdue</strong>' in html
        assert "1 PCT has development actions overdue:" in text(html)
        head = html.split('class="nhsuk-table nhsuk-table--responsive app-region-pcts"', 1)[1]
        assert "Development actions" in text(head.split("</thead>", 1)[0])
    other = page(client, world.other_reviewer)
    assert status_rows(other)[world.c.pct.code].endswith("1 overdue")


def test_no_overdue_summary_when_no_pct_has_overdue_actions(client: TestClient, world) -> None:
    html = page(client, world.reviewer)
    assert 'id="overdue-summary"' not in html
    assert all(row.endswith("None overdue") for row in status_rows(html).values())
