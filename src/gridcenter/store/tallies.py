"""The grid board's counts, kept by the database itself.

Counting a city's open cases and unresolved alerts per grid on every refresh
costs every console tens of milliseconds; triggers on `cases` and `alert`
instead move one grid's row of `grid_tally` by plus or minus one whenever a
case opens, closes, changes level or grid, or an alert is raised or resolved.
Every writer goes through the same triggers (services, jobs, intake, seeding,
`db copy`), so no code path can forget to count. What depends on the clock
(a case becoming overdue) cannot be kept this way and is still read live.
"""

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gridcenter.domain.levels import Level

TABLE = "grid_tally"
COUNTS = (*(f"open_{level.value.lower()}" for level in Level), "alerts", "alarms")


def _case_delta(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') an open case's row to its grid's tally."""
    values = ", ".join(
        f"{sign}CASE WHEN {row}.level = '{level.value}' THEN 1 ELSE 0 END" for level in Level
    )
    return _upsert(
        f"SELECT {row}.grid_id, {values}, 0, 0 "
        f"WHERE {row}.grid_id IS NOT NULL AND {row}.step <> 'closed'"
    )


def _alert_delta(row: str, sign: str) -> str:
    alarm = f"{sign}CASE WHEN {row}.severity = 'alarm' THEN 1 ELSE 0 END"
    return _upsert(
        f"SELECT {row}.grid_id, 0, 0, 0, 0, {sign}1, {alarm} "
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
        ("step", "level", "grid_id"),
        "(OLD.step = 'closed') <> (NEW.step = 'closed') OR OLD.level <> NEW.level"
        " OR OLD.grid_id IS DISTINCT FROM NEW.grid_id",
    ),
    "alert": (
        _alert_delta,
        ("resolved_at", "severity", "grid_id"),
        "(OLD.resolved_at IS NULL) <> (NEW.resolved_at IS NULL) OR OLD.severity <> NEW.severity"
        " OR OLD.grid_id IS DISTINCT FROM NEW.grid_id",
    ),
}


def install_tallies(connection: Connection) -> None:
    """(Re)create the triggers; a store older than the tally table gets none yet."""
    if TABLE not in inspect(connection).get_table_names():
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
