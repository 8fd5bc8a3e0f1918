"""Measuring the console on a synthetic city: every figure in one run, so they compare."""

import asyncio
import multiprocessing
import resource
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from gridcenter.bench.city import build_city, city_name, city_now, holds_city
from gridcenter.bench.floor import VISIBLE_SQL, read_panes_raw
from gridcenter.clock import Clock
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.assessment import percentile
from gridcenter.domain.levels import Level
from gridcenter.jobs.policy import read_policy
from gridcenter.queries.dashboard import DUE_SOON, queue_page
from gridcenter.queries.people import search_assignees
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context, make_loop
from gridcenter.services.sweep import overdue_sweep
from gridcenter.store import migrate
from gridcenter.store.database import Database, sqlite_path
from gridcenter.store.generator import generate_cases

# Enough that p95 is the 57th of 60 values rather than the 19th of 20 (the second slowest):
# the first refreshes after the console starts overlap its start-up work, and are counted.
# (`bench --refreshes` takes fewer, for a quick look.)
REFRESHES = 60
FLOORS = 8  # of each floor, each after a change: the case moved ends where it was
REPORTS = 3
ACTION_WAIT_S = 60


@dataclass
class Figures:
    engine: str
    grids: int
    cases: int
    open: int
    first_paint_ms: float
    refresh_p50_ms: float
    refresh_p95_ms: float
    idle_poll_ms: float
    action_ms: float
    sweep_ms: float
    rss_mb: float
    floor_ms: float
    visible_floor_ms: float
    report_ms: float  # the monthly district report: the median of REPORTS runs
    report_first_ms: float  # its first run, before the store's pages are in memory
    store_mb: float
    bytes_per_case: float
    # The table's only: a refresh after a change as the console makes it, reading what
    # the change moved (refresh_ms reads every pane, like the floor).
    follow_p50_ms: float
    follow_p95_ms: float

    def as_json(self) -> dict[str, object]:
        """The issue's figures, exactly those keys."""
        return {key: value for key, value in asdict(self).items() if key not in TABLE_ONLY}


TABLE_ONLY = ("follow_p50_ms", "follow_p95_ms")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def prepare(
    url: str, grids: int, cases: int, open_cases: int, staff: int, say: object = print
) -> tuple[Database, float]:
    """The scratch store, built unless it already holds this very city."""
    db = Database(url)
    name = city_name(grids, cases, open_cases)
    if holds_city(db, name):
        if migrate.current_revision(db.engine) != migrate.head():
            say(f"upgrading {name} to the newest schema …")  # type: ignore[operator]
            migrate.upgrade(db.engine)
        return db, 0.0
    if not migrate.is_empty(db.engine):
        raise ValueError(f"{url} holds something else; give the benchmark an empty store")
    started = time.perf_counter()
    say(f"building {name} …")  # type: ignore[operator]
    # In a process of its own, so that this one's peak memory (rss_mb) is the console's.
    builder = multiprocessing.get_context("spawn").Process(
        target=_build, args=(url, grids, cases, open_cases, staff, name)
    )
    builder.start()
    builder.join()
    if builder.exitcode != 0:
        raise RuntimeError(
            f"building {name} failed (exit code {builder.exitcode}); {url} holds part of"
            " it: give the benchmark a new store, or delete this one"
        )
    return db, time.perf_counter() - started


def _build(url: str, grids: int, cases: int, open_cases: int, staff: int, name: str) -> None:
    db = Database(url)
    loop = make_loop()
    now = datetime.now(UTC)
    build_city(db, loop, grids=grids, staff=staff, now=now, name=name)
    generate_cases(db, loop, count=cases, now=now, seed=11, open_cases=open_cases)
    db.dispose()


