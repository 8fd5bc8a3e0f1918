"""How a report becomes a case: the channels it comes by, where it is said to be, and the
rules for a report no grid covers, a possible repeat and a case handled on the spot."""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid


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
    level: str = "C"

    def deadline(self, reported_at: datetime) -> datetime:
        return reported_at + timedelta(hours=self.place_within_h)


# -- a possible repeat ------------------------------------------------------------


@dataclass(frozen=True)
class RepeatPolicy:
    """A new report is a possible repeat of an open case of the same grid and category
    reported within `within_h` hours; when both have a point, only if they lie within
    `metres` of each other."""

    within_h: float = 48.0
    metres: float = 100.0


@dataclass(frozen=True)
class Earlier:
    """An open case a new report could repeat."""

    code: str
    grid_id: int
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
    when there is none (a report in no grid repeats nothing until it is placed)."""
    if grid_id is None:
        return None
    since = now - timedelta(hours=policy.within_h)
    found = []
    for case in earlier:
        if case.grid_id != grid_id or case.category_id != category_id:
            continue
        if not since <= case.reported_at <= now:
            continue
        apart = None if point is None or case.point is None else point.metres_to(case.point)
        if apart is not None and apart > policy.metres:
            continue
        found.append(
            (apart if apart is not None else policy.metres, -case.reported_at.timestamp(), case)
        )
    return min(found, key=lambda item: item[:2])[2] if found else None


# -- on-the-spot disposal ---------------------------------------------------------


ON_THE_SPOT_LEVEL = "A"


def on_the_spot(*, level: str, handled: str, staff_role: str | None) -> str:
    """Whether a report may be handled as it is made, and what was done: only an A-level
    case (the grid's own to dispose of), only by a grid worker of the grid's team, and
    saying what was done. Someone else verifies it afterwards."""
    what = handled.strip()
    if not what:
        raise Refused("say what was done on the spot")
    if staff_role is None:
        raise Refused("only a grid worker reporting from patrol may handle a case on the spot")
    if level != ON_THE_SPOT_LEVEL:
        raise Refused(
            f"a level {level} case is not the grid's own to dispose of; "
            "only a level A case may be handled on the spot"
        )
    return what
