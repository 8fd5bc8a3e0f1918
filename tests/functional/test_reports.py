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


OUTSIDE = "10.0,10.0"  # far from every grid of the demo district
HEAP = "28.1560,112.8560"  # inside Taoyuan 07
TAOYUAN_02 = "430199001001002"
YUELU_GRID = "430199002001001"  # Yuelu Hill Street


def report(store: str, *args: str, login: str = "liu.min") -> str:
    result = run(store, "case", "report", "--title", "Rubbish heap", *args, login=login)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def shown(store: str, code: str, login: str = "liu.min") -> dict:
    result = run(store, "case", "show", code, "--json", login=login)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "where",
    [["--at", OUTSIDE], ["--address", "No. 9 Nowhere Lane"], []],
    ids=["point outside", "unknown address", "no place"],
)
def test_a_report_no_grid_covers_is_a_case_in_the_unplaced_queue(
    store: str, where: list[str]
) -> None:
    result = run(store, "case", "report", "--title", "Smoke", *where)
    assert result.exit_code == 0, result.stderr
    code = result.stdout.strip()
    assert "in no grid" in result.stderr and "unplaced queue" in result.stderr
    case = shown(store, code)
    assert (case["grid"], case["grid_code"], case["street"], case["level"]) == (
        None,
        None,
        None,
        "C",
    )
    assert case["time_left_s"] == 2 * 3600  # the policy's hours to place it, around the clock
    assert case_row(store, code).urgent
    listed = json.loads(run(store, "case", "list", "--unplaced", "--json").stdout)
    assert [c["code"] for c in listed] == [code]
    if "--address" in where:
        assert case["address"] == "No. 9 Nowhere Lane"


@pytest.mark.parametrize(
    ("address", "grid"),
    [
        ("Taoyuan 07, behind the market", TAOYUAN_07),
        ("\uff34\uff41\uff4f\uff59\uff55\uff41\uff4e\u3000\uff10\uff17", TAOYUAN_07),  # full width
        (TAOYUAN_02, TAOYUAN_02),
    ],
)
def test_an_address_naming_a_grid_lands_in_it(store: str, address: str, grid: str) -> None:
    case = shown(store, report(store, "--address", address))
    assert case["grid_code"] == grid and case["address"] == address


def test_an_address_naming_a_community_of_many_grids_waits_to_be_placed(store: str) -> None:
    case = shown(store, report(store, "--address", "Taoyuan Community, gate 3"))
    assert case["grid"] is None and case["address"] == "Taoyuan Community, gate 3"


def test_street_and_community_offices_neither_see_nor_take_reports_in_no_grid(
    store: str,
) -> None:
    code = report(store, "--at", OUTSIDE)
    for login in ("xiangjiang", "taoyuan"):
        listed = run(store, "case", "list", "--unplaced", "--json", login=login)
        assert json.loads(listed.stdout) == []
        assert run(store, "case", "show", code, login=login).exit_code == 1
        placed = run(
            store, "case", "place", code, "--grid", TAOYUAN_01, "--reason", "x", login=login
        )
        assert placed.exit_code == 1 and f"case {code} is outside the territory" in placed.stderr
        refused = run(store, "case", "report", "--title", "x", "--at", OUTSIDE, login=login)
        assert refused.exit_code == 1 and "lies in no grid and goes to the district" in (
            refused.stderr
        )


