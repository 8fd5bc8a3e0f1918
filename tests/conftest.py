"""Shared fixtures: a fixed clock and a seeded demo store copied per test."""

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gridcenter.clock import Clock
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
    seed_demo(db, loop, NOW)
    with db.write() as session:  # an admin exists, so unknown logins are refused
        session.add(Account(login="admin", display_name="Admin", role="admin", created_at=NOW))
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def demo_path(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "gridcenter.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{demo_path}")
    yield db
    db.dispose()


@pytest.fixture
def context(demo_db: Database, loop: ClosedLoop) -> Context:
    return Context(demo_db, loop, Clock(NOW), Actor("chen.jie", Role.ADMIN))
