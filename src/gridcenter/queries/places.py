"""Where a report lies: the grid at a point, or the grid a code names."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.reports import Point
from gridcenter.domain.territory import holds
from gridcenter.store import tables
from gridcenter.store.territory import shape_of


def grid_at(session: Session, point: Point) -> tables.Grid | None:
    """The grid whose shape holds the point; None for a point outside every grid or in a
    gap between grids. The bounding boxes find the few grids that may hold it; their
    shapes decide (an L-shaped grid's box holds the notch another grid fills). A point on
    an edge two grids share goes to the one first by code."""
    candidates = session.scalars(
        select(tables.Grid)
        .where(
            tables.Grid.south <= point.lat,
            tables.Grid.north >= point.lat,
            tables.Grid.west <= point.lon,
            tables.Grid.east >= point.lon,
        )
        .order_by(tables.Grid.code)
    )
    for grid in candidates:
        shape = shape_of(grid.shape)
        if shape is not None and holds(shape, point):
            return grid
    return None


def grid_by_code(session: Session, code: str) -> tables.Grid | None:
    return session.scalar(select(tables.Grid).where(tables.Grid.code == code.strip()))
