"""The stored territory as places of a territory file (domain/territory.py)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Territory
from gridcenter.domain.territory import Place
from gridcenter.store import tables
from gridcenter.store.territory import GRID_FIELDS, shape_of


def _place(level: str, row: Any, parent: str | None) -> Place:
    extra = {name: getattr(row, name) for name in GRID_FIELDS} if level == "grid" else {}
    return Place(
        code=row.code,
        name=row.name,
        level=level,
        parent=parent,
        shape=shape_of(row.shape),
        **extra,
    )


def territory_places(session: Session, scope: Territory) -> list[Place]:
    """The stored territory as places, the district's whole or one street's or community's
    branch of it (with the places above it, so the branch reads as a file of its own)."""
    district = session.scalar(select(tables.District))
    if district is None:
        return []
    streets = select(tables.Street)
    communities = select(tables.Community)
    grids = select(tables.Grid)
    street_id, community_id = scope.street_id, scope.community_id
    if community_id is not None:
        communities = communities.where(tables.Community.id == community_id)
        grids = grids.where(tables.Grid.community_id == community_id)
    if street_id is not None:
        streets = streets.where(tables.Street.id == street_id)
        communities = communities.where(tables.Community.street_id == street_id)
        grids = grids.where(tables.Grid.street_id == street_id)
    street_rows = list(session.scalars(streets))
    community_rows = list(session.scalars(communities))
    street_codes = {row.id: row.code for row in street_rows}
    community_codes = {row.id: row.code for row in community_rows}
    return [
        _place("district", district, None),
        *(_place("street", row, district.code) for row in street_rows),
        *(_place("community", row, street_codes[row.street_id]) for row in community_rows),
        *(_place("grid", row, community_codes[row.community_id]) for row in session.scalars(grids)),
    ]
