"""The alert desk (`A`): filter, mark and acknowledge open alerts, each one on its own."""

from pathlib import Path

from sqlalchemy import select

from gridcenter.console.app import GridCenterApp
from gridcenter.console.screens.alert_detail import AlertScreen
from gridcenter.console.screens.alert_list import AlertListScreen, AlertTable
from gridcenter.domain.loop import ClosedLoop
from gridcenter.store import tables
from tests.console.conftest import make_app, settle, wait_until
from tests.console.test_dashboard_actions import type_text


def acknowledged(app: GridCenterApp) -> dict[int, str | None]:
    """Alert id -> the note its acknowledgement was recorded with."""
    with app.context.db.read() as session:
        rows = session.execute(
            select(tables.AuditEvent.subject_ref, tables.AuditEvent.reason).where(
                tables.AuditEvent.action == "acknowledge"
            )
        )
        return {int(ref): reason for ref, reason in rows}


async def test_mark_two_alerts_and_acknowledge_them_with_a_note(
    demo_path: Path, loop: ClosedLoop
) -> None:
    app: GridCenterApp = make_app(demo_path, loop)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertListScreen))
        await settle(pilot)
        table = app.screen.query_one(AlertTable)
        waiting = [alert for alert in table.alerts if alert.acknowledged_by is None]
        assert len(waiting) >= 2
        # Most severe first: no warning above an alarm among the unacknowledged.
        ranks = [("alarm", "warning", "info").index(alert.severity) for alert in waiting]
        assert ranks == sorted(ranks)
        await pilot.press("space", "space", "a")
        await type_text(pilot, "crew sent")
        await pilot.press("enter")
        chosen = {waiting[0].id, waiting[1].id}
        await wait_until(pilot, lambda: chosen <= set(acknowledged(app)), seconds=5)
        notes = acknowledged(app)
        assert {notes[i] for i in chosen} == {"crew sent"}
        await settle(pilot)
        await pilot.press("v")  # alarms only
        await settle(pilot)
        assert table.alerts and {alert.severity for alert in table.alerts} == {"alarm"}
        await pilot.press("escape")
        assert not isinstance(app.screen, AlertListScreen)


async def test_a_in_an_alert_acknowledges_it(demo_path: Path, loop: ClosedLoop) -> None:
    app: GridCenterApp = make_app(demo_path, loop)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertListScreen))
        await settle(pilot)
        alert = app.screen.query_one(AlertTable).selected
        assert alert is not None and alert.acknowledged_by is None
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AlertScreen))
        await pilot.press("a", "enter")  # no note
        await wait_until(pilot, lambda: alert.id in acknowledged(app), seconds=5)
        assert acknowledged(app)[alert.id] is None
