"""An alert raised by hand from the board: a grid worker on patrol calls one in, and the
operator raises it for the highlighted grid with one key."""

from pathlib import Path

from sqlalchemy import select

from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.form import FormScreen
from gridcenter.console.widgets.grid_board import GridBoard
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.console.conftest import notices, settle, wait_until
from tests.console.test_whole_loop import keys, typed


def manual_alerts(path: Path) -> list[tuple[str, str, str]]:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return [
                tuple(row)
                for row in session.execute(
                    select(tables.Alert.subject_ref, tables.Alert.severity, tables.Alert.title)
                    .where(tables.Alert.kind == "manual")
                    .order_by(tables.Alert.id)
                )
            ]
    finally:
        db.dispose()


async def test_a_key_raises_an_alert_for_the_highlighted_grid(
    app: GridCenterApp, demo_path: Path
) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        grid = app.dashboard.query_one("#grids", GridBoard).selected
        assert grid is not None
        await keys(pilot, "exclamation_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, FormScreen))
        await keys(pilot, "tab")  # past the severity (a warning unless changed) to the text
        await typed(pilot, "Gas smell by the school gate")
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: bool(manual_alerts(demo_path)), seconds=5)
        assert manual_alerts(demo_path) == [
            (grid.code, "warning", f"{grid.name}: Gas smell by the school gate")
        ]
        await wait_until(pilot, lambda: "Raised:" in notices(app))
        assert f"Raised: {grid.name}: Gas smell by the school gate" in notices(app)
