"""Working time: the calendar that case deadlines are counted on.

Ordinary categories count working hours (weekdays, office periods, minus
public holidays, plus the weekend days worked in lieu); urgent categories
count calendar hours. All datetimes in and out are timezone-aware.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

_MAX_DAYS = 3660  # a deadline ten years away is a data error, not a calendar


class Counting(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


@dataclass(frozen=True)
class WorkingCalendar:
    timezone: ZoneInfo
    periods: tuple[tuple[time, time], ...]
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekend

    def _intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        return _day_intervals(self, day)

    def _days(self, start: datetime, step: int) -> Iterator[date]:
        day = start.astimezone(self.timezone).date()
        for offset in range(_MAX_DAYS):
            yield day + timedelta(days=offset * step)
        raise ValueError("working time out of range: more than ten years of working days")

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after (or, if negative, before) `start`."""
        if seconds == 0:
            return start
        remaining = timedelta(seconds=abs(seconds))
        if seconds > 0:
            for day in self._days(start, 1):
                for lo, hi in self._intervals(day):
                    begin = max(lo, start)
                    if hi <= begin:
                        continue
                    if remaining <= hi - begin:
                        return begin + remaining
                    remaining -= hi - begin
        else:
            for day in self._days(start, -1):
                for lo, hi in reversed(self._intervals(day)):
                    end = min(hi, start)
                    if end <= lo:
                        continue
                    if remaining <= end - lo:
                        return end - remaining
                    remaining -= end - lo
        raise AssertionError("unreachable: _days raises when it runs out")

    def between(self, start: datetime, end: datetime) -> float:
        """Working seconds from `start` to `end`; negative when `end` comes first."""
        if end < start:
            return -self.between(end, start)
        total = timedelta()
        last_day = end.astimezone(self.timezone).date()
        for day in self._days(start, 1):
            if day > last_day:
                break
            for lo, hi in self._intervals(day):
                overlap = min(hi, end) - max(lo, start)
                if overlap > timedelta():
                    total += overlap
        return total.total_seconds()


@lru_cache(maxsize=8192)
def _day_intervals(calendar: WorkingCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """A day's working periods in UTC; cached, as deadlines ask about the same days often."""
    if not calendar.is_working_day(day):
        return ()
    return tuple(
        (
            datetime.combine(day, start, calendar.timezone).astimezone(UTC),
            datetime.combine(day, end, calendar.timezone).astimezone(UTC),
        )
        for start, end in calendar.periods
    )


@dataclass(frozen=True)
class Timekeeper:
    """Adds and measures time in either counting, on one working calendar."""

    calendar: WorkingCalendar

    def add(self, start: datetime, seconds: float, counting: Counting) -> datetime:
        if counting is Counting.CALENDAR:
            return start + timedelta(seconds=seconds)
        return self.calendar.add(start, seconds)

    def elapsed(self, start: datetime, end: datetime, counting: Counting) -> float:
        if counting is Counting.CALENDAR:
            return (end - start).total_seconds()
        return self.calendar.between(start, end)


def local_moment(text: str, zone: ZoneInfo) -> datetime:
    """An ISO date or time as people type it: in `zone` (the district's) unless it names its
    own offset; a date alone is its midnight. ValueError when it is neither."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
