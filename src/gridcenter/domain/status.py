"""A grid's alert status on the board: the worst thing that is true of it."""

from enum import StrEnum


class GridStatus(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"
    ALARM = "alarm"
    UNSTAFFED = "unstaffed"  # nobody answers for the grid
    NO_DUTY = "no duty"  # nobody on duty for its street right now
    UNPATROLLED = "no patrol"  # nobody has walked it within the policy's gap

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def rank(self) -> int:
        """Higher is worse: boards and summaries sort by it."""
        return _RANKS[self]


_SYMBOLS = {
    GridStatus.NORMAL: "·",
    GridStatus.WARNING: "!",
    GridStatus.ALARM: "◆",  # ▲ is "overdue" (the level tabs)
    GridStatus.UNSTAFFED: "✖",
    GridStatus.NO_DUTY: "∅",
    GridStatus.UNPATROLLED: "○",
}
_RANKS = {
    GridStatus.NORMAL: 0,
    GridStatus.WARNING: 1,
    GridStatus.UNPATROLLED: 2,
    GridStatus.NO_DUTY: 3,
    GridStatus.UNSTAFFED: 4,
    GridStatus.ALARM: 5,
}

# A grid with this many overdue cases is in alarm even without an alarm alert.
ALARM_OVERDUE = 3


def grid_status(
    *,
    overdue: int,
    alarms: int,
    warnings: int,
    staffed: bool,
    on_duty: bool,
    patrolled: bool = True,
) -> GridStatus:
    if alarms or overdue >= ALARM_OVERDUE:
        return GridStatus.ALARM
    if not staffed:
        return GridStatus.UNSTAFFED
    if not on_duty:
        return GridStatus.NO_DUTY
    if not patrolled:
        return GridStatus.UNPATROLLED
    if overdue or warnings:
        return GridStatus.WARNING
    return GridStatus.NORMAL


def trouble(status: GridStatus, overdue: int) -> int:
    """Where a grid stands on a board ordered by trouble, lower first: alarms, then grids
    with overdue cases, then warnings, then grids nobody answers for, is on duty for or
    has patrolled."""
    if status is GridStatus.ALARM:
        return 0
    if overdue:
        return 1
    if status is GridStatus.WARNING:
        return 2
    if status in (GridStatus.UNSTAFFED, GridStatus.NO_DUTY, GridStatus.UNPATROLLED):
        return 3
    return 4
