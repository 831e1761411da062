"""The generic scoring rule of Decision 766 (domain notes §2.2) on hand-computed cases, for each
kind of definition, and the reporting periods."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from motcua.metrics import periods
from motcua.metrics.indicators import DEFINITIONS, GROUPS, INDICATORS, Source, band, score


def test_the_groups_weigh_100_and_each_groups_indicators_add_up_to_it():
    assert sum(g.max_points for g in GROUPS) == 100
    for group in GROUPS:
        points = sum(i.max_points for i in DEFINITIONS if i.group == group.number)
        assert points == group.max_points, group.api_id


def test_every_indicator_without_inputs_says_why_and_every_other_has_inputs():
    for indicator in DEFINITIONS:
        if indicator.source == Source.NONE:
            assert str(indicator.not_computable), indicator.id
            assert not indicator.numerator
        else:
            assert indicator.numerator, indicator.id
            assert indicator.denominator, indicator.id
    assert sorted(i.id for i in DEFINITIONS if not i.computable) == ["1.1", "1.2", "1.4", "4.5a", "n/a"]


@pytest.mark.parametrize(
    ("indicator", "numerator", "denominator", "ratio", "points"),
    [
        # 2.1, no target: 20 × R
        ("2.1", 3, 4, Decimal("75.00"), Decimal("15.00")),
        ("2.1", 2, 3, Decimal("66.67"), Decimal("13.33")),  # 20 × 66.67 / 100 = 13.334
        ("2.1", 4, 4, Decimal("100.00"), Decimal("20.00")),
        # 4.3, target 80, max 2: min(2, 2·R/80)
        ("4.3", 1, 2, Decimal("50.00"), Decimal("1.25")),
        ("4.3", 4, 5, Decimal("80.00"), Decimal("2.00")),
        ("4.3", 9, 10, Decimal("90.00"), Decimal("2.00")),
        # 4.2, target 80, max 4: 50% → 4 × 50 / 80 = 2.5
        ("4.2", 2, 4, Decimal("50.00"), Decimal("2.50")),
        # 5.4, target 90, max 6: 75% → 6 × 75 / 90 = 5
        ("5.4", 3, 4, Decimal("75.00"), Decimal("5.00")),
        # 3.6, no target, max 6
        ("3.6", 1, 3, Decimal("33.33"), Decimal("2.00")),  # 6 × 33.33 / 100 = 1.9998
        # 3.5b, target 80, max 2: the reverse-engineered min(2, 2.5·B)
        ("3.5b", 1, 4, Decimal("25.00"), Decimal("0.63")),  # 2 × 25 / 80 = 0.625
    ],
)
def test_scores_follow_the_generic_rule(indicator, numerator, denominator, ratio, points):
    figure = score(INDICATORS[indicator], numerator, denominator)
    assert (figure.ratio, figure.score) == (ratio, points)


def test_a_zero_denominator_gives_no_figure_except_for_petitions_which_give_full_points():
    for indicator in ("2.1", "3.6", "4.3", "5.4"):
        figure = score(INDICATORS[indicator], 0, 0)
        assert (figure.ratio, figure.score) == (None, None), indicator
    for indicator in ("5.2", "5.3"):
        figure = score(INDICATORS[indicator], 0, 0)
        assert (figure.ratio, figure.score) == (None, Decimal("6.00")), indicator


def test_monitoring_indicators_have_a_ratio_and_no_score():
    assert score(INDICATORS["3.3"], 1, 4).ratio == Decimal("25.00")
    assert score(INDICATORS["3.3"], 1, 4).score is None
    # 2.2: the average, in days
    average = score(INDICATORS["2.2"], 7, 2)
    assert (average.ratio, average.score) == (Decimal("3.50"), None)


def test_a_negative_numerator_counts_as_zero():
    # 5.4: 100% − (overdue% + unhappy%) cannot go below 0
    assert score(INDICATORS["5.4"], -1, 2).ratio == Decimal("0.00")


def test_bands():
    assert [band(Decimal(v))[0] for v in (95, 90, 89.99, 80, 70, 50, 49)] == [
        "excellent",
        "excellent",
        "good",
        "good",
        "fair",
        "average",
        "weak",
    ]


def test_periods():
    day = datetime.date(2026, 8, 17)
    assert periods.start_of("month", day) == datetime.date(2026, 8, 1)
    assert periods.start_of("quarter", day) == datetime.date(2026, 7, 1)
    assert periods.start_of("year", day) == datetime.date(2026, 1, 1)
    assert periods.end_of("quarter", datetime.date(2026, 10, 1)) == datetime.date(2026, 12, 31)
    assert periods.end_of("month", datetime.date(2028, 2, 1)) == datetime.date(2028, 2, 29)
    assert periods.parse("quarter", "2026-Q3").start == datetime.date(2026, 7, 1)
    assert periods.parse("month", "2026-01").label == "2026-01"
    assert [p.label for p in periods.parse("month", "2026-02").previous(3)] == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    for kind, value in (("quarter", "2026-Q5"), ("year", "26"), ("month", "2026-13"), ("month", "x")):
        with pytest.raises(ValueError, match="not a"):
            periods.parse(kind, value)
