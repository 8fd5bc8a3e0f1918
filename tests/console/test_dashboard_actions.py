"""The console driven from the keyboard, checked against the store afterwards."""

from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static, Tab

from gridcenter.clock import Clock
from gridcenter.console.app import GridCenterApp
from gridcenter.console.commands import CaseCommands
from gridcenter.console.keys import DASHBOARD_KEYS
from gridcenter.console.screens.assignee import AssigneeScreen
from gridcenter.console.screens.case_detail import CaseScreen
from gridcenter.console.screens.help import HelpScreen
from gridcenter.console.screens.history import HistoryScreen
from gridcenter.console.screens.reason import ReasonScreen
from gridcenter.console.widgets.alert_strip import AlertStrip
from gridcenter.console.widgets.case_list import CaseList
from gridcenter.console.widgets.grid_board import GridBoard
from gridcenter.console.widgets.line_list import LineList
from gridcenter.console.widgets.roster_list import RosterList
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import ClosedLoop
from gridcenter.domain.status import trouble
from gridcenter.queries.people import AssigneeOption, search_assignees
from gridcenter.services import cases as service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from tests.conftest import NOW
from tests.console.conftest import change_elsewhere, make_app, notices, settle, wait_until
from tests.functional.helpers import fingerprint


def queue(app: GridCenterApp) -> CaseList:
    return app.query_one("#queue", CaseList)


def case_row(app: GridCenterApp, code: str) -> tables.Case:
    with app.context.db.read() as s:
        row = s.scalar(select(tables.Case).where(tables.Case.code == code))
    assert row is not None
    return row


def last_event(app: GridCenterApp, code: str) -> tables.CaseEvent:
    with app.context.db.read() as s:
        case_id = s.scalar(select(tables.Case.id).where(tables.Case.code == code))
        event = s.scalar(
            select(tables.CaseEvent)
            .where(tables.CaseEvent.case_id == case_id)
            .order_by(tables.CaseEvent.id.desc())
        )
    assert event is not None
    return event


async def type_text(pilot: Pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def lawful_holder(app: GridCenterApp, code: str) -> AssigneeOption:
    """Someone else the picker offers for the case: a holder its level allows."""
    with app.context.db.read() as s:
        holder = s.scalar(
            select(func.coalesce(tables.Staff.code, tables.Department.code))
            .select_from(tables.Case)
            .outerjoin(tables.Staff, tables.Staff.id == tables.Case.assignee_staff_id)
            .outerjoin(
                tables.Department, tables.Department.id == tables.Case.assignee_department_id
            )
            .where(tables.Case.code == code)
        )
        offered = search_assignees(s, "", case_code=code)
    return next(option for option in offered if option.code != holder)


async def test_reassign_from_the_keyboard(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        selected = queue(app).selected
        assert selected is not None
        holder = lawful_holder(app, selected.code)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, AssigneeScreen)
        await type_text(pilot, holder.code)
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, "Market inspectors needed")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AssigneeScreen)
    row = case_row(app, selected.code)
    event = last_event(app, selected.code)
    assert row.version == selected.version + 1
    assert (event.action, event.to_value, event.reason, event.actor) == (
        "reassign",
        holder.name,
        "Market inspectors needed",
        "he.ping",
    )


async def test_escalate_and_deescalate_with_reasons(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        code = queue(app).selected.code  # type: ignore[union-attr]
        await pilot.press("e")
        assert isinstance(app.screen, ReasonScreen)
        await type_text(pilot, "Beyond the grid")
        await pilot.press("enter")
        await settle(pilot)
        assert case_row(app, code).level == "B"
        assert last_event(app, code).reason == "Beyond the grid"
        # The case left queue A; find it in B and send it back down.
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, code)
        await pilot.press("enter")
        await settle(pilot)
        assert queue(app).selected is not None and queue(app).selected.code == code  # type: ignore[union-attr]
        await pilot.press("E")
        await type_text(pilot, "Grid can handle it")
        await pilot.press("enter")
        await settle(pilot)
    assert case_row(app, code).level == "A"
    event = last_event(app, code)
    assert (event.action, event.from_value, event.to_value) == ("deescalate", "B", "A")


