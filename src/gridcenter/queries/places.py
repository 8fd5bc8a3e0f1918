"""Where a report lies: the grid at a point, the grid a code names, or the one an address
names."""

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.reports import Point, normal_address
from gridcenter.domain.territory import holds
from gridcenter.queries.scope import in_territory
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


def grid_for_address(session: Session, address: str) -> tables.Grid | None:
    """The grid an address names: a grid by its code or name, else a community or street by
    its code or name when it holds a single grid. Matching is on normalised text (width,
    case, spacing), whole words only; None when nothing, or more than one grid, fits."""
    wanted = normal_address(address)
    if not wanted:
        return None
    grid = tables.Grid  # names and ids only: the shapes stay in the store
    grids = session.execute(
        select(grid.id, grid.code, grid.name, grid.community_id, grid.street_id)
    ).all()
    for key in (None, "community_id", "street_id"):
        if key is None:
            found = [g.id for g in grids if _names(wanted, g.code, g.name)]
        else:
            table = tables.Community if key == "community_id" else tables.Street
            named = {
                row.id
                for row in session.execute(select(table.id, table.code, table.name))
                if _names(wanted, row.code, row.name)
            }
            found = [g.id for g in grids if getattr(g, key) in named] if named else []
        if found:
            return session.get(tables.Grid, found[0]) if len(found) == 1 else None
    return None


def _names(address: str, *names: str) -> bool:
    """Whether a normalised address is, or holds as whole words, one of these names."""
    for name in names:
        term = normal_address(name)
        if term and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", address):
            return True
    return False


@dataclass(frozen=True)
class GridLine:
    """A grid as a picker offers it."""

    code: str
    name: str
    community: str


def grid_lines(session: Session, territory: Territory) -> list[GridLine]:
    """Every grid of the territory, by code: what a place picker filters as one types."""
    rows = session.execute(
        select(tables.Grid.code, tables.Grid.name, tables.Community.name)
        .join(tables.Community, tables.Community.id == tables.Grid.community_id)
        .where(in_territory(territory, tables.Grid.street_id, tables.Grid.community_id))
        .order_by(tables.Grid.code)
    )
    return [GridLine(*row) for row in rows]
