"""city scale: the board's counts per grid, kept by triggers (store/tallies.py)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COUNTS = ("open_a", "open_b", "open_c", "open_d", "alerts", "alarms")


def upgrade() -> None:
    op.create_table(
        "grid_tally",
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), primary_key=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
    )
    # Counted once here; from now on the triggers keep every row up to date.
    op.execute(
        "INSERT INTO grid_tally (grid_id, open_a, open_b, open_c, open_d, alerts, alarms)"
        " SELECT grid_id, sum(a), sum(b), sum(c), sum(d), sum(alerts), sum(alarms) FROM ("
        "  SELECT grid_id,"
        "   CASE WHEN level = 'A' THEN 1 ELSE 0 END AS a,"
        "   CASE WHEN level = 'B' THEN 1 ELSE 0 END AS b,"
        "   CASE WHEN level = 'C' THEN 1 ELSE 0 END AS c,"
        "   CASE WHEN level = 'D' THEN 1 ELSE 0 END AS d,"
        "   0 AS alerts, 0 AS alarms"
        "  FROM cases WHERE step <> 'closed' AND grid_id IS NOT NULL"
        "  UNION ALL"
        "  SELECT grid_id, 0, 0, 0, 0, 1, CASE WHEN severity = 'alarm' THEN 1 ELSE 0 END"
        "  FROM alert WHERE resolved_at IS NULL AND grid_id IS NOT NULL"
        " ) AS counted GROUP BY grid_id"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in ("cases", "alert"):
        verbs = ("change", "update") if postgresql else ("insert", "delete", "update")
        for verb in verbs:
            on = f" ON {table}" if postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS {table}_tally_{verb}{on}")
        if postgresql:
            op.execute(f"DROP FUNCTION IF EXISTS gridcenter_tally_{table}()")
    op.drop_table("grid_tally")
