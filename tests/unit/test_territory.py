"""The territory file read and checked as a whole, without a store."""

import json
from typing import Any

import pytest

from gridcenter.domain.reports import Point
from gridcenter.domain.territory import (
    TerritoryInvalid,
    feature_collection,
    holds,
    parse_shape,
    read_territory,
)

LON, LAT = 112.85, 28.15
STEP = 0.001  # about 98 m east-west and 111 m north-south here


def corner(x: float, y: float) -> list[float]:
    """A position `x` steps east and `y` steps north of the corner of the test district."""
    return [round(LON + x * STEP, 6), round(LAT + y * STEP, 6)]


def ring(*points: tuple[float, float]) -> list[list[float]]:
    return [corner(x, y) for x, y in (*points, points[0])]


def square(x: float, y: float, size: float = 1) -> list[list[float]]:
    return ring((x, y), (x + size, y), (x + size, y + size), (x, y + size))


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def feature(code: str, level: str, parent: str | None = None, geometry: Any = None, **extra: Any):
    properties = {"code": code, "name": f"{level.title()} {code}", "level": level, **extra}
    if parent:
        properties["parent"] = parent
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def grid(code: str, geometry: Any, parent: str = "C1", **extra: Any) -> dict[str, Any]:
    return feature(code, "grid", parent, geometry, **{"kind": "conventional", **extra})


def collection(*grids: dict[str, Any], community: Any = None) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            feature("D", "district"),
            feature("S1", "street", "D"),
            feature("C1", "community", "S1", community),
            *grids,
        ],
    }


# An L of three cells whose notch (the fourth cell of a 2x2 square) is a grid of its own.
L_SHAPE = polygon(ring((0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)))
NOTCH = polygon(square(1, 1))


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(TerritoryInvalid) as refused:
        read_territory(data)
    return refused.value.problems


def test_an_l_shaped_grid_does_not_hold_the_notch_another_grid_fills() -> None:
    territory = read_territory(collection(grid("L", L_SHAPE), grid("N", NOTCH)))
    assert territory.gaps == ()
    shapes = {place.code: place.shape for place in territory.of_level("grid")}
    notch = Point(lat=LAT + 1.5 * STEP, lon=LON + 1.5 * STEP)
    arm = Point(lat=LAT + 0.5 * STEP, lon=LON + 1.5 * STEP)
    assert holds(shapes["N"], notch) and not holds(shapes["L"], notch)
    assert holds(shapes["L"], arm) and not holds(shapes["N"], arm)
    # The bounding boxes would say otherwise: the L's box is the whole 2x2 square.
    west, south, east, north = shapes["L"].bounds
    assert west < notch.lon < east and south < notch.lat < north


def test_the_notch_left_empty_is_a_gap_inside_the_community() -> None:
    community = polygon(square(0, 0, 2))
    territory = read_territory(collection(grid("L", L_SHAPE), community=community))
    (gap,) = territory.gaps
    assert gap.community == "C1"
    assert gap.area_m2 == pytest.approx(98.2 * 111.2, rel=0.01)
    assert LAT + STEP < gap.inside.lat < LAT + 2 * STEP
    assert LON + STEP < gap.inside.lon < LON + 2 * STEP


def test_a_hole_no_grid_fills_is_a_gap_and_one_a_grid_fills_is_not() -> None:
    with_hole = polygon(square(0, 0, 3), square(1, 1))
    (gap,) = read_territory(collection(grid("H", with_hole))).gaps
    assert gap.area_m2 == pytest.approx(98.2 * 111.2, rel=0.01)
    assert read_territory(collection(grid("H", with_hole), grid("I", NOTCH))).gaps == ()


