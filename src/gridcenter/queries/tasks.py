"""Tasks pushed onto grids as they are listed, and the figures the report shows of them:
per department, and the hours behind the share of grid staff time they take."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.periods import Period
from gridcenter.domain.tasks import DepartmentTasks, TaskState, task_state
from gridcenter.queries.assessment import Place
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables

Task = tables.GridTask


@dataclass(frozen=True)
class TaskLine:
    id: int
    grid: str
    department: str
    title: str
    due: date
    hours_estimate: float | None
    state: TaskState
    done_at: datetime | None
    hours: float | None


def task_lines(
    session: Session, territory: Territory, grid: str | None, open_only: bool, today: date
) -> list[TaskLine]:
    """The tasks of the territory's grids (or of one grid), the soonest due first."""
    query = (
        select(
            Task.id,
            tables.Grid.code,
            tables.Department.name,
            Task.title,
            Task.due,
            Task.hours_estimate,
            Task.done_at,
            Task.hours,
        )
        .join(tables.Grid, tables.Grid.id == Task.grid_id)
        .join(tables.Department, tables.Department.id == Task.department_id)
        .where(in_territory(territory, Task.street_id, Task.community_id))
        .order_by(Task.done_at.is_not(None), Task.due, Task.id)
    )
    if grid is not None:
        query = query.where(tables.Grid.code == grid.strip())
    if open_only:
        query = query.where(Task.done_at.is_(None))
    return [
        TaskLine(
            id,
            code,
            department,
            title,
            due,
            estimate,
            task_state(due, done_at is not None, today),
            done_at,
            hours,
        )
        for id, code, department, title, due, estimate, done_at, hours in session.execute(query)
    ]


def _place(place: Place, street: Any, community: Any, grid: Any) -> ColumnElement[bool]:
    column = {"street": street, "community": community, "grid": grid}.get(place.kind)
    return true() if column is None else column == place.id


def _tasks_of(territory: Territory, place: Place) -> ColumnElement[bool]:
    return and_(
        in_territory(territory, Task.street_id, Task.community_id),
        _place(place, Task.street_id, Task.community_id, Task.grid_id),
    )


def department_tasks(
    session: Session, period: Period, territory: Territory, place: Place
) -> list[DepartmentTasks]:
    """Per department: the tasks it gave the place's grids in the period, and those done in
    the period with the hours they took; the heaviest first."""
    pushed_in = and_(Task.created_at >= period.start, Task.created_at < period.end)
    done_in = and_(Task.done_at >= period.start, Task.done_at < period.end)
    rows = session.execute(
        select(
            tables.Department.name,
            func.count(Task.id).filter(pushed_in),
            func.count(Task.id).filter(done_in),
            func.coalesce(func.sum(Task.hours).filter(done_in), 0.0),
        )
        .join(tables.Department, tables.Department.id == Task.department_id)
        .where(_tasks_of(territory, place), or_(pushed_in, done_in))
        .group_by(tables.Department.name)
    )
    found = [
        DepartmentTasks(name, pushed, done, float(hours)) for name, pushed, done, hours in rows
    ]
    return sorted(found, key=lambda d: (-d.hours, -d.pushed, d.name))


def task_hours(session: Session, period: Period, territory: Territory, place: Place) -> float:
    """The hours recorded on the place's tasks done in the period."""
    hours = session.scalar(
        select(func.coalesce(func.sum(Task.hours), 0.0)).where(
            _tasks_of(territory, place),
            Task.done_at >= period.start,
            Task.done_at < period.end,
        )
    )
    return float(hours or 0.0)
