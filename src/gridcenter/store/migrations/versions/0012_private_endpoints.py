"""webhooks and intake sources say whether an admin allowed a private address

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Endpoints at private addresses stop until an admin adds them again with
    # --allow-private: nobody allowed them knowing what that means.
    for table in ("webhook", "intake_source"):
        op.add_column(
            table,
            sa.Column("allow_private", sa.Boolean(), nullable=False, server_default=sa.false()),
        )


def downgrade() -> None:
    for table in ("webhook", "intake_source"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("allow_private")
