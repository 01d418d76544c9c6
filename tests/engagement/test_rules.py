"""The counting rules on their own: the period's edges, attribution and the share."""

from __future__ import annotations

from datetime import date

from app.engagement import rules

PERIOD = (date(2008, 12, 18), date(2010, 5, 21))
UNITS = frozenset({7, 8})


def test_an_item_counts_on_the_first_and_last_day_of_the_period_and_not_outside_it() -> None:
    def counts(on: date) -> bool:
        return rules.counts(on, 7, None, period=PERIOD, unit_ids=UNITS)

    assert counts(date(2008, 12, 18)) and counts(date(2010, 5, 21))
    assert not counts(date(2008, 12, 17)) and not counts(date(2010, 5, 22))


def test_an_item_counts_when_attributed_to_a_unit_or_recording_clinicians() -> None:
    on = date(2009, 6, 1)
    assert rules.counts(on, 7, None, period=PERIOD, unit_ids=UNITS)
    assert rules.counts(on, None, 12, period=PERIOD, unit_ids=UNITS)
    assert not rules.counts(on, None, None, period=PERIOD, unit_ids=UNITS)
    assert not rules.counts(on, None, 0, period=PERIOD, unit_ids=UNITS)
    assert not rules.counts(on, 99, None, period=PERIOD, unit_ids=UNITS)


def test_the_share_needs_a_number_of_practices_and_never_passes_all_of_them() -> None:
    assert rules.share(3, 12) == 0.25
    assert rules.share(3, None) is None and rules.share(0, 0) is None
    assert rules.share(5, 4) == 1.0
    assert rules.percent(rules.share(1, 3)) == 33 and rules.percent(None) is None


def test_practices_not_recorded_are_the_declared_ones_beyond_the_recorded() -> None:
    assert rules.not_recorded(75, 10) == 65
    assert rules.not_recorded(None, 10) == 0 and rules.not_recorded(8, 10) == 0
