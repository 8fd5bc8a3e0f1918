"""The scheduler lease: one row in the store, held by exactly one live process.

The holder renews it well within its time to live; when the holder dies, the
lease runs out and the next process to ask takes it over.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from gridcenter.store import tables
from gridcenter.store.database import Database

LEASE = "scheduler"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Lease:
    def __init__(self, db: Database, holder: str, ttl: timedelta) -> None:
        self.db = db
        self.holder = holder
        self.ttl = ttl

    def acquire(self) -> bool:
        """Take or renew the lease; True while this process holds it."""
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
            if row.holder != self.holder and row.expires_at > now:
                return False
            row.holder = self.holder
            row.expires_at = now + self.ttl
            return True

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
