"""What users expect of a command line: options anywhere, one line on any error, a log file
that keeps the traceback. Real processes on a real store."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from sqlalchemy import func, select, update

from gridcenter.clock import Clock
from gridcenter.config import os_login
from gridcenter.domain.access import Actor, Role
from gridcenter.services.cases import escalate
from gridcenter.services.context import Context, make_loop
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW, SHANGHAI
from tests.functional.helpers import (
    gridcenter_in_process,
    pick_case,
    read_terminal,
    tmux,
    wait_for_screen,
)


def environment(state: Path, db: str | None = None, **env: str) -> dict[str, str]:
    """The variables of a real gridcenter; `state` is the user state folder (the log file's
    home), and the user data folder is inside it."""
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GRIDCENTER_")},
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": "chen.jie",
        "XDG_STATE_HOME": str(state),
        "XDG_DATA_HOME": str(state / "data"),
        **env,
    }
    if db is not None:
        environ["GRIDCENTER_DB"] = db
    return environ


def gridcenter(
    *args: str, state: Path, db: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return gridcenter_in_process(*args, env=environment(state, db, **env))


def gridcenter_process(*args: str, state: Path) -> subprocess.CompletedProcess[str]:
    """A real gridcenter process: the last-resort crash handling lives in its entry point."""
    return subprocess.run(
        [sys.executable, "-m", "gridcenter", *args],
        env=environment(state),
        capture_output=True,
        text=True,
        timeout=120,
    )


def corrupt_a_level(url: str) -> str:
    """A case whose level no gridcenter writes: reading it is an error nobody expected."""
    db = Database(url)
    code = pick_case(db, tables.Case.step == "dispatched")
    with db.write() as session:
        session.execute(update(tables.Case).where(tables.Case.code == code).values(level="Z"))
    db.dispose()
    return code


def log_file(state: Path) -> Path:
    return state / "gridcenter" / "gridcenter.log"


def test_global_options_are_accepted_after_the_command(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    before = gridcenter("--db", url, "case", "list", "--json", "--limit", "5", state=tmp_path)
    after = gridcenter("case", "list", "--json", "--db", url, "--limit=5", state=tmp_path)
    assert before.returncode == 0 and after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert len(json.loads(after.stdout)) == 5
    assert " INFO " in log_file(tmp_path).read_text("utf-8")  # the default level keeps info
    log_file(tmp_path).unlink()
    quiet = gridcenter("case", "list", f"--db={url}", "--log-level", "warning", state=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert " INFO " not in log_file(tmp_path).read_text("utf-8")


def test_an_option_a_command_declares_stays_its_own(demo_path: Path, tmp_path: Path) -> None:
    """`audit --operator` filters by login; it is not the acting operator."""
    url = f"sqlite:///{demo_path}"
    lines = json.loads(
        gridcenter("audit", "--operator", "admin", "--json", "--db", url, state=tmp_path).stdout
    )
    assert lines == []  # the admin of the template did nothing
    everyone = json.loads(gridcenter("audit", "--json", "--db", url, state=tmp_path).stdout)
    assert everyone


def test_a_bad_log_level_is_one_line_naming_the_valid_ones(tmp_path: Path) -> None:
    result = gridcenter("case", "list", "--log-level", "loud", state=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "gridcenter: 'loud' is not a valid log level: debug, info, warning, error\n"
    )


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    code = corrupt_a_level(url)
    result = gridcenter_process("case", "show", code, "--db", url, state=tmp_path)
    log = log_file(tmp_path)
    assert result.returncode == 70
    assert result.stdout == ""
    assert result.stderr == (
        f"gridcenter: unexpected error: ValueError: 'Z' is not a valid Level; details in {log}\n"
    )
    text = log.read_text("utf-8")
    assert "Traceback (most recent call last)" in text and "'Z' is not a valid Level" in text


def test_an_unwritable_state_folder_still_gives_one_line(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    state = tmp_path / "state"
    state.write_text("a file where the folder should be")
    code = corrupt_a_level(url)
    result = gridcenter_process("case", "show", code, "--db", url, state=state)
    assert result.returncode == 70
    assert len(result.stderr.splitlines()) == 1
    assert "no log file could be written" in result.stderr


def console_in_tmux(session: str, url: str, state: Path) -> None:
    """The real console in a tmux window of its own, which stays open after it exits and
    then shows the console's last words and its exit status."""
    command = (
        f"env XDG_STATE_HOME={state} GRIDCENTER_NOW={NOW.isoformat()} "
        f"GRIDCENTER_OPERATOR=chen.jie {sys.executable} -m gridcenter --db {url} --no-jobs; "
        "echo exit status $?; sleep 600"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_a_console_that_fails_exits_non_zero_with_one_line(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    session = f"gc-crash-{os.getpid()}"
    try:
        console_in_tmux(session, url, tmp_path)
        wait_for_screen(session, "Case queues")
        db = Database(url)  # the store loses a table under the running console
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE change_log RENAME TO change_log_gone")
        db.dispose()
        screen = wait_for_screen(session, "exit status")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    log = log_file(tmp_path)
    said = " ".join(line for line in screen.splitlines() if line.strip())
    assert said.replace(" ", "").endswith(
        f"gridcenter:unexpectederror:OperationalError:(sqlite3.OperationalError)nosuchtable:"
        f"change_log;detailsin{log}exitstatus70".replace(" ", "")
    ), screen
    assert "Traceback" not in screen and "locals" not in screen
    text = log.read_text("utf-8")
    assert "Traceback (most recent call last)" in text and "no such table: change_log" in text


@pytest.mark.parametrize(
    "args",
    [
        ["case", "escalate", "261120-00001", "--reason", "x"],
        ["case", "list"],
        ["audit", "verify"],
        ["db", "upgrade"],
        ["db", "backup", "{tmp}/copy.db"],
        [],  # the console, given a store setting
    ],
)
def test_no_command_makes_a_store_where_none_is(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "typo.db"
    result = gridcenter(
        *(arg.format(tmp=tmp_path) for arg in args), state=tmp_path, db=f"sqlite:///{typo}"
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"gridcenter: no store at {typo} (check --db or GRIDCENTER_DB; "
        "`gridcenter seed` makes a demo store)\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["gridcenter"]  # the log only


def test_without_a_store_setting_only_the_console_and_seed_make_one(tmp_path: Path) -> None:
    default = tmp_path / "data" / "gridcenter" / "gridcenter.db"
    result = gridcenter("case", "list", state=tmp_path)
    assert result.returncode == 1 and f"no store at {default}" in result.stderr
    assert not default.exists()
    seeded = gridcenter("seed", state=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert default.exists()
    listed = gridcenter("case", "list", "--json", state=tmp_path)
    assert listed.returncode == 0 and json.loads(listed.stdout)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "garbage",
            "'garbage' is not a store URL: use sqlite:///PATH or postgresql://USER@HOST/NAME",
        ),
        ("mysql://x", "'mysql://x': gridcenter stores live in SQLite or PostgreSQL, not mysql"),
        (
            "mysql://me:secret@db/x",
            "'mysql://me:***@db/x': gridcenter stores live in SQLite or PostgreSQL, not mysql",
        ),
    ],
)
@pytest.mark.parametrize("args", [["case", "list"], [], ["db", "copy", "--from", "{setting}"]])
def test_a_store_setting_of_no_engine_is_one_line(
    tmp_path: Path, setting: str, message: str, args: list[str]
) -> None:
    to = f"sqlite:///{tmp_path / 'to.db'}"
    line = [arg.format(setting=setting) for arg in args]
    if line[:2] == ["db", "copy"]:
        line += ["--to", to]
    result = gridcenter(*line, state=tmp_path, db=setting)
    assert result.returncode == 1
    assert result.stderr == f"gridcenter: {message}\n"


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_three_consoles_started_at_once_share_one_new_store(tmp_path: Path) -> None:
    sessions = [f"gc-new-{os.getpid()}-{n}" for n in range(3)]
    go = tmp_path / "go"
    command = (
        f"while [ ! -e {go} ]; do sleep 0.01; done; "
        f"env XDG_STATE_HOME={tmp_path} XDG_DATA_HOME={tmp_path / 'data'} "
        f"GRIDCENTER_NOW={NOW.isoformat()} {sys.executable} -m gridcenter --no-jobs; "
        "echo exit status $?; sleep 600"
    )
    try:
        for session in sessions:  # no store setting: the default path, not there yet
            tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)
        go.touch()  # all three start together
        screens = [wait_for_screen(session, "Case queues", seconds=120) for session in sessions]
    finally:
        for session in sessions:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    for screen in screens:
        assert "locked" not in screen and "exit status" not in screen, screen
    folder = tmp_path / "data" / "gridcenter"
    assert [path.name for path in folder.iterdir() if path.suffix == ".db"] == ["gridcenter.db"]
    assert not list(folder.glob(".*.new*")), "a scratch store was left behind"
    db = Database(f"sqlite:///{folder / 'gridcenter.db'}")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(tables.District)) == 1
    db.dispose()


