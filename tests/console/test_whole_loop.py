"""One case through the whole loop from the keyboard, in two consoles: the command center
reports, files, dispatches, checks and closes it; the handler feeds back, twice, because
the first check fails and sends it back for rework."""

from pathlib import Path

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Select

from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.form import FormScreen
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.loop import ESCALATIONS, ClosedLoop
from gridcenter.queries.people import search_assignees
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.console.conftest import notices, settle, wait_until

GRID = "430199001001001"  # Taoyuan 01


def console(path: Path, loop: ClosedLoop, login: str) -> GridCenterApp:
    actor = Actor(login, Role.SUPERVISOR if login == "chen.jie" else Role.ADMIN)
    return GridCenterApp(Context(Database(f"sqlite:///{path}"), loop, Clock(NOW), actor))


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
    await settle(pilot)


async def typed(pilot: Pilot[None], text: str) -> None:
    await keys(pilot, *["space" if char == " " else char for char in text])


async def choose(pilot: Pilot[None], downs: int) -> None:
    """In a form's list (focused): open it, go down `downs` entries, take that one."""
    await keys(pilot, "enter", *["down"] * downs, "enter")


async def to_case(pilot: Pilot[None], code: str) -> None:
    """Filter the queues to the case: it is then the highlighted row."""
    await keys(pilot, "slash")
    await typed(pilot, code)
    await keys(pilot, "enter")


def case_of(path: Path, code: str) -> tables.Case:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            row = session.scalar(select(tables.Case).where(tables.Case.code == code))
            assert row is not None
            return row
    finally:
        db.dispose()


def newest_case(path: Path) -> str:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            return session.scalar(select(tables.Case.code).order_by(tables.Case.id.desc())) or ""
    finally:
        db.dispose()


def actions_of(path: Path, code: str) -> list[str]:
    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            case_id = select(tables.Case.id).where(tables.Case.code == code).scalar_subquery()
            return list(
                session.scalars(
                    select(tables.CaseEvent.action)
                    .where(tables.CaseEvent.case_id == case_id)
                    .order_by(tables.CaseEvent.id)
                )
            )
    finally:
        db.dispose()


async def test_a_case_goes_round_the_whole_loop_and_back_with_keys_only(
    demo_path: Path, loop: ClosedLoop
) -> None:
    center = console(demo_path, loop, "he.ping")
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        await wait_until(pilot, lambda: isinstance(center.screen, FormScreen))
        await typed(pilot, "Pothole at the school gate")
        await keys(pilot, "tab", "tab", "tab")  # past the channel and the category
        await typed(pilot, GRID)
        before = newest_case(demo_path)
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: newest_case(demo_path) != before)
        code = newest_case(demo_path)
        reported = case_of(demo_path, code)
        assert (reported.step, reported.title, reported.source) == (
            "reported",
            "Pothole at the school gate",
            "hotline",
        )

        await to_case(pilot, code)
        await keys(pilot, "f")
        assert isinstance(center.screen, FormScreen)
        await choose(pilot, 2)  # a category
        category = center.screen.query_one("#field-category", Select).value
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "filed")
        assert case_of(demo_path, code).step == "filed"
        with center.context.db.read() as session:
            filed_as = session.scalar(
                select(tables.Category.code).where(
                    tables.Category.id == case_of(demo_path, code).category_id
                )
            )
        assert filed_as == category != "UNC-00-00"

        with center.context.db.read() as session:  # the first holder the picker offers
            holder = search_assignees(session, "", case_code=code)[0].code
        await keys(pilot, "d")
        await typed(pilot, holder)
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "dispatched")

    handler = console(demo_path, loop, "chen.jie")
    async with handler.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await to_case(pilot, code)
        await keys(pilot, "b")
        await typed(pilot, "Filled with gravel")
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "fed_back")

    center = console(demo_path, loop, "he.ping")
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await to_case(pilot, code)
        await keys(pilot, "c")
        await choose(pilot, 2)  # failed: back to the handler
        await keys(pilot, "tab")
        await typed(pilot, "Gravel washed out")
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "dispatched")
        assert case_of(demo_path, code).rework_count == 1

    handler = console(demo_path, loop, "chen.jie")
    async with handler.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await to_case(pilot, code)
        await keys(pilot, "b")
        await typed(pilot, "Patched with asphalt")
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "fed_back")

    center = console(demo_path, loop, "he.ping")
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await to_case(pilot, code)
        await keys(pilot, "c")
        await choose(pilot, 1)  # passed
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "verified")
        await keys(pilot, "x")
        await choose(pilot, 1)  # satisfied
        await keys(pilot, "ctrl+s")
        await wait_until(pilot, lambda: case_of(demo_path, code).step == "closed")

    closed = case_of(demo_path, code)
    assert (closed.step, closed.satisfaction, closed.rework_count) == ("closed", "satisfied", 1)
    assert actions_of(demo_path, code) == [
        "report",
        "file",
        "dispatch",
        "feed_back",
        "verify",
        "feed_back",
        "verify",
        "close",
    ]


async def test_marked_cases_are_escalated_together_each_on_its_own(
    demo_path: Path, loop: ClosedLoop
) -> None:
    """Three cases marked with space, one reason for all: the two that can go up do, the
    one already at the top (D) is refused alone, and the summary says so."""
    center = console(demo_path, loop, "he.ping")
    async with center.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await keys(pilot, "4")  # the D queue: its first case cannot go higher
        await keys(pilot, "space", "3")
        await keys(pilot, "space", "down", "space")
        queue = center.dashboard.query_one("#queue", CaseList)
        marked = list(queue.marked.values())
        assert [row.level for row in marked] == ["D", "C", "C"]
        await keys(pilot, "e")
        await typed(pilot, "Needs the district")
        await keys(pilot, "enter")
        await wait_until(pilot, lambda: "Escalated: 2 of 3" in notices(center), 5)
        assert "Escalated: 2 of 3. Not done:" in notices(center)
        assert "highest level" in notices(center) and not queue.marked
    levels = [case_of(demo_path, row.code).level for row in marked]
    assert levels == ["D", "D", "D"]
    assert all(actions_of(demo_path, row.code)[-1] in ESCALATIONS for row in marked[1:])
    assert actions_of(demo_path, marked[0].code)[-1] not in ESCALATIONS
