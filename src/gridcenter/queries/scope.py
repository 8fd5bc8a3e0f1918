from typing import Any

from sqlalchemy import ColumnElement, true

from gridcenter.domain.access import Territory


def in_territory(territory: Territory, street_col: Any, community_col: Any) -> ColumnElement[bool]:
    """The WHERE clause that keeps a query inside an operator's territory."""
    if territory.community_id is not None:
        return community_col == territory.community_id
    if territory.street_id is not None:
        return street_col == territory.street_id
    return true()
