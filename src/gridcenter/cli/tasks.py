"""`gridcenter grids task ...`: work departments push onto grids that is not a resident's
case (a census form, an inspection, a campaign), tracked to done with its hours."""

from datetime import date
from typing import Annotated

import typer

from gridcenter.cli.common import fail, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.formatting import local
from gridcenter.queries.tasks import task_lines
from gridcenter.services import tasks as service
from gridcenter.services.context import Context

app = typer.Typer(
    help="Tasks departments push onto grids, that are not residents' cases.",
    no_args_is_help=True,
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{text!r} is not a day such as 2026-12-15")


@app.command("add")
def add(
    ctx: typer.Context,
    grid: Annotated[str, typer.Argument(help="The grid's code.")],
    department: Annotated[
        str, typer.Option("--from", help="The department giving it (code or name).")
    ],
    title: Annotated[str, typer.Option(help="What the grid is asked to do.")],
    due: Annotated[str, typer.Option(help="The day it is due: YYYY-MM-DD.")],
    hours_estimate: Annotated[
        float | None, typer.Option(help="How many hours the department expects it to take.")
    ] = None,
) -> None:
    """Record a task a department gives a grid; prints its number."""
    day = _day(due)
    number = run_with_context(
        ctx,
        lambda c: service.add_task(
            c, grid, department=department, title=title, due=day, hours_estimate=hours_estimate
        ),
    )
    say(f"task {number}")


@app.command("list")
def list_(
    ctx: typer.Context,
    grid: Annotated[str | None, typer.Argument(help="Only this grid.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only tasks not done.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The tasks of your territory's grids: open ones first, the soonest due first."""

    def work(context: Context) -> None:
        today = context.now().astimezone(context.timezone).date()
        with context.db.read() as session:
            lines = task_lines(session, context.actor.territory, grid, open_only, today)
        if as_json:
            emit_json(
                [
                    {
                        "id": line.id,
                        "grid": line.grid,
                        "department": line.department,
                        "title": line.title,
                        "due": line.due.isoformat(),
                        "hours_estimate": line.hours_estimate,
                        "state": line.state.value,
                        "done_at": line.done_at.isoformat() if line.done_at else None,
                        "hours": line.hours,
                    }
                    for line in lines
                ]
            )
            return
        if not lines:
            say("no task")
            return
        tz = context.timezone
        table(
            ["Task", "Grid", "From", "Title", "Due", "Estimate", "State", "Done", "Hours"],
            [
                (
                    line.id,
                    line.grid,
                    line.department,
                    line.title,
                    line.due.isoformat(),
                    None if line.hours_estimate is None else f"{line.hours_estimate:g}",
                    line.state.value,
                    local(line.done_at, tz) if line.done_at else None,
                    None if line.hours is None else f"{line.hours:g}",
                )
                for line in lines
            ],
            right=("Task", "Estimate", "Hours"),
            wrap=("Title", "From"),
        )

    run_with_context(ctx, work)


@app.command("done")
def done(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="The task's number.")],
    hours: Annotated[float, typer.Option(help="The hours it took the grid's staff.")],
) -> None:
    """Mark a task done with the hours it took."""
    run_with_context(ctx, lambda c: service.finish_task(c, task, hours))
    say(f"task {task} done in {hours:g} hours")
