"""Tasks pushed onto grids: given by a department, tracked to done with the hours they
took, each inside the territory of whoever records it and on the audit history."""

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action, serves
from gridcenter.domain.errors import Refused
from gridcenter.domain.tasks import check_done, check_due, check_hours, check_title
from gridcenter.queries.places import grid_by_code
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import audit


def _department(session: Session, text: str) -> tables.Department:
    lowered = text.strip().lower()
    found = list(
        session.scalars(
            select(tables.Department).where(
                or_(
                    func.lower(tables.Department.code) == lowered,
                    func.lower(tables.Department.name) == lowered,
                )
            )
        )
    )
    if not found:
        raise Refused(f"no department {text.strip()!r}")
    if len(found) > 1:
        raise Refused(f"{text.strip()!r} names {len(found)} departments; use a code")
    return found[0]


def _record(ctx: Context, session: Session, action: str, ref: int, to_value: str) -> None:
    audit(
        session,
        at=ctx.now(),
        actor=ctx.actor.signature,
        channel=ctx.actor.channel,
        action=action,
        subject_kind="grid_task",
        subject_ref=str(ref),
        to_value=to_value,
    )


def add_task(
    ctx: Context,
    grid: str,
    *,
    department: str,
    title: str,
    due: date,
    hours_estimate: float | None = None,
) -> int:
    """Record a task a department gives a grid; its number. The department must serve the
    grid's street (its own street's, or the district's or city's)."""
    ctx.actor.require(Action.FILE)
    text = check_title(title)
    check_due(due, ctx.now().astimezone(ctx.timezone).date())
    if hours_estimate is not None:
        check_hours(hours_estimate, "--hours-estimate")
    with ctx.db.write() as session:
        place = grid_by_code(session, grid)
        if place is None:
            raise Refused(f"no grid {grid.strip()!r}")
        ctx.actor.require_territory(place.street_id, place.community_id, f"grid {place.code}")
        giver = _department(session, department)
        if not serves(giver.street_id, place.street_id):
            raise Refused(f"{giver.name} serves another street; grid {place.code} is not theirs")
        assert place.id is not None and giver.id is not None
        task = tables.GridTask(
            grid_id=place.id,
            community_id=place.community_id,
            street_id=place.street_id,
            department_id=giver.id,
            title=text,
            due=due,
            hours_estimate=hours_estimate,
            created_at=ctx.now(),
            created_by=ctx.actor.signature,
        )
        session.add(task)
        session.flush()
        assert task.id is not None
        _record(ctx, session, "task_add", task.id, f"{giver.code} -> {place.code}: {text}")
        return task.id


def finish_task(ctx: Context, task_id: int, hours: float) -> None:
    """Mark a task done with the hours it took the grid's staff."""
    ctx.actor.require(Action.FILE)
    check_hours(hours, "--hours")
    with ctx.db.write() as session:
        task = session.scalar(
            select(tables.GridTask).where(tables.GridTask.id == task_id).with_for_update()
        )
        if task is None:
            raise Refused(f"no task {task_id}")
        ctx.actor.require_territory(task.street_id, task.community_id, f"task {task_id}")
        check_done(task_id, task.done_at is not None)
        task.done_at, task.done_by, task.hours = ctx.now(), ctx.actor.signature, hours
        _record(ctx, session, "task_done", task_id, f"{hours:g} hours")
