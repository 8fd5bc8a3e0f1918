"""a source's record is stored as one case: external_ref is unique

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.migrate import UpgradeRefused

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT external_ref, count(*) FROM cases WHERE external_ref IS NOT NULL "
                "GROUP BY external_ref HAVING count(*) > 1 ORDER BY external_ref LIMIT 5"
            )
        )
        .all()
    )
    if twice:
        listed = ", ".join(f"{ref} ({n} cases)" for ref, n in twice)
        raise UpgradeRefused(
            f"records stored as more than one case: {listed}; dismiss the extra cases and "
            "clear their external_ref before upgrading"
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_external_ref")
        batch.create_index("ix_cases_external_ref", ["external_ref"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_external_ref")
        batch.create_index("ix_cases_external_ref", ["external_ref"], unique=False)
