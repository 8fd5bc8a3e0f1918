"""Every regular job: its name, schedule, grace and what it runs."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from gridcenter.jobs.integrations import open311_intake, webhook_delivery
from gridcenter.jobs.policy import Policy
from gridcenter.services.anchor import audit_anchor
from gridcenter.services.context import Context
from gridcenter.services.fieldwork import overloads, patrol_gaps
from gridcenter.services.risk import risk_warnings
from gridcenter.services.roster_gaps import roster_check
from gridcenter.services.stationing import stationing_day
from gridcenter.services.sweep import overdue_sweep

Run = Callable[[Context, datetime, Policy], str]


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    run: Run
    every_seconds: int | None = None  # an interval job ...
    cron: dict[str, str] | None = None  # ... or a cron job

    def trigger(self, timezone: ZoneInfo, every_seconds: int | None = None) -> BaseTrigger:
        if self.cron is not None:
            return CronTrigger(timezone=timezone, **self.cron)
        return IntervalTrigger(seconds=every_seconds or self.every_seconds, timezone=timezone)

    def schedule(self) -> str:
        if self.cron is not None:
            return "cron " + " ".join(f"{k}={v}" for k, v in self.cron.items())
        return f"every {self.every_seconds}s"


def _roster(ctx: Context, at: datetime, policy: Policy) -> str:
    settings = policy.jobs["roster-check"]
    lookahead = timedelta(hours=settings["lookahead_hours"])
    return roster_check(ctx, at, lookahead, timedelta(minutes=settings["handover_notice_minutes"]))


def _risk(period: str) -> Run:
    return lambda ctx, at, policy: risk_warnings(ctx, at, period)


_RUNS: dict[str, tuple[str, Run]] = {
    "overdue-sweep": (
        "warnings, overdue alerts and supervision of late cases",
        lambda ctx, at, policy: overdue_sweep(ctx, at, policy.overdue),
    ),
    "roster-check": ("posts with nobody on duty, and handover reminders", _roster),
    "stationing-day": (
        "the monthly stationing-day reminder for every community",
        lambda ctx, at, policy: stationing_day(ctx, at),
    ),
    "risk-monthly": ("monthly risk warnings per street and district", _risk("monthly")),
    "risk-quarterly": ("quarterly risk warnings per street and district", _risk("quarterly")),
    "risk-yearly": ("yearly risk warnings per street and district", _risk("yearly")),
    "open311-intake": ("cases in from every active Open311 source", open311_intake),
    "webhook-delivery": ("alerts out to webhook subscriptions", webhook_delivery),
    "patrol-check": (
        "an alert for each grid nobody has patrolled within the policy's gap",
        lambda ctx, at, policy: patrol_gaps(ctx, at, policy.fieldwork),
    ),
    "workload-check": (
        "an alert to the grid chief of each person over the open-case limit",
        lambda ctx, at, policy: overloads(ctx, at, policy.fieldwork),
    ),
    "audit-anchor": (
        "where the history chains stand, out to webhooks",
        lambda ctx, at, policy: audit_anchor(ctx, at),
    ),
}


def job_specs(policy: Policy) -> list[JobSpec]:
    specs = []
    for name, (description, run) in _RUNS.items():
        settings = policy.jobs[name]
        specs.append(
            JobSpec(name, description, run, settings.get("every_seconds"), settings.get("cron"))
        )
    return specs


def find_job(policy: Policy, name: str) -> JobSpec:
    for spec in job_specs(policy):
        if spec.name == name:
            return spec
    names = ", ".join(_RUNS)
    raise KeyError(f"{name!r} is not a valid job: {names}")
