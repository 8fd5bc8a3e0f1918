"""The territory as a file: a GeoJSON FeatureCollection of the district, its streets,
communities and grids, checked as a whole before anything of it is loaded.

Each feature's `properties` hold `code`, `name`, `level` (district, street, community or
grid) and `parent` (the parent's code; none for the district); a grid also has `kind`
(conventional or dedicated) and may have `households`, `population` and `dedicated_to`.
A grid's geometry is a Polygon or MultiPolygon (holes allowed) in WGS84 longitude,
latitude; a district, street or community may carry one or none.

Shapes are shapely geometries in degrees. Areas are measured on a local equirectangular
projection around the middle of the district's grids: within a district (tens of km) its
error is well under one percent, which is all an overlap or a gap needs to be told about.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from gridcenter.domain.errors import Refused
from gridcenter.domain.reports import Point

LEVELS = ("district", "street", "community", "grid")
PARENT_LEVEL = {"street": "district", "community": "street", "grid": "community"}
GRID_KINDS = ("conventional", "dedicated")
EARTH_M = 6_371_000.0
# Below this, an overlap or a gap is the rounding of a shared edge, not a place.
SLIVER_M2 = 1.0


@dataclass(frozen=True)
class Place:
    """One feature of the file: the district, a street, a community or a grid."""

    code: str
    name: str
    level: str
    parent: str | None = None
    shape: BaseGeometry | None = None  # Polygon or MultiPolygon, in lon/lat degrees
    kind: str | None = None  # grids only
    households: int = 0
    population: int = 0
    dedicated_to: str | None = None


@dataclass(frozen=True)
class Gap:
    """An area inside a community that none of its grids covers: reports from there have
    no grid to go to."""

    community: str
    area_m2: float
    inside: Point  # a point inside the gap, for whoever goes to look


@dataclass(frozen=True)
class TerritoryMap:
    """A checked territory: every place in the file's order, and the gaps between grids."""

    places: tuple[Place, ...]
    gaps: tuple[Gap, ...] = ()

    @property
    def district(self) -> Place:
        return next(place for place in self.places if place.level == "district")

    def of_level(self, level: str) -> list[Place]:
        return [place for place in self.places if place.level == level]


ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class Change:
    """One place added, changed or removed; `before` and `after` say what moved."""

    action: str
    level: str
    code: str
    before: str | None = None
    after: str | None = None


class TerritoryInvalid(Refused):
    """A file refused whole: every problem found, each naming its feature."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"the territory file has {count}: " + "; ".join(problems))


# -- areas in square metres -------------------------------------------------------------


@dataclass(frozen=True)
class LocalMetres:
    """An equirectangular projection around one point: metres east and north of it."""

    lat0: float
    lon0: float

    def project(self, shape: BaseGeometry) -> BaseGeometry:
        return self._metres(shape)

    def project_all(self, shapes: list[BaseGeometry]) -> Any:
        """Many shapes at once: an array of them."""
        return self._metres(shapes)

    def _metres(self, shapes: Any) -> Any:
        scale_y = math.radians(1) * EARTH_M
        scale_x = scale_y * math.cos(math.radians(self.lat0))
        origin, scale = (self.lon0, self.lat0), (scale_x, scale_y)
        return shapely.transform(shapes, lambda xy: (xy - origin) * scale)

    def area_m2(self, shape: BaseGeometry) -> float:
        return float(self.project(shape).area)


def local_metres(shapes: Iterable[BaseGeometry]) -> LocalMetres:
    """The projection centred on the middle of the shapes' bounds."""
    west, south, east, north = shapely.total_bounds(list(shapes))
    if not all(map(math.isfinite, (west, south, east, north))):
        return LocalMetres(0.0, 0.0)
    return LocalMetres((south + north) / 2, (west + east) / 2)


def holds(shape: BaseGeometry, point: Point) -> bool:
    """Whether the shape holds the point, its edge included (a point on a shared edge is
    held by both grids; the caller picks one)."""
    return bool(shape.covers(shapely.Point(point.lon, point.lat)))


def point_of(shape: BaseGeometry) -> Point:
    """A point surely inside the shape (not its centroid, which an L may not hold)."""
    inside = shape.representative_point()
    return Point(lat=round(inside.y, 6), lon=round(inside.x, 6))


# -- reading a file -----------------------------------------------------------------------


def _where(text: str) -> str:
    """GEOS names a place as "[x y]"; people read "lat, lon"."""
    found = re.search(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)\s*\]", text)
    reason = text[: found.start()] if found else text
    if not found:
        return reason.lower()
    lon, lat = float(found.group(1)), float(found.group(2))
    return f"{reason.lower()} at {lat:.6f}, {lon:.6f}"


