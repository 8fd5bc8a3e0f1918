"""`territory import` and `territory export`: a district's own GeoJSON, loaded whole or not
at all, placed by its real shapes, re-imported without losing a case."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner, Result

from gridcenter.cli.main import app
from gridcenter.clock import Clock
from gridcenter.config import os_login
from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.errors import Refused
from gridcenter.domain.loop import ClosedLoop
from gridcenter.domain.reports import Point
from gridcenter.queries.places import grid_at
from gridcenter.services.context import Context
from gridcenter.services.territory import import_territory
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW

ADMIN = os_login()  # the first local user is the store's admin
TAOYUAN_09 = "430199001001009"  # the upper half of its cell: the notch of Taoyuan 10
TAOYUAN_10 = "430199001001010"  # an L: its own cell and the lower half of 09's


def run(store: str, *args: str, login: str = ADMIN) -> Result:
    env = {"GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat(), "NO_COLOR": "1"}
    return CliRunner().invoke(app, ["--operator", login, *args], env=env)


@pytest.fixture
def store(demo_path: Path) -> str:
    return f"sqlite:///{demo_path}"


@pytest.fixture
def empty_store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    db = Database(url)
    db.create_schema()
    db.dispose()
    return url


def territory_digest(store: str) -> str:
    """Every territory and audit row: equal means the import changed nothing."""
    digest = hashlib.sha256()
    db = Database(store)
    with db.engine.connect() as connection:
        for table in ("district", "street", "community", "grid", "audit_event", "change_log"):
            for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    db.dispose()
    return digest.hexdigest()


def exported(store: str, tmp_path: Path, login: str = ADMIN) -> dict[str, Any]:
    target = tmp_path / f"export-{login}.geojson"
    result = run(store, "territory", "export", str(target), login=login)
    assert result.exit_code == 0, result.stderr
    return json.loads(target.read_text("utf-8"))


def write(tmp_path: Path, data: dict[str, Any], name: str = "territory.geojson") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def features_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["properties"]["code"]: item for item in data["features"]}


def grid_code_at(store: str, lat: float, lon: float) -> str | None:
    db = Database(store)
    with db.read() as session:
        grid = grid_at(session, Point(lat, lon))
        code = grid.code if grid else None
    db.dispose()
    return code


# -- a district of its own, from an empty store ----------------------------------------

LON, LAT = 113.0, 28.0
STEP = 0.001


def ring(*points: tuple[float, float]) -> list[list[float]]:
    return [[round(LON + x * STEP, 6), round(LAT + y * STEP, 6)] for x, y in (*points, points[0])]


def square(x: float, y: float, size: float = 1) -> list[list[float]]:
    return ring((x, y), (x + size, y), (x + size, y + size), (x, y + size))


def place(code: str, level: str, parent: str | None, geometry: Any = None, **extra: Any):
    properties = {"code": code, "name": f"{level.title()} {code}", "level": level, **extra}
    if parent:
        properties["parent"] = parent
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def grid(code: str, geometry: Any, **extra: Any) -> dict[str, Any]:
    return place(code, "grid", "C1", geometry, **{"kind": "conventional", **extra})


def own_district() -> dict[str, Any]:
    """An L with a grid in its notch, a grid with a hole another grid fills, a school on
    two sites (a MultiPolygon), and one cell of the community that no grid covers."""
    return {
        "type": "FeatureCollection",
        "features": [
            place("D", "district", None),
            place("S1", "street", "D"),
            place("C1", "community", "S1", {"type": "Polygon", "coordinates": [square(0, 0, 6)]}),
            grid(
                "L",
                {
                    "type": "Polygon",
                    "coordinates": [ring((0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2))],
                },
            ),
            grid("N", {"type": "Polygon", "coordinates": [square(1, 1)]}),
            grid("H", {"type": "Polygon", "coordinates": [square(2, 0, 3), square(3, 1)]}),
            grid("I", {"type": "Polygon", "coordinates": [square(3, 1)]}),
            grid(
                "M",
                {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [ring((0, 3), (2, 3), (2, 6), (0, 6))],
                        [ring((3, 5), (6, 5), (6, 6), (3, 6))],
                    ],
                },
                kind="dedicated",
                dedicated_to="school",
            ),
            grid(
                "R",
                {
                    "type": "Polygon",
                    "coordinates": [
                        ring((5, 0), (6, 0), (6, 5), (3, 5), (3, 6), (2, 6), (2, 3), (5, 3))
                    ],
                },
            ),
        ],
    }


def test_an_empty_store_takes_a_district_of_polygons_a_multipolygon_a_hole_and_a_gap(
    empty_store: str, tmp_path: Path
) -> None:
    result = run(empty_store, "territory", "import", write(tmp_path, own_district()))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "added: 1 district, 1 street, 1 community, 6 grids"
    # The two cells nobody covers (x 0-2, y 2-3), each about 98 x 111 m.
    (warning,) = [line for line in lines if line.startswith("warning")]
    assert warning.startswith("warning: community C1: 21,8")
    assert "m2 no grid covers, around 28.0025, 113.001" in warning
    placed = {
        (0.5, 1.5): "L",  # the L's upper arm
        (1.5, 1.5): "N",  # the notch: inside the L's bounding box, not its shape
        (3.5, 1.5): "I",  # the hole of H
        (2.5, 0.5): "H",
        (0.5, 5.5): "M",  # the school's first site
        (4.5, 5.5): "M",  # and its second
        (2.5, 5.5): "R",  # between them
        (5.5, 4.5): "R",
        (1.5, 2.5): None,  # the gap
    }
    for (x, y), code in placed.items():
        assert grid_code_at(empty_store, LAT + y * STEP, LON + x * STEP) == code, (x, y)
    again = run(empty_store, "territory", "import", write(tmp_path, own_district()))
    assert again.stdout.splitlines()[0] == "unchanged: 9 places"
    without_i = own_district()
    without_i["features"] = [f for f in without_i["features"] if f["properties"]["code"] != "I"]
    removed = run(empty_store, "territory", "import", write(tmp_path, without_i))
    assert removed.stdout.splitlines()[:2] == ["removed: 1 grid", "unchanged: 8 places"]
    assert grid_code_at(empty_store, LAT + 1.5 * STEP, LON + 3.5 * STEP) is None


def test_a_bad_file_is_refused_whole_with_every_error_named(
    empty_store: str, tmp_path: Path
) -> None:
    data = own_district()
    data["features"][4]["geometry"]["coordinates"] = [square(1, 0, 2)]  # N over the L and H
    data["features"].append(grid("L", {"type": "Polygon", "coordinates": [square(9, 9)]}))
    data["features"].append(
        place(
            "X",
            "grid",
            "C9",
            {"type": "Polygon", "coordinates": [square(7, 7)]},
            kind="conventional",
        )
    )
    data["features"].append(
        grid("Z", {"type": "Polygon", "coordinates": [ring((7, 0), (8, 1), (8, 0), (7, 1))]})
    )
    data["features"].append(grid("E", None))
    nothing = run(empty_store, "territory", "export")  # and the local admin is made
    assert nothing.stderr.endswith(
        "holds no territory yet: load one with `gridcenter territory import`\n"
    )
    before = territory_digest(empty_store)
    result = run(empty_store, "territory", "import", write(tmp_path, data))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[:-1] == [
        "error: grid L: duplicate code (feature 10)",
        "error: grid Z: invalid shape: self-intersection at 28.000500, 113.007500",
        "error: grid E: no geometry; a grid needs a Polygon or MultiPolygon",
        "error: grid X: unknown parent C9",
        errors[4],
        errors[5],
    ]
    assert errors[4].startswith("error: grid L: overlaps grid N by 10,9")
    assert errors[5].startswith("error: grid N: overlaps grid H by 21,8")
    assert errors[-1].endswith("nothing was loaded (6 errors above)")
    assert territory_digest(empty_store) == before


def test_a_file_for_another_district_is_refused(empty_store: str, tmp_path: Path) -> None:
    assert run(empty_store, "territory", "import", write(tmp_path, own_district())).exit_code == 0
    other = own_district()
    other["features"][0]["properties"]["code"] = "D2"
    for item in other["features"][1:2]:
        item["properties"]["parent"] = "D2"
    result = run(empty_store, "territory", "import", write(tmp_path, other))
    assert result.exit_code == 1
    assert result.stderr == (
        "gridcenter: the store holds district D (District D); the file is for district D2\n"
    )


def test_a_file_that_is_not_json_is_one_line(empty_store: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", ', "utf-8")
    result = run(empty_store, "territory", "import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"gridcenter: {path} is not a JSON file:")
    assert len(result.stderr.splitlines()) == 1
    path.write_text("[" * 100_000, "utf-8")
    deep = run(empty_store, "territory", "import", str(path))
    assert deep.stderr.endswith(f"gridcenter: {path} is nested too deeply to be a territory\n")


# -- the demo district ----------------------------------------------------------------------


def test_a_report_in_the_notch_goes_to_the_grid_that_fills_it(store: str) -> None:
    for at, expected in (("28.157,112.864", TAOYUAN_09), ("28.155,112.864", TAOYUAN_10)):
        result = run(store, "case", "report", "--title", "Broken lamp", "--at", at)
        assert result.exit_code == 0, result.stderr
        db = Database(store)
        with db.read() as session:
            grid_code = session.scalar(
                select(tables.Grid.code)
                .join(tables.Case, tables.Case.grid_id == tables.Grid.id)
                .where(tables.Case.code == result.stdout.strip())
            )
        db.dispose()
        assert grid_code == expected, at


def test_shapes_place_points_on_both_engines(demo_db: Database) -> None:
    with demo_db.read() as session:
        for (lat, lon), expected in (
            ((28.157, 112.864), TAOYUAN_09),
            ((28.155, 112.864), TAOYUAN_10),
            ((28.156, 112.868), TAOYUAN_10),
            ((28.140, 112.864), None),
        ):
            found = grid_at(session, Point(lat, lon))
            assert (found.code if found else None) == expected, (lat, lon)


def test_the_exported_district_imports_back_unchanged(store: str, tmp_path: Path) -> None:
    data = exported(store, tmp_path)
    assert data == json.loads((Path("seed") / "territory.geojson").read_text("utf-8"))
    before = territory_digest(store)
    result = run(store, "territory", "import", write(tmp_path, data))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "unchanged: 287 places\n"
    assert territory_digest(store) == before
    assert exported(store, tmp_path) == data
    printed = run(store, "territory", "export")
    assert json.loads(printed.stdout) == data


def open_cases_by_grid(store: str) -> dict[str, int]:
    db = Database(store)
    with db.read() as session:
        rows = session.execute(
            select(tables.Grid.code, func.count())
            .join(tables.Case, tables.Case.grid_id == tables.Grid.id)
            .where(tables.Case.step != "closed")
            .group_by(tables.Grid.code)
        ).all()
    db.dispose()
    return dict(rows)  # type: ignore[arg-type]


def test_a_reimport_renames_redraws_and_moves_grids_keeping_their_cases(
    store: str, tmp_path: Path
) -> None:
    cases = open_cases_by_grid(store)
    busy = max(cases, key=cases.__getitem__)
    data = exported(store, tmp_path)
    features = features_of(data)
    features[busy]["properties"]["name"] = "Riverside"
    l_shape = features[TAOYUAN_10]["geometry"]["coordinates"][0]
    l_shape[1:3] = [[112.8695, 28.154], [112.8695, 28.158]]  # a narrower L
    features[TAOYUAN_10]["properties"]["parent"] = "430199001002"  # to Jinxiu
    result = run(store, "territory", "import", write(tmp_path, data))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["changed: 2 grids", "unchanged: 285 places"]
    assert open_cases_by_grid(store) == cases
    db = Database(store)
    with db.read() as session:
        moved = session.scalar(select(tables.Grid).where(tables.Grid.code == TAOYUAN_10))
        assert moved is not None
        jinxiu = session.scalar(
            select(tables.Community.id).where(tables.Community.code == "430199001002")
        )
        assert (moved.community_id, moved.east) == (jinxiu, 112.8695)
        assert set(
            session.scalars(select(tables.Case.community_id).where(tables.Case.grid_id == moved.id))
        ) <= {jinxiu}
        events = session.execute(
            select(
                tables.AuditEvent.actor, tables.AuditEvent.from_value, tables.AuditEvent.to_value
            )
            .where(tables.AuditEvent.action == "territory_changed")
            .order_by(tables.AuditEvent.subject_ref)
        ).all()
    db.dispose()
    assert {to for _, _, to in events} == {"name=Riverside", "shape redrawn; parent=430199001002"}
    assert {actor for actor, _, _ in events} == {ADMIN}


def test_removing_a_grid_with_open_cases_is_refused(store: str, tmp_path: Path) -> None:
    cases = open_cases_by_grid(store)
    busy = max(cases, key=cases.__getitem__)
    data = exported(store, tmp_path)
    data["features"] = [f for f in data["features"] if f["properties"]["code"] != busy]
    before = territory_digest(store)
    result = run(store, "territory", "import", write(tmp_path, data))
    assert result.exit_code == 1
    assert f"error: grid {busy} (" in result.stderr
    assert f") has {cases[busy]} open cases; keep it in the file" in result.stderr
    assert territory_digest(store) == before


def test_only_an_admin_of_the_district_loads_the_territory(store: str, tmp_path: Path) -> None:
    path = write(tmp_path, exported(store, tmp_path))
    before = territory_digest(store)
    refused = run(store, "territory", "import", path, login="chen.jie")
    assert refused.exit_code == 1
    assert refused.stderr == "gridcenter: chen.jie (supervisor) may not load the territory\n"
    assert territory_digest(store) == before


def test_an_admin_of_one_street_may_not_load_the_district(
    store: str, tmp_path: Path, loop: ClosedLoop
) -> None:
    db = Database(store)
    street = Actor("xiangjiang", Role.ADMIN, Territory(street_id=1))
    with pytest.raises(Refused, match="acts for one street or community; the territory is"):
        import_territory(Context(db, loop, Clock(NOW), street), exported(store, tmp_path))
    db.dispose()


def test_a_street_office_exports_its_own_branch(store: str, tmp_path: Path) -> None:
    data = exported(store, tmp_path, login="xiangjiang")
    levels = {item["properties"]["level"] for item in data["features"]}
    streets = [f for f in data["features"] if f["properties"]["level"] == "street"]
    assert levels == {"district", "street", "community", "grid"}
    assert [s["properties"]["code"] for s in streets] == ["430199001"]
    assert len(data["features"]) == 1 + 1 + 12 + 181
