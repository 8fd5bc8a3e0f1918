"""The stationing day on record: on the 28th leaders hold a face-to-face meeting in each
community; the issues raised there become cases, and the next month's meeting hears what
became of them.

A community holds one meeting a month, named by its code and the month
(430199001001-2026-11). Issues are numbered from 1 in the order they were raised."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from gridcenter.domain.errors import Refused

MAX_ISSUE = 1_000  # characters: an issue is a sentence or a paragraph, not a file
MAX_ISSUES = 100
MAX_ATTENDEES = 500
MAX_RESIDENTS = 100_000

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_CODE = re.compile(r"^(.+)-(\d{4}-\d{2})$")


def month_of(at: datetime, zone: tzinfo) -> str:
    """The month a meeting belongs to, as YYYY-MM in the district's time."""
    return at.astimezone(zone).strftime("%Y-%m")


def previous_stationing(at: datetime, day: int) -> datetime:
    """The same day and time one month earlier."""
    first = at.replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    return before.replace(day=min(day, 28))


def check_month(text: str) -> str:
    month = text.strip()
    if not _MONTH.match(month):
        raise Refused(f"{text!r} is not a month: give YYYY-MM such as 2026-11")
    return month


def meeting_code(community: str, month: str) -> str:
    return f"{community}-{month}"


def split_meeting_code(text: str) -> tuple[str, str]:
    """The community code and month a meeting's code names."""
    found = _CODE.match(text.strip())
    if found is None or not _MONTH.match(found.group(2)):
        raise Refused(
            f"{text!r} is not a meeting: give COMMUNITY-YYYY-MM such as 430199001001-2026-11"
        )
    return found.group(1), found.group(2)


@dataclass(frozen=True)
class MeetingRecord:
    """A meeting as it is recorded: who convened it, the cadre stationed there, who
    attended (staff codes), how many residents came, and the issues raised."""

    community: str
    convener: str
    cadre: str
    attendees: tuple[str, ...]
    issues: tuple[str, ...]
    at: datetime
    residents: int = 0


def check_meeting(record: MeetingRecord, now: datetime) -> MeetingRecord:
    """The record with its text trimmed and attendees listed once, or the refusal."""
    community, convener, cadre = (
        record.community.strip(),
        record.convener.strip(),
        record.cadre.strip(),
    )
    if not community:
        raise Refused("say which community held the meeting")
    if not convener or not cadre:
        raise Refused("a meeting needs its convener and its stationed cadre (staff codes)")
    if record.at > now:
        raise Refused("a meeting is recorded once it was held, not before")
    if not 0 <= record.residents <= MAX_RESIDENTS:
        raise Refused(f"residents: give a count from 0 to {MAX_RESIDENTS}")
    attendees = tuple(dict.fromkeys(code.strip() for code in record.attendees if code.strip()))
    if len(attendees) > MAX_ATTENDEES:
        raise Refused(f"{len(attendees)} attendees; at most {MAX_ATTENDEES} are recorded")
    issues = tuple(text.strip() for text in record.issues)
    if any(not text for text in issues):
        raise Refused("an issue is empty: say what was raised")
    if len(issues) > MAX_ISSUES:
        raise Refused(f"{len(issues)} issues; at most {MAX_ISSUES} a meeting")
    for number, text in enumerate(issues, start=1):
        if len(text) > MAX_ISSUE:
            raise Refused(f"issue {number} is {len(text)} characters; at most {MAX_ISSUE}")
    return MeetingRecord(community, convener, cadre, attendees, issues, record.at, record.residents)


def _texts(data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Refused(f"{key!r} must be a list of texts")
    return tuple(value)


def _text(data: dict[str, object], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise Refused(f"{key!r} must be a text")
    return value


def read_meeting_file(text: str, when: Callable[[str | None], datetime]) -> MeetingRecord:
    """A meeting from a JSON file: {"community", "convener", "cadre", "attendees": [...],
    "issues": [...], "at": time (optional), "residents": n (optional)}; `when` reads the
    time (None when the file has none)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise Refused(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise Refused("the file must hold one JSON object: the meeting")
    unknown = set(data) - {
        "community",
        "convener",
        "cadre",
        "attendees",
        "issues",
        "at",
        "residents",
    }
    if unknown:
        raise Refused(f"unknown fields: {', '.join(sorted(unknown))}")
    residents = data.get("residents", 0)
    if isinstance(residents, bool) or not isinstance(residents, int):
        raise Refused("'residents' must be a whole number")
    return MeetingRecord(
        community=_text(data, "community"),
        convener=_text(data, "convener"),
        cadre=_text(data, "cadre"),
        attendees=_texts(data, "attendees"),
        issues=_texts(data, "issues"),
        at=when(_text(data, "at") or None),
        residents=residents,
    )


class Outcome(StrEnum):
    """What became of an issue raised at a meeting."""

    NO_CASE = "no case"  # nobody has made it a case or linked one yet
    OPEN = "open"
    OVERDUE = "overdue"  # open, with its step past its deadline
    CLOSED = "closed"
    DISMISSED = "dismissed"  # dismissed at filing: not a case


def outcome_of(
    step: str | None,
    invalid: bool,
    deadline: datetime | None,
    parked: bool,
    now: datetime,
) -> Outcome:
    """An issue's outcome from its case as it stands (step None: no case). A parked case's
    clock is stopped, so it is open, not overdue."""
    if step is None:
        return Outcome.NO_CASE
    if step == "closed":
        return Outcome.DISMISSED if invalid else Outcome.CLOSED
    if not parked and deadline is not None and deadline < now:
        return Outcome.OVERDUE
    return Outcome.OPEN


def check_issue_number(number: int, count: int, code: str) -> None:
    if not 1 <= number <= count:
        raise Refused(
            f"meeting {code} has no issue {number}"
            + (f": its issues are 1 to {count}" if count else ": no issue was raised")
        )


def check_unlinked(number: int, code: str, case: str | None) -> None:
    """An issue becomes one case: a second one would split what residents hear back."""
    if case is not None:
        raise Refused(f"issue {number} of meeting {code} is linked to case {case} already")
