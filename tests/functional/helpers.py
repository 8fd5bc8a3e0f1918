"""Small look-ups shared by functional tests."""

import hashlib
import os
import subprocess
import time
from collections.abc import Mapping

from sqlalchemy import ColumnElement, select, text
from typer.testing import CliRunner

from gridcenter.cli.main import app
from gridcenter.store import tables
from gridcenter.store.database import Database


def pick_case(db: Database, *conditions: ColumnElement[bool]) -> str:
    with db.read() as s:
        code = s.scalar(select(tables.Case.code).where(*conditions).order_by(tables.Case.id))
    assert code, "the demo has no case like that"
    return code


def fingerprint(db: Database) -> str:
    """A digest of every case, step and event row: equal means nothing changed."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in ("cases", "case_step", "case_event", "change_log"):
            for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for_screen(session: str, text: str, seconds: float = 30) -> str:
    """The screen of a tmux session once it shows `text`."""
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def read_terminal(fd: int) -> bytes:
    """Everything written to a pseudo-terminal until the program on it is done (closes it)."""
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closed: the program is done
            break
        if not chunk:
            break
        output += chunk
    os.close(fd)
    return output


def gridcenter_in_process(
    *args: str, env: Mapping[str, str], input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI run in the test's own process, with exactly the variables of `env` (as a real
    process started with that environment would see them): a second faster than a process,
    and what it proves is the same, for everything but the last-resort crash handling of
    `gridcenter.cli.main.run`, which the real-process tests keep."""
    variables: dict[str, str | None] = {name: None for name in os.environ if name not in env}
    variables.update(env)
    result = CliRunner().invoke(app, list(args), input=input, env=variables, catch_exceptions=False)
    return subprocess.CompletedProcess(
        ["gridcenter", *args], result.exit_code, result.stdout, result.stderr
    )