async def _measure_console(
    context: Context, moved: str, refreshes: int
) -> tuple[float, list[float], list[float], float]:
    from gridcenter.console.app import GridCenterApp  # heavy: only when measuring
    from gridcenter.console.widgets.case_list import CaseList

    started = time.perf_counter()
    app = GridCenterApp(context, live_interval=0)
    async with app.run_test(size=(160, 48)):
        # Waiting sleeps rather than pausing the pilot: a pilot pause sends every widget a
        # message, and that busy main thread would slow the reading thread it waits for.
        while app.dashboard.snapshot is None:
            await asyncio.sleep(0.001)
        dashboard = app.dashboard
        await _drawn(app)
        first_paint = time.perf_counter() - started
        # Every pane read again and handed to the panes, as the floor reads them; then the
        # console's own refresh, which reads only what the change moved.
        wholes = await _refreshes(app, dashboard, context, moved, refreshes, whole=True)
        follows = await _refreshes(app, dashboard, context, moved, refreshes, whole=False)
        row = dashboard.query_one("#queue", CaseList).selected
        assert row is not None
        to = _another_holder(context, row.code, row.assignee)
        before = dashboard.snapshot
        began = time.perf_counter()
        dashboard.perform(
            lambda ctx: case_service.reassign(
                ctx, row.code, to=to, reason="benchmark", expected_version=row.version
            )
        )
        while True:
            await asyncio.sleep(0.001)
            if time.perf_counter() - began > ACTION_WAIT_S:
                raise RuntimeError(f"the reassign of {row.code} never reached the screen")
            # The reassigned row on screen with its new version (or gone from the pages read).
            listed = [
                r.version
                for page in (dashboard.snapshot.cases.queue_pages.values())
                for r in page
                if r.code == row.code
            ]
            if listed == [row.version + 1] or (dashboard.snapshot is not before and not listed):
                break
        await _drawn(app)
        action = time.perf_counter() - began
    return first_paint, wholes, follows, action


async def _refreshes(
    app: Any, dashboard: Any, context: Context, moved: str, count: int, whole: bool
) -> list[float]:
    """`count` refreshes, each after a change, from its start to the screen drawn."""
    times = []
    for n in range(count):
        _change(context, moved, n)
        began = time.perf_counter()
        await _finished(dashboard.refresh_data(force=True, whole=whole))
        await _drawn(app)
        times.append(time.perf_counter() - began)
    return times


def _change(context: Context, code: str, n: int) -> None:
    """A change (a case up a level, then back on the next call), as the console refreshes
    after one; the write itself is not timed."""
    move = case_service.deescalate if n % 2 else case_service.escalate
    move(context, code, reason="benchmark")


async def _finished(worker: Any) -> None:
    """Until a console's worker is done, awaited rather than polled: a loop waking every
    millisecond beside the console slowed its drawing by tens of milliseconds."""
    from textual.worker import WorkerState  # Textual only when measuring the console

    while worker.state is WorkerState.PENDING:
        await asyncio.sleep(0)  # the worker starts on the next turn of the loop
    await worker.wait()


async def _drawn(app: Any) -> None:
    """Until the screen is drawn with what the console holds now: Textual calls back once
    every message is handled and the screen refreshed. (A pilot pause instead waits for
    the process to look idle, in steps of 20 ms: a figure would be mostly that wait.)"""
    drawn = asyncio.Event()
    app.call_after_refresh(drawn.set)
    await drawn.wait()


def _another_holder(context: Context, code: str, assignee: str) -> str:
    """Someone the case's level allows who does not hold it now, as the reassign picker
    offers them (a reused city keeps earlier runs' moves)."""
    with context.db.read() as session:
        options = search_assignees(session, "", case_code=code, rules=context.rules)
    found = next((o.code for o in options if o.name != assignee), None)
    if found is None:
        raise ValueError(f"nobody but {assignee} may hold {code}: the city has too few people")
    return found


