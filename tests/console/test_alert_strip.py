"""A wall console nobody touches: the most severe unacknowledged alerts stay on screen, and
a new alarm draws attention."""

from datetime import timedelta
from pathlib import Path

from gridcenter.console.app import GridCenterApp
from gridcenter.console.widgets.alert_strip import AlertStrip
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.context import Context
from gridcenter.store.alerts import raise_alerts
from tests.conftest import NOW
from tests.console.conftest import change_elsewhere, make_app, settle, wait_until


def warnings(count: int) -> list[AlertDraft]:
    return [
        AlertDraft(
            Kind.CASE_WARNING,
            Severity.WARNING,
            f"Case near its limit #{n}",
            "case",
            f"W{n}",
            f"test-warning-{n}",
        )
        for n in range(count)
    ]


def raise_now(drafts: list[AlertDraft], minutes: int = 0) -> object:
    def change(ctx: Context) -> None:
        with ctx.db.write() as session:
            raise_alerts(session, drafts, NOW + timedelta(minutes=minutes))

    return change


def rows_on_screen(strip: AlertStrip) -> list[str]:
    height = strip.scrollable_content_region.height - 1  # under the header line
    top = round(strip.scroll_y)
    return [alert.title for alert in strip.alerts[top : top + height]]


async def test_a_new_alarm_shows_on_an_untouched_console_above_200_warnings(
    demo_path: Path, loop: ClosedLoop
) -> None:
    url = f"sqlite:///{demo_path}"
    # The older alarm is followed by 200 newer warnings: newest-first would bury it.
    gauge = "Gauge 7: water over the kerb"
    alarm = AlertDraft(Kind.SENSOR, Severity.ALARM, gauge, "grid", "G1", "t-w")
    change_elsewhere(url, loop, raise_now([alarm], minutes=-30))
    change_elsewhere(url, loop, raise_now(warnings(200), minutes=-10))
    app: GridCenterApp = make_app(demo_path, loop, live_interval=0.2)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        strip = app.query_one("#alerts", AlertStrip)
        usual = strip.styles.background
        assert "Gauge 7: water over the kerb" in rows_on_screen(strip)
        # Someone scrolls the strip, then leaves it: the strip goes back to its top.
        strip.focus()
        for _ in range(5):
            await pilot.press("down")
        await pilot.press("tab")
        smoke = AlertDraft(Kind.SENSOR, Severity.ALARM, "Smoke in B2", "grid", "G2", "t-smoke")
        change_elsewhere(url, loop, raise_now([smoke], minutes=1))
        await wait_until(pilot, lambda: "Smoke in B2" in rows_on_screen(strip), seconds=5)
        await wait_until(pilot, lambda: bool(rings), seconds=5)  # the bell's message follows
        assert rows_on_screen(strip)[0] == "Smoke in B2" and strip.cursor == 0
        assert strip.has_class("-flash") and rings == [1]
        await pilot.pause()
        assert strip.styles.background != usual  # the flash is seen, not only a class set
        header = "".join(segment.text for segment in strip.header(120))
        waiting = strip.unacknowledged
        assert waiting >= 202 and f"+{waiting - len(rows_on_screen(strip))} more" in header


async def test_the_bell_can_be_turned_off(demo_path: Path, loop: ClosedLoop) -> None:
    url = f"sqlite:///{demo_path}"
    app: GridCenterApp = make_app(demo_path, loop, live_interval=0.2)
    app.bell_on_alarm = False
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        strip = app.query_one("#alerts", AlertStrip)
        fire = AlertDraft(Kind.SENSOR, Severity.ALARM, "Fire at the market", "grid", "G3", "t-f")
        change_elsewhere(url, loop, raise_now([fire], minutes=1))
        await wait_until(pilot, lambda: "Fire at the market" in rows_on_screen(strip), seconds=5)
        assert strip.has_class("-flash") and rings == []


async def test_an_untouched_console_returns_every_pane_to_its_top(
    demo_path: Path, loop: ClosedLoop
) -> None:
    app: GridCenterApp = make_app(demo_path, loop)
    app.idle_reset_s = 1.0
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        queue = app.query_one("#queue", CaseList)
        for _ in range(30):
            await pilot.press("down")
        assert queue.cursor == 30
        await wait_until(pilot, lambda: queue.cursor == 0, seconds=5)
        assert queue.cursor == 0 and round(queue.scroll_y) == 0
        await pilot.press("down")  # any key: following the selection again
        await pilot.pause(0.3)
        assert queue.cursor == 1
