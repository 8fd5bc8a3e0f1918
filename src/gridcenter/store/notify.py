"""Changes announced at once on PostgreSQL (LISTEN/NOTIFY); SQLite consoles poll instead.

A console knows what it has on screen by the newest change id it read, so change ids
must grow in the order the changes become visible. SQLite has one writer at a time; on
PostgreSQL a sequence hands out ids when rows are inserted, and a transaction holding a
lower id can commit after one holding a higher id, which a console would never see. So
a deferred trigger numbers each change again as its transaction commits, one commit at a
time (an advisory lock held to the end of the commit), and announces it then: a
listener holds one autocommit connection and wakes a console's refresh.
"""

import time

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

CHANNEL = "gridcenter_changes"
# The advisory lock that lets one commit at a time number its changes.
NUMBERING_LOCK = 7_130_301
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
            "CREATE OR REPLACE FUNCTION gridcenter_number_change() RETURNS trigger AS $$ "
            "DECLARE numbered bigint; "
            f"BEGIN PERFORM pg_advisory_xact_lock({NUMBERING_LOCK}); "
            "UPDATE change_log SET id = nextval(pg_get_serial_sequence('change_log', 'id')) "
            "WHERE id = NEW.id RETURNING id INTO numbered; "
            f"PERFORM pg_notify('{CHANNEL}', numbered::text); RETURN NULL; END; "
            "$$ LANGUAGE plpgsql"
        )
    )
    connection.execute(text("DROP TRIGGER IF EXISTS change_log_in_commit_order ON change_log"))
    # A constraint trigger deferred to the commit: it runs after every statement of the
    # transaction, so the lock is held only while the commit finishes.
    connection.execute(
        text(
            "CREATE CONSTRAINT TRIGGER change_log_in_commit_order AFTER INSERT ON change_log "
            "DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION gridcenter_number_change()"
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
