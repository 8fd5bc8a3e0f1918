"""`gridcenter categories ...`: the taxonomy cases are filed under."""

from typing import Annotated

import typer

from gridcenter.cli.common import run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.categories import LimitChange
from gridcenter.queries.categories import minor_categories
from gridcenter.services import reference as service
from gridcenter.services.context import Context

app = typer.Typer(help="The categories cases are filed under.", no_args_is_help=True)


@app.command("list")
def list_categories(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON array instead of a table.")
    ] = False,
) -> None:
    """Every category a case can be filed under, with its level and time limits (hours)."""

    def work(context: Context) -> None:
        with context.db.read() as session:
            lines = minor_categories(session)
        if as_json:
            emit_json(
                [
                    {
                        "code": c.code,
                        "name": c.name,
                        "major": c.major,
                        "level": c.level,
                        "kind": c.kind,
                        "urgent": c.urgent,
                        "limits_h": {
                            "file": c.file_h,
                            "dispatch": c.dispatch_h,
                            "handle": c.handle_h,
                            "verify": c.verify_h,
                            "close": c.close_h,
                        },
                        "warn_share": c.warn_share,
                    }
                    for c in lines
                ]
            )
            return
        table(
            ("code", "name", "major", "level", "file", "dispatch", "handle", "verify", "close"),
            [
                (
                    c.code,
                    c.name + (" (urgent)" if c.urgent else ""),
                    c.major,
                    c.level,
                    f"{c.file_h:g}h",
                    f"{c.dispatch_h:g}h",
                    f"{c.handle_h:g}h",
                    f"{c.verify_h:g}h",
                    f"{c.close_h:g}h",
                )
                for c in lines
            ],
            right=("file", "dispatch", "handle", "verify", "close"),
            wrap=("name", "major"),
        )

    run_with_context(ctx, work)


@app.command("set")
def set_(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The category's code.")],
    reason: Annotated[str, typer.Option(help="Why: kept in the history.")],
    file: Annotated[
        float | None, typer.Option("--file", help="Hours to file a reported case.")
    ] = None,
    dispatch: Annotated[float | None, typer.Option(help="Hours to dispatch it.")] = None,
    handle: Annotated[float | None, typer.Option(help="Hours to handle and feed back.")] = None,
    verify: Annotated[float | None, typer.Option(help="Hours to check on site.")] = None,
    close: Annotated[float | None, typer.Option(help="Hours to close it.")] = None,
    warn_share: Annotated[
        float | None,
        typer.Option(help="The share of a limit after which a warning is raised (0.75)."),
    ] = None,
) -> None:
    """Change a category's time limits per step or its warning share. Cases keep the limit
    of the step they are in; their next step takes the new one."""
    change = LimitChange(file, dispatch, handle, verify, close, warn_share)
    changed = run_with_context(ctx, lambda c: service.set_category(c, code, change, reason))
    say(f"category {code} changed" if changed else f"category {code} unchanged")
