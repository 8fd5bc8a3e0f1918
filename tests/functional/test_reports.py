"""Every report becomes a case: `case report` at a point, in a grid or at an address, as the
accounts that may report, and the bad input that writes nothing."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from gridcenter.cli.main import app
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.functional.helpers import fingerprint

TAOYUAN_01 = "430199001001001"
TAOYUAN_07 = "430199001001007"  # 28.154-28.158 N, 112.854-112.858 E


def run(store: str, *args: str, login: str = "liu.min") -> Result:
    env = {"GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat(), "NO_COLOR": "1"}
    return CliRunner().invoke(app, ["--operator", login, *args], env=env)


@pytest.fixture
def store(demo_path: Path) -> str:
    return f"sqlite:///{demo_path}"


def case_row(store: str, code: str) -> tables.Case:
    db = Database(store)
    with db.read() as session:
        row = session.scalar(select(tables.Case).where(tables.Case.code == code))
    db.dispose()
    assert row is not None
    return row


def grid_of(store: str, code: str) -> str | None:
    db = Database(store)
    with db.read() as session:
        grid = session.scalar(
            select(tables.Grid.code)
            .join(tables.Case, tables.Case.grid_id == tables.Grid.id)
            .where(tables.Case.code == code)
        )
    db.dispose()
    return grid


def test_a_report_at_a_point_lands_in_the_grid_that_holds_it(store: str) -> None:
    result = run(store, "case", "report", "--title", "Rubbish heap", "--at", "28.156,112.856")
    assert result.exit_code == 0, result.stderr
    code = result.stdout.strip()
    assert grid_of(store, code) == TAOYUAN_07
    row = case_row(store, code)
    assert (row.step, row.source) == ("reported", "hotline")
    assert row.updated_by.endswith("liu.min")


def test_a_report_by_grid_with_a_category_by_name_prints_the_case_as_show_does(
    store: str,
) -> None:
    result = run(
        store,
        "case",
        "report",
        "--title",
        "Blocked drain",
        "--grid",
        TAOYUAN_01,
        "--category",
        "rubbish heap",
        "--channel",
        "walk-in",
        "--reporter",
        "Wang Fang",
        "--phone",
        "13812345678",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    reported = json.loads(result.stdout)
    assert (reported["grid_code"], reported["source"], reported["step"]) == (
        TAOYUAN_01,
        "walk-in",
        "reported",
    )
    assert reported["reporter_phone"] == "138****5678"
    shown = json.loads(run(store, "case", "show", reported["code"], "--json").stdout)
    assert shown == reported
    assert [h["action"] for h in shown["history"]] == ["report"]


def test_categories_list_shows_what_a_report_may_name(store: str) -> None:
    listed = json.loads(run(store, "categories", "list", "--json").stdout)
    names = {c["name"] for c in listed}
    assert "Rubbish heap" in names and all(c["code"] for c in listed)
    assert run(store, "categories", "list").stdout.splitlines()[0].split()[:3] == [
        "code",
        "name",
        "major",
    ]


def test_a_grid_worker_on_patrol_is_credited_with_the_report(store: str) -> None:
    result = run(
        store,
        "case",
        "report",
        "--title",
        "Broken street lamp",
        "--grid",
        TAOYUAN_01,
        "--channel",
        "patrol",
        "--reporter",
        "S0041",
    )
    assert result.exit_code == 0, result.stderr
    row = case_row(store, result.stdout.strip())
    db = Database(store)
    with db.read() as session:
        worker = session.scalar(select(tables.Staff).where(tables.Staff.code == "S0041"))
    db.dispose()
    assert worker is not None
    assert (row.source, row.reporter_staff_id, row.reporter) == ("patrol", worker.id, worker.name)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", TAOYUAN_01, "--category", "NOPE"], "no category 'NOPE'"),
        (["--at", "28.15"], "'28.15' is not a place"),
        (["--at", "north,east"], "is not a place"),
        (["--at", "95,112"], "not a place on earth"),
        (["--grid", "430199999999999"], "no grid '430199999999999'"),
        (["--grid", TAOYUAN_01, "--channel", "pigeon"], "'pigeon' is not a valid channel"),
        (["--grid", TAOYUAN_01, "--at", "28.151,112.851"], "say where once"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    store: str, args: list[str], message: str
) -> None:
    db = Database(store)
    before = fingerprint(db)
    result = run(store, "case", "report", "--title", "Something", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert fingerprint(db) == before
    db.dispose()


def test_a_street_office_reports_only_in_its_own_street(store: str) -> None:
    own = run(store, "case", "report", "--title", "x", "--grid", TAOYUAN_01, login="xiangjiang")
    assert own.exit_code == 0, own.stderr
    other = run(
        store, "case", "report", "--title", "x", "--grid", "430199002001001", login="xiangjiang"
    )
    assert other.exit_code == 1 and "outside the territory of xiangjiang" in other.stderr
    viewer = run(store, "case", "report", "--title", "x", "--grid", TAOYUAN_01, login="tang.wen")
    assert viewer.exit_code == 1 and "may not file" in viewer.stderr