def test_ssh_config_forces_the_running_store_setting(tmp_path: Path, demo_path: Path) -> None:
    demo_path.chmod(0o600)
    url = f"sqlite:///{demo_path}"
    result = gridcenter("ssh-config", "--db", url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    forced = [line.split() for line in result.stdout.splitlines() if "ForceCommand" in line]
    assert forced and forced[0][-3:] == ["--db", url, "ssh-login"]
    assert result.stderr.startswith(
        f"gridcenter: warning: the street offices (group gridcenter) cannot use the store "
        f"{demo_path}: "
    )
    from_env = gridcenter("ssh-config", state=tmp_path, db="postgresql://gc@127.0.0.1/city")
    assert "--db postgresql://gc@127.0.0.1/city ssh-login" in from_env.stdout
    assert from_env.stderr == ""


def test_ssh_config_is_quiet_about_a_store_the_offices_can_use(demo_path: Path) -> None:
    shared = Path(tempfile.mkdtemp(prefix="gridcenter-shared-"))  # outside private folders
    try:
        shared.chmod(0o777)
        store = shared / "center.db"
        shutil.copy(demo_path, store)
        store.chmod(0o666)
        result = gridcenter("ssh-config", "--db", f"sqlite:///{store}", state=shared / "state")
        assert result.returncode == 0 and result.stderr == ""
        store.chmod(0o644)  # the offices could read it but not write it
        result = gridcenter("ssh-config", "--db", f"sqlite:///{store}", state=shared / "state")
        assert result.stderr == (
            "gridcenter: warning: the street offices (group gridcenter) cannot use the store "
            f"{store}: they cannot read and write it\n"
        )
    finally:
        shutil.rmtree(shared)


def test_db_backup_copies_a_live_sqlite_store_as_committed(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"
    copy = tmp_path / "copy.db"
    db = Database(url)
    code = pick_case(db, tables.Case.step == "dispatched")
    with db.write() as session:  # a writer is half-way through while the backup runs
        session.execute(update(tables.Case).where(tables.Case.code == code).values(title="not yet"))
        result = gridcenter("db", "backup", str(copy), "--db", url, state=tmp_path)
    db.dispose()
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"backed up to {copy}\n"
    assert not list(tmp_path.glob(".copy.db*")), "the partial file was left behind"
    with sqlite3.connect(copy) as backup:
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert backup.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        title = backup.execute("SELECT title FROM cases WHERE code = ?", (code,)).fetchone()[0]
    assert title != "not yet"
    shown = json.loads(
        gridcenter(
            "case", "show", code, "--json", "--db", f"sqlite:///{copy}", state=tmp_path
        ).stdout
    )
    assert shown["title"] == title
    again = gridcenter("db", "backup", str(copy), "--db", url, state=tmp_path)
    assert again.returncode == 1
    assert again.stderr == f"gridcenter: {copy} already exists: name a new file\n"


def test_db_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    result = gridcenter(
        "db", "backup", str(tmp_path / "x.db"), state=tmp_path, db="postgresql://gc@127.0.0.1:9/x"
    )
    assert result.returncode == 1
    assert result.stderr == (
        "gridcenter: db backup copies SQLite stores; back up a PostgreSQL store with "
        "pg_dump --format=custom (see the operations guide)\n"
    )
    assert not (tmp_path / "x.db").exists()


# A clipboard write, a window title, a screen clear, a bell, a NUL and a right-to-left
# override: what an Open311 record or a careless paste can put into stored text.
HOSTILE = "\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]0;owned\x07\x1b[2J ring\x07 nul\x00 \u202eexe.txt"
RAW = ("\x1b", "\x07", "\x00", "\u202e")
SHOWN = "\\x1b]52;c;ZWNobyBwd25lZA==\\x07"  # the clipboard write as a visible escape


def test_human_output_never_carries_terminal_controls_and_json_keeps_them(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    code = pick_case(db, tables.Case.step == "dispatched")
    with db.write() as session:
        case = session.scalars(select(tables.Case).where(tables.Case.code == code)).one()
        session.execute(
            update(tables.Case)
            .where(tables.Case.id == case.id)
            .values(title=HOSTILE, description=f"line one\n{HOSTILE}", address=HOSTILE)
        )
        alert = session.scalars(select(tables.Alert).order_by(tables.Alert.id.desc())).first()
        assert alert is not None
        session.execute(
            update(tables.Alert)
            .where(tables.Alert.id == alert.id)
            .values(title=HOSTILE, body=f"first\n{HOSTILE}")
        )
        session.execute(update(tables.Account).values(display_name=HOSTILE))
        alert_id = alert.id
    acting = Context(db, make_loop(), Clock(NOW), Actor("chen.jie", Role.ADMIN))
    escalate(acting, code, reason=HOSTILE)  # history keeps what was typed
    db.dispose()

    def run(*args: str) -> str:  # as the admin: accounts list is admin-only
        done = gridcenter(*args, state=tmp_path, db=url, GRIDCENTER_OPERATOR="admin")
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    for args in (
        ["case", "show", code],
        ["alerts", "list"],
        ["alerts", "show", str(alert_id)],
        ["audit", "--case", code],
        ["accounts", "list"],
    ):
        out = run(*args)
        assert not [raw for raw in RAW if raw in out], (args, out)
        assert SHOWN in out and "\\u202eexe.txt" in out, args

    for args, pick in (
        (["case", "show", code, "--json"], lambda data: data["title"]),
        (["case", "show", code, "--json"], lambda data: data["history"][-1]["reason"]),
        (["alerts", "list", "--json"], lambda data: data[0]["title"]),
        (["accounts", "list", "--json"], lambda data: data[0]["name"]),
    ):
        out = run(*args)
        assert not [raw for raw in RAW if raw in out], (args, out)
        assert pick(json.loads(out)) == HOSTILE, args


def test_times_without_an_offset_are_the_districts(demo_path: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_path}"

    def since(moment: str) -> list[dict[str, object]]:
        result = gridcenter(
            "audit", "--json", "--limit", "5000", "--since", moment, db=url, state=tmp_path
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    local = since("2026-11-19T09:30")
    assert local == since("2026-11-19T09:30+08:00")
    assert local != since("2026-11-19T09:30+00:00")
    assert since("2026-11-19") == since("2026-11-19T00:00+08:00")
    assert local and all(line["at"] >= "2026-11-19T01:30" for line in local)
    bad = gridcenter("audit", "--since", "yesterday", db=url, state=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr == (
        "gridcenter: 'yesterday' is not a time such as 2026-11-28T09:30 (the district's time), "
        "2026-11-28 or 2026-11-28T09:30+08:00\n"
    )


def test_tables_have_a_header_and_stay_aligned_with_wide_characters(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    first = json.loads(
        gridcenter("case", "list", "--json", "--limit", "1", db=url, state=tmp_path).stdout
    )[0]
    db = Database(url)
    with db.write() as session:
        session.execute(
            update(tables.Grid).where(tables.Grid.name == first["grid"]).values(name="岳麓网格 01")
        )
    db.dispose()
    result = gridcenter("case", "list", "--limit", "8", db=url, state=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "code",
        "level",
        "step",
        "category",
        "grid",
        "assignee",
        "deadline",
        "time",
        "left",
    ]
    assert "岳麓网格 01" in lines[1]
    # Every row's deadline starts in the same terminal column: a CJK character takes two.
    starts = {cell_len(line[: line.index(" 2026-")]) for line in lines[1:]}
    assert len(starts) == 1, result.stdout
    assert cell_len(lines[0][: lines[0].index("deadline")]) == starts.pop() + 1
    assert not any(line != line.rstrip() for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["alerts", "list", "--severity", "critical"],
            "'critical' is not a valid severity: info, warning, alarm",
        ),
        (["case", "list", "--level", "Z"], "'Z' is not a valid level: A, B, C, D"),
        (["alerts", "list", "--kind", "nope"], "'nope' is not a valid alert kind: audit_anchor, "),
        (
            ["webhooks", "add", "http://127.0.0.1:9/x", "--allow-private", "--severity", "loud"],
            "'loud' is not a valid severity: info, warning, alarm",
        ),
        (["accounts", "add", "x", "--role", "boss"], "'boss' is not a valid role: viewer, "),
        (["--theme", "pink"], "'pink' is not a valid theme: gridcenter-contrast, gridcenter-dark"),
    ],
)
def test_an_invalid_choice_names_the_valid_ones(
    demo_path: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = gridcenter(
        *args, db=f"sqlite:///{demo_path}", state=tmp_path, GRIDCENTER_OPERATOR="admin"
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"gridcenter: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("demo_url", ["postgresql"], indirect=True)
def test_a_plain_postgresql_url_uses_the_driver_gridcenter_ships(
    demo_url: str, tmp_path: Path
) -> None:
    plain = demo_url.replace("postgresql+psycopg://", "postgresql://")
    result = gridcenter("case", "list", "--json", "--limit", "3", db=plain, state=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_every_commands_help_names_the_global_options(tmp_path: Path) -> None:
    listing = gridcenter("case", "list", "--help", state=tmp_path)
    said = " ".join(listing.stdout.split())  # the help wraps to the terminal's width
    assert (
        "Also --db, --operator, --theme, --log-level, --idle-reset: see gridcenter --help." in said
    )
    audit = gridcenter("audit", "--help", state=tmp_path)  # its --operator is its own
    said = " ".join(audit.stdout.split())
    assert "Also --db, --theme, --log-level, --idle-reset: see gridcenter --help." in said


def test_a_report_read_on_a_terminal_is_neutralised_and_piped_is_the_document(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    with db.write() as session:
        session.execute(update(tables.Street).values(name=tables.Street.name + HOSTILE))
    db.dispose()
    args = ("report", "--period", "2026-11")
    piped = gridcenter(*args, db=url, state=tmp_path)
    assert piped.returncode == 0 and HOSTILE in piped.stdout  # a document, as the store has it
    follower = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "gridcenter", *args],
        stdout=follower[1],
        stderr=follower[1],
        env=environment(tmp_path, url),
    )
    os.close(follower[1])
    shown = read_terminal(follower[0]).decode()
    assert process.wait() == 0
    assert "## By street" in shown
    assert not [raw for raw in RAW if raw in shown]
    assert SHOWN in shown


def test_a_job_run_at_a_local_time_and_listed_in_local_time(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    run = gridcenter(
        "jobs",
        "run",
        "stationing-day",
        "--at",
        "2026-11-28T09:30",
        db=url,
        state=tmp_path,
        GRIDCENTER_OPERATOR="admin",
    )
    assert run.returncode == 0, run.stderr
    listing = ("alerts", "list", "--kind", "stationing")
    alerts = json.loads(gridcenter(*listing, "--json", db=url, state=tmp_path).stdout)
    raised = {datetime.fromisoformat(alert["raised_at"]) for alert in alerts}
    assert datetime(2026, 11, 28, 9, 30, tzinfo=SHANGHAI) in raised
    listed = gridcenter(*listing, db=url, state=tmp_path).stdout
    assert "2026-11-28 09:30" in listed
    assert "+00:00" not in listed and "T09:30" not in listed


def test_a_deadline_moved_by_an_extension_reads_in_local_time(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    db = Database(url)
    code = pick_case(db, tables.Case.step == "dispatched", tables.Case.level == "A")
    db.dispose()
    asked = gridcenter(
        "case", "request-extension", code, "--reason", "parts", db=url, state=tmp_path
    )
    assert asked.returncode == 0, asked.stderr
    granted = gridcenter(
        "case", "grant-extension", code, "--until", "2026-12-04T17:30", db=url, state=tmp_path
    )
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.startswith(f"{code}: grant extension ")
    assert "-> 2026-12-04 17:30 (version" in granted.stdout
    detail = json.loads(gridcenter("case", "show", code, "--json", db=url, state=tmp_path).stdout)
    assert datetime.fromisoformat(detail["deadline"]) == datetime(
        2026, 12, 4, 17, 30, tzinfo=SHANGHAI
    )
    for args in (["case", "show", code], ["audit", "--case", code]):
        shown = gridcenter(*args, db=url, state=tmp_path).stdout
        assert "-> 2026-12-04 17:30" in shown and "+08:00" not in shown and "+00:00" not in shown


def test_alerts_list_takes_every_kind_the_store_holds(demo_path: Path, tmp_path: Path) -> None:
    """The demo holds a patrol report alert: a kind the jobs never raise."""
    url = f"sqlite:///{demo_path}"
    listed = gridcenter(
        "alerts", "list", "--kind", "patrol", db=url, state=tmp_path, GRIDCENTER_OPERATOR="admin"
    )
    assert listed.returncode == 0, listed.stderr
    assert " patrol " in listed.stdout


def test_readings_with_bad_lines_keep_the_good_and_say_so_in_the_status(
    demo_path: Path, tmp_path: Path
) -> None:
    lines = (
        '{"grid": "430199001003010", "metric": "water_level", "value": 0.4}\n'
        '{"grid": "430199001003010", "metric": "water_level", "value": NaN}\n'
    )
    done = gridcenter_in_process(
        "readings",
        "ingest",
        env=environment(tmp_path, f"sqlite:///{demo_path}", GRIDCENTER_OPERATOR="admin"),
        input=lines,
    )
    assert done.returncode == 4
    assert done.stdout.startswith("1 readings stored")
    assert done.stderr.splitlines() == [
        "gridcenter: skipped line 2: NaN is not a number a sensor can read"
    ]


def test_a_cli_write_on_a_stale_version_is_refused_with_who_changed_it(
    demo_path: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{demo_path}"
    code = pick_case(Database(url), tables.Case.step == "dispatched", tables.Case.level == "B")
    shown = json.loads(gridcenter("case", "show", code, "--json", db=url, state=tmp_path).stdout)
    version = str(shown["version"])
    first = gridcenter(
        "case",
        "escalate",
        code,
        "--reason",
        "storm damage",
        "--expect-version",
        version,
        db=url,
        state=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    stale = gridcenter(
        "case",
        "deescalate",
        code,
        "--reason",
        "back down",
        "--expect-version",
        version,
        db=url,
        state=tmp_path,
    )
    assert stale.returncode == 1 and f"changed by {os_login()} acting as chen.jie" in stale.stderr