def test_place_puts_a_case_in_a_grid_with_its_history(store: str) -> None:
    code = report(store, "--at", OUTSIDE, "--category", "rubbish heap")
    db = Database(store)
    before = fingerprint(db)
    for args, message in [
        (["--grid", TAOYUAN_01, "--reason", " "], "needs a reason"),
        (["--grid", TAOYUAN_01, "--at", HEAP, "--reason", "x"], "say which grid"),
        (["--at", OUTSIDE, "--reason", "x"], "no grid covers 10.0, 10.0"),
        (["--grid", "430199999999999", "--reason", "x"], "no grid '430199999999999'"),
    ]:
        result = run(store, "case", "place", code, *args)
        assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert fingerprint(db) == before
    db.dispose()
    result = run(store, "case", "place", code, "--at", HEAP, "--reason", "called back")
    assert result.exit_code == 0, result.stderr
    case = shown(store, code)
    assert case["grid_code"] == TAOYUAN_07 and case["level"] == "A"  # the category's level
    assert not case_row(store, code).urgent  # placed: its category's working hours again
    assert case["history"][-1]["action"] == "place"
    assert (case["history"][-1]["to"], case["history"][-1]["reason"]) == (TAOYUAN_07, "called back")
    assert json.loads(run(store, "case", "list", "--unplaced", "--json").stdout) == []
    again = run(store, "case", "place", code, "--grid", TAOYUAN_01, "--reason", "x")
    assert again.exit_code == 1 and "transfer it" in again.stderr
    unfiled = report(store, "--at", OUTSIDE)
    refused = run(store, "case", "file", unfiled)
    assert refused.exit_code == 1 and "place it first" in refused.stderr


def test_transfer_moves_a_case_within_the_territory_only(store: str) -> None:
    code = report(store, "--grid", TAOYUAN_01, login="xiangjiang")
    out = run(
        store, "case", "transfer", code, "--grid", YUELU_GRID, "--reason", "x", login="xiangjiang"
    )
    assert out.exit_code == 1 and "outside the territory of xiangjiang" in out.stderr
    operator = run(
        store, "case", "transfer", code, "--grid", TAOYUAN_02, "--reason", "x", login="taoyuan"
    )
    assert operator.exit_code == 1 and "may not reassign" in operator.stderr
    moved = run(
        store,
        "case",
        "transfer",
        code,
        "--grid",
        TAOYUAN_02,
        "--reason",
        "across the road",
        login="xiangjiang",
    )
    assert moved.exit_code == 0, moved.stderr
    case = shown(store, code)
    assert case["grid_code"] == TAOYUAN_02
    assert (case["history"][-1]["from"], case["history"][-1]["to"]) == (TAOYUAN_01, TAOYUAN_02)


def test_a_repeat_is_flagged_when_reported_and_merged_with_its_reporter_kept(store: str) -> None:
    first = report(store, "--at", HEAP, "--category", "rubbish heap")
    again = run(
        store,
        "case",
        "report",
        "--title",
        "Heap again",
        "--at",
        "28.1562,112.8561",
        "--category",
        "rubbish heap",
        "--reporter",
        "Wang Fang",
        "--phone",
        "13812345678",
    )
    assert again.exit_code == 0, again.stderr
    repeat = again.stdout.strip()
    assert f"possible repeat of {first}" in again.stderr
    assert shown(store, repeat)["repeat_of"] == first
    other = report(store, "--at", HEAP, "--category", "neighbour dispute")
    assert shown(store, other)["repeat_of"] is None  # another category is another matter
    refused = run(store, "case", "merge", repeat, "--into", repeat, "--reason", "x")
    assert refused.exit_code == 1 and "into itself" in refused.stderr
    viewer = run(store, "case", "merge", repeat, "--into", first, "--reason", "x", login="tang.wen")
    assert viewer.exit_code == 1 and "may not file" in viewer.stderr
    merged = run(store, "case", "merge", repeat, "--into", first, "--reason", "same heap")
    assert merged.exit_code == 0, merged.stderr
    closed, kept = shown(store, repeat), shown(store, first)
    assert (closed["step"], closed["merged_into"]) == ("closed", first)
    assert closed["history"][-1]["action"] == "merge"
    assert kept["history"][-1]["action"] == "merged_in"
    assert (
        kept["merged"]
        == [
            {
                "code": repeat,
                "reporter": "W** F***",
                "reporter_phone": "138****5678",
                "source": "hotline",
            }
        ]
        or kept["merged"][0]["reporter_phone"] == "138****5678"
    )
    twice = run(store, "case", "merge", repeat, "--into", first, "--reason", "x")
    assert twice.exit_code == 1 and "only an open case can be merged" in twice.stderr


