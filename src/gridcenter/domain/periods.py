"""Periods that figures are counted over: a day, a week, a month, a quarter, a year,
or any span from one day to another, always in the district's local time."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from gridcenter.domain.errors import Refused

KINDS = ("day", "week", "month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
# The regular risk warnings name their period with an adjective.
_ADJECTIVES = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "yearly": "year",
}

_FORMS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-W(\d{2})$"), "week"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


def _month_start(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """[first, last] whole local days; `start` and `end` are the instants that bound it."""

    kind: str  # one of KINDS, or "span"
    first: date
    last: date
    zone: tzinfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def months(self) -> float:
        """How many months long, for figures counted per month (a month is 1.0)."""
        if self.kind in MONTHS_IN:
            return float(MONTHS_IN[self.kind])
        return self.days / 30.4375

    @property
    def name(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @classmethod
    def containing(cls, kind: str, day: date, zone: tzinfo) -> "Period":
        kind = _ADJECTIVES.get(kind, kind)
        if kind == "day":
            return cls(kind, day, day, zone)
        if kind == "week":
            first = day - timedelta(days=day.weekday())
            return cls(kind, first, first + timedelta(days=6), zone)
        if kind == "month":
            first = day.replace(day=1)
        elif kind == "quarter":
            first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        elif kind == "year":
            first = date(day.year, 1, 1)
        else:
            raise Refused(f"unknown period kind {kind!r}: use one of {', '.join(KINDS)}")
        return cls(kind, first, _month_start(first, MONTHS_IN[kind]) - timedelta(days=1), zone)

    @classmethod
    def last_complete(cls, kind: str, at: datetime) -> "Period":
        """The period of this kind that ended most recently before `at` (in its zone)."""
        assert at.tzinfo is not None
        return cls.containing(kind, at.date(), at.tzinfo).shifted(-1)

    @classmethod
    def parse(cls, text: str, zone: tzinfo) -> "Period":
        """2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026, or 2026-10-01..2026-10-15."""
        text = text.strip()
        if ".." in text:
            first, _, last = text.partition("..")
            a, b = cls.parse(first, zone), cls.parse(last, zone)
            if b.last < a.first:
                raise Refused(f"period {text!r} ends before it starts")
            return cls("span", a.first, b.last, zone)
        for pattern, kind in _FORMS:
            found = pattern.match(text)
            if not found:
                continue
            numbers = [int(part) for part in found.groups()]
            try:
                if kind == "day":
                    return cls.containing(kind, date(*numbers), zone)
                if kind == "week":
                    return cls.containing(kind, date.fromisocalendar(*numbers, 1), zone)
                if kind == "month":
                    return cls.containing(kind, date(numbers[0], numbers[1], 1), zone)
                if kind == "quarter":
                    return cls.containing(kind, date(numbers[0], 3 * numbers[1] - 2, 1), zone)
                return cls.containing(kind, date(numbers[0], 1, 1), zone)
            except ValueError as error:
                raise Refused(f"no such period {text!r}: {error}") from None
        raise Refused(
            f"cannot read period {text!r}: use 2026-10-05, 2026-W41, 2026-10, 2026-Q4, 2026 "
            "or 2026-10-01..2026-10-15"
        )

    def shifted(self, steps: int) -> "Period":
        """The period `steps` periods later (earlier when negative), of the same kind."""
        if self.kind == "day":
            return Period.containing("day", self.first + timedelta(days=steps), self.zone)
        if self.kind == "week":
            return Period.containing("week", self.first + timedelta(weeks=steps), self.zone)
        if self.kind in MONTHS_IN:
            months = MONTHS_IN[self.kind] * steps
            return Period.containing(self.kind, _month_start(self.first, months), self.zone)
        length = timedelta(days=self.days * steps)
        return Period("span", self.first + length, self.last + length, self.zone)

    def with_kind(self, kind: str) -> "Period":
        """The period of another kind that holds this one's first day."""
        return Period.containing(kind, self.first, self.zone)
