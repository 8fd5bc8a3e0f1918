"""Engines and transactions, the same on SQLite and PostgreSQL.

SQLite is set up for several processes at once: WAL, a busy timeout,
foreign keys on every connection, and write transactions that start with
BEGIN IMMEDIATE so that a transaction which reads and then writes takes the
write lock up front instead of failing half-way with "database is locked".
"""

import copy
import logging
import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import URL, Engine, create_engine, event, func, make_url, select, text
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlmodel import Session

from gridcenter.domain.errors import Clash
from gridcenter.store import migrate, tables
from gridcenter.store.files import restrict_store_file
from gridcenter.store.notify import ChangeListener

BUSY_TIMEOUT_MS = 10_000
MMAP_BYTES = 8 << 30  # SQLite maps at most this much of a store (and caps it lower itself)
# Long reads (a month's report) run on this many connections at once: one per core here,
# and one more, so that while one waits on the disk (a cold cache) the cores keep working.
READ_LANES = 3
# Tries at opening the lanes on one committed state before reading on one connection.
SAME_STATE_TRIES = 5

T = TypeVar("T")
log = logging.getLogger("gridcenter.store")

_NEWEST_CHANGE = select(func.max(tables.ChangeLog.id))


def _is_unique_violation(error: IntegrityError) -> bool:
    """A row that clashes with one already stored, on either engine."""
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _newest_change(session: Session) -> int:
    """The newest change id this session's transaction sees (0 in an empty store)."""
    return session.scalar(_NEWEST_CHANGE) or 0


class StoreBusy(Exception):
    """The store could not be written in time; nothing was changed."""


class StoreOutdated(Exception):
    """The store's schema is not the one this gridcenter needs."""


class StoreUnusable(Exception):
    """The store setting names no store gridcenter can open: the message says why."""


ENGINES = ("sqlite", "postgresql")


