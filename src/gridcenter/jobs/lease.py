"""The scheduler lease: one row in the store, held by exactly one live process.

The holder renews it every third of its time to live; when the holder dies, the
lease runs out and the next process to ask takes it over: within the time to live
and one renewal interval of the holder's last renewal (45 + 15 = 60 seconds by default).

Each takeover starts a new generation. A job run is fenced with the generation it
started under: each of its write transactions first checks that generation still
holds, so a holder that was paused (SIGSTOP, a suspended console) and wakes up after
a takeover cannot write beside the new holder. (A holder paused inside a write
transaction keeps the store's write lock on SQLite, or the lease row on PostgreSQL,
until it wakes: nobody takes over meanwhile, and nothing is written beside it.)
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gridcenter.store import tables
from gridcenter.store.database import Database

LEASE = "scheduler"
TTL_S = 45.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LeaseLost(Exception):
    """This process no longer holds the lease its job run started under: nothing written."""


class Lease:
    def __init__(self, db: Database, holder: str, ttl: timedelta) -> None:
        self.db = db
        self.holder = holder
        self.ttl = ttl

    def acquire(self) -> int | None:
        """Take or renew the lease: the generation held, or None while another process holds it."""
        now = datetime.now(UTC)  # liveness is real time, whatever clock the jobs run on
        with self.db.write() as session:
            dialect = sqlite if self.db.is_sqlite else postgresql
            session.execute(
                dialect.insert(tables.SchedulerLease)
                .values(name=LEASE, holder="", expires_at=EPOCH)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            row = session.scalar(
                select(tables.SchedulerLease)
                .where(tables.SchedulerLease.name == LEASE)
                .with_for_update()
            )
            assert row is not None
            if row.holder != self.holder:
                if row.expires_at > now:
                    return None
                row.generation += 1
                row.holder = self.holder
            row.expires_at = now + self.ttl
            return row.generation

    def fence(self, generation: int) -> Callable[[Session], None]:
        """A check for a job run's write transactions: refuse unless `generation` still holds.

        It reads the lease row for share, so on PostgreSQL a takeover (which locks the row
        for update) waits for the run's transaction to end; SQLite has one writer at a time."""

        def check(session: Session) -> None:
            held = session.execute(
                select(tables.SchedulerLease.holder, tables.SchedulerLease.generation)
                .where(tables.SchedulerLease.name == LEASE)
                .with_for_update(read=True)
            ).one_or_none()
            if held is None or tuple(held) != (self.holder, generation):
                raise LeaseLost(
                    f"{self.holder} no longer holds the scheduler lease it ran under "
                    f"(generation {generation}): its writes are refused"
                )

        return check

    def release(self) -> None:
        with self.db.write() as session:
            row = session.get(tables.SchedulerLease, LEASE)
            if row is not None and row.holder == self.holder:
                row.expires_at = EPOCH

    def current(self) -> tables.SchedulerLease | None:
        with self.db.read() as session:
            row = session.get(tables.SchedulerLease, LEASE)
            if row is not None:
                session.expunge(row)
            return row
