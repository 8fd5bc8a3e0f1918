"""a step keeps its deadline before any extension, and the time it spent parked

Revision ID: 0020
Revises: 0019
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from gridcenter.store.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("cases", "case_step")


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(
                sa.Column("original_deadline", UTCDateTime(timezone=True), nullable=True)
            )
            batch.add_column(sa.Column("parked_s", sa.Float(), nullable=False, server_default="0"))
        op.execute(f"UPDATE {name} SET original_deadline = deadline")
    _before_extensions()


def _before_extensions() -> None:
    """An extended step's original deadline is the one its first extension moved."""
    bind = op.get_bind()
    meta = sa.MetaData()
    step = sa.Table(
        "case_step",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("case_id", sa.Integer),
        sa.Column("started_at", UTCDateTime(timezone=True)),
        sa.Column("ended_at", UTCDateTime(timezone=True)),
        sa.Column("original_deadline", UTCDateTime(timezone=True)),
    )
    case = sa.Table(
        "cases",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("original_deadline", UTCDateTime(timezone=True)),
    )
    event = sa.Table(
        "case_event",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("case_id", sa.Integer),
        sa.Column("at", UTCDateTime(timezone=True)),
        sa.Column("action", sa.String),
        sa.Column("from_value", sa.String),
    )
    rows = bind.execute(
        sa.select(step.c.id, step.c.case_id, step.c.ended_at, event.c.from_value)
        .join(event, event.c.case_id == step.c.case_id)
        .where(
            event.c.action == "grant_extension",
            event.c.at >= step.c.started_at,
            sa.or_(step.c.ended_at.is_(None), event.c.at <= step.c.ended_at),
        )
        .order_by(step.c.id, event.c.at.desc(), event.c.id.desc())
    ).all()
    first = {row.id: row for row in rows}  # the earliest grant of each step, read last
    for step_id, row in first.items():
        try:
            original = datetime.fromisoformat(row.from_value)
        except (TypeError, ValueError):
            continue
        bind.execute(sa.update(step).where(step.c.id == step_id).values(original_deadline=original))
        if row.ended_at is None:
            bind.execute(
                sa.update(case).where(case.c.id == row.case_id).values(original_deadline=original)
            )


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("parked_s")
            batch.drop_column("original_deadline")
