"""`gridcenter staff ...`: the people who answer for grids, streets and departments."""

from pathlib import Path
from typing import Annotated

import typer

from gridcenter.cli.common import read_file, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.people import StaffRole
from gridcenter.services import people as service
from gridcenter.services.context import Context

app = typer.Typer(
    help="Staff: who answers for each grid, street and department.", no_args_is_help=True
)

Code = Annotated[str, typer.Argument(help="The person's staff code.")]
Reason = Annotated[str | None, typer.Option(help="Why: kept in the history.")]
ROLES = ", ".join(StaffRole)
UNIT_HELP = "The grid, community, street, department or district they belong to (grids: G1;G2)."


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV file: code,name,role,unit,phone[,login].")],
    reason: Reason = None,
) -> None:
    """Load a staff file whole or not at all: new codes are added, known ones updated. A
    file with any bad row is refused, every bad row named by its line."""
    text = read_file(file)
    done = run_with_context(ctx, lambda c: service.import_staff(c, text, file.name, reason))
    say(f"{file.name}: {done.added} added, {done.updated} updated, {done.unchanged} unchanged")


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The staff of your territory; phones in full only for roles that may reveal personal
    data (the showing recorded)."""

    def work(context: Context) -> None:
        lines, _ = service.list_staff(context)
        if as_json:
            emit_json(
                [
                    {
                        "code": line.code,
                        "name": line.name,
                        "role": line.role,
                        "unit": line.unit,
                        "phone": line.phone,
                        "login": line.login,
                        "active": line.active,
                    }
                    for line in lines
                ]
            )
            return
        table(
            ("code", "name", "role", "unit", "phone", "login", "state"),
            [
                (
                    line.code,
                    line.name,
                    line.role.replace("_", " "),
                    line.unit,
                    line.phone,
                    line.login,
                    "active" if line.active else "disabled",
                )
                for line in lines
            ],
            wrap=("name",),
        )

    run_with_context(ctx, work)


@app.command("add")
def add(
    ctx: typer.Context,
    code: Code,
    name: Annotated[str, typer.Option(help="Their name.")],
    role: Annotated[str, typer.Option(help=ROLES)],
    unit: Annotated[str, typer.Option(help=UNIT_HELP)],
    phone: Annotated[str, typer.Option(help="Their duty phone.")],
    login: Annotated[str, typer.Option(help="The account they use, if any.")] = "",
    reason: Reason = None,
) -> None:
    """Add one person."""
    run_with_context(
        ctx,
        lambda c: service.add_staff(
            c, code, name=name, role=role, unit=unit, phone=phone, login=login, reason=reason
        ),
    )
    say(f"staff {code} added")


@app.command("set")
def set_(
    ctx: typer.Context,
    code: Code,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    role: Annotated[str | None, typer.Option(help=ROLES)] = None,
    unit: Annotated[str | None, typer.Option(help=UNIT_HELP)] = None,
    phone: Annotated[str | None, typer.Option(help="A new duty phone.")] = None,
    login: Annotated[str | None, typer.Option(help="The account they use ('' for none).")] = None,
    reason: Reason = None,
) -> None:
    """Change what is given of one person."""
    changed = run_with_context(
        ctx,
        lambda c: service.set_staff(
            c, code, name=name, role=role, unit=unit, phone=phone, login=login, reason=reason
        ),
    )
    say(f"staff {code} changed" if changed else f"staff {code} unchanged")


@app.command("disable")
def disable(
    ctx: typer.Context,
    code: Code,
    reason: Annotated[str, typer.Option(help="Why (they left, moved away): kept in history.")],
) -> None:
    """Disable someone who left: nothing more is handed to them; their history stays."""
    run_with_context(ctx, lambda c: service.set_active(c, code, False, reason))
    say(f"staff {code} disabled")


@app.command("enable")
def enable(
    ctx: typer.Context,
    code: Code,
    reason: Annotated[str, typer.Option(help="Why: kept in the history.")],
) -> None:
    """Enable a disabled person again."""
    run_with_context(ctx, lambda c: service.set_active(c, code, True, reason))
    say(f"staff {code} enabled")
