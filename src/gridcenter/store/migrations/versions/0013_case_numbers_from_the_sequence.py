"""cases are numbered by the database: PostgreSQL's sequence moves past the stored cases

Revision ID: 0013
Revises: 0012

Before 0011 every case was stored with a number counted by hand, so on PostgreSQL the
sequence behind `cases.id` was never drawn and would hand out numbers already taken.
SQLite numbers a row after the largest one stored, so it needs nothing.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('cases', 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM cases), false)"
        )


def downgrade() -> None:
    """Nothing to undo: a sequence past the stored cases suits the older code too."""
