"""responsibility levels: the case levels a department handles each category at

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
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
