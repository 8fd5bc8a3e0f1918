"""Changes announced at once on PostgreSQL (LISTEN/NOTIFY); SQLite consoles poll instead.

A trigger on the change log notifies a channel with the new change id; a
listener holds one autocommit connection and wakes a console's refresh.
"""

import time

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

CHANNEL = "gridcenter_changes"
# A burst of changes wakes a console once: after the first notification the listener
# gathers the rest for this long (each refresh reads the newest state anyway).
SETTLE_S = 0.25
# And wakes it at most once in this long, as often as a polling SQLite console looks: under
# a steady stream of changes, fifty consoles reading four times a second would leave the
# server no time for the writers.
MIN_GAP_S = 1.0


def install_notify(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        text(
            "CREATE OR REPLACE FUNCTION gridcenter_notify_change() RETURNS trigger AS $$ "
            f"BEGIN PERFORM pg_notify('{CHANNEL}', NEW.id::text); RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
    )
    connection.execute(text("DROP TRIGGER IF EXISTS change_log_notify ON change_log"))
    connection.execute(
        text(
            "CREATE TRIGGER change_log_notify AFTER INSERT ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION gridcenter_notify_change()"
        )
    )


class ChangeListener:
    """Waits for change notifications on a PostgreSQL store."""

    def __init__(self, url: str) -> None:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(dsn, autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")
        self._woken = -MIN_GAP_S  # monotonic time of the last wake

    def wait(self, timeout: float) -> bool:
        """True when something changed within `timeout` seconds (and the burst it began has
        settled, and at least MIN_GAP_S has passed since the last wake)."""
        changed = False
        for _ in self.connection.notifies(timeout=timeout, stop_after=1):
            changed = True
        if changed:
            settle = max(SETTLE_S, self._woken + MIN_GAP_S - time.monotonic())
            for _ in self.connection.notifies(timeout=settle):
                pass
            self._woken = time.monotonic()
        return changed

    def close(self) -> None:
        self.connection.close()
