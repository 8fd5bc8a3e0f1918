"""fieldwork: the patrols and household visits a grid's team records

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_patrol",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=False),
        sa.Column("track", sa.String(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_field_patrol_staff_id", "field_patrol", ["staff_id"])
    op.create_index("ix_field_patrol_grid_end", "field_patrol", ["grid_id", "ended_at"])
    op.create_table(
        "field_visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.String(), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("household", sa.String(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("needs", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_field_visit_staff_id", "field_visit", ["staff_id"])
    op.create_index("ix_field_visit_grid_at", "field_visit", ["grid_id", "at"])


def downgrade() -> None:
    op.drop_table("field_visit")
    op.drop_table("field_patrol")
