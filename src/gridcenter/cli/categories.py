"""`gridcenter categories ...`: the taxonomy cases are filed under."""

from typing import Annotated

import typer

from gridcenter.cli.common import run_with_context
from gridcenter.cli.output import emit_json, table
from gridcenter.queries.categories import minor_categories
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
