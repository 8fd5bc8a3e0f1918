"""joint handling at level C: the co-handling departments of a case, each with its part

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_cohandler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_cohandler_case_id", "case_cohandler", ["case_id"])
    op.create_index("ix_case_cohandler_department_id", "case_cohandler", ["department_id"])


def downgrade() -> None:
    op.drop_index("ix_case_cohandler_department_id", table_name="case_cohandler")
    op.drop_index("ix_case_cohandler_case_id", table_name="case_cohandler")
    op.drop_table("case_cohandler")
