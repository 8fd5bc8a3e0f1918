"""`gridcenter alerts ...` and `gridcenter readings ingest`."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from gridcenter.cli.common import EXIT_PARTLY, fail, refusals, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.domain.alerts import Kind, Severity
from gridcenter.domain.errors import not_valid
from gridcenter.formatting import local, words
from gridcenter.queries.alerts import alert_detail, alert_kinds
from gridcenter.queries.scope import in_territory
from gridcenter.services import alerts as alert_service
from gridcenter.services.context import Context
from gridcenter.services.sensors import ingest_readings
from gridcenter.store import tables

app = typer.Typer(help="List, show and acknowledge alerts.", no_args_is_help=True)
readings = typer.Typer(
    help="Sensor readings for the technical early warning.", no_args_is_help=True
)


@app.command("raise")
def raise_alert(
    ctx: typer.Context,
    grid: Annotated[str, typer.Option("--grid", help="The grid's code.")],
    severity: Annotated[str, typer.Option(help="warning or alarm.")],
    text: Annotated[str, typer.Option("--text", help="What is wrong, in a line.")],
) -> None:
    """Raise a manual warning for a grid (a grid worker on patrol calling one in): it shows
    on the board and goes out to the webhooks like any alert."""
    run_with_context(
        ctx,
        lambda context: say(
            "raised: "
            + alert_service.raise_by_hand(context, grid=grid, severity=severity, text=text)
        ),
    )


@app.command("list")
def list_alerts(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="Only this kind (overdue, risk, ...).")] = None,
    severity: Annotated[
        str | None, typer.Option(help="Only this severity: info, warning or alarm.")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved alerts.")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON array instead of a table.")
    ] = False,
) -> None:
    """Alerts, newest first."""
    with refusals():
        level = Severity.parse(severity) if severity else None

    def work(context: Context) -> None:
        chosen = None
        if kind:
            with context.db.read() as session:
                known = sorted({k.value for k in Kind} | set(alert_kinds(session)))
            chosen = kind.strip().lower()
            if chosen not in known:
                raise not_valid("alert kind", kind, known)
        query = select(tables.Alert).where(
            in_territory(context.actor.territory, tables.Alert.street_id, tables.Alert.community_id)
            | tables.Alert.street_id.is_(None)
        )
        if chosen is not None:
            query = query.where(tables.Alert.kind == chosen)
        if level is not None:
            query = query.where(tables.Alert.severity == level.value)
        if open_only:
            query = query.where(tables.Alert.resolved_at.is_(None))
        with context.db.read() as session:
            alerts = list(session.scalars(query.order_by(tables.Alert.id.desc()).limit(limit)))
        if as_json:
            emit_json(
                [
                    {
                        "id": a.id,
                        "kind": a.kind,
                        "severity": a.severity,
                        "title": a.title,
                        "subject": f"{a.subject_kind} {a.subject_ref}",
                        "raised_at": a.raised_at.isoformat(),
                        "acknowledged_by": a.acknowledged_by,
                        "resolved": a.resolved_at is not None,
                    }
                    for a in alerts
                ]
            )
            return
        tz = context.timezone
        table(
            ("id", "raised", "severity", "kind", "state", "title"),
            [
                (
                    a.id,
                    local(a.raised_at, tz),
                    a.severity,
                    words(a.kind),
                    "resolved"
                    if a.resolved_at
                    else (f"ack {a.acknowledged_by}" if a.acknowledged_by else "open"),
                    a.title,
                )
                for a in alerts
            ],
            right=("id",),
            wrap=("title",),
        )

    run_with_context(ctx, work)


@app.command("show")
def show(
    ctx: typer.Context, alert_id: Annotated[int, typer.Argument(help="The alert's id.")]
) -> None:
    """One alert with its full report."""

    def work(context: Context) -> None:
        with context.db.read() as session:
            alert = alert_detail(session, context.actor.territory, alert_id)
        if alert is None:
            fail(f"no alert {alert_id} in the territory of {context.actor.login}")
        tz = context.timezone
        say(alert.title)
        say(
            f"{alert.severity} {words(alert.kind)} · {alert.subject_kind} {alert.subject_ref}"
            f" · raised {local(alert.raised_at, tz)}"
        )
        if alert.acknowledged_by:
            say(f"acknowledged by {alert.acknowledged_by} at {local(alert.acknowledged_at, tz)}")
        if alert.body:
            say()
            say(alert.body, lines=True)

    run_with_context(ctx, work)


@app.command("ack")
def ack(
    ctx: typer.Context, alert_id: Annotated[int, typer.Argument(help="The alert's id.")]
) -> None:
    """Acknowledge an alert as the acting operator."""
    run_with_context(
        ctx, lambda context: say(f"acknowledged: {alert_service.acknowledge(context, alert_id)}")
    )


@readings.command("ingest")
def ingest(
    ctx: typer.Context,
    source: Annotated[
        Path | None, typer.Argument(help="A file of JSON lines; standard input when left out.")
    ] = None,
) -> None:
    """Read JSON lines {"grid": CODE, "metric": NAME, "value": N, "at": ISO-TIME}."""
    if source is not None and not source.is_file():
        fail(f"no file {source}")

    def work(context: Context) -> None:
        # Stored and raised as the regular job would, for the caller's grids only.
        actor = context.actor
        if source is None:
            report = ingest_readings(context.as_job(), sys.stdin, actor)
        else:
            with source.open(encoding="utf-8") as handle:
                report = ingest_readings(context.as_job(), handle, actor)
        for problem in report.rejected:
            say(f"gridcenter: skipped {problem}", err=True)
        print(
            f"{report.stored} readings stored, {report.raised} alerts raised, "
            f"{report.cleared} cleared, {len(report.rejected)} lines skipped"
        )
        if report.rejected:  # the good lines are stored; the status says some were not
            raise typer.Exit(EXIT_PARTLY)

    run_with_context(ctx, work, needs=Action.SEND_READINGS)
