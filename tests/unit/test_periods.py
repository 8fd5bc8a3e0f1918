from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.periods import Period

TZ = ZoneInfo("Asia/Shanghai")


def _days(period: Period) -> tuple[str, str, str]:
    return period.first.isoformat(), period.last.isoformat(), period.name


def test_every_written_form_reads_as_its_period() -> None:
    assert _days(Period.parse("2026-10", TZ)) == ("2026-10-01", "2026-10-31", "2026-10")
    assert _days(Period.parse("2026-Q4", TZ)) == ("2026-10-01", "2026-12-31", "2026-Q4")
    assert _days(Period.parse("2024", TZ)) == ("2024-01-01", "2024-12-31", "2024")
    assert _days(Period.parse("2026-02-28", TZ)) == ("2026-02-28", "2026-02-28", "2026-02-28")
    # ISO weeks start on Monday; week 1 of 2026 starts in 2025.
    assert _days(Period.parse("2026-W01", TZ)) == ("2025-12-29", "2026-01-04", "2026-W01")
    span = Period.parse("2026-10-01..2026-10-15", TZ)
    assert (span.kind, span.days, span.name) == ("span", 15, "2026-10-01..2026-10-15")


def test_bounds_are_local_midnights() -> None:
    october = Period.parse("2026-10", TZ)
    assert october.start == datetime(2026, 10, 1, tzinfo=TZ)
    assert october.end == datetime(2026, 11, 1, tzinfo=TZ)
    assert october.months == 1.0
    assert Period.parse("2026-Q1", TZ).months == 3.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13", "no such period"),
        ("2026-W54", "no such period"),
        ("last month", "cannot read period"),
        ("2026-10-15..2026-10-01", "ends before it starts"),
    ],
)
def test_a_bad_period_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        Period.parse(text, TZ)


def test_shifting_keeps_the_kind_across_year_ends() -> None:
    assert Period.parse("2026-01", TZ).shifted(-1).name == "2025-12"
    assert Period.parse("2026-Q1", TZ).shifted(-1).name == "2025-Q4"
    assert Period.parse("2026-12-31", TZ).shifted(1).name == "2027-01-01"
    assert Period.parse("2026-W01", TZ).shifted(-1).name == "2025-W52"
    assert Period.parse("2026-10-01..2026-10-10", TZ).shifted(1).name == "2026-10-11..2026-10-20"
    assert Period.parse("2026-10-20", TZ).with_kind("quarter").name == "2026-Q4"


def test_the_last_complete_period_is_the_one_before_today() -> None:
    at = datetime(2027, 1, 1, 6, tzinfo=TZ)
    assert Period.last_complete("monthly", at).name == "2026-12"
    assert Period.last_complete("quarterly", at).name == "2026-Q4"
    assert Period.last_complete("yearly", at).name == "2026"
    assert Period.containing("week", date(2026, 11, 22), TZ).name == "2026-W47"
    with pytest.raises(Refused, match="unknown period kind"):
        Period.last_complete("fortnightly", at)
