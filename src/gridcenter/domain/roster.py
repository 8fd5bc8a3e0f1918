"""The duty roster: who holds each post when. A post must never have two holders at once,
nor a person two posts, and a shift is a stretch of at most a day."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gridcenter.domain.calendar import local_moment
from gridcenter.domain.errors import Refused
from gridcenter.domain.sheets import BadFile, Problem, Row, read_rows

ROSTER_COLUMNS = ("post", "person", "start", "end")
LONGEST_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class Shift:
    """A shift as typed (`where` says which line) or as stored (`where` names it)."""

    post: str
    person: str
    starts: datetime
    ends: datetime
    where: str = ""

    def overlaps(self, other: "Shift") -> bool:
        return self.starts < other.ends and other.starts < self.ends

    def same_slot(self, other: "Shift") -> bool:
        """The same post from the same moment: a file giving it again replaces it."""
        return self.post == other.post and self.starts == other.starts


def parse_moment(text: str, zone: ZoneInfo, what: str) -> datetime:
    try:
        return local_moment(text, zone)
    except ValueError:
        raise Refused(
            f"{what} {text!r} is not a time such as 2026-11-28T08:00 (the district's time)"
        ) from None


def check_shift(
    post: str,
    person: str,
    start: str,
    end: str,
    zone: ZoneInfo,
    posts: Mapping[str, bool],
    people: Mapping[str, bool],
) -> Shift:
    """A shift as typed, or a refusal naming the first thing wrong. `posts`: post codes,
    each inside the territory or not; `people`: staff codes, each active or not."""
    if post not in posts:
        raise Refused(f"no duty post {post!r}")
    if not posts[post]:
        raise Refused(f"post {post} is outside your territory")
    if person not in people:
        raise Refused(f"no staff {person!r}")
    if not people[person]:
        raise Refused(f"staff {person} is disabled")
    starts = parse_moment(start, zone, "start")
    ends = parse_moment(end, zone, "end")
    if ends <= starts:
        raise Refused("the shift ends before it starts")
    if ends - starts > LONGEST_SHIFT:
        raise Refused("a shift is at most 24 hours; give each day a line of its own")
    return Shift(post, person, starts, ends)


def clash(shift: Shift, others: Iterable[Shift]) -> str | None:
    """Why `shift` cannot stand beside `others`: the post held twice, or the person on two
    posts at once. A shift in the same slot is one it replaces, not a clash."""
    for other in others:
        if other.same_slot(shift) or not other.overlaps(shift):
            continue
        if other.post == shift.post:
            return f"post {shift.post} is held by {other.person} then ({other.where})"
        if other.person == shift.person:
            return f"{shift.person} is on duty at {other.post} then ({other.where})"
    return None


def read_roster(
    text: str,
    name: str,
    zone: ZoneInfo,
    posts: Mapping[str, bool],
    people: Mapping[str, bool],
    stored: Callable[[datetime, datetime], Sequence[Shift]] = lambda starts, ends: (),
) -> list[Shift]:
    """Every shift of a roster file (post,person,start,end), or BadFile naming every bad
    row: an unknown post or person, a time that is not one, a shift that ends before it
    starts or lasts over a day, and a clash with another row or a stored shift (`stored`
    gives those between two moments)."""
    problems: list[Problem] = []
    read: list[tuple[int, Shift]] = []
    for item in read_rows(text, name, ROSTER_COLUMNS):
        if not isinstance(item, Row):
            problems.append(item)
            continue
        try:
            shift = check_shift(
                item["post"], item["person"], item["start"], item["end"], zone, posts, people
            )
        except Refused as refused:
            problems.append(Problem(item.line, str(refused)))
            continue
        where = f"line {item.line}"
        read.append((item.line, Shift(shift.post, shift.person, shift.starts, shift.ends, where)))
    known = stored(min(s.starts for _, s in read), max(s.ends for _, s in read)) if read else ()
    kept = [old for old in known if not any(new.same_slot(old) for _, new in read)]
    shifts: list[Shift] = []
    for line, shift in read:
        twice = next((earlier for earlier in shifts if earlier.same_slot(shift)), None)
        why = (
            f"post {shift.post} from that start is already on {twice.where}"
            if twice
            else clash(shift, [*shifts, *kept])
        )
        if why:
            problems.append(Problem(line, why))
        else:
            shifts.append(shift)
    if problems:
        raise BadFile(name, sorted(problems, key=lambda problem: problem.line))
    return shifts
