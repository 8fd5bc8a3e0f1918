"""Changes announced at once on PostgreSQL (LISTEN/NOTIFY); SQLite consoles poll instead.

A trigger on the change log notifies a channel with the new change id; a
listener holds one autocommit connection and wakes a console's refresh.
"""

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

CHANNEL = "gridcenter_changes"
# A burst of changes wakes a console once: after the first notification the listener
# gathers the rest for this long, so that a console refreshes at most a few times a second
# however fast the writers go (each refresh reads the newest state anyway).
SETTLE_S = 0.25


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

    def wait(self, timeout: float) -> bool:
        """True when something changed within `timeout` seconds (and the burst it began has
        settled)."""
        changed = False
        for _ in self.connection.notifies(timeout=timeout, stop_after=1):
            changed = True
        if changed:
            for _ in self.connection.notifies(timeout=SETTLE_S):
                pass
        return changed

    def close(self) -> None:
        self.connection.close()
