"""change ids grow in commit order on PostgreSQL: numbered as each commit finishes

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The announcing trigger of 0001-0006 gave way to one deferred to the commit, which
    # numbers and announces each change (installed after every upgrade: store/notify.py).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_notify ON change_log")
        op.execute("DROP FUNCTION IF EXISTS gridcenter_notify_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_in_commit_order ON change_log")
        op.execute("DROP FUNCTION IF EXISTS gridcenter_number_change()")
