"""A report no grid covers, at the keyboard: taken with no place, it waits in the district's
unplaced queue; a key places it in a grid picked by typing, another merges a repeat; a street
office sees no such queue."""

from pathlib import Path

from sqlalchemy import select
from textual.widgets import OptionList

from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.dashboard import UNPLACED_TAB
from gridcenter.console.screens.form import FormScreen
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.console.widgets.level_tab import LevelTab
from gridcenter.domain.access import Actor, Role, Territory
from gridcenter.domain.loop import ClosedLoop
from gridcenter.domain.reports import Point
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.console.conftest import change_elsewhere, notices, settle, wait_until
from tests.console.test_whole_loop import case_of, keys, newest_case, typed

TAOYUAN_07 = "430199001001007"


def console(path: Path, loop: ClosedLoop, actor: Actor) -> GridCenterApp:
    return GridCenterApp(Context(Database(f"sqlite:///{path}"), loop, Clock(NOW), actor))


def grid_code(path: Path, code: str) -> str | None:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return session.scalar(
                select(tables.Grid.code)
                .join(tables.Case, tables.Case.grid_id == tables.Grid.id)
                .where(tables.Case.code == code)
            )
    finally:
        db.dispose()


async def test_a_report_with_no_place_is_placed_from_the_unplaced_queue(
    demo_path: Path, loop: ClosedLoop
) -> None:
    center = console(demo_path, loop, Actor("he.ping", Role.SUPERVISOR))
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        tab = center.dashboard.query_one(f"#{UNPLACED_TAB}", LevelTab)
        assert tab.display and tab.label.plain == "unplaced 0"
        before = newest_case(demo_path)
        await keys(pilot, "n")
        await wait_until(pilot, lambda: isinstance(center.screen, FormScreen))
        await typed(pilot, "Smoke from a yard")
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: newest_case(demo_path) != before)
        code = newest_case(demo_path)
        assert case_of(demo_path, code).grid_id is None
        await settle(pilot)
        assert tab.label.plain == "unplaced 1"

        await keys(pilot, "u")
        queue = center.dashboard.query_one("#queue", CaseList)
        await wait_until(pilot, lambda: queue.selected is not None)
        assert queue.selected is not None and queue.selected.code == code
        await keys(pilot, "f")  # filing waits until it is placed
        assert "place it first" in notices(center)
        await keys(pilot, "P")
        await wait_until(pilot, lambda: isinstance(center.screen, FormScreen))
        await typed(pilot, "Taoyuan 07")
        choices = center.screen.query_one("#field-grid", OptionList)
        assert choices.option_count == 1
        await keys(pilot, "tab", "tab")  # past the list, to the reason
        await typed(pilot, "the caller named the market")
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: grid_code(demo_path, code) == TAOYUAN_07)
        await settle(pilot)
        assert tab.label.plain == "unplaced 0"
        assert case_of(demo_path, code).level == "A"


async def test_a_repeat_is_merged_from_its_case_screen(demo_path: Path, loop: ClosedLoop) -> None:
    url = f"sqlite:///{demo_path}"
    made: list[str] = []

    def report_twice(ctx: Context) -> None:
        for title in ("Heap by the market", "Heap by the market again"):
            done = case_service.report_case(
                ctx, title=title, category="URB-ENV-01", at=Point(28.156, 112.856)
            )
            made.append(done.code)

    change_elsewhere(url, loop, report_twice)
    first, repeat = made
    center = console(demo_path, loop, Actor("he.ping", Role.SUPERVISOR))
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        center.dashboard.open_case(repeat)
        await settle(pilot)
        await keys(pilot, "M")
        await wait_until(pilot, lambda: isinstance(center.screen, FormScreen))
        await typed(pilot, first)
        await keys(pilot, "tab")
        await typed(pilot, "same heap")
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: case_of(demo_path, repeat).step == "closed")
        merged = case_of(demo_path, repeat)
        assert merged.merged_into_id == case_of(demo_path, first).id


async def test_a_street_office_has_no_unplaced_queue(demo_path: Path, loop: ClosedLoop) -> None:
    street = Actor("xiangjiang", Role.SUPERVISOR, Territory(street_id=1))
    center = console(demo_path, loop, street)
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert not center.dashboard.query_one(f"#{UNPLACED_TAB}", LevelTab).display
        await keys(pilot, "u")
        assert "district's command center" in notices(center)
