"""stationing: the stationing day's meetings, who attended, and the issues raised

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stationing_meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(), nullable=False, unique=True),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("street_id", sa.Integer(), sa.ForeignKey("street.id"), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.Column("convener_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("cadre_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.UniqueConstraint("community_id", "month"),
    )
    op.create_index("ix_stationing_meeting_street_id", "stationing_meeting", ["street_id"])
    op.create_table(
        "stationing_attendee",
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("stationing_meeting.id"),
            primary_key=True,
        ),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
    )
    op.create_table(
        "stationing_issue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id", sa.Integer(), sa.ForeignKey("stationing_meeting.id"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("linked_at", UTCDateTime(), nullable=True),
        sa.Column("linked_by", sa.String(), nullable=True),
        sa.UniqueConstraint("meeting_id", "number"),
    )
    op.create_index("ix_stationing_issue_case_id", "stationing_issue", ["case_id"])


def downgrade() -> None:
    op.drop_table("stationing_issue")
    op.drop_table("stationing_attendee")
    op.drop_table("stationing_meeting")
