"""places keep their shapes: the district, streets, communities and grids get a WKB outline,
and the grids stored before it keep their rectangles as shapes

Revision ID: 0018
Revises: 0017
"""

import shapely
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLES = ("district", "street", "community", "grid")


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("shape", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    boxes = bind.execute(
        sa.text("SELECT id, west, south, east, north FROM grid WHERE south IS NOT NULL")
    ).all()
    if boxes:
        bind.execute(
            sa.text("UPDATE grid SET shape = :shape WHERE id = :id"),
            [
                {"id": id_, "shape": shapely.to_wkb(shapely.box(west, south, east, north))}
                for id_, west, south, east, north in boxes
            ],
        )


def downgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("shape")
