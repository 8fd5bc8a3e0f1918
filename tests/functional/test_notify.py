"""LISTEN/NOTIFY on a real PostgreSQL server: how often a console is woken."""

import time

from sqlalchemy import create_engine, text

from gridcenter.store.notify import CHANNEL, MIN_GAP_S, ChangeListener
from tests.conftest import _admin


def test_a_burst_wakes_a_console_once_and_wakes_come_a_gap_apart(postgres: str) -> None:
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
        first = time.monotonic()
        assert not listener.wait(timeout=0.2)  # the whole burst woke it once
        announce(1)
        assert listener.wait(timeout=5)
        # Elapsed time only grows on a slow machine: this lower bound cannot flake.
        assert time.monotonic() - first >= MIN_GAP_S
    finally:
        listener.close()
        writer.dispose()
        _admin(postgres, "DROP DATABASE notify_gap WITH (FORCE)")
