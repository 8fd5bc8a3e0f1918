"""A checked territory file written into the store's rows, and the shapes as stored.

The same load serves `territory import` and the demo seed. Codes are the keys: a place
already stored under its code keeps its row (and with it its cases, staff and history)
and takes the file's name, parent and shape; a place the file no longer has is removed
when nothing depends on it, and otherwise refused by name.
"""

from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridcenter.domain.errors import Refused
from gridcenter.domain.territory import (
    ADDED,
    CHANGED,
    REMOVED,
    Change,
    Place,
    TerritoryInvalid,
    TerritoryMap,
)
from gridcenter.store import tables

GRID_FIELDS = ("kind", "households", "population", "dedicated_to")
_BOUNDS = ("south", "west", "north", "east")  # follow the shape: not told apart


@dataclass
class Loaded:
    """What a load did, and the rows by code for whoever loads what hangs on them."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    streets: dict[str, tables.Street] = field(default_factory=dict)
    communities: dict[str, tables.Community] = field(default_factory=dict)
    grids: dict[str, tables.Grid] = field(default_factory=dict)


def shape_bytes(shape: BaseGeometry | None) -> bytes | None:
    return None if shape is None else bytes(shapely.to_wkb(shape))


def shape_of(stored: bytes | None) -> BaseGeometry | None:
    return None if stored is None else shapely.from_wkb(stored)


def _plural(count: int, what: str) -> str:
    return f"{count} {what}{'' if count == 1 else 's'}"


def _differences(row: Any, wanted: dict[str, Any], parent: str | None) -> tuple[str, str] | None:
    """What the file changes on a row, as before and after texts; None if nothing."""
    before, after = [], []
    for name, value in wanted.items():
        old = getattr(row, name)
        if old == value:
            continue
        setattr(row, name, value)
        if name in _BOUNDS:
            continue
        if name == "shape":
            before.append("shape")
            after.append("shape redrawn")
        elif not name.endswith("_id"):
            before.append(f"{name}={old}")
            after.append(f"{name}={value}")
        elif "parent" not in before:  # a grid's community and street move together
            before.append("parent")
            after.append(f"parent={parent}")
    return ("; ".join(before), "; ".join(after)) if before else None


class _Load:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.loaded = Loaded()

    def put(self, model: Any, place: Place, stored: dict[str, Any], wanted: dict[str, Any]) -> Any:
        """The place's row, added or brought to what the file says. A new row has no id
        until the next flush: grids, thousands of them, are flushed together."""
        wanted = {"name": place.name, "shape": shape_bytes(place.shape), **wanted}
        row = stored.get(place.code)
        if row is None:
            row = model(code=place.code, **wanted)
            self.session.add(row)
            if model is not tables.Grid:
                self.session.flush()  # its id is its children's parent
            self.loaded.changes.append(Change(ADDED, place.level, place.code, after=place.name))
            return row
        moved = _differences(row, wanted, place.parent)
        if moved is None:
            self.loaded.unchanged += 1
        else:
            self.loaded.changes.append(Change(CHANGED, place.level, place.code, *moved))
        return row

    def grid(self, place: Place, stored: dict[str, tables.Grid]) -> tables.Grid:
        community = self.loaded.communities[place.parent or ""]
        assert place.shape is not None  # the file's check holds every grid to one
        west, south, east, north = place.shape.bounds
        row = stored.get(place.code)
        moved = row is not None and row.community_id != community.id
        grid: tables.Grid = self.put(
            tables.Grid,
            place,
            stored,
            {
                "community_id": community.id,
                "street_id": community.street_id,
                **{name: getattr(place, name) for name in GRID_FIELDS},
                "south": south,
                "west": west,
                "north": north,
                "east": east,
            },
        )
        if moved:
            self._follow(grid)
        return grid

    def _follow(self, grid: tables.Grid) -> None:
        """A grid moved to another community takes its cases and alerts along: they are
        seen from where the grid now is."""
        place = {"community_id": grid.community_id, "street_id": grid.street_id}
        for model in (tables.Case, tables.Alert):
            self.session.execute(update(model).where(model.grid_id == grid.id).values(**place))

    def remove(self, territory: TerritoryMap) -> None:
        """Remove what the file no longer has, finest level first; refuse by name whatever
        something still depends on."""
        kept = {place.code for place in territory.places}
        problems: list[str] = []
        for level, model, column in (
            ("grid", tables.Grid, None),
            ("community", tables.Community, "community_id"),
            ("street", tables.Street, "street_id"),
        ):
            for row in self.session.scalars(select(model).where(model.code.not_in(kept))):
                why = self._grid_holds(row) if column is None else self._named_by(column, row.id)
                if why:
                    problems.append(f"{level} {row.code} ({row.name}) {why}; keep it in the file")
                    continue
                self._drop(row)
                self.loaded.changes.append(Change(REMOVED, level, row.code, before=row.name))
            try:
                self.session.flush()
            except IntegrityError:  # a record this code does not know of still names them
                raise TerritoryInvalid(
                    [f"{level}s the file leaves out are still named in the store; keep them"]
                ) from None
        if problems:
            raise TerritoryInvalid(problems)

    def _count(self, model: Any, *where: Any) -> int:
        return self.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def _grid_holds(self, grid: tables.Grid) -> str:
        cases = tables.Case.grid_id == grid.id
        open_cases = self._count(tables.Case, cases, tables.Case.step != "closed")
        if open_cases:
            return f"has {_plural(open_cases, 'open case')}"
        held = [
            _plural(count, what)
            for what, model in (
                ("closed case", tables.Case),
                ("alert", tables.Alert),
                ("patrol", tables.FieldPatrol),
                ("household visit", tables.FieldVisit),
            )
            if (count := self._count(model, model.grid_id == grid.id))
        ]
        return f"has {', '.join(held)} in its history" if held else ""

    def _named_by(self, column: str, id_: int) -> str:
        """What still names a street or community."""
        named = [
            f"{count} {what}"
            for what, model in (
                ("grids", tables.Grid),
                ("cases", tables.Case),
                ("alerts", tables.Alert),
                ("accounts", tables.Account),
                ("staff", tables.Staff),
                ("duty posts", tables.DutyPost),
            )
            + ((("departments", tables.Department),) if column == "street_id" else ())
            + ((("webhooks", tables.Webhook),) if column == "street_id" else ())
            + ((("communities", tables.Community),) if column == "street_id" else ())
            if (count := self._count(model, getattr(model, column) == id_))
        ]
        return f"is still named by {', '.join(named)}" if named else ""

    def _drop(self, row: Any) -> None:
        if isinstance(row, tables.Grid):
            # What belongs to the grid alone goes with it.
            for model in (tables.GridStaff, tables.SensorReading, tables.SensorRule):
                self.session.execute(delete(model).where(model.grid_id == row.id))
            self.session.execute(delete(tables.GridTally).where(tables.GridTally.grid_id == row.id))
        self.session.delete(row)


def load_territory(session: Session, territory: TerritoryMap) -> Loaded:
    """Write a checked territory into the store, in the caller's transaction: on a refusal
    the caller rolls back and nothing is loaded."""
    load = _Load(session)
    place = territory.district
    district = session.scalar(select(tables.District))
    if district is not None and district.code != place.code:
        raise Refused(
            f"the store holds district {district.code} ({district.name}); "
            f"the file is for district {place.code}"
        )
    district = load.put(tables.District, place, {district.code: district} if district else {}, {})

    def stored(model: Any) -> dict[str, Any]:
        return {row.code: row for row in session.scalars(select(model))}

    streets, communities, grids = (
        stored(tables.Street),
        stored(tables.Community),
        stored(tables.Grid),
    )
    for street in territory.of_level("street"):
        load.loaded.streets[street.code] = load.put(
            tables.Street, street, streets, {"district_id": district.id}
        )
    for community in territory.of_level("community"):
        street_row = load.loaded.streets[community.parent or ""]
        load.loaded.communities[community.code] = load.put(
            tables.Community, community, communities, {"street_id": street_row.id}
        )
    for grid in territory.of_level("grid"):
        load.loaded.grids[grid.code] = load.grid(grid, grids)
    session.flush()
    load.remove(territory)
    return load.loaded
