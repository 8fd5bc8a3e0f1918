"""The scripting CLI against a real store (in the test's process: see gridcenter_in_process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from gridcenter.config import os_login
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.functional.helpers import fingerprint, gridcenter_in_process, pick_case


def gridcenter(store: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GRIDCENTER_DB": store,
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": "chen.jie",
    }
    return gridcenter_in_process(*args, env=env)


def test_list_json_has_the_promised_fields(demo_url: str) -> None:
    result = gridcenter(demo_url, "case", "list", "--json", "--level", "b")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(row["level"] == "B" for row in rows)
    for key in ("code", "level", "step", "category", "grid", "assignee", "deadline", "overdue"):
        assert key in rows[0]
    deadlines = [row["deadline"] for row in rows]
    assert deadlines == sorted(deadlines), "most urgent first"


def test_list_overdue_lists_only_overdue_cases(demo_url: str) -> None:
    rows = json.loads(gridcenter(demo_url, "case", "list", "--overdue", "--json").stdout)
    assert rows and all(row["overdue"] for row in rows)


def test_show_prints_steps_and_history(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.step == "fed_back")
    result = gridcenter(demo_url, "case", "show", code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{code}  ")
    assert "step started deadline ended" in [" ".join(line.split()) for line in lines]
    assert "when who what change why" in [" ".join(line.split()) for line in lines]
    assert any(line.split()[:2] == ["step", "fed"] for line in lines), "the console's step names"
    assert any(line.startswith("fed back ") for line in lines)
    assert any(" feed back " in line for line in lines)
    detail = json.loads(gridcenter(demo_url, "case", "show", code, "--json").stdout)
    assert [s["step"] for s in detail["steps"]][-2:] == ["fed_back", "verified"]
    assert detail["steps"][-1]["projected"] is True


def test_show_masks_the_reporters_phone(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.reporter_phone.is_not(None))
    detail = json.loads(gridcenter(demo_url, "case", "show", code, "--json").stdout)
    assert "****" in detail["reporter_phone"]


def test_reassign_and_escalate_succeed(demo_url: str, demo_db: Database) -> None:
    code = pick_case(demo_db, tables.Case.step == "dispatched", tables.Case.level == "A")
    with demo_db.read() as s:  # the grid chief of the case's community: the grid's team
        community = s.scalar(select(tables.Case.community_id).where(tables.Case.code == code))
        chief = s.scalar(
            select(tables.Staff)
            .where(tables.Staff.role == "grid_chief", tables.Staff.community_id == community)
            .order_by(tables.Staff.code)
        )
    assert chief is not None
    result = gridcenter(
        demo_url, "case", "reassign", code, "--to", chief.code, "--reason", "Needs the chief"
    )
    assert result.returncode == 0, result.stderr
    assert "reassign" in result.stdout
    result = gridcenter(demo_url, "case", "escalate", code, "--reason", "Beyond the grid")
    assert result.returncode == 0, result.stderr
    detail = json.loads(gridcenter(demo_url, "case", "show", code, "--json").stdout)
    # Handed up: it leaves the grid for the street's intake queue, to be dispatched there.
    assert (detail["level"], detail["step"], detail["assignee"]) == ("B", "filed", None)
    last = detail["history"][-2:]
    assert [(h["action"], h["actor"], h["reason"]) for h in last] == [
        ("reassign", f"{os_login()} acting as chen.jie", "Needs the chief"),
        ("escalate_to_intake", f"{os_login()} acting as chen.jie", "Beyond the grid"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["case", "show", "000000-99999"], "no case '000000-99999'"),
        (["case", "reassign", "000000-99999", "--to", "D-URB", "--reason", "x"], "no case"),
        (["case", "list", "--level", "Z"], "'Z' is not a valid level: A, B, C, D"),
        (
            ["case", "reassign", "{dispatched}", "--to", "Nobody", "--reason", "x"],
            "no staff member or department called 'Nobody'",
        ),
        (["case", "escalate", "{level_d}", "--reason", "x"], "level D (city) is the highest"),
        (["case", "reassign", "{closed}", "--to", "D-URB", "--reason", "x"], "is closed"),
        (["case", "escalate", "{dispatched}", "--reason", " "], "escalating needs a reason"),
    ],
)
def test_refusals_print_one_line_and_change_nothing(
    demo_url: str, demo_db: Database, args: list[str], message: str
) -> None:
    codes = {
        "dispatched": pick_case(demo_db, tables.Case.step == "dispatched"),
        "level_d": pick_case(demo_db, tables.Case.level == "D", tables.Case.step != "closed"),
        "closed": pick_case(demo_db, tables.Case.step == "closed"),
    }
    before = fingerprint(demo_db)
    result = gridcenter(demo_url, *[arg.format(**codes) for arg in args])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(demo_db) == before


def test_a_store_that_cannot_be_opened_says_so_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no such folder' / 'x.db'}"
    result = gridcenter(url, "bench", "--grids", "10", "--db", url)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "gridcenter: the store could not be opened or used: unable to open database file"
    )
    assert not (tmp_path / "no such folder").exists()


def test_help_is_everywhere_and_opens_no_store(tmp_path: Path) -> None:
    store = tmp_path / "never.db"
    for args in ([], ["case"], ["case", "reassign"], ["seed"]):
        result = gridcenter(f"sqlite:///{store}", *args, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout
    assert not store.exists()


def test_help_loads_neither_the_console_nor_the_migrations(tmp_path: Path) -> None:
    """`gridcenter --help` and the commands that never open a store start without Textual,
    Alembic or the PostgreSQL driver (a fresh interpreter: this one has them all)."""
    probe = (
        "import sys\n"
        "from gridcenter.cli.main import app\n"
        "from typer.testing import CliRunner\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'alembic', 'psycopg'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
