"""Frozen pictures of the console: fixed clock, fixed demo data, no live polling.

Look at them as PNGs (rsvg-convert) whenever they change."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input

from gridcenter.domain.loop import ClosedLoop
from gridcenter.domain.reports import Point
from gridcenter.services import cases as case_service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.console.conftest import change_elsewhere, make_app, settle

SnapCompare = Callable[..., Any]
SIZES = {"small": (80, 24), "wall": (160, 48)}


def run_before(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        # A search typed into a dialog starts its worker after the last key: let it land.
        await pilot.pause(0.2)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return before


@pytest.mark.parametrize("size", SIZES)
def test_dashboard(snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str) -> None:
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("down"))


@pytest.mark.parametrize("size", SIZES)
def test_case_details(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("down", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_reassign_modal(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    app = make_app(demo_path, loop)
    keys = ("down", "r")  # the holders its level allows, its grid's team first
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str) -> None:
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_assessment(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    # November 2026 up to the frozen clock, drilled into the first street.
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("s", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_risk_map(snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str) -> None:
    app = make_app(demo_path, loop)
    keys = ("m", "down", "down", "right", "right")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_alert_desk(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    # Every open alert, most severe first; the second one marked.
    app = make_app(demo_path, loop)
    keys = ("A", "down", "space")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str) -> None:
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("h"))


@pytest.mark.parametrize("look", ["gridcenter-light", "gridcenter-contrast", "no-color"])
def test_dashboard_looks(
    snap_compare: SnapCompare,
    demo_path: Path,
    loop: ClosedLoop,
    look: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The light and contrast themes, and NO_COLOR: an ALARM stands out by bold reverse,
    not by colour alone."""
    if look == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
        app = make_app(demo_path, loop)
    else:
        app = make_app(demo_path, loop, theme=look)
    assert snap_compare(app, terminal_size=SIZES["wall"], run_before=run_before("down"))


@pytest.mark.parametrize("size", SIZES)
def test_new_case_form(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    """A category chosen, and the place picker filtering the grids as a name is typed."""
    app = make_app(demo_path, loop)
    keys = ("n", *"Blocked drain", "tab", "tab", "enter", "down", "down", "enter", "tab")
    keys += (*"taoyuan", "space", "0")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_file_form(snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str) -> None:
    """Filing a reported case: the category chosen shows its time limits."""
    with Database(f"sqlite:///{demo_path}").read() as session:
        code = session.scalar(
            select(tables.Case.code).where(tables.Case.step == "reported").order_by(tables.Case.id)
        )
    assert code
    app = make_app(demo_path, loop)
    keys = ("slash", *code, "enter", "f", "enter", "down", "down", "enter")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*keys))


@pytest.mark.parametrize("size", SIZES)
def test_unplaced_queue(
    snap_compare: SnapCompare, demo_path: Path, loop: ClosedLoop, size: str
) -> None:
    """Reports no grid covers, in the district's unplaced queue, with the key to place them."""
    url = f"sqlite:///{demo_path}"

    def report(ctx: Context) -> None:
        case_service.report_case(
            ctx, title="Smoke from a yard", source="phone", address="No. 9 Nowhere Lane"
        )
        case_service.report_case(
            ctx, title="Heap on the river bank", category="URB-ENV-01", at=Point(28.1, 112.7)
        )

    change_elsewhere(url, loop, report)
    app = make_app(demo_path, loop)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before("u"))
