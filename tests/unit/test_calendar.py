"""Working-hour arithmetic on the seed calendar (08:30-12:00, 14:00-17:30, Shanghai)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridcenter.domain.calendar import Counting, Timekeeper, WorkingCalendar, local_moment

TZ = ZoneInfo("Asia/Shanghai")
H = 3600


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar(
        timezone=TZ,
        periods=((time(8, 30), time(12)), (time(14), time(17, 30))),
        holidays=frozenset({date(2026, 10, 1), date(2026, 10, 2)}),
        workdays=frozenset({date(2026, 10, 10)}),  # a Saturday worked in lieu
    )


def test_adding_inside_one_period(cal: WorkingCalendar) -> None:
    assert cal.add(at(20, 9), 2 * H) == at(20, 11)


def test_adding_skips_the_lunch_break(cal: WorkingCalendar) -> None:
    assert cal.add(at(20, 11), 2 * H) == at(20, 15)


def test_adding_skips_the_weekend(cal: WorkingCalendar) -> None:
    # Friday 17:00 + 1h: 30 minutes on Friday, 30 minutes on Monday.
    assert cal.add(at(20, 17), H) == at(23, 9)


def test_start_outside_hours_begins_at_the_next_period(cal: WorkingCalendar) -> None:
    assert cal.add(at(21, 3), H) == at(23, 9, 30)  # Saturday night -> Monday


def test_holidays_are_skipped_and_workdays_in_lieu_count(cal: WorkingCalendar) -> None:
    # Wednesday 30 Sep 17:00 + 1h: 1 and 2 Oct are holidays, 3-4 a weekend, 5 Oct Monday.
    assert cal.add(at(30, 17, month=9), H) == at(5, 9, month=10)
    # Friday 9 Oct 17:00 + 1h: Saturday 10 Oct is a working day.
    assert cal.add(at(9, 17, month=10), H) == at(10, 9, month=10)


def test_negative_add_walks_backwards(cal: WorkingCalendar) -> None:
    assert cal.add(at(23, 9), -H) == at(20, 17)
    assert cal.add(at(20, 15), -2 * H) == at(20, 11)


def test_add_then_subtract_round_trips(cal: WorkingCalendar) -> None:
    start = at(18, 10, 17)
    for hours in (0.5, 3, 7, 40, 121):
        assert cal.add(cal.add(start, hours * H), -hours * H) == start


def test_between_counts_only_working_time(cal: WorkingCalendar) -> None:
    assert cal.between(at(20, 11), at(20, 15)) == 2 * H
    assert cal.between(at(20, 17), at(23, 9)) == H
    assert cal.between(at(23, 9), at(20, 17)) == -H
    assert cal.between(at(21, 0), at(22, 23)) == 0  # a whole weekend


def test_between_inverts_add(cal: WorkingCalendar) -> None:
    start = at(19, 16, 45)
    assert cal.between(start, cal.add(start, 33.25 * H)) == pytest.approx(33.25 * H)


def test_timekeeper_counts_calendar_hours_for_urgent_cases(cal: WorkingCalendar) -> None:
    keeper = Timekeeper(cal)
    assert keeper.add(at(20, 17), 2 * H, Counting.CALENDAR) == at(20, 19)
    assert keeper.elapsed(at(20, 17), at(21, 17), Counting.CALENDAR) == 24 * H
    assert keeper.add(at(20, 17), 2 * H, Counting.WORKING) == at(23, 10)


def test_results_are_aware_and_comparable_across_zones(cal: WorkingCalendar) -> None:
    result = cal.add(at(20, 9).astimezone(ZoneInfo("UTC")), H)
    assert result.utcoffset() is not None
    assert result - at(20, 10) == timedelta(0)


def test_seed_calendar_loads(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 10))
    assert calendar.is_working_day(date(2026, 11, 20))
    assert not calendar.is_working_day(date(2026, 11, 21))


def test_a_typed_time_without_an_offset_is_the_districts() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    assert local_moment("2026-11-28T09:30", zone) == datetime(2026, 11, 28, 9, 30, tzinfo=zone)
    assert local_moment(" 2026-11-01 ", zone) == datetime(2026, 11, 1, tzinfo=zone)
    assert local_moment("2026-11-28T01:30+00:00", zone) == datetime(
        2026, 11, 28, 9, 30, tzinfo=zone
    )
    with pytest.raises(ValueError):
        local_moment("yesterday", zone)
