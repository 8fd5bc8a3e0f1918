"""The floors: the dashboard's data read with plain SQL through the driver, no ORM, no
widgets. Every other figure is read as a ratio to them: the floor reads every pane whole
(all the board's grids), the visible floor only what a 200x60 wall console shows."""

from datetime import datetime
from typing import Any

from gridcenter.store.database import Database

LATE = (
    "WITH late AS MATERIALIZED (SELECT grid_id, level FROM cases WHERE step <> 'closed'"
    " AND parked_at IS NULL AND deadline < :now) "
)
TALLY = "FROM grid_tally t JOIN grid g ON g.id = t.grid_id"
QUEUE_A = (
    "SELECT c.code, c.title, c.level, c.step, k.name, g.name, coalesce(s.name, d.name, ''),"
    " c.deadline, c.parked_at IS NOT NULL, c.urgent, c.version FROM cases c"
    " JOIN category k ON k.id = c.category_id JOIN grid g ON g.id = c.grid_id"
    " LEFT JOIN staff s ON s.id = c.assignee_staff_id"
    " LEFT JOIN department d ON d.id = c.assignee_department_id"
    " WHERE c.step <> 'closed' AND c.level = 'A' ORDER BY c.deadline, c.id"
)
ROSTER = (
    "SELECT p.name, s.name, f.ends_at FROM duty_post p LEFT JOIN duty_shift f ON f.post_id = p.id"
    " AND f.starts_at <= :now AND f.ends_at > :now LEFT JOIN staff s ON s.id = f.staff_id"
)
ALERTS = (
    "SELECT id, title FROM alert WHERE resolved_at IS NULL AND acknowledged_at IS NULL"
    " ORDER BY CASE severity WHEN 'alarm' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,"
    " raised_at DESC"
)
PANE_SQL = [
    # case queue counts per level (from the tallies), and how many of them are overdue
    f"SELECT sum(t.open_a), sum(t.open_b), sum(t.open_c), sum(t.open_d) {TALLY}",
    LATE + "SELECT level, count(*) FROM late GROUP BY level",
    QUEUE_A + " LIMIT 100",  # the first page of queue A
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
    ROSTER,
    ALERTS + " LIMIT 50",
]


# A 200x60 console shows about 40 rows of a queue and of the timers, 60 of the board,
# 20 alerts and every post's duty; and its counts: per level, open and late, from the
# tallies the triggers keep.
VISIBLE_SQL = [
    "SELECT sum(t.open_a), sum(t.open_b), sum(t.open_c), sum(t.open_d), sum(t.late_a),"
    " sum(t.late_b), sum(t.late_c), sum(t.late_d), sum(t.alerts), sum(t.alarms) FROM grid_tally t",
    QUEUE_A + " LIMIT 40",
    "SELECT c.code, c.deadline FROM cases c WHERE c.step <> 'closed' AND c.parked_at IS NULL"
    " AND c.deadline < :soon ORDER BY c.deadline LIMIT 40",
    # the board's first page, ordered by trouble: alarms, then late cases, then alerts
    "SELECT g.code, g.name, t.open_a + t.open_b + t.open_c + t.open_d,"
    " t.late_a + t.late_b + t.late_c + t.late_d, t.alerts, t.alarms"
    f" {TALLY} ORDER BY t.alarms DESC, t.late_a + t.late_b + t.late_c + t.late_d DESC,"
    " t.alerts DESC, g.code LIMIT 60",
    ROSTER,
    ALERTS + " LIMIT 20",
]


def _bind(sql: str, params: dict[str, Any], sqlite: bool) -> tuple[str, Any]:
    if sqlite:
        return sql, {
            k: (v.replace(tzinfo=None) if isinstance(v, datetime) else v) for k, v in params.items()
        }
    for name in params:
        sql = sql.replace(f":{name}", f"%({name})s")
    return sql, params


def read_panes_raw(
    db: Database, now: datetime, soon: datetime, statements: list[str] = PANE_SQL
) -> int:
    """Run every pane's query once (or the visible floor's, given VISIBLE_SQL); returns
    the rows read."""
    params = {"now": now, "soon": soon}
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        rows = 0
        for sql in statements:
            text, bound = _bind(sql, params, db.is_sqlite)
            cursor.execute(text, bound)
            rows += len(cursor.fetchall())
        cursor.close()
        connection.rollback()
        return rows
    finally:
        connection.close()
