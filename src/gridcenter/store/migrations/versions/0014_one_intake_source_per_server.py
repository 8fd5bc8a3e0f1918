"""a server is registered once as an intake source: (url, jurisdiction) is unique

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from gridcenter.store.migrate import UpgradeRefused

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT url, jurisdiction, count(*) FROM intake_source "
                "GROUP BY url, jurisdiction HAVING count(*) > 1 ORDER BY url, jurisdiction LIMIT 5"
            )
        )
        .all()
    )
    if twice:
        listed = ", ".join(
            f"{url} {jurisdiction}".strip() + f" ({n} sources)" for url, jurisdiction, n in twice
        )
        raise UpgradeRefused(
            f"servers registered as more than one intake source: {listed}; each has cursor "
            "and cases of its own, so merge them into one source per server before upgrading"
        )
    with op.batch_alter_table("intake_source") as batch:
        batch.create_index("ix_intake_source_server", ["url", "jurisdiction"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("intake_source") as batch:
        batch.drop_index("ix_intake_source_server")
