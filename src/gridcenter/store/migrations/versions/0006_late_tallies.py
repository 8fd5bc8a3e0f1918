"""city scale: the tallies also count late cases, as of a mark the sweep moves on

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LATE = ("late_a", "late_b", "late_c", "late_d")


def upgrade() -> None:
    for name in LATE:
        op.add_column(
            "grid_tally", sa.Column(name, sa.Integer(), nullable=False, server_default="0")
        )
    mark = op.create_table(
        "late_mark",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("as_of", UTCDateTime(), nullable=False),
    )
    # A mark before every deadline: nothing is late as of it, so the counts start true at
    # zero, and the first sweep (or console) moves the mark to its own now.
    op.bulk_insert(mark, [{"id": 1, "as_of": datetime(1970, 1, 1, tzinfo=UTC)}])


def downgrade() -> None:
    op.drop_table("late_mark")
    with op.batch_alter_table("grid_tally") as table:
        for name in LATE:
            table.drop_column(name)
