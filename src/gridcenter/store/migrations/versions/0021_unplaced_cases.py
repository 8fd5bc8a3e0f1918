"""a report no grid covers is still a case: grid, community and street may be empty; where
it was reported, and the links of a merged repeat and a possible repeat

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

PLACE = ("grid_id", "community_id", "street_id")


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for column in PLACE:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("repeat_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_cases_merged_into", "cases", ["merged_into_id"], ["id"])
        batch.create_foreign_key("fk_cases_repeat_of", "cases", ["repeat_of_id"], ["id"])
        batch.create_index("ix_cases_merged_into_id", ["merged_into_id"])


def downgrade() -> None:
    unplaced = op.get_bind().execute(sa.text("SELECT count(*) FROM cases WHERE grid_id IS NULL"))
    if unplaced.scalar():
        raise RuntimeError("unplaced cases exist: place them in grids before downgrading")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_merged_into_id")
        batch.drop_constraint("fk_cases_repeat_of", type_="foreignkey")
        batch.drop_constraint("fk_cases_merged_into", type_="foreignkey")
        for column in ("repeat_of_id", "merged_into_id", "lon", "lat"):
            batch.drop_column(column)
        for column in PLACE:
            batch.alter_column(column, existing_type=sa.Integer(), nullable=False)
