"""responsibility levels: the case levels a department handles each category at

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "departmentcategory",
        sa.Column("levels", sa.String(), nullable=False, server_default="ABCD"),
    )


def downgrade() -> None:
    with op.batch_alter_table("departmentcategory") as batch:
        batch.drop_column("levels")