def test_a_multipolygon_grid_is_one_grid_in_several_parts() -> None:
    parts = {"type": "MultiPolygon", "coordinates": [[square(0, 0)], [square(5, 0)]]}
    territory = read_territory(collection(grid("M", parts)))
    (shape,) = (place.shape for place in territory.of_level("grid"))
    assert shape.geom_type == "MultiPolygon"
    assert holds(shape, Point(LAT + 0.5 * STEP, LON + 5.5 * STEP))
    assert not holds(shape, Point(LAT + 0.5 * STEP, LON + 3 * STEP))


def test_overlapping_grids_are_refused_with_the_area_they_share() -> None:
    (problem,) = problems_of(collection(grid("A", polygon(square(0, 0))), grid("B", L_SHAPE)))
    # A is the L's lower left cell: the whole of A, about 98 m by 111 m.
    assert problem.startswith("grid A: overlaps grid B by 10,9")
    assert "m2 around 28.1505, 112.8505" in problem


def test_grids_sharing_an_edge_do_not_overlap() -> None:
    territory = read_territory(
        collection(grid("A", polygon(square(0, 0))), grid("B", polygon(square(1, 0))))
    )
    assert len(territory.of_level("grid")) == 2


def test_every_problem_is_named_at_once() -> None:
    bowtie = polygon(ring((0, 0), (1, 1), (1, 0), (0, 1)))
    data = collection(
        grid("G1", polygon(square(0, 0))),
        grid("G1", polygon(square(1, 0))),
        grid("G2", polygon(square(2, 0)), parent="C9"),
        grid("G3", None),
        grid("G4", bowtie),
        grid("G5", polygon(square(4, 0)), kind="big"),
        grid("G6", {"type": "Point", "coordinates": corner(6, 0)}),
        grid("G7", polygon(square(7, 0)[:-1])),
        feature("", "grid", "C1", polygon(square(8, 0))),
        feature(430, "grid", "C1", polygon(square(9, 0))),  # type: ignore[arg-type]
    )
    assert problems_of(data) == [
        "grid G1: duplicate code (feature 5)",
        "grid G3: no geometry; a grid needs a Polygon or MultiPolygon",
        "grid G4: invalid shape: self-intersection at 28.150500, 112.850500",
        "grid G5: kind 'big' is not conventional or dedicated",
        "grid G6: geometry is a 'Point'; a Polygon or MultiPolygon is needed",
        "grid G7: outer ring is not closed (its last position is not its first)",
        "feature 12: no code",
        "feature 13: code 430 is not a text (quote it)",
        "grid G2: unknown parent C9",
    ]


def test_the_tree_needs_one_district_and_parents_of_the_level_above() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            feature("S1", "street", "D"),
            feature("C1", "community", "S1"),
            grid("G1", polygon(square(0, 0)), parent="S1"),
        ],
    }
    assert problems_of(data) == [
        "the file has no district",
        "street S1: unknown parent D",
        "grid G1: parent S1 is a street, not a community",
    ]
    assert problems_of({"type": "Feature"}) == ["the file is not a GeoJSON FeatureCollection"]


def test_coordinates_outside_wgs84_are_refused() -> None:
    with pytest.raises(ValueError, match=r"has \[200.0, 28.0\], not a WGS84"):
        parse_shape({"type": "Polygon", "coordinates": [[[200.0, 28.0]] * 4]})


def test_the_file_written_back_reads_as_the_same_territory() -> None:
    holes = polygon(square(0, 3, 3), square(1, 4))
    parts = {"type": "MultiPolygon", "coordinates": [[square(5, 0)], [square(7, 0)]]}
    first = read_territory(
        collection(
            grid("L", L_SHAPE, households=300, population=1000),
            grid("N", NOTCH),
            grid("H", holes),
            feature("M", "grid", "C1", parts, kind="dedicated", dedicated_to="school"),
            community=polygon(square(0, 0, 9)),
        )
    )
    written = json.loads(json.dumps(feature_collection(first.places)))
    again = read_territory(written)
    assert sorted(again.places, key=lambda p: p.code) == sorted(first.places, key=lambda p: p.code)
    assert again.gaps == first.gaps
    assert feature_collection(again.places) == written
