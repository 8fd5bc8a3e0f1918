"""Every command and console screen, run as each kind of account: who gets past the role
check and who is refused. One table, so a new command without a check (or with the wrong
one) shows.

Commands run in this process (Typer's runner) on one demo store; the store tools that
act on the file itself and name no account (`seed`, `db`, `ssh-config`, `bench`,
`scheduler`, `ssh-login`) are left out: whoever can write the file is past every rule."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from gridcenter.cli.main import app
from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.accounts import actor_for
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.console.conftest import settle

ACCOUNTS = ("admin", "chen.jie", "liu.min", "tang.wen", "xiangjiang", "gateway")
EVERYONE_WHO_LOOKS = {"admin", "chen.jie", "liu.min", "tang.wen", "xiangjiang"}
OPERATORS = {"admin", "chen.jie", "liu.min", "xiangjiang"}
SUPERVISORS = {"admin", "chen.jie", "xiangjiang"}
ADMINS = {"admin"}
READINGS = {"admin", "chen.jie", "liu.min", "xiangjiang", "gateway"}

# (command line with {case} / {alert} / {hook} in it, the accounts that get past the check)
MATRIX: list[tuple[str, set[str]]] = [
    ("case list", EVERYONE_WHO_LOOKS),
    ("case show {case}", EVERYONE_WHO_LOOKS),
    ("case reveal {case} --reason matrix", SUPERVISORS),
    ("case report --title matrix --grid 430199001001001", OPERATORS),
    ("case file {case} --category URB-ENV-01", OPERATORS),
    ("case dispatch {case} --to nobody", SUPERVISORS),
    ("case reassign {case} --to nobody --reason matrix", SUPERVISORS),
    ("case escalate {case} --reason matrix", SUPERVISORS),
    ("case deescalate {case} --reason matrix", SUPERVISORS),
    ("case feedback {case} --result matrix", OPERATORS),
    ("case part {case} --result matrix", OPERATORS),
    ("case return {case} --reason matrix", OPERATORS),
    ("case verify {case} --pass", SUPERVISORS),
    ("case close {case} --satisfaction satisfied", SUPERVISORS),
    ("case dismiss {case} --reason matrix", OPERATORS),
    ("case reopen {case} --reason matrix", SUPERVISORS),
    ("case request-extension {case} --reason matrix", OPERATORS),
    ("case grant-extension {case} --until 2026-11-28T17:30 --reason matrix", SUPERVISORS),
    ("case refuse-extension {case} --reason matrix", SUPERVISORS),
    ("case park {case} --reason season-bound --note matrix", SUPERVISORS),
    ("case unpark {case}", SUPERVISORS),
    ("categories list", EVERYONE_WHO_LOOKS),
    ("alerts list", EVERYONE_WHO_LOOKS),
    ("alerts show {alert}", EVERYONE_WHO_LOOKS),
    ("alerts ack {alert}", OPERATORS),
    ("readings ingest", READINGS),
    ("report", EVERYONE_WHO_LOOKS),
    ("jobs list", EVERYONE_WHO_LOOKS),
    ("jobs run roster-check", ADMINS),
    ("ingest status", ADMINS),
    ("ingest open311 --url http://10.0.0.1/open311/v2", ADMINS),
    ("webhooks list", ADMINS),
    ("webhooks add http://10.0.0.1/hook", ADMINS),
    ("webhooks test {hook}", ADMINS),
    ("webhooks remove {hook}", ADMINS),
    ("accounts list", ADMINS),
    ("accounts add matrix.user --role viewer", ADMINS),
    ("accounts set he.ping --name Matrix", ADMINS),
    ("accounts disable he.ping", ADMINS),
    ("accounts enable he.ping", ADMINS),
    ("accounts password he.ping --stdin", ADMINS),
    ("audit", EVERYONE_WHO_LOOKS),
    ("audit verify", ADMINS),
    ("audit anchor", ADMINS),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[str]:
    """One demo store for the whole table, with a sensor gateway's account and a webhook."""
    path = tmp_path_factory.mktemp("matrix") / "gridcenter.db"
    path.write_bytes(demo_template.read_bytes())
    url = f"sqlite:///{path}"
    db = Database(url)
    with db.write() as session:
        session.add(
            tables.Account(login="gateway", display_name="Gateway", role="sensor", created_at=NOW)
        )
        session.add(tables.Webhook(url="http://10.0.0.1/hook", secret="whsec_AAAA", created_at=NOW))
    db.dispose()
    yield url


