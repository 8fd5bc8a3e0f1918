"""history rows say how they were sealed: the first rows by joined text, new ones by JSON

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: no copy of the (append-only, possibly huge) history tables.
    for table in ("case_event", "audit_event"):
        op.add_column(table, sa.Column("seal", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in ("case_event", "audit_event"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("seal")
