"""How a report becomes a case: the channels it comes by, where it is said to be, and the
rules for a report no grid covers, a possible repeat and a case handled on the spot."""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import HOUR, CaseState, Step, StepLimits


class Channel(StrEnum):
    """How a report reached the command center."""

    HOTLINE = "hotline"
    PHONE = "phone"
    WALK_IN = "walk-in"
    WECHAT = "wechat"
    PATROL = "patrol"
    DEPARTMENT = "department"
    CAMERA = "camera"
    SENSOR = "sensor"

    @classmethod
    def parse(cls, text: str) -> "Channel":
        try:
            return cls(text.strip().lower().replace("_", "-"))
        except ValueError:
            raise not_valid("channel", text, cls) from None


@dataclass(frozen=True)
class Point:
    """A place in WGS84 degrees."""

    lat: float
    lon: float

    @classmethod
    def parse(cls, text: str) -> "Point":
        """LAT,LON as people type it: "28.152,112.851" (spaces allowed)."""
        parts = text.split(",")
        try:
            if len(parts) != 2:
                raise ValueError
            lat, lon = (float(part.strip()) for part in parts)
        except ValueError:
            raise Refused(f"{text!r} is not a place: give LAT,LON such as 28.152,112.851") from None
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise Refused(
                f"{text!r} is not a place on earth: latitude -90..90, longitude -180..180"
            )
        return cls(lat, lon)

    def metres_to(self, other: "Point") -> float:
        """The great-circle distance (haversine), good to a metre at a grid's scale."""
        earth = 6_371_000.0
        lat1, lat2 = math.radians(self.lat), math.radians(other.lat)
        dlat = lat2 - lat1
        dlon = math.radians(other.lon - self.lon)
        h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * earth * math.asin(min(1.0, math.sqrt(h)))


def normal_address(text: str) -> str:
    """An address as it is matched: full-width digits, letters and punctuation made
    half-width (NFKC), case folded, runs of whitespace made one space, and no space next
    to punctuation ("No. 12 , Xiangjiang Road" and "no.12,xiangjiang road" match)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    spaced = " ".join(folded.split())
    return re.sub(r"\s*([^\w\s])\s*", r"\1", spaced)


# -- a report no grid covers ------------------------------------------------------


@dataclass(frozen=True)
class UnplacedPolicy:
    """A report no grid covers waits at the district (level C) to be placed in a grid or
    handed to the authority it belongs to, within this many calendar hours: the command
    center runs around the clock."""

    place_within_h: float = 2.0
    level: Level = Level.C

    def deadline(self, reported_at: datetime) -> datetime:
        return reported_at + timedelta(hours=self.place_within_h)

    def clock(self, state: CaseState, now: datetime) -> CaseState:
        """The reported step of a case in no grid: at the district's level, on the clock
        for placing it rather than its category's limit for filing, counted in calendar
        hours (`placing_limits`)."""
        limit = self.place_within_h * HOUR
        deadline = self.deadline(now)
        warn_at = deadline - timedelta(seconds=limit * (1 - state.limits.warn_share))
        return replace(
            state,
            limits=placing_limits(state.limits),
            level=self.level,
            step_limit_s=limit,
            deadline=deadline,
            warn_at=warn_at,
        )


def placing_limits(limits: StepLimits) -> StepLimits:
    """A case in no grid waits on calendar hours, night and day, whatever its category's
    counting: what its clock has used and what is left are counted so, until it is placed."""
    return replace(limits, urgent=True)


@dataclass(frozen=True)
class Whereabouts:
    """What the rules for placing, moving and merging know of a case."""

    code: str
    step: Step
    grid: str | None  # the grid's code; None while no grid covers it

    @property
    def is_open(self) -> bool:
        return self.step is not Step.CLOSED


def _why(reason: str | None, action: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise Refused(f"{action} needs a reason")
    return text


def require_placed(case: Whereabouts) -> None:
    """A case in no grid is placed before anything else is done with it."""
    if case.grid is None:
        raise Refused(
            f"case {case.code} is in no grid; place it first (case place {case.code} --grid ...)"
        )


def check_place(case: Whereabouts, reason: str | None) -> str:
    """Only an open case that no grid holds yet is placed; why, for its history."""
    why = _why(reason, "placing a case")
    if not case.is_open:
        raise Refused(f"case {case.code} is closed; only an open case can be placed")
    if case.grid is not None:
        raise Refused(f"case {case.code} is already in grid {case.grid}; transfer it to move it")
    return why


def check_transfer(case: Whereabouts, to_grid: str, reason: str | None) -> str:
    """An open case moves from its grid to another one; why, for its history."""
    why = _why(reason, "transferring a case")
    if not case.is_open:
        raise Refused(f"case {case.code} is closed; only an open case can be transferred")
    if case.grid is None:
        raise Refused(f"case {case.code} is in no grid yet; place it instead")
    if case.grid == to_grid:
        raise Refused(f"case {case.code} is already in grid {to_grid}")
    return why


MERGEABLE = (Step.REPORTED, Step.FILED)  # nobody has worked on it yet


def check_hand_over(
    case: Whereabouts, authority: str | None, reason: str | None
) -> tuple[str, str]:
    """A case that is not the district's (another district, a neighbouring city's hotline)
    is handed to the authority it belongs to, before anyone here works on it: open and
    reported or filed, in no grid or in one. The authority's name and why, for its history."""
    why = _why(reason, "handing a case over")
    to = " ".join((authority or "").split())
    if not to:
        raise Refused("handing a case over needs the authority it goes to (--to)")
    if not case.is_open:
        raise Refused(f"case {case.code} is closed; only an open case can be handed over")
    if case.step not in MERGEABLE:
        raise Refused(
            f"case {case.code} is {case.step.label}; only a reported or filed case can be "
            "handed over (it is being worked on here)"
        )
    return to, why


