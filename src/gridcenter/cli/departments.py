"""`gridcenter departments ...`: who cases are dispatched to, and what each one handles."""

from pathlib import Path
from typing import Annotated

import typer

from gridcenter.cli.common import read_file, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.queries.people import department_lines
from gridcenter.services import reference as service
from gridcenter.services.context import Context

app = typer.Typer(
    help="Departments and their responsibility lists (categories at levels).",
    no_args_is_help=True,
)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A CSV file: code,name,level,street,phone,handles; handles lists categories "
            "separated by ';', each perhaps with its levels (URB-ENV-03@BC)."
        ),
    ],
    reason: Annotated[str | None, typer.Option(help="Why: kept in the history.")] = None,
) -> None:
    """Load a department file whole or not at all: new codes added, known ones updated with
    their responsibility lists replaced. Any bad row refuses the file, every bad row named."""
    text = read_file(file)
    done = run_with_context(ctx, lambda c: service.import_departments(c, text, file.name, reason))
    say(f"{file.name}: {done.added} added, {done.updated} updated, {done.unchanged} unchanged")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The departments serving your territory, with what each one handles."""

    def work(context: Context) -> None:
        with context.db.read() as session:
            lines = department_lines(session, context.actor.territory)
        if as_json:
            emit_json(
                [
                    {
                        "code": line.code,
                        "name": line.name,
                        "level": line.level,
                        "street": line.street,
                        "phone": line.phone,
                        "handles": list(line.handles),
                    }
                    for line in lines
                ]
            )
            return
        table(
            ("code", "name", "level", "street", "phone", "handles"),
            [
                (
                    line.code,
                    line.name,
                    line.level,
                    line.street,
                    line.phone,
                    " ".join(line.handles),
                )
                for line in lines
            ],
            wrap=("name", "handles"),
        )

    run_with_context(ctx, work)
