"""`gridcenter ingest ...` and `gridcenter webhooks ...`."""

import time
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy import func, select

from gridcenter.cli.common import fail, parse_time, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.formatting import local, words
from gridcenter.integrations.webhooks import AlertMessage, payload, send
from gridcenter.jobs.integrations import http_client
from gridcenter.queries.health import integration_health
from gridcenter.services import webhooks as webhook_service
from gridcenter.services.context import Context
from gridcenter.services.intake import add_source, sync_source
from gridcenter.store import tables

ingest = typer.Typer(help="Bring cases in from Open311 GeoReport v2 servers.", no_args_is_help=True)
webhooks = typer.Typer(help="Push alerts out to webhooks.", no_args_is_help=True)


AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Allow a loopback, link-local or private address (refused otherwise).",
    ),
]


@ingest.command("open311")
def open311(
    ctx: typer.Context,
    url: Annotated[str, typer.Option(help="The server's base URL (…/open311/v2).")],
    jurisdiction: Annotated[str, typer.Option(help="jurisdiction_id, if it needs one.")] = "",
    api_key: Annotated[str, typer.Option(help="api_key, if it needs one.")] = "",
    fmt: Annotated[str, typer.Option("--format", help="json or xml.")] = "json",
    every: Annotated[
        int | None, typer.Option(min=10, help="Keep reading every N seconds (default: once).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="A new server is read from this time: 2026-11-01 or ISO (90 days back)."),
    ] = None,
    allow_private: AllowPrivate = False,
) -> None:
    """Read a server's service requests into cases (once, or every N seconds)."""
    start = parse_time(since) if since else None

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)
        job = context.as_job()
        source_id = add_source(context, url, jurisdiction, api_key, fmt, start, allow_private)
        with http_client() as client:
            while True:
                report = sync_source(job, source_id, client)
                say(f"{local(datetime.now(UTC), context.timezone, '%H:%M:%S')} {report.summary()}")
                if every is None:
                    if report.error:
                        fail(f"intake stopped: {report.error}")
                    return
                time.sleep(every)

    run_with_context(ctx, work)


@ingest.command("status")
def status(ctx: typer.Context) -> None:
    """Each source: how far it is read, its last run; then the records set aside."""

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)  # sources and URLs often carry tokens
        tz = context.timezone
        with context.db.read() as session:
            sources = list(session.scalars(select(tables.IntakeSource)))
            problems = list(
                session.scalars(
                    select(tables.IntakeProblem).order_by(tables.IntakeProblem.id.desc()).limit(20)
                )
            )
            health = integration_health(session)
        if not sources:
            say("no intake sources: add one with `gridcenter ingest open311 --url URL`")
            return
        table(
            ("source", "url", "format", "read up to", "last run", "status", "error"),
            [
                (
                    s.id,
                    s.url,
                    s.format,
                    local(s.cursor, tz),
                    local(s.last_run_at, tz) or "never",
                    s.last_status,
                    s.last_error,
                )
                for s in sources
            ],
            right=("source",),
            wrap=("url", "error"),
        )
        if problems:
            say()
            say(f"records set aside ({health.intake_problems} in all, newest first):")
            table(
                ("when", "source", "request", "reason"),
                [(local(p.at, tz), p.source_id, p.external_id, p.reason) for p in problems],
                right=("source",),
                wrap=("reason",),
            )

    run_with_context(ctx, work)


@webhooks.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST alerts.")],
    kinds: Annotated[str, typer.Option(help="Comma-separated alert kinds (all by default).")] = "",
    severity: Annotated[
        str, typer.Option(help="The least severity sent: info, warning, alarm.")
    ] = "info",
    street: Annotated[
        str | None, typer.Option(help="Only this street's alerts (its code).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, or markdown for chat bots.")] = "json",
    allow_private: AllowPrivate = False,
) -> None:
    """Subscribe a URL to alerts; prints the secret its signatures are made with."""

    def work(context: Context) -> None:
        hook = webhook_service.add_webhook(
            context,
            url,
            kinds=kinds,
            min_severity=severity,
            street=street,
            fmt=fmt,
            allow_private=allow_private,
        )
        say(f"webhook {hook.id} -> {hook.url}")
        say(f"secret {hook.secret}")

    run_with_context(ctx, work)


@webhooks.command("list")
def list_hooks(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """Every subscription with its delivery counts."""

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)  # sources and URLs often carry tokens
        with context.db.read() as session:
            hooks = list(session.scalars(select(tables.Webhook).order_by(tables.Webhook.id)))
            counts = {
                (hook_id, state): n
                for hook_id, state, n in session.execute(
                    select(
                        tables.WebhookDelivery.webhook_id,
                        tables.WebhookDelivery.status,
                        func.count(),
                    ).group_by(tables.WebhookDelivery.webhook_id, tables.WebhookDelivery.status)
                )
            }
        rows = [
            {
                "id": h.id,
                "url": h.url,
                "kinds": h.kinds or "all",
                "min_severity": h.min_severity,
                "format": h.format,
                "active": h.active,
                "allow_private": h.allow_private,
                "disabled_reason": h.disabled_reason,
                "delivered": counts.get((h.id, "delivered"), 0),
                "pending": counts.get((h.id, "pending"), 0),
                "dead": counts.get((h.id, "dead"), 0),
            }
            for h in hooks
        ]
        if as_json:
            emit_json(rows)
            return
        table(
            ("id", "url", "kinds", "from", "format", "state", "delivered", "pending", "given up"),
            [
                (
                    r["id"],
                    r["url"],
                    words(r["kinds"]),
                    r["min_severity"],
                    r["format"],
                    "active" if r["active"] else f"disabled ({r['disabled_reason']})",
                    r["delivered"],
                    r["pending"],
                    r["dead"],
                )
                for r in rows
            ],
            right=("id", "delivered", "pending", "given up"),
            wrap=("url", "kinds", "state"),
        )

    run_with_context(ctx, work)


@webhooks.command("remove")
def remove(ctx: typer.Context, hook_id: Annotated[int, typer.Argument()]) -> None:
    """Stop a subscription; its pending deliveries are dropped."""
    run_with_context(ctx, lambda context: webhook_service.remove_webhook(context, hook_id))


@webhooks.command("test")
def test(ctx: typer.Context, hook_id: Annotated[int, typer.Argument()]) -> None:
    """Send a signed test message now and print the answer."""

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)  # sources and URLs often carry tokens
        with context.db.read() as session:
            hook = session.get(tables.Webhook, hook_id)
        if hook is None:
            fail(f"no webhook {hook_id}")
        message = AlertMessage(
            0, "test", "info", "gridcenter test message", "", "test", context.now()
        )
        body = payload(message, hook.format, context.timezone)
        with http_client() as client:
            message_id = f"msg_test_{int(time.time())}"
            attempt = send(client, hook.url, hook.secret, message_id, body, 1, hook.allow_private)
        if not attempt.delivered:
            fail(f"webhook {hook_id} did not accept the test: {attempt.error}")
        say(f"webhook {hook_id} accepted the test ({attempt.status_code})")

    run_with_context(ctx, work)
