"""LISTEN/NOTIFY on a real PostgreSQL server: how often a console is woken."""

import math
import time

from sqlalchemy import create_engine, select, text

from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.notify import CHANNEL, MIN_GAP_S, ChangeListener
from tests.conftest import _admin


def test_a_burst_wakes_a_console_once_and_wakes_come_on_its_beat(postgres: str) -> None:
    _admin(postgres, "CREATE DATABASE notify_gap")
    url = f"{postgres}/notify_gap"
    listener = ChangeListener(url)
    writer = create_engine(url, isolation_level="AUTOCOMMIT")

    def announce(times: int) -> None:
        with writer.connect() as connection:
            for n in range(times):
                connection.execute(text(f"SELECT pg_notify('{CHANNEL}', '{n}')"))

    try:
        announce(10)
        assert listener.wait(timeout=5)
        assert time.monotonic() >= listener.woken  # not before its beat
        first = listener.woken
        assert not listener.wait(timeout=0.2)  # the whole burst woke it once
        announce(1)
        assert listener.wait(timeout=5)
        assert time.monotonic() >= listener.woken
        assert listener.woken - first >= MIN_GAP_S - 1e-9
        # Both wakes on the listener's own beat.
        for beat in (first, listener.woken):
            assert math.isclose(listener.next_beat(beat), beat, abs_tol=1e-6)
    finally:
        listener.close()
        writer.dispose()
        _admin(postgres, "DROP DATABASE notify_gap WITH (FORCE)")


def test_consoles_on_different_beats_are_woken_apart(postgres: str) -> None:
    """One notification, two consoles half a gap apart in phase: half a gap apart they
    read (woken together, fifty consoles would queue for the server at once)."""
    _admin(postgres, "CREATE DATABASE notify_beats")
    url = f"{postgres}/notify_beats"
    early, late = ChangeListener(url, phase=0.0), ChangeListener(url, phase=MIN_GAP_S / 2)
    writer = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with writer.connect() as connection:
            connection.execute(text(f"SELECT pg_notify('{CHANNEL}', 'one')"))
        assert early.wait(timeout=5) and late.wait(timeout=5)
        apart = (late.woken - early.woken) % MIN_GAP_S
        assert math.isclose(apart, MIN_GAP_S / 2, abs_tol=1e-6)
    finally:
        early.close()
        late.close()
        writer.dispose()
        _admin(postgres, "DROP DATABASE notify_beats WITH (FORCE)")


def test_the_change_committed_last_has_the_newest_id(postgres: str) -> None:
    """A console that read the newest id sees every later commit as newer, even one whose
    transaction wrote its change first (with ids handed out at insert it never would)."""
    _admin(postgres, "CREATE DATABASE commit_order")
    db = Database(f"{postgres}/commit_order")
    db.create_schema()
    insert = text("INSERT INTO change_log (at, kind, ref) VALUES (now(), 'case', :ref)")
    try:
        with db.engine.connect() as first, db.engine.connect() as second:
            first.execute(insert, {"ref": "written first, committed last"})
            second.execute(insert, {"ref": "written last, committed first"})
            second.commit()
            on_screen = db.newest_change()
            first.commit()
        assert db.newest_change() > on_screen
        with db.read() as session:
            in_order = session.scalars(select(tables.ChangeLog.ref).order_by(tables.ChangeLog.id))
            assert list(in_order) == [
                "written last, committed first",
                "written first, committed last",
            ]
    finally:
        db.dispose()
        _admin(postgres, "DROP DATABASE commit_order WITH (FORCE)")
