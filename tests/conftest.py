"""Shared fixtures: a fixed clock and a seeded demo store copied per test, on SQLite and
on a real PostgreSQL server that the tests start on 127.0.0.1."""

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine

from gridcenter.clock import Clock
from gridcenter.config import os_login
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.calendar import Timekeeper, WorkingCalendar
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.context import Context
from gridcenter.store.database import Database
from gridcenter.store.seeding import read_calendar, seed_demo
from gridcenter.store.tables import Account

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Friday morning in office hours: the fixed "now" of every test.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session", autouse=True)
def state_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user state folder (the log file's home) of every gridcenter the tests run, in
    this process and the ones it starts: never the real user's."""
    folder = tmp_path_factory.mktemp("state")
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_STATE_HOME"]
    else:
        os.environ["XDG_STATE_HOME"] = before


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return read_calendar()


@pytest.fixture(scope="session")
def loop(calendar: WorkingCalendar) -> ClosedLoop:
    return ClosedLoop(Timekeeper(calendar))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, loop: ClosedLoop) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db = Database(f"sqlite:///{path}")
    _seed_template(db, loop)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def demo_path(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "gridcenter.db"
    shutil.copy(demo_template, path)
    return path


PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(*command: object) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL server of our own on 127.0.0.1; its URL without a database name."""
    if not PG_BINS:
        pytest.skip("PostgreSQL is not installed (tests/run.sh installs it as root)")
    bin_dir = PG_BINS[-1]
    # Not under pytest's folder: the server runs as the postgres user, who cannot enter it.
    folder = Path(tempfile.mkdtemp(prefix="gridcenter-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    port = _free_port()
    _as_postgres(
        bin_dir / "initdb",
        "-D",
        data,
        "-A",
        "trust",
        "-U",
        "gridcenter",
        "-E",
        "UTF8",
        "--locale",
        "C",
    )
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _as_postgres(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "log", "-w", "start")
    yield f"postgresql+psycopg://gridcenter@127.0.0.1:{port}"
    _as_postgres(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def _admin(postgres: str, statement: str) -> None:
    engine = create_engine(f"{postgres}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture(scope="session")
def pg_template(postgres: str, loop: ClosedLoop) -> str:
    _admin(postgres, "CREATE DATABASE demo_template")
    db = Database(f"{postgres}/demo_template")
    _seed_template(db, loop)
    db.dispose()
    return "demo_template"


def _seed_template(db: Database, loop: ClosedLoop) -> None:
    seed_demo(db, loop, NOW)
    with db.write() as session:  # an admin exists, so unknown logins are refused
        session.add(Account(login="admin", display_name="Admin", role="admin", created_at=NOW))
        # The OS user running the tests is an admin too, and so may act as every demo
        # account (GRIDCENTER_OPERATOR) without its password.
        session.add(Account(login=os_login(), display_name="Tests", role="admin", created_at=NOW))


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_url(request: pytest.FixtureRequest, demo_path: Path) -> Iterator[str]:
    """A fresh copy of the demo store on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{demo_path}"
        return
    postgres = request.getfixturevalue("postgres")
    template = request.getfixturevalue("pg_template")
    name = f"test_{uuid.uuid4().hex[:12]}"
    _admin(postgres, f"CREATE DATABASE {name} TEMPLATE {template}")
    yield f"{postgres}/{name}"
    _admin(postgres, f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def demo_db(demo_url: str) -> Iterator[Database]:
    db = Database(demo_url)
    yield db
    db.dispose()


@pytest.fixture
def context(demo_db: Database, loop: ClosedLoop) -> Context:
    return Context(demo_db, loop, Clock(NOW), Actor("chen.jie", Role.ADMIN))
