"""`gridcenter jobs ...` and `gridcenter scheduler`: the regular alerts from a shell."""

import logging
import signal
import threading
from datetime import datetime
from typing import Annotated

import typer

from gridcenter.cli.common import fail, parse_time, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.formatting import local
from gridcenter.jobs.host import JobHost
from gridcenter.jobs.lease import TTL_S, Lease
from gridcenter.jobs.policy import read_policy
from gridcenter.jobs.registry import find_job, job_specs
from gridcenter.jobs.runner import last_runs, run_by_hand
from gridcenter.services.context import Context

app = typer.Typer(help="List the regular jobs and run one by hand.", no_args_is_help=True)


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Each job, its schedule, its last and next run and the host that ran it."""

    def work(context: Context) -> None:
        policy = read_policy()
        runs = last_runs(context)
        now = context.now()
        tz = context.timezone
        lease = Lease(context.db, "", policy.grace("overdue-sweep")).current()
        rows = []
        for spec in job_specs(policy):
            run = runs.get(spec.name)
            upcoming = spec.trigger(tz).get_next_fire_time(None, now)
            rows.append(
                {
                    "name": spec.name,
                    "schedule": spec.schedule(),
                    "last_run": run.scheduled_for.isoformat()
                    if run and run.scheduled_for
                    else None,
                    "status": run.status if run else "never",
                    "summary": run.summary if run else "",
                    "host": run.host if run else "",
                    "next_run": upcoming.isoformat() if upcoming else None,
                }
            )
        if as_json:
            emit_json(rows)
            return
        holder = lease.holder if lease and lease.expires_at > now else "nobody"
        say(f"scheduler lease: {holder}")
        table(
            ("job", "schedule", "last run", "status", "next run", "host", "summary"),
            [
                (
                    row["name"],
                    row["schedule"],
                    row["last_run"] and local(datetime.fromisoformat(row["last_run"]), tz),
                    row["status"],
                    row["next_run"] and local(datetime.fromisoformat(row["next_run"]), tz),
                    row["host"],
                    row["summary"],
                )
                for row in rows
            ],
            wrap=("schedule", "summary"),
        )

    run_with_context(ctx, work)


@app.command("run")
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The job's name, as `jobs list` shows it.")],
    at: Annotated[
        str | None,
        typer.Option(help="Run as of this time: 2026-11-28T09:30 (district time) or ISO; now."),
    ] = None,
) -> None:
    """Run one job now (or as of --at), whoever holds the scheduler lease."""
    moment = parse_time(at) if at else None
    policy = read_policy()
    try:
        spec = find_job(policy, name)
    except KeyError as error:
        fail(str(error.args[0]))

    def work(context: Context) -> None:
        outcome = run_by_hand(context, spec, moment or context.now(), policy)
        if not outcome.ok:
            fail(f"job {name} failed: {outcome.summary}")
        say(f"{name}: {outcome.summary}")

    run_with_context(ctx, work)


def scheduler(
    ctx: typer.Context,
    lease_ttl: Annotated[
        float,
        typer.Option(
            min=1, help="Seconds a dead holder keeps the lease (taken over within 4/3 of it)."
        ),
    ] = TTL_S,
    sweep_every: Annotated[
        int | None, typer.Option(min=1, help="Seconds between overdue sweeps (policy by default).")
    ] = None,
) -> None:
    """Run the regular jobs as a service (only the lease holder among all hosts runs them)."""
    # A service's log goes to its stderr (the journal) as well as to the log file.
    to_stderr = logging.StreamHandler()
    to_stderr.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.getLogger().addHandler(to_stderr)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)
        host = JobHost(context.as_job(), lease_ttl=lease_ttl, sweep_every=sweep_every)
        host.start()
        print(f"scheduler {host.holder} started", flush=True)
        try:
            stop.wait()
        finally:
            host.stop()
            print(f"scheduler {host.holder} stopped", flush=True)

    run_with_context(ctx, work)
