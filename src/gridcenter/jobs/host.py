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
from dataclasses import replace
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from gridcenter.jobs.lease import TTL_S, Lease, LeaseLost
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
        lease_ttl: float = TTL_S,
        sweep_every: int | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.context = context
        self.policy = policy or read_policy()
        self.holder = holder_name()
        self.lease = Lease(context.db, self.holder, timedelta(seconds=lease_ttl))
        self.lease_ttl = lease_ttl
        self.every = {"overdue-sweep": sweep_every}
        self.generation: int | None = None  # of the lease, while this process holds it
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
        if self.generation is not None:
            try:
                self.lease.release()
            except Exception:
                log.exception("could not release the scheduler lease")
        self.generation = None

    def keep_lease(self) -> None:
        try:
            held = self.lease.acquire()
        except Exception:
            log.exception("could not renew the scheduler lease")
            held = None
        if held is not None and held != self.generation:
            log.info("%s holds the scheduler lease (generation %d)", self.holder, held)
            self.generation = held
            try:
                self.catch_up(self._fenced(held))
            except LeaseLost as lost:
                log.warning("catching up stopped: %s", lost)
        elif held is None and self.generation is not None:
            log.warning("%s lost the scheduler lease", self.holder)
            self.generation = None

    def _fenced(self, generation: int) -> Context:
        """The jobs' context for one run: its writes go through only under `generation`."""
        return replace(self.context, db=self.context.db.fenced(self.lease.fence(generation)))

    def _run(self, spec: JobSpec) -> None:
        generation = self.generation
        if generation is None:
            return
        run_job(self._fenced(generation), spec, self.context.now(), self.policy, self.holder)

    def catch_up(self, context: Context) -> None:
        """Runs missed while no process held the lease: once each, or reported as missed."""
        now = context.now()
        runs = last_runs(context)
        for spec in self.specs:
            last = runs.get(spec.name)
            if last is None or last.scheduled_for is None:
                continue  # never ran: its schedule starts now
            if spec.cron is None:
                interval = timedelta(seconds=self.every.get(spec.name) or spec.every_seconds or 60)
                if now - last.scheduled_for > interval:
                    run_job(context, spec, now, self.policy, self.holder)
                continue
            due = self._latest_due(spec, last.scheduled_for, now)
            if due is None:
                continue
            if now - due <= self.policy.grace(spec.name):
                run_job(context, spec, due, self.policy, self.holder)
            else:
                record_missed(context, spec, due, self.holder)

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
