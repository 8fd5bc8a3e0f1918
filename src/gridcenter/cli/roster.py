"""`gridcenter roster ...`: who holds each duty post, and when."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from gridcenter.cli.common import fail, read_file, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.formatting import local
from gridcenter.queries.people import roster_lines
from gridcenter.services import roster as service
from gridcenter.services.context import Context

app = typer.Typer(help="The duty roster: who holds each post, and when.", no_args_is_help=True)

Reason = Annotated[str | None, typer.Option(help="Why: kept in the history.")]


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV file: post,person,start,end (local times).")],
    reason: Reason = None,
) -> None:
    """Load a roster file whole or not at all; a post's shift from the same start as a
    stored one replaces it. A file with any bad row is refused, every bad row named."""
    text = read_file(file)
    done = run_with_context(ctx, lambda c: service.import_roster(c, text, file.name, reason))
    say(f"{file.name}: {done.added} added, {done.changed} changed, {done.unchanged} unchanged")


@app.command("add")
def add(
    ctx: typer.Context,
    post: Annotated[str, typer.Option(help="The post's code.")],
    person: Annotated[str, typer.Option(help="The staff code of who holds it.")],
    start: Annotated[str, typer.Option(help="When it starts (2026-11-28T08:00, local).")],
    end: Annotated[str, typer.Option(help="When it ends.")],
    reason: Reason = None,
) -> None:
    """Add one shift."""
    number = run_with_context(ctx, lambda c: service.add_shift(c, post, person, start, end, reason))
    say(f"shift {number} added")


@app.command("swap")
def swap(
    ctx: typer.Context,
    shift: Annotated[int, typer.Argument(help="The shift's number (roster list shows it).")],
    to: Annotated[str, typer.Option(help="The staff code of who takes it over.")],
    reason: Annotated[str, typer.Option(help="Why: kept in the history.")],
) -> None:
    """Hand a shift to someone else."""
    run_with_context(ctx, lambda c: service.swap_shift(c, shift, to, reason))
    say(f"shift {shift} now held by {to}")


@app.command("post")
def post(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The post's code.")],
    name: Annotated[str, typer.Option(help="Its name.")],
    place: Annotated[
        str, typer.Option(help="`district`, or the street or community it serves.")
    ] = "district",
    reason: Reason = None,
) -> None:
    """Add a duty post, or rename or move one."""
    new = run_with_context(ctx, lambda c: service.put_post(c, code, name, place, reason))
    say(f"post {code} {'added' if new else 'changed'}")


@app.command("list")
def list_(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help="A local day (2026-11-28); today by default.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The shifts of your territory's posts on one local day."""

    def work(context: Context) -> None:
        tz = context.timezone
        try:
            chosen = date.fromisoformat(day) if day else context.now().astimezone(tz).date()
        except ValueError:
            fail(f"{day!r} is not a day such as 2026-11-28")
        starts = datetime.combine(chosen, time(), tz)
        ends = datetime.combine(chosen + timedelta(days=1), time(), tz)
        with context.db.read() as session:
            lines = roster_lines(session, context.actor.territory, starts, ends)
        if as_json:
            emit_json(
                [
                    {
                        "shift": line.id,
                        "post": line.post,
                        "post_name": line.post_name,
                        "person": line.person,
                        "name": line.name,
                        "start": line.starts.astimezone(tz).isoformat(),
                        "end": line.ends.astimezone(tz).isoformat(),
                    }
                    for line in lines
                ]
            )
            return
        table(
            ("shift", "post", "name", "person", "held by", "from", "to"),
            [
                (
                    line.id,
                    line.post,
                    line.post_name,
                    line.person,
                    line.name,
                    local(line.starts, tz),
                    local(line.ends, tz),
                )
                for line in lines
            ],
            right=("shift",),
            wrap=("name", "held by"),
        )

    run_with_context(ctx, work)
