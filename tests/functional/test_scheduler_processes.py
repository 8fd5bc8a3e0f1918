"""Real scheduler processes: exactly one runs the jobs, and a dead one is replaced."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW

TTL = "2"


def start_scheduler(path: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "GRIDCENTER_DB": path,
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": "admin",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gridcenter", "scheduler", "--lease-ttl", TTL, "--sweep-every", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def schedulers(demo_url: str) -> Iterator[list[subprocess.Popen[str]]]:
    processes = [start_scheduler(demo_url), start_scheduler(demo_url)]
    yield processes
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def holder(db: Database) -> str | None:
    with db.read() as s:
        lease = s.get(tables.SchedulerLease, "scheduler")
        return lease.holder if lease else None


def sweep_host(db: Database) -> str | None:
    with db.read() as s:
        run = s.get(tables.JobRun, "overdue-sweep")
        return run.host if run and run.status == "ok" else None


def test_two_schedulers_run_the_jobs_once_and_hand_over_when_one_dies(
    schedulers: list[subprocess.Popen[str]], demo_db: Database
) -> None:
    assert wait_for(lambda: sweep_host(demo_db) is not None, 20), "no sweep ran"
    first = holder(demo_db)
    assert first is not None
    pids = {str(p.pid): p for p in schedulers}
    first_pid = first.rsplit(":", 1)[1]
    assert first_pid in pids
    time.sleep(3)  # several sweep intervals with both processes alive
    assert holder(demo_db) == first
    assert sweep_host(demo_db) == first
    with demo_db.read() as s:
        escalations = Counter(
            s.scalars(select(tables.CaseEvent.case_id).where(tables.CaseEvent.actor == "scheduler"))
        )
        keys = Counter(s.scalars(select(tables.Alert.dedup_key)))
    assert escalations and max(escalations.values()) == 1, "a case was escalated twice"
    assert max(keys.values()) == 1

    pids[first_pid].kill()  # no goodbye: the lease must run out
    pids[first_pid].wait(timeout=10)
    started = time.monotonic()
    assert wait_for(lambda: holder(demo_db) not in (None, first), 60), "nobody took over"
    took = time.monotonic() - started
    second = holder(demo_db)
    assert second is not None and second.rsplit(":", 1)[1] in pids
    assert wait_for(lambda: sweep_host(demo_db) == second, 10)
    # The stated bound: the time to live and one renewal interval (a third of it), with
    # a second's slack for starting transactions and this test's polling.
    assert took < float(TTL) * 4 / 3 + 1


def test_a_paused_holder_does_not_write_beside_the_one_that_took_over(
    schedulers: list[subprocess.Popen[str]], demo_db: Database
) -> None:
    assert wait_for(lambda: sweep_host(demo_db) is not None, 20), "no sweep ran"
    first = holder(demo_db)
    assert first is not None
    paused = {str(p.pid): p for p in schedulers}[first.rsplit(":", 1)[1]]
    try:
        # Paused inside a write transaction, it holds the store's write lock (SQLite) or
        # its lease row (PostgreSQL) and nobody can take over until it wakes: pause it again.
        for _ in range(5):
            paused.send_signal(signal.SIGSTOP)  # as a console suspended with ctrl+z
            if wait_for(lambda: holder(demo_db) not in (None, first), 4 * float(TTL)):
                break
            paused.send_signal(signal.SIGCONT)
            time.sleep(0.3)
        second = holder(demo_db)
        assert second not in (None, first), "nobody took over"
        assert wait_for(lambda: sweep_host(demo_db) == second, 10)
    finally:
        paused.send_signal(signal.SIGCONT)
    # Woken, its scheduler fires the runs it missed at once, before it renews its lease:
    # each is refused as it writes, so every run on record stays the new holder's.
    seen = set()
    deadline = time.monotonic() + 3 * float(TTL)
    while time.monotonic() < deadline:
        seen.add(sweep_host(demo_db))
        time.sleep(0.05)
    assert seen == {second}


def test_a_stopped_scheduler_hands_its_lease_back(demo_url: str, demo_db: Database) -> None:
    process = start_scheduler(demo_url)
    try:
        assert wait_for(lambda: holder(demo_db) is not None, 20)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
        assert process.returncode == 0, output
        assert "stopped" in output
        with demo_db.read() as s:
            lease = s.get(tables.SchedulerLease, "scheduler")
        assert lease is not None and lease.expires_at.year == 1970
    finally:
        if process.poll() is None:
            process.kill()
