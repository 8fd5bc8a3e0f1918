"""Who is acting: the OS login's account, or another one by its password or an admin's login."""

import fcntl
import os
import select as io_select
import stat
import subprocess
import sys
import termios
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update

from gridcenter.config import os_login
from gridcenter.domain.errors import Refused
from gridcenter.services.accounts import acting_actor, actor_for, set_password
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.files import office_group
from tests.conftest import NOW
from tests.functional.helpers import gridcenter_in_process, pick_case
from tests.functional.test_cli import gridcenter

SECRET = "harbour-lights-42"


def as_account(context: Context, login: str) -> Context:
    return replace(context, actor=actor_for(context.db, login, "local"))


def demote_os_login(db: Database) -> None:
    """The OS user running the tests is an operator here, not an admin."""
    with db.write() as s:
        s.execute(
            update(tables.Account).where(tables.Account.login == os_login()).values(role="operator")
        )


def test_acting_as_another_account_takes_its_password(context: Context) -> None:
    with pytest.raises(Refused, match="it has none"):
        acting_actor(context.db, "liu.min", "chen.jie", lambda _: SECRET)
    set_password(as_account(context, "admin"), "chen.jie", SECRET)

    acting = acting_actor(context.db, "liu.min", "chen.jie", lambda _: SECRET)
    assert (acting.login, acting.role.value, acting.by) == ("chen.jie", "supervisor", "liu.min")
    assert acting.signature == "liu.min acting as chen.jie"
    with pytest.raises(Refused, match=r"wrong password for chen\.jie"):
        acting_actor(context.db, "liu.min", "chen.jie", lambda _: SECRET + "x")
    with pytest.raises(Refused, match="typed at a terminal"):
        acting_actor(context.db, "liu.min", "chen.jie", None)


def test_an_admin_login_acts_as_anyone_and_is_named(context: Context) -> None:
    def never(_: str) -> str:
        raise AssertionError("an admin is not asked for a password")

    acting = acting_actor(context.db, "admin", "xiangjiang", never)
    assert acting.signature == "admin acting as xiangjiang"
    own = acting_actor(context.db, "liu.min", "liu.min", never)
    assert own.by is None and own.signature == "liu.min"


def test_passwords_are_kept_as_scrypt_hashes_and_set_by_whom_may(context: Context) -> None:
    operator = as_account(context, "liu.min")
    with pytest.raises(Refused, match="may not administer"):
        set_password(operator, "chen.jie", SECRET)
    with pytest.raises(Refused, match="at least 10 characters"):
        set_password(operator, "liu.min", "short")
    set_password(operator, "liu.min", SECRET)  # one's own
    with context.db.read() as s:
        stored = s.scalar(
            select(tables.Account.password_hash).where(tables.Account.login == "liu.min")
        )
        recorded = s.scalar(
            select(tables.AuditEvent.action).where(tables.AuditEvent.subject_ref == "liu.min")
        )
    assert stored is not None and stored.startswith("scrypt$") and SECRET not in stored
    assert recorded == "account_password"


def test_a_change_made_acting_as_another_is_recorded_with_both_names(
    demo_url: str, demo_db: Database
) -> None:
    code = pick_case(demo_db, tables.Case.street_id == 1, tables.Case.level == "A")
    result = gridcenter(
        demo_url, "--operator", "xiangjiang", "case", "escalate", code, "--reason", "x"
    )
    assert result.returncode == 0, result.stderr
    with demo_db.read() as s:
        case = s.scalar(select(tables.Case).where(tables.Case.code == code))
        assert case is not None
        event = s.scalar(
            select(tables.CaseEvent)
            .where(tables.CaseEvent.case_id == case.id)
            .order_by(tables.CaseEvent.id.desc())
        )
    assert event is not None and event.actor == f"{os_login()} acting as xiangjiang"
    assert case.updated_by == event.actor


def test_the_os_login_is_not_read_from_the_environment(demo_url: str, demo_db: Database) -> None:
    demote_os_login(demo_db)
    spoofed = {"USER": "admin", "LOGNAME": "admin"}
    result = run_cli(demo_url, ["--operator", "admin", "accounts", "list"], spoofed)
    assert result.returncode == 1
    assert "may act as admin only with admin's password" in result.stderr
    own = run_cli(demo_url, ["accounts", "list"], spoofed)  # its own account: an operator
    assert own.returncode == 1 and "may not administer" in own.stderr


def run_cli(store: str, args: list[str], extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat(), **extra}
    env.pop("GRIDCENTER_OPERATOR", None)
    return gridcenter_in_process(*args, env=env)


def at_terminal(store: str, args: list[str], typed: str) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal of its own, type `typed` at its password prompt."""
    leader, follower = os.openpty()
    env = {**os.environ, "GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat()}
    env.pop("GRIDCENTER_OPERATOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gridcenter", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = io_select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the process closed the terminal
                break
            screen += chunk
            if not answered and b"password of" in screen:
                os.write(leader, typed.encode() + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    status = process.wait(timeout=10)
    os.close(leader)
    return status, screen.decode(errors="replace")


def test_a_password_typed_at_the_terminal_lets_a_login_act_as_another(
    context: Context, demo_url: str
) -> None:
    demote_os_login(context.db)
    set_password(as_account(context, "admin"), "chen.jie", SECRET)
    args = ["--operator", "chen.jie", "case", "list", "--limit", "1"]

    status, screen = at_terminal(demo_url, args, SECRET)
    assert status == 0, screen
    assert "password of chen.jie:" in screen and SECRET not in screen  # not echoed

    status, screen = at_terminal(demo_url, args, "not-the-password")
    assert status == 1 and "wrong password for chen.jie" in screen


def test_a_new_store_is_read_and_written_by_its_owner_and_group_only(tmp_path: Path) -> None:
    store = tmp_path / "new.db"
    result = gridcenter_in_process(
        "--db", f"sqlite:///{store}", "seed", env={**os.environ, "GRIDCENTER_NOW": NOW.isoformat()}
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(store.stat().st_mode) == 0o660
    group = office_group()
    if group is not None:
        assert store.stat().st_gid == group
