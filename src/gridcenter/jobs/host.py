"""Hosting the jobs: an APScheduler in this process, running them only while it holds the lease.

Every console and `gridcenter scheduler` can host the jobs; the lease makes
sure exactly one of them runs them at a time. Each process keeps its own
in-memory APScheduler job store (APScheduler's job stores must never be
shared by two running schedulers); what must survive a restart (the last run
of each job) lives in the store, so a run missed during downtime happens
once on restart, or is reported as missed beyond its grace.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from gridcenter.jobs.lease import Lease
from gridcenter.jobs.policy import Policy, read_policy
from gridcenter.jobs.registry import JobSpec, job_specs
from gridcenter.jobs.runner import last_runs, record_missed, run_job
from gridcenter.services.context import Context

log = logging.getLogger("gridcenter.jobs")
MAX_CATCH_UP_STEPS = 10_000


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobHost:
    def __init__(
        self,
        context: Context,
        *,
        lease_ttl: float = 60.0,
        sweep_every: int | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.context = context
        self.policy = policy or read_policy()
        self.holder = holder_name()
        self.lease = Lease(context.db, self.holder, timedelta(seconds=lease_ttl))
        self.lease_ttl = lease_ttl
        self.every = {"overdue-sweep": sweep_every}
        self.holding = False
        self.specs = job_specs(self.policy)
        self.scheduler = BackgroundScheduler(
            timezone=context.timezone, job_defaults={"coalesce": True, "max_instances": 1}
        )

    def _trigger(self, spec: JobSpec) -> BaseTrigger:
        return spec.trigger(self.context.timezone, self.every.get(spec.name))

    def start(self) -> None:
        self.scheduler.add_job(
            self.keep_lease,
            IntervalTrigger(seconds=max(self.lease_ttl / 3, 0.5)),
            id="lease",
            next_run_time=datetime.now(self.context.timezone),
        )
        for spec in self.specs:
            self.scheduler.add_job(
                self._run,
                self._trigger(spec),
                args=[spec],
                id=spec.name,
                misfire_grace_time=int(self.policy.grace(spec.name).total_seconds()),
            )
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
        if self.holding:
            try:
                self.lease.release()
            except Exception:
                log.exception("could not release the scheduler lease")
        self.holding = False

    def keep_lease(self) -> None:
        try:
            held = self.lease.acquire()
        except Exception:
            log.exception("could not renew the scheduler lease")
            held = False
        if held and not self.holding:
            log.info("%s holds the scheduler lease", self.holder)
            self.holding = True
            self.catch_up()
        elif not held and self.holding:
            log.warning("%s lost the scheduler lease", self.holder)
            self.holding = False

    def _run(self, spec: JobSpec) -> None:
        if not self.holding:
            return
        run_job(self.context, spec, self.context.now(), self.policy, self.holder)

    def catch_up(self) -> None:
        """Runs missed while no process held the lease: once each, or reported as missed."""
        now = self.context.now()
        runs = last_runs(self.context)
        for spec in self.specs:
            last = runs.get(spec.name)
            if last is None or last.scheduled_for is None:
                continue  # never ran: its schedule starts now
            if spec.cron is None:
                interval = timedelta(seconds=self.every.get(spec.name) or spec.every_seconds or 60)
                if now - last.scheduled_for > interval:
                    run_job(self.context, spec, now, self.policy, self.holder)
                continue
            due = self._latest_due(spec, last.scheduled_for, now)
            if due is None:
                continue
            if now - due <= self.policy.grace(spec.name):
                run_job(self.context, spec, due, self.policy, self.holder)
            else:
                record_missed(self.context, spec, due, self.holder)

    def _latest_due(self, spec: JobSpec, previous: datetime, now: datetime) -> datetime | None:
        trigger = self._trigger(spec)
        latest = None
        cursor = previous
        for _ in range(MAX_CATCH_UP_STEPS):
            following = trigger.get_next_fire_time(cursor, cursor)
            if following is None or following > now:
                break
            latest = cursor = following
        return latest
