"""How times and durations read on screen and in listings."""

from datetime import datetime
from zoneinfo import ZoneInfo


def duration(seconds: float) -> str:
    """A compact span: 45s, 12m, 3h05m, 2d04h."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def time_left(seconds: float | None, parked: bool = False) -> str:
    """`2h05m left`, `OVER 1h10m`, `paused`."""
    if seconds is None:
        return "-"
    if parked:
        return f"paused {duration(seconds)}"
    if seconds < 0:
        return f"OVER {duration(seconds)}"
    return f"{duration(seconds)} left"


def local(moment: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.astimezone(tz).strftime(fmt)