def _ring(raw: Any, what: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{what} is not a list of positions")
    ring = []
    for position in raw:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise ValueError(f"{what} has a position that is not [longitude, latitude]")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            raise ValueError(f"{what} has {position!r}, not a WGS84 [longitude, latitude]")
        ring.append((lon, lat))
    if len(ring) < 4:
        raise ValueError(f"{what} has {len(ring)} positions; a ring needs at least 4")
    if ring[0] != ring[-1]:
        raise ValueError(f"{what} is not closed (its last position is not its first)")
    return ring


def _polygon(raw: Any, what: str) -> Polygon:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{what or 'polygon'} has no rings")
    shell = _ring(raw[0], f"{what}outer ring")
    holes = [_ring(hole, f"{what}hole {number}") for number, hole in enumerate(raw[1:], 1)]
    return Polygon(shell, holes)


def parse_shape(raw: Any) -> BaseGeometry | None:
    """A GeoJSON Polygon or MultiPolygon as a valid shape; None for no geometry; a
    ValueError saying what is wrong with it otherwise."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValueError("geometry is not a GeoJSON object")
    kind, coordinates = raw.get("type"), raw.get("coordinates")
    if kind == "Polygon":
        shape: BaseGeometry = _polygon(coordinates, "")
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValueError("multipolygon has no polygons")
        shape = MultiPolygon(
            [_polygon(part, f"polygon {n} ") for n, part in enumerate(coordinates, 1)]
        )
    else:
        raise ValueError(f"geometry is a {kind!r}; a Polygon or MultiPolygon is needed")
    if not shape.is_valid:
        raise ValueError(f"invalid shape: {_where(shapely.is_valid_reason(shape))}")
    return shape


def _count(properties: Mapping[str, Any], name: str) -> int:
    value = properties.get(name, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} is {value!r}, not a whole number of zero or more")
    return value


def _text(properties: Mapping[str, Any], name: str) -> str:
    value = properties.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} {value!r} is not a text (quote it)")
    if not value or not value.strip():
        raise ValueError(f"no {name}")
    return value.strip()


def _place(number: int, feature: Any) -> Place:
    """One feature, or a ValueError naming it and what is wrong."""
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise ValueError(f"feature {number} is not a GeoJSON Feature")
    properties = feature.get("properties")
    if not isinstance(properties, Mapping):
        raise ValueError(f"feature {number} has no properties")
    try:
        code = _text(properties, "code")
    except ValueError as problem:
        raise ValueError(f"feature {number}: {problem}") from None
    level = properties.get("level")
    if level not in LEVELS:
        raise ValueError(f"feature {number} ({code}): level {level!r} is not {', '.join(LEVELS)}")
    named = f"{level} {code}"
    try:
        name = _text(properties, "name")
        parent = properties.get("parent")
        if level == "district" and parent not in (None, ""):
            raise ValueError("a parent, but the district is the top of the tree")
        if level != "district" and (not isinstance(parent, str) or not parent.strip()):
            raise ValueError(f"no parent (the code of its {PARENT_LEVEL[level]})")
        shape = parse_shape(feature.get("geometry"))
        kind = properties.get("kind")
        dedicated_to = properties.get("dedicated_to")
        if level == "grid":
            if shape is None:
                raise ValueError("no geometry; a grid needs a Polygon or MultiPolygon")
            if kind not in GRID_KINDS:
                raise ValueError(f"kind {kind!r} is not {' or '.join(GRID_KINDS)}")
            if dedicated_to is not None and not isinstance(dedicated_to, str):
                raise ValueError(f"dedicated_to is {dedicated_to!r}, not a text")
        return Place(
            code=code,
            name=name,
            level=level,
            parent=parent.strip() if isinstance(parent, str) and parent.strip() else None,
            shape=shape,
            kind=kind if level == "grid" else None,
            households=_count(properties, "households"),
            population=_count(properties, "population"),
            dedicated_to=(dedicated_to or None) if level == "grid" else None,
        )
    except ValueError as problem:
        raise ValueError(f"{named}: {problem}") from None


def _tree_problems(places: list[Place]) -> list[str]:
    """One district; every parent present and of the level above."""
    problems = []
    districts = [place.code for place in places if place.level == "district"]
    if not districts:
        problems.append("the file has no district")
    elif len(districts) > 1:
        problems.append(f"the file has {len(districts)} districts: {', '.join(districts)}")
    levels = {place.code: place.level for place in places}
    for place in places:
        if place.parent is None:
            continue
        if place.parent not in levels:
            problems.append(f"{place.level} {place.code}: unknown parent {place.parent}")
        elif levels[place.parent] != PARENT_LEVEL[place.level]:
            problems.append(
                f"{place.level} {place.code}: parent {place.parent} is a "
                f"{levels[place.parent]}, not a {PARENT_LEVEL[place.level]}"
            )
    return problems


def overlaps(grids: list[Place], metres: LocalMetres) -> list[str]:
    """Every pair of grids sharing more than a sliver, with the shared area. Neighbours
    touch along their edges, so the pairs are many: their areas are measured together."""
    shapes = [grid.shape for grid in grids]
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    projected = metres.project_all(shapes)
    areas = shapely.area(shapely.intersection(projected[left], projected[right]))
    problems = []
    for i, j, area in sorted(zip(left.tolist(), right.tolist(), areas.tolist(), strict=True)):
        if area > SLIVER_M2:
            at = point_of(shapes[i].intersection(shapes[j]))
            problems.append(
                f"grid {grids[i].code}: overlaps grid {grids[j].code} by {area:,.0f} m2 "
                f"around {at.lat}, {at.lon}"
            )
    return problems


def gaps(community: Place, grids: list[Place], metres: LocalMetres) -> list[Gap]:
    """The parts of a community none of its grids covers: what its own shape holds beyond
    them, or (without one) the holes its grids leave together."""
    covered = unary_union([grid.shape for grid in grids])
    if community.shape is not None:
        empty = community.shape.difference(covered)
    else:
        parts = getattr(covered, "geoms", [covered])
        holes = [Polygon(ring) for part in parts for ring in part.interiors]
        empty = unary_union(holes).difference(covered) if holes else Polygon()
    found = []
    for part in getattr(empty, "geoms", [empty]):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        area = metres.area_m2(part)
        if area > SLIVER_M2:
            found.append(Gap(community.code, area, point_of(part)))
    return sorted(found, key=lambda gap: -gap.area_m2)


def read_territory(data: Any) -> TerritoryMap:
    """A parsed GeoJSON document as a territory, or TerritoryInvalid listing every problem."""
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise TerritoryInvalid(["the file is not a GeoJSON FeatureCollection"])
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise TerritoryInvalid(["the FeatureCollection has no features"])
    problems: list[str] = []
    places: list[Place] = []
    seen: set[str] = set()
    for number, feature in enumerate(features, 1):
        try:
            place = _place(number, feature)
        except ValueError as problem:
            problems.append(str(problem))
            continue
        if place.code in seen:
            problems.append(f"{place.level} {place.code}: duplicate code (feature {number})")
            continue
        seen.add(place.code)
        places.append(place)
    problems += _tree_problems(places)
    grids = [place for place in places if place.level == "grid"]
    metres = local_metres(grid.shape for grid in grids)
    if grids:
        problems += overlaps(grids, metres)
    if problems:
        raise TerritoryInvalid(problems)
    by_community: dict[str, list[Place]] = {}
    for grid in grids:
        by_community.setdefault(grid.parent or "", []).append(grid)
    found: list[Gap] = []
    for community in (place for place in places if place.level == "community"):
        if community.code in by_community:
            found += gaps(community, by_community[community.code], metres)
    return TerritoryMap(tuple(places), tuple(found))


# -- writing a file -----------------------------------------------------------------------


def _coordinates(value: Any) -> Any:
    """shapely's nested tuples as the lists JSON writes."""
    if isinstance(value, tuple | list):
        return [_coordinates(item) for item in value]
    return value


def feature_of(place: Place) -> dict[str, Any]:
    properties: dict[str, Any] = {"code": place.code, "name": place.name, "level": place.level}
    if place.parent is not None:
        properties["parent"] = place.parent
    if place.level == "grid":
        properties["kind"] = place.kind
        properties["households"] = place.households
        properties["population"] = place.population
        if place.dedicated_to:
            properties["dedicated_to"] = place.dedicated_to
    geometry = None
    if place.shape is not None:
        drawn = mapping(place.shape)
        geometry = {"type": drawn["type"], "coordinates": _coordinates(drawn["coordinates"])}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def feature_collection(places: Iterable[Place]) -> dict[str, Any]:
    """The territory in the format `read_territory` reads: the district, then its streets,
    communities and grids, each level in code order."""
    ordered = sorted(places, key=lambda place: (LEVELS.index(place.level), place.code))
    return {"type": "FeatureCollection", "features": [feature_of(place) for place in ordered]}
