import pytest

from gridcenter.domain.assessment import (
    MEASURE,
    GridRisk,
    Tally,
    Worker,
    band_limits,
    band_of,
    best_and_worst,
    percentile,
    ranked,
    rate,
)


def test_no_base_means_no_rate_not_a_perfect_one() -> None:
    assert rate(0, 0) is None
    assert rate(3, 4) == 0.75
    empty = Tally()
    assert empty.completion_rate is None
    assert empty.on_time_rate is None
    assert empty.satisfaction_rate is None
    assert empty.overrun_multiple is None


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([10.0, 10.0, 10.0, 50.0], 0.9) == 50.0


def test_ranking_leaves_out_thin_groups_and_orders_each_way() -> None:
    groups = {
        "A": Tally(due=10, on_time=9, verified=10, rework=1),
        "B": Tally(due=10, on_time=5, verified=10, rework=4),
        "C": Tally(due=1, on_time=1, verified=1, rework=0),  # 100% on one case
        "D": Tally(due=20, on_time=18, verified=20, rework=1),
    }
    on_time = ranked(groups, MEASURE["on_time"])
    assert [row.label for row in on_time] == ["D", "A", "B"]  # equal rates: the bigger first
    rework = ranked(groups, MEASURE["rework"])
    assert [row.label for row in rework] == ["D", "A", "B"]  # lower is better
    best, worst = best_and_worst(on_time, n=2)
    assert [r.label for r in best] == ["D", "A"]
    assert [r.label for r in worst] == ["B"]  # never a row in both tables


def test_the_patrol_bar_is_more_than_four_a_month() -> None:
    assert not Worker("a", reports=4, invalid=0, months=1.0).meets_bar
    assert Worker("b", reports=5, invalid=1, months=1.0).meets_bar
    assert Worker("c", reports=12, invalid=0, months=3.0).per_month == 4.0


def test_risk_bands_are_relative_to_the_territory() -> None:
    assert GridRisk(open=2, overdue=1, alerts=1, rework=1, repeats=1).score == 2 + 3 + 2 + 2 + 2
    scores = [0] * 10 + list(range(1, 101))
    limits = band_limits(scores)
    assert limits["low"] == 1
    assert limits["elevated"] < limits["high"] < limits["severe"]
    assert sum(band_of(s, limits) == "severe" for s in scores) == pytest.approx(5, abs=1)
    assert band_of(0, limits) == "none"
    # With no risk anywhere, the bands still climb.
    quiet = band_limits([0, 0, 0])
    assert [quiet[b] for b in ("low", "elevated", "high", "severe")] == [1, 2, 3, 4]