def check_merge(duplicate: Whereabouts, original: Whereabouts, reason: str | None) -> str:
    """A repeat report closes into the case it repeats: both open, the repeat not yet
    dispatched (no one's work is lost), and of the same place (the repeat may be in no grid
    yet: merging places it). Why, for both histories."""
    why = _why(reason, "merging a repeat")
    if duplicate.code == original.code:
        raise Refused(f"case {duplicate.code} cannot be merged into itself")
    if not duplicate.is_open:
        raise Refused(f"case {duplicate.code} is closed; only an open case can be merged")
    if not original.is_open:
        raise Refused(
            f"case {original.code} is closed; merge into an open case (or reopen it first)"
        )
    if duplicate.step not in MERGEABLE:
        raise Refused(
            f"case {duplicate.code} is {duplicate.step.label}; only a reported or filed case "
            "can be merged (merge the other way, or dismiss nothing that is being worked on)"
        )
    if original.grid is None:
        raise Refused(f"case {original.code} is in no grid; place it before merging into it")
    if duplicate.grid is not None and duplicate.grid != original.grid:
        raise Refused(
            f"case {duplicate.code} is in grid {duplicate.grid} and {original.code} in grid "
            f"{original.grid}: a repeat is of the same place (transfer one first)"
        )
    return why


# -- a possible repeat ------------------------------------------------------------


@dataclass(frozen=True)
class RepeatPolicy:
    """A new report is a possible repeat of an open case of the same category reported
    within `within_h` hours, in the same grid or (when both have a point) within `metres`
    of it: two reports either side of a grid boundary are still one heap."""

    within_h: float = 48.0
    metres: float = 100.0


@dataclass(frozen=True)
class Earlier:
    """An open case a new report could repeat."""

    code: str
    grid_id: int | None
    category_id: int
    reported_at: datetime
    point: Point | None


def possible_repeat(
    policy: RepeatPolicy,
    *,
    grid_id: int | None,
    category_id: int,
    point: Point | None,
    now: datetime,
    earlier: list[Earlier],
) -> Earlier | None:
    """The open case a new report may repeat: the nearest in place, then the newest; None
    when there is none. With both points known the distance decides; otherwise the grid."""
    since = now - timedelta(hours=policy.within_h)
    found = []
    for case in earlier:
        if case.category_id != category_id or not since <= case.reported_at <= now:
            continue
        if point is not None and case.point is not None:
            apart = point.metres_to(case.point)
            if apart > policy.metres:
                continue
        elif grid_id is not None and case.grid_id == grid_id:
            apart = policy.metres
        else:
            continue
        found.append((apart, -case.reported_at.timestamp(), case))
    return min(found, key=lambda item: item[:2])[2] if found else None


# -- on-the-spot disposal ---------------------------------------------------------


ON_THE_SPOT_LEVEL = "A"


def on_the_spot(
    *,
    handled: str,
    category: str | None,
    level: str | None,
    grid: str | None,
    worker: str | None,
    on_team: bool,
) -> str:
    """What was done, when a report may be handled as it is made: only a case of a level A
    category (the grid's own to dispose of), in a grid, by a grid worker of that grid's
    team. Someone else verifies it afterwards."""
    what = handled.strip()
    if not what:
        raise Refused("say what was done on the spot")
    if category is None:
        raise Refused(
            "a case handled on the spot needs a category (`gridcenter categories list` shows them)"
        )
    if level != ON_THE_SPOT_LEVEL:
        raise Refused(
            f"{category} is a level {level} category, not the grid's own to dispose of; "
            "only a level A case may be handled on the spot"
        )
    if grid is None:
        raise Refused("no grid covers that place; a case handled on the spot needs its grid")
    if worker is None:
        raise Refused(
            "only a grid worker may handle a case on the spot: "
            "name them with --reporter (a staff code, login or name)"
        )
    if not on_team:
        raise Refused(
            f"{worker} is not on grid {grid}'s team; only its own grid workers may handle "
            "a case there on the spot"
        )
    return what


# -- the assessment of reports no grid covered, and of repeats ----------------------

# Points are counted by where they round to: a thousandth of a degree, about 100 m.
POINT_DECIMALS = 3


@dataclass(frozen=True)
class UnplacedPlace:
    """Where reports no grid covered were said to be, and how many came from there."""

    where: str
    reports: int


@dataclass(frozen=True)
class Repeats:
    """Reports flagged as possible repeats when they came in, and repeats merged."""

    flagged: int
    merged: int


def _said_at(address: str, lat: float | None, lon: float | None) -> tuple[str, str]:
    """The key a report is counted under and the words shown for it: its address as
    matched, else its point rounded to about 100 m."""
    if address.strip():
        return "a:" + normal_address(address), " ".join(address.split())
    if lat is not None and lon is not None:
        point = f"{lat:.{POINT_DECIMALS}f}, {lon:.{POINT_DECIMALS}f}"
        return "p:" + point, point
    return "", "no place given"


def unplaced_places(
    said: Iterable[tuple[str, float | None, float | None]], top: int
) -> list[UnplacedPlace]:
    """The places that produced most reports no grid covered, most first, at most `top`."""
    counts: Counter[str] = Counter()
    words: dict[str, str] = {}
    for address, lat, lon in said:
        key, label = _said_at(address, lat, lon)
        counts[key] += 1
        words.setdefault(key, label)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], words[item[0]]))
    return [UnplacedPlace(words[key], n) for key, n in ranked[:top]]
