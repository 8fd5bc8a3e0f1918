"""Tasks pushed onto the grid: a department gives a grid work that is not a resident's case
(a census form, an inspection, a campaign). Grid staff are overloaded with such tasks, and
formalism (forms instead of service) is a named failure, so each is tracked to done with
the hours it took, and the share of grid staff time they take is a figure of its own:

    task share = task hours / (task hours + patrol hours)

over a period and a place: the hours recorded on tasks done in the period, and the hours
of the patrols that ended in it (the assessment's patrol hours). Case handling is not
timed, so it is in neither part."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from gridcenter.domain.errors import Refused

MAX_TITLE = 200
MAX_HOURS = 1_000.0  # one task; more is a typing slip, not a census


class TaskState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"  # open past its due day
    DONE = "done"


def check_title(title: str) -> str:
    text = " ".join(title.split())
    if not text:
        raise Refused("a task needs a title: say what the grid is asked to do")
    if len(text) > MAX_TITLE:
        raise Refused(f"a task's title is at most {MAX_TITLE} characters")
    return text


def check_hours(hours: float, what: str) -> float:
    if not 0 < hours <= MAX_HOURS:  # also refuses NaN
        raise Refused(f"{what}: give hours above 0 and at most {MAX_HOURS:g}")
    return hours


def check_due(due: date, today: date) -> date:
    """A task pushed down with a due day already past is a task the grid has failed."""
    if due < today:
        raise Refused(f"due {due.isoformat()} is past: a task is given before its due day")
    return due


def check_done(task: int, done: bool) -> None:
    if done:
        raise Refused(f"task {task} is done already")


def task_state(due: date, done: bool, today: date) -> TaskState:
    if done:
        return TaskState.DONE
    return TaskState.OVERDUE if due < today else TaskState.OPEN


@dataclass(frozen=True)
class DepartmentTasks:
    """What one department pushed onto grids in a period: tasks given, tasks done, and the
    hours the done ones took."""

    name: str
    pushed: int
    done: int
    hours: float


@dataclass(frozen=True)
class TaskLoad:
    """The grid staff's time in a period: on tasks pushed down, and on patrol."""

    task_hours: float = 0.0
    patrol_hours: float = 0.0

    @property
    def share(self) -> float | None:
        """The share of time on tasks that are not residents' cases; None when no time
        was recorded at all (never a made-up 0%)."""
        whole = self.task_hours + self.patrol_hours
        return self.task_hours / whole if whole > 0 else None