def subjects(url: str) -> dict[str, str]:
    """A case and an alert in Xiangjiang Street (the street office's own), a webhook."""
    db = Database(url)
    with db.read() as session:
        case = session.scalar(
            select(tables.Case.code)
            .where(tables.Case.street_id == 1, tables.Case.step == "dispatched")
            .order_by(tables.Case.id)
        )
        alert = session.scalar(
            select(tables.Alert.id).where(tables.Alert.street_id == 1).order_by(tables.Alert.id)
        )
        hook = session.scalar(select(tables.Webhook.id))
    db.dispose()
    assert case and alert and hook
    return {"case": case, "alert": str(alert), "hook": str(hook)}


@pytest.mark.parametrize(("line", "allowed"), MATRIX, ids=[line for line, _ in MATRIX])
def test_who_gets_past_the_check(store: str, line: str, allowed: set[str]) -> None:
    runner = CliRunner()
    args = line.format(**subjects(store)).split()
    env = {"GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat(), "NO_COLOR": "1"}
    readings = '{"grid": "430199001003010", "metric": "water_level", "value": 0.2}\n'
    stdin = "a-long-password-1\n" if "--stdin" in args else readings
    outcome = {}
    for login in ACCOUNTS:
        result = runner.invoke(app, ["--operator", login, *args], env=env, input=stdin)
        refused = "may not" in result.stderr
        outcome[login] = not refused
        if refused:
            assert result.exit_code == 1 and result.stdout == "", (login, result.stdout)
        else:  # past the check: it may still be refused for another reason, never misused
            assert result.exit_code != 2, (login, result.output)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                login,
                result.exception,
            )
    assert {login for login, passed in outcome.items() if passed} == allowed


CONSOLE_SCREENS = ("A", "h", "s", "m", "question_mark")


@pytest.mark.parametrize("login", [login for login in ACCOUNTS if login != "gateway"])
async def test_every_screen_shows_only_the_accounts_territory(
    demo_path: Path, loop: ClosedLoop, login: str
) -> None:
    db = Database(f"sqlite:///{demo_path}")
    actor = actor_for(db, login, "local")
    app = GridCenterApp(Context(db, loop, Clock(NOW), actor), live_interval=0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        snapshot = app.dashboard.snapshot
        assert snapshot is not None
        shown = [row.code for page in snapshot.cases.queue_pages.values() for row in page]
        for key in CONSOLE_SCREENS:
            await pilot.press(key)
            await pilot.pause(0.2)
            assert app.screen is not app.dashboard, f"{key} opened nothing for {login}"
            await pilot.press("escape")
            await pilot.pause(0.1)
        assert app.crash is None
    with db.read() as session:
        streets = set(
            session.scalars(select(tables.Case.street_id).where(tables.Case.code.in_(shown)))
        )
    db.dispose()
    assert shown
    if login == "xiangjiang":
        assert streets == {1}
    else:
        assert len(streets) > 1


async def test_a_sensor_gateway_gets_no_console(demo_path: Path) -> None:
    store = f"sqlite:///{demo_path}"
    db = Database(store)
    with db.write() as session:
        session.add(
            tables.Account(login="gateway", display_name="Gateway", role="sensor", created_at=NOW)
        )
    db.dispose()
    result = CliRunner().invoke(
        app,
        ["--operator", "gateway"],
        env={"GRIDCENTER_DB": store, "GRIDCENTER_NOW": NOW.isoformat()},
    )
    assert result.exit_code == 1 and "may not look" in result.stderr
