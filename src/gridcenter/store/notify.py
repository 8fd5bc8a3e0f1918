"""Changes announced at once on PostgreSQL (LISTEN/NOTIFY); SQLite consoles poll instead.

A console knows what it has on screen by the newest change id it read, so change ids
must grow in the order the changes become visible. SQLite has one writer at a time; on
PostgreSQL a sequence hands out ids when rows are inserted, and a transaction holding a
lower id can commit after one holding a higher id, which a console would never see. So
a deferred trigger numbers each change again as its transaction commits, one commit at a
time (an advisory lock held to the end of the commit), and announces it then: a
listener holds one autocommit connection and wakes a console's refresh.
"""

import math
import random
import time

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

CHANNEL = "gridcenter_changes"
# The advisory lock that lets one commit at a time number its changes.
NUMBERING_LOCK = 7_130_301
# A console is woken at most once in this long, as often as a polling SQLite console looks:
# under a steady stream of changes, fifty consoles reading four times a second would leave
# the server no time for the writers. A burst of changes wakes it once.
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
    """Waits for change notifications on a PostgreSQL store.

    A listener wakes only on its own beat: moments MIN_GAP_S apart, at a phase of its own
    drawn at random. Woken by the same notification at the same moment, fifty consoles
    would read all at once and the last would wait for the other forty-nine; on beats
    spread over the gap, each reads nearly alone, and a change waits at most one gap."""

    def __init__(self, url: str, phase: float | None = None) -> None:
        import psycopg  # only a PostgreSQL console listens: SQLite starts without the driver

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(dsn, autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")
        self.phase = random.uniform(0, MIN_GAP_S) if phase is None else phase
        self.woken = -math.inf  # the beat (monotonic time) of the last wake

    def next_beat(self, after: float) -> float:
        """The first of this listener's beats at or after `after` (monotonic time)."""
        return self.phase + math.ceil((after - self.phase) / MIN_GAP_S) * MIN_GAP_S

    def wait(self, timeout: float) -> bool:
        """True when something changed within `timeout` seconds; it returns on the next
        beat after the change, with the burst the change began gathered."""
        changed = False
        for _ in self.connection.notifies(timeout=timeout, stop_after=1):
            changed = True
        if changed:
            beat = self.next_beat(max(time.monotonic(), self.woken + MIN_GAP_S))
            # Asleep until the beat rather than woken by each notification of the burst
            # (twenty a second under load, in every console); then the burst is taken in.
            time.sleep(max(0.0, beat - time.monotonic()))
            for _ in self.connection.notifies(timeout=0):
                pass
            self.woken = beat
        return changed

    def close(self) -> None:
        self.connection.close()
