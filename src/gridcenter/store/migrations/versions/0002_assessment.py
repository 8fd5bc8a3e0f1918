"""assessment: who reported on patrol, invalid reports, indexes for period counts

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): other tables refer to cases, and a 1M-row store
    # should not be rewritten for two columns. SQLite takes the reference inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases ADD COLUMN reporter_staff_id INTEGER REFERENCES staff (id)")
    else:
        op.add_column("cases", sa.Column("reporter_staff_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_cases_reporter_staff_id_staff", "cases", "staff", ["reporter_staff_id"], ["id"]
        )
    op.add_column(
        "cases", sa.Column("invalid", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_cases_reporter_staff_id", "cases", ["reporter_staff_id"], unique=False)
    op.create_index("ix_case_step_ended", "case_step", ["ended_at"], unique=False)
    op.create_index("ix_case_event_action_at", "case_event", ["action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_event_action_at", table_name="case_event")
    op.drop_index("ix_case_step_ended", table_name="case_step")
    op.drop_index("ix_cases_reporter_staff_id", table_name="cases")
    op.drop_column("cases", "invalid")
    op.drop_column("cases", "reporter_staff_id")
