"""`gridcenter report`: the figures for the stationing-day meeting, as a file."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from gridcenter.cli.common import fail, run_with_context
from gridcenter.domain.periods import Period
from gridcenter.formatting import printable
from gridcenter.report.document import layout
from gridcenter.report.formats import FORMATS, render
from gridcenter.services.assessment import assess, resolve_place
from gridcenter.services.context import Context


def report(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            help="2026-10, 2026-Q4, 2026-W41, 2026, a day, or FROM..TO; last month by default."
        ),
    ] = None,
    street: Annotated[str | None, typer.Option(help="Only this street (its code).")] = None,
    community: Annotated[str | None, typer.Option(help="Only this community.")] = None,
    grid: Annotated[str | None, typer.Option(help="Only this grid.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, csv or html.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Rows in each best and worst list.")] = 5,
) -> None:
    """Write the assessment of a period and a territory as Markdown, CSV or HTML."""
    if fmt not in FORMATS:
        fail(f"{fmt!r} is not a valid format: {', '.join(FORMATS)}")
    chosen = [
        (kind, code)
        for kind, code in (("street", street), ("community", community), ("grid", grid))
        if code
    ]
    if len(chosen) > 1:
        fail("give at most one of --street, --community and --grid")
    kind, code = chosen[0] if chosen else ("district", None)

    def work(context: Context) -> str:
        now = context.now()
        local_now = now.astimezone(context.timezone)
        span = (
            Period.parse(period, context.timezone)
            if period
            else Period.last_complete("month", local_now)
        )
        place = resolve_place(context, kind, code)
        return render(layout(assess(context, span, place, top=top), local_now), fmt)

    text = run_with_context(ctx, work)
    if output is None:
        # On a terminal the document is read, and names in it come from people and feeds;
        # piped, it is a document like the file written with --output.
        sys.stdout.write(printable(text, lines=True) if sys.stdout.isatty() else text)
        return
    try:
        output.write_text(text, "utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror}")
    typer.echo(f"wrote {output}")