async def test_dispatch_a_filed_case(app: GridCenterApp) -> None:
    with app.context.db.read() as s:
        code = s.scalar(
            select(tables.Case.code)
            .where(tables.Case.step == "filed", tables.Case.level == "A")
            .order_by(tables.Case.id)
        )
    assert code
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, code)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await type_text(pilot, lawful_holder(app, code).code)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    row = case_row(app, code)
    assert row.step == "dispatched" and row.assignee_staff_id is not None
    assert last_event(app, code).action == "dispatch"


async def test_acknowledge_the_highlighted_alert(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        alert = app.query_one("#alerts", AlertStrip).selected
        assert alert is not None and alert.acknowledged_by is None
        await pilot.press("a")  # asks for an optional note
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press("enter")
        await settle(pilot)
        shown = app.query_one("#alerts", AlertStrip).alerts
    with app.context.db.read() as s:
        stored = s.get(tables.Alert, alert.id)
    assert stored is not None and stored.acknowledged_by == "he.ping"
    assert [a.acknowledged_by for a in shown if a.id == alert.id] == ["he.ping"]


async def test_a_refused_action_shows_why_and_changes_nothing(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")  # level D: cannot go higher
        await settle(pilot)
        before = fingerprint(app.context.db)
        await pilot.press("e")  # refused at once: no reason is asked for
        await settle(pilot)
        assert not isinstance(app.screen, ReasonScreen)
        messages = notices(app).splitlines()
        assert any("highest level" in m for m in messages), messages
        assert fingerprint(app.context.db) == before


async def test_an_empty_reason_is_caught_in_the_modal(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = fingerprint(app.context.db)
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        error = app.screen.query_one("#error").render()
        assert "required" in str(error)
        await pilot.press("escape")
        await settle(pilot)
        assert fingerprint(app.context.db) == before


async def test_a_second_supervisor_gets_changed_by_and_a_fresh_view(
    app: GridCenterApp, loop: ClosedLoop
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        selected = queue(app).selected
        assert selected is not None
        await pilot.press("e")
        other = Context(
            Database(app.context.db.url), loop, Clock(NOW), Actor("chen.jie", Role.SUPERVISOR)
        )
        to = lawful_holder(app, selected.code).code
        service.reassign(other, selected.code, to=to, reason="got there first")
        other.db.dispose()
        await type_text(pilot, "Too late")
        await pilot.press("enter")
        await settle(pilot)
        messages = notices(app).splitlines()
        assert any("was changed by chen.jie" in m for m in messages), messages
        await pilot.press("e")  # once more: the reason typed is offered again
        assert isinstance(app.screen, ReasonScreen)
        assert app.screen.query_one("#reason", Input).value == "Too late"
    assert case_row(app, selected.code).level == "A"


async def test_enter_opens_the_case_with_its_history(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        code = queue(app).selected.code  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.detail is not None and app.screen.detail.row.code == code
        assert app.screen.detail.history[0].action == "report"
        await pilot.press("escape")
        assert not isinstance(app.screen, CaseScreen)


async def test_tab_moves_between_panes_and_resizing_keeps_the_selection(
    app: GridCenterApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        chosen = queue(app).selected
        order = []
        for _ in range(5):
            await pilot.press("tab")
            order.append(app.focused.id if app.focused else None)
        assert order == ["timers", "grids", "roster", "alerts", "queue"]
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        assert queue(app).selected == chosen
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert queue(app).selected == chosen


async def test_a_change_from_another_session_shows_up_live(
    demo_path: Path, loop: ClosedLoop
) -> None:
    app = make_app(demo_path, loop, live_interval=0.25)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = queue(app).selected
        assert first is not None and app.dashboard.snapshot is not None
        open_a = app.dashboard.snapshot.cases.counts[Level.A].open
        change_elsewhere(
            app.context.db.url,
            loop,
            lambda other: service.escalate(other, first.code, reason="from another console"),
        )
        await wait_until(pilot, lambda: app.dashboard.snapshot.cases.counts[Level.A].open != open_a)
        assert app.dashboard.snapshot.cases.counts[Level.A].open == open_a - 1
        assert queue(app).selected is not None
        assert queue(app).selected.code != first.code  # type: ignore[union-attr]
        tab = app.query_one("#level-A", Tab)
        assert str(tab.label).startswith(f"A {open_a - 1}")  # at 120 columns: letters alone
        assert str(tab.render()).startswith(f"A {open_a - 1}")  # what it draws


async def test_a_panes_subtitle_follows_a_change_from_another_session(
    demo_path: Path, loop: ClosedLoop
) -> None:
    """Parking an overdue case stops its clock: the timers pane counts one overdue less."""
    app = make_app(demo_path, loop, live_interval=0.25)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.dashboard.snapshot is not None
        timers = app.dashboard.snapshot.cases.timers
        late = timers.overdue
        pane = app.query_one("#timers-pane")
        assert pane.border_subtitle == f"{len(late)} overdue · {timers.soon_total} due soon"
        change_elsewhere(
            app.context.db.url,
            loop,
            lambda other: service.park(other, late[0].code, reason="waiting on a third party"),
        )
        await wait_until(
            pilot, lambda: not str(pane.border_subtitle).startswith(f"{len(late)} overdue")
        )
        assert str(pane.border_subtitle).startswith(f"{len(late) - 1} overdue · ")


async def test_help_lists_every_key_from_the_bindings(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = text_of(app.screen.query_one(Static).content)
    bound = [*DASHBOARD_KEYS, *LineList.BINDINGS, *RosterList.BINDINGS, *CaseScreen.BINDINGS]
    for binding in bound:
        assert (binding.tooltip or binding.description) in text, binding
    assert "command palette: jump to a case by code" in text
    assert "reveal the duty officer's phone" in text  # a pane's own key, with what it does
    assert "Refuse" not in text and "refuse_move" not in text  # the hidden refusals stay hidden


def text_of(content: object) -> str:
    """What a Static shows, as plain text (Rich tables included)."""
    console = Console(width=200, record=True)
    console.print(content)
    return console.export_text()


async def test_reveal_in_a_case_shows_the_contact_and_records_it(app: GridCenterApp) -> None:
    with app.context.db.read() as s:
        code, phone = s.execute(
            select(tables.Case.code, tables.Case.reporter_phone)
            .where(tables.Case.reporter_phone.is_not(None), tables.Case.step != "closed")
            .order_by(tables.Case.id)
        ).first()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.dashboard.open_case(code)
        await settle(pilot)
        shown = text_of(app.screen.query_one("#case-summary", Static).content)
        assert phone not in shown
        await pilot.press("v")
        await settle(pilot)
        revealed = text_of(app.screen.query_one("#case-contact", Static).content)
        assert phone in revealed
    with app.context.db.read() as s:
        record = s.scalar(select(tables.AuditEvent).where(tables.AuditEvent.action == "reveal"))
    assert record is not None and (record.actor, record.subject_ref) == ("he.ping", code)


async def test_history_view_lists_the_newest_changes(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        code = queue(app).selected.code  # type: ignore[union-attr]
        await pilot.press("e")
        await type_text(pilot, "Seen from the history")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        rows = app.screen.rows()
        mine = [row for row in rows if row[6] == "Seen from the history"]
        assert mine and mine[0][4] == f"case {code}" and " -> " in mine[0][5]
        await pilot.press("enter")  # the newest change: this case's escalation
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.code == code


async def test_on_postgresql_a_change_arrives_by_notification(
    postgres: str, pg_template: str, loop: ClosedLoop
) -> None:
    """No polling at all within the test's time: only LISTEN/NOTIFY can bring the change."""
    from tests.conftest import _admin

    _admin(postgres, f"CREATE DATABASE live_notify TEMPLATE {pg_template}")
    db = Database(f"{postgres}/live_notify")
    app = GridCenterApp(
        Context(db, loop, Clock(NOW), Actor("admin", Role.ADMIN)), live_interval=600
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.dashboard.snapshot is not None
        open_a = app.dashboard.snapshot.cases.counts[Level.A].open
        first = queue(app).selected
        assert first is not None
        await wait_until(pilot, app.dashboard.listening.is_set, seconds=10)
        change_elsewhere(
            db.url,
            loop,
            lambda other: service.escalate(other, first.code, reason="from another console"),
        )
        await wait_until(pilot, lambda: app.dashboard.snapshot.cases.counts[Level.A].open != open_a)
        assert app.dashboard.snapshot.cases.counts[Level.A].open == open_a - 1
    db.dispose()
    _admin(postgres, "DROP DATABASE live_notify WITH (FORCE)")


async def test_a_tick_or_a_late_read_after_closing_does_nothing(app: GridCenterApp) -> None:
    # The clock ticks every second and reads finish on their own threads: either may land
    # while the console is closing, after its panes are gone.
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dashboard = app.dashboard
        snapshot = dashboard.snapshot
    assert snapshot is not None
    dashboard.tick()
    dashboard.apply(snapshot, reset=False)
    assert dashboard.wanted_pages() == []


async def test_a_move_that_cannot_apply_is_refused_before_it_asks(app: GridCenterApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        row = queue(app).selected  # the A queue: nothing below it
        assert row is not None and row.level == "A"
        assert app.dashboard.check_action("move", ("deescalate",)) is False  # not in the footer
        assert app.dashboard.check_action("move", ("escalate",)) is True
        await pilot.press("E")
        await pilot.pause()
        assert not isinstance(app.screen, ReasonScreen)
    assert case_row(app, row.code).level == "A"


async def test_the_board_shows_the_worst_grids_first(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        board = app.query_one("#grids", GridBoard)
        shown = [board.board.line(entry) for entry in board.entries if isinstance(entry, int)]
        ranks = [trouble(line.status, line.overdue) for line in shown]
        assert ranks == sorted(ranks) and ranks[0] == 0  # the demo has alarms
        pane = app.query_one("#grids-pane")
        await pilot.press("t")
        assert "troubled only" in str(pane.border_subtitle)
        await pilot.press("o")
        assert "by place" in str(pane.border_subtitle)
        assert not isinstance(board.entries[0], int)  # a street's heading comes first


async def test_a_filter_shows_its_matches_at_every_level(app: GridCenterApp) -> None:
    with app.context.db.read() as s:
        code = s.scalar(
            select(tables.Case.code)
            .where(tables.Case.step != "closed", tables.Case.level == "C")
            .order_by(tables.Case.id)
        )
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, code)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        labels = {lvl: str(app.query_one(f"#level-{lvl}", Tab).label) for lvl in "ABCD"}
        assert labels["C"].startswith("C district 1 of ") and labels["A"].startswith("A grid 0 of")
        assert app.dashboard.view.level == Level.C  # the first level with a match is shown
        assert queue(app).selected is not None and queue(app).selected.code == code


async def test_an_open_case_follows_changes_made_elsewhere(
    demo_path: Path, loop: ClosedLoop
) -> None:
    app = make_app(demo_path, loop, live_interval=0.2)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        code = queue(app).selected.code  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        screen = app.screen
        change_elsewhere(
            app.context.db.url,
            loop,
            lambda other: service.escalate(other, code, reason="seen from afar"),
        )
        await wait_until(
            pilot, lambda: screen.detail is not None and screen.detail.row.level == "B", 5
        )
        assert screen.detail is not None and screen.detail.row.level == "B"


async def test_the_reassign_picker_offers_the_grids_team_first_and_says_no_match(
    app: GridCenterApp,
) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = queue(app).selected
        assert row is not None
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, AssigneeScreen))
        await wait_until(pilot, lambda: bool(app.screen.options), 3)  # type: ignore[attr-defined]
        picker = app.screen
        assert isinstance(picker, AssigneeScreen)
        assert "this grid's team" in picker.options[0].detail
        assert picker.options[0].detail.endswith(" open")
        await type_text(pilot, "zzqx")
        await wait_until(pilot, lambda: not picker.options, 3)
        error = str(picker.query_one("#error", Label).content)
        assert error == "No one who may hold this case matches “zzqx”."
        assert picker.query_one("#who", Input).has_focus
        for _ in "zzqx":
            await pilot.press("backspace")
        await type_text(pilot, "C-GAS")  # a code the level's rules refuse: the rule is said

        def said() -> str:
            return str(picker.query_one("#error", Label).content)

        await wait_until(pilot, lambda: "City Gas Group" in said(), 3)
        assert said() == (
            "City Gas Group is a city department; a level-A case is held by the grid's own "
            "team (a supervisor may override, with a reason)"
        )
        assert not picker.options
        await pilot.press("enter")
        await pilot.press("enter")  # no reason: an override needs one
        assert said().startswith("An override needs a reason")
        await type_text(pilot, "Gas main under the yard")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AssigneeScreen), 3)
        await wait_until(pilot, lambda: last_event(app, row.code).action == "reassign", 5)
    event = last_event(app, row.code)
    assert (event.to_value, event.actor) == ("City Gas Group", "he.ping")
    assert event.reason.startswith("off-list, overridden: Gas main under the yard (City Gas")


async def test_the_palette_finds_cases_by_title_grid_and_assignee(app: GridCenterApp) -> None:
    with app.context.db.read() as s:
        code, title = s.execute(
            select(tables.Case.code, tables.Case.title)
            .where(tables.Case.step != "closed")
            .order_by(tables.Case.id)
        ).first()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        provider = CaseCommands(app.screen)
        hits = [hit async for hit in provider.search(title[:12])]
        assert any(hit.text == code for hit in hits)
        shown = next(hit for hit in hits if hit.text == code)
        assert code in str(shown.match_display) and title[:12] in str(shown.match_display)


async def test_v_on_the_roster_reveals_the_duty_phone(app: GridCenterApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        roster = app.query_one("#roster", RosterList)
        roster.focus()
        await pilot.press("v")
        await wait_until(pilot, lambda: reveals(app) > 0, 5)
    assert reveals(app) == 1


def reveals(app: GridCenterApp) -> int:
    with app.context.db.read() as s:
        return len(
            s.scalars(
                select(tables.AuditEvent.id).where(
                    tables.AuditEvent.action == "reveal", tables.AuditEvent.subject_kind == "post"
                )
            ).all()
        )


@pytest.mark.parametrize(
    ("key", "dialog", "field"), [("r", AssigneeScreen, "#who"), ("e", ReasonScreen, "#reason")]
)
async def test_keys_typed_while_a_dialog_opens_go_into_it_in_order(
    app: GridCenterApp, key: str, dialog: type, field: str
) -> None:
    """As a terminal delivers a fast typist's keys: all at once, before the dialog is up."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for typed in [key, *"Wang"]:
            app.post_message(events.Key(typed, typed))
        for typed in " Fang":  # and the rest as the dialog comes up: some before, some after
            await pilot.pause(0.005)
            app.post_message(events.Key("space" if typed == " " else typed, typed))
        await wait_until(pilot, lambda: isinstance(app.screen, dialog))
        await pilot.pause(0.3)
        box = app.screen.query_one(field, Input)
        assert box.value == "Wang Fang"
        await type_text(pilot, "!")
        assert box.value == "Wang Fang!"