def test_a_manual_warning_shows_on_the_board_and_goes_to_the_webhooks(store: str) -> None:
    admin = run(
        store,
        "webhooks",
        "add",
        "http://127.0.0.1:9/grid",
        "--allow-private",
        "--kinds",
        "manual",
        login="admin",
    )
    assert admin.exit_code == 0, admin.stderr
    raised = run(
        store,
        "alerts",
        "raise",
        "--grid",
        TAOYUAN_07,
        "--severity",
        "alarm",
        "--text",
        "Gas smell by block 3",
    )
    assert raised.exit_code == 0, raised.stderr
    db = Database(store)
    with db.read() as session:
        alert = session.scalars(select(tables.Alert).where(tables.Alert.kind == "manual")).one()
        queued = session.scalars(
            select(tables.WebhookDelivery).where(tables.WebhookDelivery.alert_id == alert.id)
        ).all()
        grid = session.scalar(select(tables.Grid).where(tables.Grid.code == TAOYUAN_07))
        assert grid is not None
        tally = session.get(tables.GridTally, grid.id)
    db.dispose()
    assert (alert.severity, alert.grid_id, alert.title) == (
        "alarm",
        grid.id,
        "Taoyuan 07: Gas smell by block 3",
    )
    assert len(queued) == 1 and tally is not None and tally.alarms >= 1


@pytest.mark.parametrize(
    ("args", "login", "message"),
    [
        (
            ["--grid", TAOYUAN_07, "--severity", "loud"],
            "liu.min",
            "'loud' is not a valid severity: warning, alarm",
        ),
        (["--grid", TAOYUAN_07, "--severity", "info"], "liu.min", "warning, alarm"),
        (
            ["--grid", YUELU_GRID, "--severity", "warning"],
            "taoyuan",
            "outside the territory of taoyuan",
        ),
        (["--grid", TAOYUAN_07, "--severity", "warning"], "tang.wen", "may not file"),
        (["--grid", "430199999999999", "--severity", "warning"], "liu.min", "no grid"),
    ],
)
def test_a_manual_warning_refused_is_one_line_and_raises_nothing(
    store: str, args: list[str], login: str, message: str
) -> None:
    db = Database(store)
    before = fingerprint(db)
    result = run(store, "alerts", "raise", *args, "--text", "x", login=login)
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert fingerprint(db) == before
    db.dispose()


def test_a_case_handled_on_the_spot_from_the_command_line(store: str) -> None:
    args = ["case", "report", "--title", "Rubbish bags", "--grid", TAOYUAN_01]
    spot = [*args, "--category", "URB-ENV-01", "--reporter", "S0041", "--handled", "Bagged"]
    result = run(store, *spot)
    assert result.exit_code == 0, result.stderr
    row = case_row(store, result.stdout.strip())
    assert (row.step, row.level, row.source) == ("fed_back", "A", "patrol")
    db = Database(store)
    before = fingerprint(db)
    refused = run(store, *spot, "--channel", "hotline")
    assert refused.exit_code == 1 and "reported from patrol" in refused.stderr
    refused = run(store, *args, "--handled", "Bagged")
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert "needs a category" in refused.stderr
    assert fingerprint(db) == before
    db.dispose()


def test_transfer_to_an_authority_hands_a_case_over_and_closes_it(store: str) -> None:
    code = report(store, "--at", OUTSIDE)
    db = Database(store)
    before = fingerprint(db)
    for args, message in [
        (["--reason", "x"], "say where it goes: --grid"),
        (["--grid", TAOYUAN_01, "--to", "Kaifu", "--reason", "x"], "say where it goes: --grid"),
        (["--to", " ", "--reason", "x"], "needs the authority it goes to"),
    ]:
        result = run(store, "case", "transfer", code, *args, login="chen.jie")
        assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert fingerprint(db) == before
    db.dispose()
    out = run(
        store,
        "case",
        "transfer",
        code,
        "--to",
        "Kaifu hotline",
        "--reason",
        "not ours",
        login="chen.jie",
    )
    assert out.exit_code == 0, out.stderr
    case = shown(store, code)
    assert case["step"] == "closed"
    assert (case["history"][-1]["action"], case["history"][-1]["to"]) == (
        "hand_over",
        "Kaifu hotline",
    )
    assert case["history"][-1]["reason"] == "not ours"
