"""The grid board's counts, kept by the database itself.

Counting a city's open cases and unresolved alerts per grid on every refresh
costs every console tens of milliseconds; triggers on `cases` and `alert`
instead move one grid's row of `grid_tally` by plus or minus one whenever a
case opens, closes, changes level or grid, or an alert is raised or resolved.
Every writer goes through the same triggers (services, jobs, intake, seeding,
`db copy`), so no code path can forget to count.

What depends on the clock (a case becoming late) is kept as of one instant,
the late mark: a case counts as late in its grid's tally when its running
clock (not parked) had passed its deadline at the mark. A console adds the
deadlines that fell between the mark and its own now, a handful when the mark
is recent, and the overdue sweep moves the mark on (`advance_late_mark`). On
PostgreSQL moving the mark locks the cases against writers first, so the mark
cannot move between a change's trigger reading it and the change committing.
"""

from datetime import datetime

from sqlalchemy import Connection, bindparam, inspect, select, text, update
from sqlalchemy.orm import Session

from gridcenter.domain.levels import Level
from gridcenter.store import tables
from gridcenter.store.types import UTCDateTime

TABLE = "grid_tally"
MARK = "late_mark"
OPEN_COUNTS = tuple(f"open_{level.value.lower()}" for level in Level)
LATE_COUNTS = tuple(f"late_{level.value.lower()}" for level in Level)
COUNTS = (*OPEN_COUNTS, "alerts", "alarms", *LATE_COUNTS)
# A case row in its grid's tally: open, on a grid. Late in it as well: its clock runs
# (not parked) and its deadline lies before the mark. The triggers and the advance of the
# mark both count by these.
_OPEN_ON_GRID = "{row}.grid_id IS NOT NULL AND {row}.step <> 'closed'"
_RUNNING = "{row}.parked_at IS NULL"


def _case_delta(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') an open case's row to its grid's tally."""
    opened = ", ".join(
        f"{sign}CASE WHEN {row}.level = '{level.value}' THEN 1 ELSE 0 END" for level in Level
    )
    late_at_mark = f"{_RUNNING.format(row=row)} AND {row}.deadline < (SELECT as_of FROM {MARK})"
    late = ", ".join(
        f"{sign}CASE WHEN {row}.level = '{level.value}' AND {late_at_mark} THEN 1 ELSE 0 END"
        for level in Level
    )
    return _upsert(
        f"SELECT {row}.grid_id, {opened}, 0, 0, {late} WHERE {_OPEN_ON_GRID.format(row=row)}"
    )


def _alert_delta(row: str, sign: str) -> str:
    alarm = f"{sign}CASE WHEN {row}.severity = 'alarm' THEN 1 ELSE 0 END"
    return _upsert(
        f"SELECT {row}.grid_id, 0, 0, 0, 0, {sign}1, {alarm}, 0, 0, 0, 0 "
        f"WHERE {row}.grid_id IS NOT NULL AND {row}.resolved_at IS NULL"
    )


def _upsert(select: str) -> str:
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in COUNTS)
    return (
        f"INSERT INTO {TABLE} (grid_id, {', '.join(COUNTS)}) {select} "
        f"ON CONFLICT (grid_id) DO UPDATE SET {added};"
    )


# Which updates can move a tally: anything else (a note, a timer, an acknowledgement)
# does not fire the trigger at all.
SOURCES = {
    "cases": (
        _case_delta,
        ("step", "level", "grid_id", "parked_at", "deadline"),
        "(OLD.step = 'closed') <> (NEW.step = 'closed') OR OLD.level <> NEW.level"
        " OR OLD.grid_id IS DISTINCT FROM NEW.grid_id"
        " OR (OLD.parked_at IS NULL) <> (NEW.parked_at IS NULL)"
        " OR OLD.deadline IS DISTINCT FROM NEW.deadline",
    ),
    "alert": (
        _alert_delta,
        ("resolved_at", "severity", "grid_id"),
        "(OLD.resolved_at IS NULL) <> (NEW.resolved_at IS NULL) OR OLD.severity <> NEW.severity"
        " OR OLD.grid_id IS DISTINCT FROM NEW.grid_id",
    ),
}


def install_tallies(connection: Connection) -> None:
    """(Re)create the triggers; a store older than the late tallies gets none yet."""
    if not {TABLE, MARK} <= set(inspect(connection).get_table_names()):
        return
    if connection.dialect.name == "sqlite":
        _install_sqlite(connection)
    else:
        _install_postgresql(connection)


def _install_sqlite(connection: Connection) -> None:
    for table, (delta, columns, moved) in SOURCES.items():
        moved = moved.replace("IS DISTINCT FROM", "IS NOT")
        bodies = {
            "insert": ("INSERT", delta("NEW", "+")),
            "delete": ("DELETE", delta("OLD", "-")),
            "update": (
                f"UPDATE OF {', '.join(columns)}",
                delta("OLD", "-") + " " + delta("NEW", "+"),
            ),
        }
        for verb, (event, body) in bodies.items():
            name = f"{table}_tally_{verb}"
            when = f" WHEN {moved}" if verb == "update" else ""
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                    f"BEGIN {body} END"
                )
            )


def _install_postgresql(connection: Connection) -> None:
    for table, (delta, columns, moved) in SOURCES.items():
        function = f"gridcenter_tally_{table}"
        connection.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP <> 'INSERT' THEN {delta('OLD', '-')} END IF; "
                f"IF TG_OP <> 'DELETE' THEN {delta('NEW', '+')} END IF; "
                "RETURN NULL; END; $$ LANGUAGE plpgsql"
            )
        )
        for verb, event, when in (
            ("change", "INSERT OR DELETE", ""),
            ("update", f"UPDATE OF {', '.join(columns)}", f" WHEN ({moved})"),
        ):
            name = f"{table}_tally_{verb}"
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                    f"EXECUTE FUNCTION {function}()"
                )
            )


def advance_late_mark(session: Session, to: datetime) -> bool:
    """Count the deadlines that fell between the mark and `to` into the tallies, and move
    the mark there; whether it moved (never backwards). In a short write transaction of its
    own, because on PostgreSQL it locks the cases against writers until it commits: that
    waits for every change in flight (so the count below sees them all) and holds new ones
    until the mark has moved (so their triggers read the new one). SQLite has one writer
    at a time already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE"))
    mark = tables.LateMark
    as_of = session.scalar(select(mark.as_of).where(mark.id == 1).with_for_update())
    if as_of is None or as_of >= to:
        return False
    late = ", ".join(f"sum(CASE WHEN level = '{level.value}' THEN 1 ELSE 0 END)" for level in Level)
    session.execute(
        text(
            _upsert(
                f"SELECT grid_id, 0, 0, 0, 0, 0, 0, {late} FROM cases "
                f"WHERE {_OPEN_ON_GRID.format(row='cases')} AND {_RUNNING.format(row='cases')} "
                "AND deadline >= :since AND deadline < :until GROUP BY grid_id"
            ).rstrip(";")
        ).bindparams(
            bindparam("since", as_of, type_=UTCDateTime()),
            bindparam("until", to, type_=UTCDateTime()),
        ),
    )
    session.execute(update(mark).where(mark.id == 1).values(as_of=to))
    return True
