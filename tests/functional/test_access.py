"""Accounts, territory, history and privacy, through the CLI and the console."""

import json
import sqlite3
import subprocess

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DatabaseError
from textual.widgets import Static

from gridcenter.clock import Clock
from gridcenter.config import os_login
from gridcenter.console.app import GridCenterApp
from gridcenter.console.widgets.grid_board import GridBoard
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.accounts import actor_for
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.console.conftest import settle
from tests.functional.helpers import fingerprint, pick_case
from tests.functional.test_cli import gridcenter


def run_as(store: str, operator: str, *args: str) -> subprocess.CompletedProcess[str]:
    return gridcenter(store, "--operator", operator, *args)


def street_of(db: Database, code: str) -> int:
    with db.read() as s:
        street = s.scalar(select(tables.Case.street_id).where(tables.Case.code == code))
    assert street is not None
    return street


def test_a_street_office_lists_only_its_street(demo_url: str, demo_db: Database) -> None:
    rows = json.loads(
        run_as(demo_url, "xiangjiang", "case", "list", "--json", "--limit", "500").stdout
    )
    everything = json.loads(
        run_as(demo_url, "chen.jie", "case", "list", "--json", "--limit", "500").stdout
    )
    assert 0 < len(rows) < len(everything)
    assert {street_of(demo_db, row["code"]) for row in rows} == {1}


def test_a_street_office_cannot_see_or_touch_another_street(
    demo_url: str, demo_db: Database
) -> None:
    other = pick_case(demo_db, tables.Case.street_id == 2, tables.Case.step == "dispatched")
    before = fingerprint(demo_db)
    shown = run_as(demo_url, "xiangjiang", "case", "show", other)
    moved = run_as(demo_url, "xiangjiang", "case", "escalate", other, "--reason", "mine now")
    assert shown.returncode != 0 and f"no case '{other}'" in shown.stderr
    assert moved.returncode != 0 and "outside the territory of xiangjiang" in moved.stderr
    assert fingerprint(demo_db) == before


def test_roles_are_enforced_below_the_ui(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.step == "dispatched")
    before = fingerprint(demo_db)
    viewer = run_as(demo_url, "tang.wen", "case", "escalate", code, "--reason", "x")
    operator = run_as(
        demo_url, "liu.min", "case", "reassign", code, "--to", "D-URB", "--reason", "x"
    )
    assert "tang.wen (viewer) may not escalate" in viewer.stderr
    assert "liu.min (operator) may not reassign" in operator.stderr
    assert fingerprint(demo_db) == before


def test_unknown_and_disabled_accounts_get_one_line_and_nothing_else(
    demo_url: str,
) -> None:
    unknown = run_as(demo_url, "mallory", "case", "list")
    assert unknown.returncode != 0 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        "gridcenter: no account 'mallory': an admin can add it with "
        "`gridcenter accounts add mallory`"
    ]
    assert run_as(demo_url, "admin", "accounts", "disable", "yuelu").returncode == 0
    disabled = run_as(demo_url, "yuelu", "case", "list")
    assert disabled.returncode != 0 and "account 'yuelu' is disabled" in disabled.stderr


def test_accounts_are_managed_by_admins_only(demo_url: str) -> None:
    refused = run_as(demo_url, "chen.jie", "accounts", "add", "newbie", "--role", "operator")
    assert "may not administer" in refused.stderr
    added = run_as(
        demo_url,
        "admin",
        "accounts",
        "add",
        "meixi",
        "--role",
        "operator",
        "--territory",
        "430199003",
        "--name",
        "Meixi Lake Street office",
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_as(demo_url, "admin", "accounts", "list", "--json").stdout)
    assert {
        "login": "meixi",
        "name": "Meixi Lake Street office",
        "role": "operator",
        "territory": "Meixi Lake Street",
        "active": True,
    } in listed
    bad = run_as(demo_url, "admin", "accounts", "set", "meixi", "--territory", "nowhere")
    assert "no street or community 'nowhere'" in bad.stderr


