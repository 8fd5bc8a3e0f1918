"""Running a job once: recorded in the store, and never fatal to the process hosting it."""

import logging
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from gridcenter.domain.access import Action
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.jobs.lease import LeaseLost
from gridcenter.jobs.policy import Policy
from gridcenter.jobs.registry import JobSpec
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.history import audit

log = logging.getLogger("gridcenter.jobs")


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    summary: str


def _record(ctx: Context, name: str, **values: object) -> None:
    with ctx.db.write() as session:
        row = session.get(tables.JobRun, name) or tables.JobRun(name=name)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def last_runs(ctx: Context) -> dict[str, tables.JobRun]:
    with ctx.db.read() as session:
        rows = list(session.scalars(select(tables.JobRun)))
        session.expunge_all()
    return {row.name: row for row in rows}


def _where(error: BaseException) -> str:
    """The innermost place of gridcenter's own code an error came through."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if "gridcenter" in frame.filename] or frames
    return f"{Path(own[-1].filename).name}:{own[-1].lineno}" if own else "unknown place"


def run_job(ctx: Context, spec: JobSpec, at: datetime, policy: Policy, host: str) -> Outcome:
    """Run `spec` as of `at`; a failure is logged and recorded, and the next run still comes."""
    try:
        _record(ctx, spec.name, scheduled_for=at, started_at=datetime.now(UTC), host=host)
        summary = spec.run(ctx, at, policy)
    except LeaseLost as lost:
        # Another process runs the jobs now: it records its own runs, this one writes nothing.
        log.warning("job %s dropped: %s", spec.name, lost)
        return Outcome(spec.name, False, str(lost))
    except Exception as error:
        # The summary is listed to every admin: the error's kind and where it arose, never
        # its message, which can quote a record's contents (SQL parameters, a payload).
        summary = f"{type(error).__name__} ({_where(error)}); details in the log file"
        log.error("job %s failed", spec.name, exc_info=True)
        _record(ctx, spec.name, finished_at=datetime.now(UTC), status="failed", summary=summary)
        return Outcome(spec.name, False, summary)
    _record(ctx, spec.name, finished_at=datetime.now(UTC), status="ok", summary=summary)
    log.info("job %s at %s: %s", spec.name, at.isoformat(), summary)
    return Outcome(spec.name, True, summary)


def run_by_hand(ctx: Context, spec: JobSpec, at: datetime, policy: Policy) -> Outcome:
    """A run someone asked for: run as the scheduler, recorded in the audit trail as theirs."""
    ctx.actor.require(Action.ADMINISTER)
    outcome = run_job(ctx.as_job(), spec, at, policy, f"by hand: {ctx.actor.signature}")
    with ctx.db.write() as session:
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="job_run",
            subject_kind="job",
            subject_ref=spec.name,
            to_value=f"{'ok' if outcome.ok else 'failed'} as of {at.isoformat()}",
            reason=outcome.summary,
        )
    return outcome


def record_missed(ctx: Context, spec: JobSpec, due: datetime, host: str) -> None:
    """A run that came too late to be useful: say so, loudly, once."""
    with ctx.db.write() as session:
        raise_alerts(
            session,
            [
                AlertDraft(
                    Kind.MISSED_JOB,
                    Severity.WARNING,
                    f"Job {spec.name} missed its run of {due.astimezone(ctx.timezone):%d %b %H:%M}"
                    " (no scheduler was running); run it by hand if it still matters",
                    "job",
                    spec.name,
                    f"missed:{spec.name}:{due.isoformat()}",
                )
            ],
            datetime.now(UTC),
        )
    _record(
        ctx,
        spec.name,
        scheduled_for=due,
        status="missed",
        host=host,
        summary="missed: beyond its grace",
    )
