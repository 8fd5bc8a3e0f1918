"""city scale: an index of running clocks, when the sweep next looks at each case,
and indexes of the unresolved alerts

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = sa.text("step <> 'closed'")
UNRESOLVED = sa.text("resolved_at IS NULL")


def upgrade() -> None:
    op.add_column("cases", sa.Column("alert_due_at", UTCDateTime(), nullable=True))
    # What the sweep would have looked at anyway: from a case's warning point, or its
    # deadline once warned; a case past its deadline is looked at once more and moved on.
    op.execute(
        "UPDATE cases SET alert_due_at = CASE"
        " WHEN alert_stage = 0 AND warn_at < deadline THEN warn_at"
        " WHEN alert_stage < 3 THEN deadline END"
        " WHERE step <> 'closed'"
    )
    op.create_index(
        "ix_cases_running",
        "cases",
        ["deadline", "parked_at", "grid_id", "level"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_cases_alert_due", "cases", ["alert_due_at"], sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index(
        "ix_alert_open_raised",
        "alert",
        ["raised_at"],
        sqlite_where=UNRESOLVED,
        postgresql_where=UNRESOLVED,
    )
    op.create_index(
        "ix_alert_open_grid",
        "alert",
        ["grid_id", "severity"],
        sqlite_where=UNRESOLVED,
        postgresql_where=UNRESOLVED,
    )


def downgrade() -> None:
    op.drop_index("ix_alert_open_grid", table_name="alert")
    op.drop_index("ix_alert_open_raised", table_name="alert")
    op.drop_index("ix_cases_alert_due", table_name="cases")
    op.drop_index("ix_cases_running", table_name="cases")
    op.drop_column("cases", "alert_due_at")
