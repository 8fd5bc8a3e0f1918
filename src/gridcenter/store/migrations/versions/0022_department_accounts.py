"""an account may act for a department: its members see its queue and record its feedback

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_account_department_id_department", "department", ["department_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_constraint("fk_account_department_id_department", type_="foreignkey")
        batch.drop_column("department_id")
