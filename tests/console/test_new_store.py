"""The console on a store made by `gridcenter init`: it says what to load next."""

from pathlib import Path

from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.context import Context
from gridcenter.store.database import Database
from gridcenter.store.seeding import seed_reference
from tests.conftest import NOW
from tests.console.conftest import notices, settle


async def test_an_empty_store_says_what_to_load_next(tmp_path: Path, loop: ClosedLoop) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    seed_reference(db, loop, NOW)
    app = GridCenterApp(
        Context(db, loop, Clock(NOW), Actor("admin", Role.ADMIN)),
        theme="gridcenter-dark",
        live_interval=0.0,
    )
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        said = "This store has no territory yet: gridcenter territory import FILE.geojson"
        assert said in notices(app)
        assert app.dashboard.query_one("#queue", CaseList).placeholder() == said
    db.dispose()
