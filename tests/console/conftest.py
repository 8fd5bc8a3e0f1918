"""Console fixtures: the app over a copy of the demo store, on the fixed clock."""

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot

from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.context import Context
from gridcenter.store.database import Database
from tests.conftest import NOW


def make_app(
    path: Path, loop: ClosedLoop, live_interval: float = 0.0, theme: str = "gridcenter-dark"
) -> GridCenterApp:
    """live_interval 0 switches polling off, so a test decides when data is read."""
    context = Context(Database(f"sqlite:///{path}"), loop, Clock(NOW), Actor("he.ping", Role.ADMIN))
    return GridCenterApp(context, theme=theme, live_interval=live_interval)


@pytest.fixture
def app(demo_path: Path, loop: ClosedLoop) -> GridCenterApp:
    return make_app(demo_path, loop)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the first data is on screen and no worker is still busy."""
    app = pilot.app
    assert isinstance(app, GridCenterApp)
    for _ in range(100):
        # The change listener never finishes by design: wait for the others.
        working = [worker for worker in app.workers if worker.group != "listen"]
        await app.workers.wait_for_complete(working)
        await pilot.pause()
        busy = any(not worker.is_finished for worker in working)
        if app.dashboard.snapshot is not None and not busy:
            break
        await pilot.pause(0.05)
    # New counts relabel the level tabs; the tabs move their underline after the next
    # frame, and it is drawn in the frame after that. Each pause waits for both.
    for _ in range(2):
        await pilot.pause()


def change_elsewhere(url: str, loop: ClosedLoop, change: Callable[[Context], object]) -> None:
    """A change made by another session on the same store (as the CLI makes one)."""
    other = Context(Database(url), loop, Clock(NOW), Actor("cli", Role.ADMIN))
    try:
        change(other)
    finally:
        other.db.dispose()


async def wait_until(pilot: Pilot, shown: Callable[[], bool], seconds: float = 2.0) -> None:
    """Pause until the console shows what `shown` checks, `seconds` at most (the test then
    asserts what it expects, so a change that never arrives fails there)."""
    for _ in range(round(seconds / 0.05)):
        await pilot.pause(0.05)
        if shown():
            return


def notices(app: App[object]) -> str:
    """The notifications shown now, as plain text (Textual has no public way to read them:
    this is the one place that looks inside)."""
    return "\n".join(notice.message for notice in app._notifications)