def store_url(text_: str) -> URL:
    """A store setting read as a URL of an engine gridcenter runs on (plain `postgresql://`
    means the psycopg driver that gridcenter ships with)."""
    try:
        url = make_url(text_)
    except ArgumentError:
        raise StoreUnusable(
            f"{text_!r} is not a store URL: use sqlite:///PATH or postgresql://USER@HOST/NAME"
        ) from None
    engine = url.get_backend_name()
    if engine not in ENGINES:
        raise StoreUnusable(
            f"{url.render_as_string()!r}: gridcenter stores live in SQLite or PostgreSQL, "
            f"not {engine}"
        )
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def sqlite_path(text_: str) -> Path | None:
    """The file of a SQLite store URL; None for PostgreSQL and in-memory stores."""
    url = store_url(text_)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def missing_store(text_: str) -> Path | None:
    """The path of a SQLite store that does not exist (yet)."""
    path = sqlite_path(text_)
    return path if path is not None and not path.exists() else None


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Reads map the file instead of copying each page through a system call: a
        # month's report at city scale touches hundreds of thousands of pages.
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writing = connection.get_execution_options().get("gridcenter_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(setting: str) -> Engine:
    url = store_url(setting)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _setup_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    def __init__(self, url: str, *, existing: bool = False) -> None:
        """`existing`: refuse a SQLite file that is not there rather than create it."""
        missing = missing_store(url) if existing else None
        if missing is not None:
            raise StoreUnusable(
                f"no store at {missing} (check --db or GRIDCENTER_DB; "
                "`gridcenter seed` makes a demo store)"
            )
        self.url = url
        self.engine = make_engine(url)
        self._writer = self.engine.execution_options(gridcenter_write=True)
        self._snapshots = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._fence: Callable[[Session], None] | None = None

    def fenced(self, fence: Callable[[Session], None]) -> "Database":
        """The same store, each write transaction of which first runs `fence`, which raises
        to refuse the transaction (a job run whose scheduler lease was taken over)."""
        other = copy.copy(self)
        other._fence = fence
        return other

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self, consistent: bool = False) -> Iterator[Session]:
        """A read transaction. A SQLite one always sees the store as of its first read;
        `consistent` asks the same of PostgreSQL (repeatable read), for several statements
        that must agree with each other."""
        engine = self._snapshots if consistent and not self.is_sqlite else self.engine
        with Session(engine) as session:
            yield session

    def read_at_once(
        self, reads: Sequence[Callable[[Session], T]], lanes: int = READ_LANES
    ) -> list[T]:
        """Run independent reads on several connections at once, every one of them seeing the
        same committed state of the store, as one transaction would; their results in order.
        The database works on each connection in a core of its own (SQLite lets go of
        Python's lock while it works), so long reads finish in a fraction of the time."""
        with self._same_state(max(1, min(lanes, len(reads)))) as sessions:
            pending = deque(enumerate(reads))
            results: list[Any] = [None] * len(reads)

            def lane(session: Session) -> None:
                while pending:
                    try:
                        index, read = pending.popleft()
                    except IndexError:
                        return  # another lane took the last one
                    results[index] = read(session)

            with ThreadPoolExecutor(len(sessions)) as pool:
                for done in [pool.submit(lane, session) for session in sessions]:
                    done.result()
        return results

    @contextmanager
    def _same_state(self, lanes: int) -> Iterator[list[Session]]:
        """`lanes` sessions in transactions that see one and the same committed state."""
        with ExitStack() as stack:
            if lanes == 1:
                sessions = [stack.enter_context(self.read())]
            elif not self.is_sqlite:
                # PostgreSQL hands one transaction's snapshot to the others.
                sessions = [stack.enter_context(self.read(True)) for _ in range(lanes)]
                exported = sessions[0].scalar(text("SELECT pg_export_snapshot()"))
                for session in sessions[1:]:
                    session.execute(text(f"SET TRANSACTION SNAPSHOT '{exported}'"))
            else:
                sessions = self._sqlite_same_state(stack, lanes)
            yield sessions

    def _sqlite_same_state(self, stack: ExitStack, lanes: int) -> list[Session]:
        """A SQLite read transaction sees the store as of its first read, and every write
        logs a change in its own transaction, one writer at a time: so transactions that
        read the same newest change id see the same store."""
        for _ in range(SAME_STATE_TRIES):
            with ExitStack() as tried:
                sessions = [tried.enter_context(self.read()) for _ in range(lanes)]
                if len({_newest_change(session) for session in sessions}) == 1:
                    stack.enter_context(tried.pop_all())  # kept open for the reads
                    return sessions
        # Changes kept landing between the first reads: one connection, one state.
        return [stack.enter_context(self.read())]

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        try:
            with Session(self._writer) as session, session.begin():
                if self._fence is not None:
                    self._fence(session)
                yield session
        except OperationalError as error:
            if "locked" in str(error.orig) or "busy" in str(error.orig):
                raise StoreBusy(
                    "the store is busy with another writer; nothing was changed, try again"
                ) from error
            raise
        except IntegrityError as error:
            if not _is_unique_violation(error):
                raise
            # Another writer stored the same thing first (a source's record, a login).
            log.warning("write refused by the store: %s", error.orig)
            raise Clash(
                "the store refused the change: it conflicts with what is stored (perhaps "
                "another writer stored the same thing meanwhile); nothing was changed"
            ) from error

    def create_schema(self) -> None:
        """Create an empty store at the newest schema, or check that an existing one is there."""
        revision = migrate.current_revision(self.engine)
        if revision is None and migrate.is_empty(self.engine):
            path = sqlite_path(self.url)
            if path is not None:
                restrict_store_file(path)  # before a single row is in it
            migrate.upgrade(self.engine)
            return
        newest = migrate.head()
        if revision is None:
            raise StoreOutdated(
                "this store has no schema revision (it was made by a development build); "
                "seed a new store"
            )
        if revision != newest:
            raise StoreOutdated(
                f"the store is at schema {revision} and this gridcenter needs {newest}: "
                "run `gridcenter db upgrade` first"
            )

    def backup(self, target: Path) -> None:
        """A consistent copy of a live SQLite store in one new file (SQLite's online backup:
        writers go on meanwhile), put in place only when whole."""
        partial = target.with_name(f".{target.name}.partial")
        with self.engine.connect() as connection:
            source = connection.connection.driver_connection
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            finally:
                copy.close()
        try:
            os.link(partial, target)  # never over an existing file
        finally:
            partial.unlink()

    def is_seeded(self) -> bool:
        with self.read() as session:
            return bool(session.exec(select(func.count()).select_from(tables.District)).one()[0])

    def newest_change(self) -> int:
        """The newest change id: one indexed lookup, cheap enough to poll every second."""
        with self.engine.connect() as connection:
            return connection.execute(_NEWEST_CHANGE).scalar() or 0

    def listen(self) -> ChangeListener:
        """A listener woken as changes commit (PostgreSQL; a SQLite console polls)."""
        return ChangeListener(self.url)

    def dispose(self) -> None:
        self.engine.dispose()
