"""A job run is fenced by its lease generation: a holder taken over writes nothing."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from gridcenter.jobs.lease import EPOCH, Lease, LeaseLost
from gridcenter.jobs.policy import read_policy
from gridcenter.jobs.registry import find_job
from gridcenter.jobs.runner import run_job
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW

TTL = timedelta(seconds=45)


def run_out(db: Database) -> None:
    """The holder's time to live passes without a renewal (it is paused)."""
    with db.write() as s:
        s.execute(update(tables.SchedulerLease).values(expires_at=EPOCH))


def fenced(context: Context, lease: Lease, generation: int) -> Context:
    return replace(context.as_job(), db=context.db.fenced(lease.fence(generation)))


def test_each_takeover_starts_a_generation_and_renewals_keep_it(demo_db: Database) -> None:
    first = Lease(demo_db, "wall-1:100", TTL)
    generation = first.acquire()
    assert generation is not None
    assert first.acquire() == generation
    assert Lease(demo_db, "wall-2:200", TTL).acquire() is None  # held and alive
    run_out(demo_db)
    assert Lease(demo_db, "wall-2:200", TTL).acquire() == generation + 1
    assert first.acquire() is None


def test_a_paused_holder_taken_over_writes_nothing(context: Context) -> None:
    policy = read_policy()
    sweep = find_job(policy, "overdue-sweep")
    paused = Lease(context.db, "wall-1:100", TTL)
    stale = paused.acquire()
    assert stale is not None
    run_out(context.db)
    holder = Lease(context.db, "wall-2:200", TTL)
    current = holder.acquire()
    assert current == stale + 1

    outcome = run_job(fenced(context, paused, stale), sweep, NOW, policy, "wall-1:100")

    assert not outcome.ok and "no longer holds the scheduler lease" in outcome.summary
    with context.db.read() as s:
        assert s.get(tables.JobRun, "overdue-sweep") is None
        raised = s.scalar(
            select(func.count())
            .select_from(tables.Alert)
            .where(~tables.Alert.dedup_key.startswith("demo:"))
        )
        by_job = s.scalar(
            select(func.count())
            .select_from(tables.CaseEvent)
            .where(tables.CaseEvent.actor == "scheduler")
        )
    assert raised == 0 and by_job == 0

    assert run_job(fenced(context, holder, current), sweep, NOW, policy, "wall-2:200").ok
    with context.db.read() as s:
        run = s.get(tables.JobRun, "overdue-sweep")
        assert run is not None and run.host == "wall-2:200" and run.status == "ok"


def test_a_fenced_write_is_refused_whole(demo_db: Database) -> None:
    lease = Lease(demo_db, "wall-1:100", TTL)
    generation = lease.acquire()
    assert generation is not None
    run_out(demo_db)
    assert Lease(demo_db, "wall-2:200", TTL).acquire() is not None
    with pytest.raises(LeaseLost), demo_db.fenced(lease.fence(generation)).write() as s:
        s.add(tables.ChangeLog(at=NOW, kind="case", ref="never"))
    with demo_db.read() as s:
        assert s.scalar(select(tables.ChangeLog).where(tables.ChangeLog.ref == "never")) is None