def tamper_behind_the_database(url: str) -> None:
    """What someone with the database's own tools could do: switch the guard off, edit."""
    if url.startswith("sqlite"):
        raw = sqlite3.connect(url.removeprefix("sqlite:///"))
        raw.execute("DROP TRIGGER case_event_no_update")
        raw.execute("UPDATE case_event SET reason = 'nothing to see' WHERE id = 5")
        raw.commit()
        raw.close()
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE case_event DISABLE TRIGGER case_event_append_only")
        connection.exec_driver_sql("UPDATE case_event SET reason = 'nothing to see' WHERE id = 5")
    engine.dispose()


def test_history_is_append_only_and_tampering_shows(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.step == "dispatched")
    assert run_as(demo_url, "chen.jie", "case", "escalate", code, "--reason", "x").returncode == 0
    assert run_as(demo_url, "chen.jie", "case", "reveal", code).returncode == 0
    for statement in (
        "UPDATE case_event SET reason = 'nothing to see' WHERE id = 1",
        "DELETE FROM case_event WHERE id = 1",
        "UPDATE audit_event SET actor = 'someone'",
    ):
        with pytest.raises(DatabaseError, match="append-only"), demo_db.write() as s:
            s.execute(text(statement))
    assert run_as(demo_url, "admin", "audit", "verify").returncode == 0
    tamper_behind_the_database(demo_url)
    result = run_as(demo_url, "admin", "audit", "verify")
    assert result.returncode != 0
    assert "case_event row 5: its content was changed" in result.stderr


def test_audit_lists_who_did_what_from_where(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.step == "filed")
    run_as(demo_url, "chen.jie", "case", "escalate", code, "--reason", "beyond the grid")
    lines = json.loads(run_as(demo_url, "chen.jie", "audit", "--case", code, "--json").stdout)
    assert lines[0]["actor"] == f"{os_login()} acting as chen.jie"
    assert lines[0]["channel"] == "local"
    assert lines[0]["action"] == "escalate" and lines[0]["reason"] == "beyond the grid"
    mine = json.loads(
        run_as(
            demo_url,
            "chen.jie",
            "audit",
            "--operator",
            "chen.jie",
            "--since",
            NOW.isoformat(),
            "--json",
        ).stdout
    )
    assert {line["actor"] for line in mine} <= {"chen.jie", f"{os_login()} acting as chen.jie"}
    assert [line["channel"] for line in mine if line["action"] == "escalate"] == ["local"]


def test_personal_data_is_masked_and_a_reveal_is_recorded(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.reporter_phone.is_not(None))
    with demo_db.read() as s:
        phone = s.scalar(select(tables.Case.reporter_phone).where(tables.Case.code == code))
    shown = run_as(demo_url, "chen.jie", "case", "show", code)
    assert phone and phone not in shown.stdout and phone[-4:] in shown.stdout
    denied = run_as(demo_url, "liu.min", "case", "reveal", code)
    assert "may not reveal personal data" in denied.stderr
    revealed = run_as(demo_url, "chen.jie", "case", "reveal", code, "--reason", "call back")
    assert phone in revealed.stdout
    lines = json.loads(run_as(demo_url, "chen.jie", "audit", "--case", code, "--json").stdout)
    reveals = [line for line in lines if line["action"] == "reveal"]
    assert [(line["actor"], line["reason"]) for line in reveals] == [
        (f"{os_login()} acting as chen.jie", "call back")
    ]


async def test_the_console_shows_a_street_office_only_its_street(
    demo_url: str, loop: ClosedLoop
) -> None:
    db = Database(demo_url)
    actor = actor_for(db, "yuelu", "ssh")
    app = GridCenterApp(Context(db, loop, Clock(NOW), actor), live_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        board = app.query_one("#grids", GridBoard)
        streets = {place.street for place in board.board.places}
        queues = app.dashboard.snapshot.cases.queue_pages[0] if app.dashboard.snapshot else []
        top_bar = str(app.query_one("#topbar", Static).content)
    assert streets == {"Yuelu Hill Street"}
    assert " Yuelu Hill Street, Yuehu District │ Fri 20 Nov 10:00:00 │ " in top_bar
    assert top_bar.rstrip().endswith("│ yuelu (supervisor)")
    with db.read() as s:
        yuelu_codes = set(s.scalars(select(tables.Case.code).where(tables.Case.street_id == 2)))
    assert queues and {row.code for row in queues} <= yuelu_codes
    db.dispose()
