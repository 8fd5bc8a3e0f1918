"""The floor: the dashboard's data read with plain SQL through the driver, no ORM, no widgets.
Every other figure is read as a ratio to this one."""

from datetime import datetime
from typing import Any

from gridcenter.store.database import Database

LATE = (
    "WITH late AS MATERIALIZED (SELECT grid_id, level FROM cases WHERE step <> 'closed'"
    " AND parked_at IS NULL AND deadline < :now) "
)
TALLY = "FROM grid_tally t JOIN grid g ON g.id = t.grid_id"
PANE_SQL = [
    # case queue counts per level (from the tallies), and how many of them are overdue
    f"SELECT sum(t.open_a), sum(t.open_b), sum(t.open_c), sum(t.open_d) {TALLY}",
    LATE + "SELECT level, count(*) FROM late GROUP BY level",
    # the first page of queue A
    "SELECT c.code, c.title, c.level, c.step, k.name, g.name, coalesce(s.name, d.name, ''),"
    " c.deadline, c.parked_at IS NOT NULL, c.urgent, c.version FROM cases c"
    " JOIN category k ON k.id = c.category_id JOIN grid g ON g.id = c.grid_id"
    " LEFT JOIN staff s ON s.id = c.assignee_staff_id"
    " LEFT JOIN department d ON d.id = c.assignee_department_id"
    " WHERE c.step <> 'closed' AND c.level = 'A' ORDER BY c.deadline, c.id LIMIT 100",
    # timers: the most overdue, then due soon
    "SELECT c.code, c.deadline FROM cases c WHERE c.step <> 'closed' AND c.parked_at IS NULL"
    " AND c.deadline < :now ORDER BY c.deadline LIMIT 100",
    "SELECT c.code, c.deadline FROM cases c WHERE c.step <> 'closed' AND c.parked_at IS NULL"
    " AND c.deadline >= :now AND c.deadline < :soon ORDER BY c.deadline LIMIT 100",
    # the grid board: each grid's tallies, its overdue cases and its street's duty posts
    # (the grids' names and staffing are read when the console starts, by both)
    f"SELECT t.grid_id, t.open_a + t.open_b + t.open_c + t.open_d, t.alerts, t.alarms {TALLY}",
    LATE + "SELECT grid_id, count(*) FROM late GROUP BY grid_id",
    "SELECT id, street_id FROM duty_post WHERE street_id IS NOT NULL",
    "SELECT post_id FROM duty_shift WHERE starts_at <= :now AND ends_at > :now",
    # the roster and the alerts
    "SELECT p.name, s.name, f.ends_at FROM duty_post p LEFT JOIN duty_shift f ON f.post_id = p.id"
    " AND f.starts_at <= :now AND f.ends_at > :now LEFT JOIN staff s ON s.id = f.staff_id",
    "SELECT id, title FROM alert WHERE resolved_at IS NULL AND acknowledged_at IS NULL"
    " ORDER BY CASE severity WHEN 'alarm' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,"
    " raised_at DESC LIMIT 50",
]


def _bind(sql: str, params: dict[str, Any], sqlite: bool) -> tuple[str, Any]:
    if sqlite:
        return sql, {
            k: (v.replace(tzinfo=None) if isinstance(v, datetime) else v) for k, v in params.items()
        }
    for name in params:
        sql = sql.replace(f":{name}", f"%({name})s")
    return sql, params


def read_panes_raw(db: Database, now: datetime, soon: datetime) -> int:
    """Run every pane's query once; returns the rows read."""
    params = {"now": now, "soon": soon}
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        rows = 0
        for sql in PANE_SQL:
            text, bound = _bind(sql, params, db.is_sqlite)
            cursor.execute(text, bound)
            rows += len(cursor.fetchall())
        cursor.close()
        connection.rollback()
        return rows
    finally:
        connection.close()
