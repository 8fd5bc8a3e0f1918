"""grid tasks: work departments push onto grids that is not a resident's case

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grid_task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("street_id", sa.Integer(), sa.ForeignKey("street.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("hours_estimate", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_by", sa.String(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
    )
    op.create_index("ix_grid_task_grid_id", "grid_task", ["grid_id"])
    op.create_index("ix_grid_task_street_id", "grid_task", ["street_id"])
    op.create_index("ix_grid_task_department_id", "grid_task", ["department_id"])
    op.create_index("ix_grid_task_created_at", "grid_task", ["created_at"])
    op.create_index("ix_grid_task_done_at", "grid_task", ["done_at"])


def downgrade() -> None:
    op.drop_table("grid_task")
