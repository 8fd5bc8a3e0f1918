"""An error while reading one screen closes that screen with one line; the console goes on."""

import sqlite3
from pathlib import Path

from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.history import HistoryScreen
from tests.console.conftest import notices, settle, wait_until


def break_table(path: Path, table: str, broken: bool) -> None:
    """The table goes away behind the console's back (a damaged store, a faulty query)."""
    gone = f"{table}_gone"
    old, new = (table, gone) if broken else (gone, table)
    with sqlite3.connect(path) as connection:
        connection.execute(f"ALTER TABLE {old} RENAME TO {new}")


async def test_a_history_that_cannot_be_read_closes_alone(
    app: GridCenterApp, demo_path: Path
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        break_table(demo_path, "audit_event", broken=True)
        await pilot.press("h")
        await wait_until(pilot, lambda: "Could not show the history" in notices(app), 5)
        assert "Could not show the history: unexpected error" in notices(app)
        assert app.screen is app.dashboard and app.is_running and app.crash is None

        break_table(demo_path, "audit_event", broken=False)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        assert isinstance(app.screen, HistoryScreen)


async def test_an_alert_desk_that_cannot_be_read_is_not_opened(
    app: GridCenterApp, demo_path: Path
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        break_table(demo_path, "alert", broken=True)
        await pilot.press("A")
        await wait_until(pilot, lambda: "Could not show the alert desk" in notices(app), 5)
        assert "Could not show the alert desk" in notices(app)
        assert app.screen is app.dashboard and app.crash is None
        break_table(demo_path, "alert", broken=False)