def measure_report(db: Database) -> list[float]:
    """The monthly district report of the last whole month, as `gridcenter report` writes
    it, REPORTS times: the first reads from disk what the store's cache does not hold yet,
    the next ones what a server that keeps the store in memory does."""
    from gridcenter.domain.periods import Period
    from gridcenter.report.document import layout
    from gridcenter.report.formats import render
    from gridcenter.services.assessment import assess, resolve_place

    context = Context(db, make_loop(), Clock(), Actor("bench", Role.ADMIN))
    now = city_now(db).astimezone(context.timezone)
    period = Period.last_complete("month", now)
    times = []
    for _ in range(REPORTS):
        began = time.perf_counter()
        place = resolve_place(context, "district", None)
        render(layout(assess(context, period, place), now), "md")
        times.append(_ms(time.perf_counter() - began))
    return times


def store_bytes(db: Database) -> int:
    """What the store takes on disk: the SQLite file with its write-ahead log, or the
    PostgreSQL database."""
    with db.engine.connect() as connection:
        if not db.is_sqlite:
            return int(connection.scalar(text("SELECT pg_database_size(current_database())")))
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = sqlite_path(db.url)
    assert path is not None
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def run_bench(
    db: Database, grids: int, cases: int, open_cases: int, refreshes: int = REFRESHES
) -> Figures:
    loop = make_loop()
    now = city_now(db)
    context = Context(db, loop, Clock(now), Actor("bench", Role.ADMIN))
    with db.read() as session:
        first = queue_page(session, context.actor.territory, Level.A, limit=1)
    if not first:
        raise ValueError("the city has no open case at level A to change: give it more open cases")
    moved = first[0].code  # the case changed before each floor and each refresh
    size = store_bytes(db)  # before the measurements write to it
    reports = measure_report(db)
    floors, visible_floors = [], []
    for n in range(FLOORS):
        # A change before each, as before each refresh: reads after a write cost more.
        _change(context, moved, 2 * n)
        began = time.perf_counter()
        read_panes_raw(db, now, now + DUE_SOON)
        floors.append(time.perf_counter() - began)
        _change(context, moved, 2 * n + 1)
        began = time.perf_counter()
        read_panes_raw(db, now, now + DUE_SOON, VISIBLE_SQL)
        visible_floors.append(time.perf_counter() - began)
    first_paint, wholes, follows, action = asyncio.run(_measure_console(context, moved, refreshes))
    # The console's peak, read before the sweep below: a first sweep over a backlog is a
    # job's work, not the console's.
    rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    from gridcenter.console.live import LiveFeed

    feed = LiveFeed(context)
    feed.seen = db.newest_change()
    polls = []
    for _ in range(200):
        began = time.perf_counter()
        feed.changed()
        polls.append(time.perf_counter() - began)
    policy = read_policy()
    job = context.as_job()
    overdue_sweep(job, now, policy.overdue)  # the first sweep raises the backlog
    began = time.perf_counter()
    overdue_sweep(job, now + timedelta(seconds=1), policy.overdue)
    sweep = time.perf_counter() - began
    return Figures(
        engine=db.engine.dialect.name,
        grids=grids,
        cases=cases,
        open=open_cases,
        first_paint_ms=_ms(first_paint),
        refresh_p50_ms=_ms(statistics.median(wholes)),
        refresh_p95_ms=_ms(percentile(wholes, 0.95) or 0.0),
        idle_poll_ms=_ms(statistics.median(polls)),
        action_ms=_ms(action),
        sweep_ms=_ms(sweep),
        rss_mb=rss_mb,
        floor_ms=_ms(statistics.median(floors)),
        visible_floor_ms=_ms(statistics.median(visible_floors)),
        report_ms=statistics.median(reports),
        report_first_ms=reports[0],
        store_mb=round(size / 2**20, 1),
        bytes_per_case=round(size / cases),
        follow_p50_ms=_ms(statistics.median(follows)),
        follow_p95_ms=_ms(percentile(follows, 0.95) or 0.0),
    )
