"""Where a report lies: the grid at a point, or the grid a code names."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.reports import Point
from gridcenter.store import tables


def grid_at(session: Session, point: Point) -> tables.Grid | None:
    """The grid whose boundary holds the point; None for a point outside every grid or in
    a gap between grids."""
    return session.scalar(
        select(tables.Grid)
        .where(
            tables.Grid.south <= point.lat,
            tables.Grid.north > point.lat,
            tables.Grid.west <= point.lon,
            tables.Grid.east > point.lon,
        )
        .order_by(tables.Grid.code)
        .limit(1)
    )


def grid_by_code(session: Session, code: str) -> tables.Grid | None:
    return session.scalar(select(tables.Grid).where(tables.Grid.code == code.strip()))
