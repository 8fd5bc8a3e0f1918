"""Fieldwork: the patrols and household visits a grid's team records from the street, as
a field app or a gateway sends them (one JSON object a line), and the figures they give.

A record carries its own id: the same record sent twice is stored once, so a field app
may resend a batch whenever it is unsure it arrived."""

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from gridcenter.domain.feeds import feed_time

# A record larger than this is a broken app or a forged line, not a day's work.
MAX_LINE = 1_000_000  # bytes
MAX_TRACK_POINTS = 20_000
MAX_PATROL = timedelta(hours=24)
MAX_TEXT = 2_000
MAX_NEEDS = 20
# A field app's clock may run a little ahead of the store's; a record from later than
# this is a wrong clock or a forgery, and would hide a grid nobody patrols.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class FieldworkPolicy:
    """From the policy file: when a grid counts as unpatrolled, the visit rate's window, and
    how many open cases one person may hold before their grid chief is told."""

    patrol_gap: timedelta = timedelta(hours=48)
    visit_window: timedelta = timedelta(days=30)
    open_cases_limit: int = 10


@dataclass(frozen=True)
class Patrol:
    """A walk through a grid: who, where, from when to when, and the track it left."""

    id: str
    staff: str
    grid: str
    start: datetime
    end: datetime
    track: tuple[tuple[float, float, datetime], ...]

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class Visit:
    """A call on a household: the household's id is personal data, masked like a phone."""

    id: str
    staff: str
    grid: str
    household: str
    at: datetime
    note: str
    needs: tuple[str, ...]


FieldRecord = Patrol | Visit


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _storable(value: str, key: str) -> str:
    """Text the store can keep: JSON allows lone surrogates (\\ud800), UTF-8 does not."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{key} holds an invalid character (a lone surrogate)") from None
    return value


def _text(item: dict[str, object], key: str, limit: int = 100) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty text")
    if len(value) > limit:
        raise ValueError(f"{key} is longer than {limit} characters")
    return _storable(value.strip(), key)


def _degrees(value: object) -> float | None:
    """A latitude or longitude as a float, None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        degrees = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return degrees if math.isfinite(degrees) else None


def _time(item: dict[str, object], key: str) -> datetime:
    return feed_time(item.get(key), key)


def _track(item: dict[str, object]) -> tuple[tuple[float, float, datetime], ...]:
    raw = item.get("track", [])
    if not isinstance(raw, list):
        raise ValueError("track must be a list of [lat, lon, time]")
    if len(raw) > MAX_TRACK_POINTS:
        raise ValueError(f"track has more than {MAX_TRACK_POINTS} points")
    points = []
    for n, point in enumerate(raw, start=1):
        if not (isinstance(point, list) and len(point) == 3):
            raise ValueError(f"track point {n} is not [lat, lon, time]")
        lat, lon = _degrees(point[0]), _degrees(point[1])
        if lat is None or lon is None:
            raise ValueError(f"track point {n} has no numeric latitude and longitude")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"track point {n} is not a place on Earth")
        points.append((lat, lon, _time({"time": point[2]}, "time")))
    return tuple(points)


def parse_field_record(line: bytes | str, now: datetime) -> FieldRecord:
    """One line of a field app's batch, or ValueError saying what is wrong with it."""
    if len(line) > MAX_LINE:
        raise ValueError(f"longer than {MAX_LINE:,} bytes")
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("not UTF-8 text") from None
    try:
        item = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    except RecursionError:
        raise ValueError("nested too deep") from None
    except ValueError as error:  # NaN and Infinity, or an integer of thousands of digits
        reason = str(error) if "is not a number" in str(error) else "a number too long"
        raise ValueError(f"not JSON ({reason})") from None
    record = _record(item)
    latest = record.end if isinstance(record, Patrol) else record.at
    if latest > now + CLOCK_SKEW:
        raise ValueError(f"dated {latest.isoformat()}, in the future")
    return record


def _record(item: object) -> FieldRecord:
    if not isinstance(item, dict):
        raise ValueError("expected an object with id, type, staff and grid")
    kind = item.get("type")
    record_id, staff, grid = _text(item, "id"), _text(item, "staff"), _text(item, "grid")
    if kind == "patrol":
        start, end = _time(item, "start"), _time(item, "end")
        if end <= start:
            raise ValueError("a patrol ends after it starts")
        if end - start > MAX_PATROL:
            raise ValueError("a patrol longer than 24 hours is two patrols")
        return Patrol(record_id, staff, grid, start, end, _track(item))
    if kind == "visit":
        needs = item.get("needs", [])
        if not isinstance(needs, list) or not all(
            isinstance(need, str) and need.strip() for need in needs
        ):
            raise ValueError("needs must be a list of texts")
        if len(needs) > MAX_NEEDS or any(len(need) > MAX_TEXT for need in needs):
            raise ValueError(f"needs: at most {MAX_NEEDS}, each under {MAX_TEXT} characters")
        note = item.get("note", "")
        if not isinstance(note, str) or len(note) > MAX_TEXT:
            raise ValueError(f"note must be a text under {MAX_TEXT} characters")
        for text in (note, *needs):
            _storable(text, "note" if text is note else "needs")
        return Visit(
            record_id,
            staff,
            grid,
            _text(item, "household"),
            _time(item, "at"),
            note.strip(),
            tuple(need.strip() for need in needs),
        )
    raise ValueError(f"type {str(kind)[:20]!r} is not a valid type: patrol, visit")


def visit_rate(households_visited: int, households: int) -> float | None:
    """The share of a grid's households visited in the policy's window; None for a grid
    with no households on record (nothing to visit is not 0% and not 100%)."""
    if households <= 0:
        return None
    return min(households_visited, households) / households


def patrol_gap(last_patrol_at: datetime | None, now: datetime, limit: timedelta) -> bool:
    """A grid nobody has patrolled within `limit` (or ever)."""
    return last_patrol_at is None or now - last_patrol_at > limit


# The grid team whose duty phones are published to residents on the contact card; anyone
# else on a team (a volunteer, a building head) keeps a personal number, shown masked.
PUBLISHED_ROLES = frozenset(
    {"grid_worker", "grid_chief", "street_cadre", "info_officer", "security_officer"}
)


def published_phone(role: str) -> bool:
    return role in PUBLISHED_ROLES


@dataclass(frozen=True)
class FieldworkFigures:
    """A place's fieldwork over a period, beside its case figures in the assessment."""

    place: str
    grids: int
    grids_patrolled: int  # patrolled at least once in the period
    patrol_hours: float  # of the patrols that ended in the period
    households: int
    households_visited: int  # at least once in the period

    @property
    def patrol_coverage(self) -> float | None:
        return None if self.grids == 0 else self.grids_patrolled / self.grids

    @property
    def visit_rate(self) -> float | None:
        return visit_rate(self.households_visited, self.households)
