"""The dashboard: the case queues by level, the running clocks, every grid's alert status and
the duty roster, kept live, with the case moves a supervisor makes from the keyboard."""

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from gridcenter.console.commands import CaseCommands
from gridcenter.console.keys import DASHBOARD_KEYS, REFUSED_MOVE_KEYS
from gridcenter.console.live import LiveFeed, Snapshot, View
from gridcenter.console.screens.alert_detail import AlertScreen
from gridcenter.console.screens.alert_list import AlertListScreen
from gridcenter.console.screens.assessment import AssessmentScreen, AssessmentSource
from gridcenter.console.screens.assignee import AssigneeScreen, Assignment
from gridcenter.console.screens.case_detail import CaseScreen
from gridcenter.console.screens.case_forms import (
    FORM_MOVES,
    REASONED_MOVES,
    CaseForm,
    NewCaseForm,
    cannot_move,
    case_form,
    new_case_form,
)
from gridcenter.console.screens.form import Answers, Field, FormScreen
from gridcenter.console.screens.help import HelpScreen, KeySection
from gridcenter.console.screens.history import HistoryScreen
from gridcenter.console.screens.reason import ReasonScreen
from gridcenter.console.screens.risk_map import RiskData, RiskMapScreen
from gridcenter.console.text import plain
from gridcenter.console.widgets.alert_strip import AlertStrip
from gridcenter.console.widgets.case_list import QUEUE_COLUMNS, CaseList, TimerList
from gridcenter.console.widgets.grid_board import GridBoard
from gridcenter.console.widgets.level_tab import LevelTab
from gridcenter.console.widgets.line_list import LineList
from gridcenter.console.widgets.roster_list import RosterList
from gridcenter.domain.access import Action
from gridcenter.domain.alerts import MANUAL_SEVERITIES, Severity
from gridcenter.domain.assessment import Behind
from gridcenter.domain.errors import Refused, Stale
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import MOVES
from gridcenter.domain.periods import Period
from gridcenter.formatting import local
from gridcenter.logs import record_unexpected
from gridcenter.queries import alerts as alert_queries
from gridcenter.queries import assessment as assessment_queries
from gridcenter.queries import dashboard as dashboard_queries
from gridcenter.queries.audit import AuditLine, audit_trail
from gridcenter.queries.cases import CaseDetail, CaseRow, case_detail
from gridcenter.queries.categories import CategoryLine, minor_categories
from gridcenter.queries.dashboard import PostDuty
from gridcenter.queries.people import AssigneeOption, search_assignees
from gridcenter.queries.places import GridLine, grid_lines
from gridcenter.services import alerts as alert_service
from gridcenter.services import assessment as assessment_service
from gridcenter.services import cases as case_service
from gridcenter.services.cases import Done
from gridcenter.services.context import Context
from gridcenter.services.errors import StoreBusy
from gridcenter.services.privacy import reveal_contact, reveal_duty_phone

PANES = ("queue", "timers", "grids", "roster", "alerts")
PANE_NAMES = {
    "queue": "Queues",
    "timers": "Timers",
    "grids": "Grids",
    "roster": "Roster",
    "alerts": "Alerts",
}
UNPLACED_TAB = "level-unplaced"  # the queue of cases no grid covers (district accounts)
NARROW = 110  # below this width the panes are shown one at a time
TAB_PADDING = 2  # a level tab's label has a cell of padding on each side
WIDE = 180  # from this width (a wall) the two columns of panes share it evenly
# Workers that read what a screen needs before it opens, and what that screen shows.
OPENED_BY_WORKER = {
    "alert-detail": "the alert",
    "alert-desk": "the alert desk",
    "home-place": "your territory's figures",
}
BULK_MOVES = ("reassign", "escalate", "deescalate")  # the moves marked cases take together
IDLE_RESET_S = 60.0  # an untouched console shows the top of every pane after this
FULL_REFRESH_S = 30  # rosters and clocks move with time even when no row changes


# Textual binds the palette itself (App.COMMAND_PALETTE_BINDING); the help says what it holds.
PALETTE_KEY = Binding(
    App.COMMAND_PALETTE_BINDING,
    "command_palette",
    "Command palette",
    tooltip="command palette: jump to a case by code, switch theme, every action",
)


class DashboardScreen(Screen[None]):
    BINDINGS: ClassVar = DASHBOARD_KEYS + REFUSED_MOVE_KEYS
    COMMANDS: ClassVar = Screen.COMMANDS | {CaseCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (NARROW, "-normal"), (WIDE, "-wide")]

    def __init__(
        self, context: Context, live_interval: float = 1.0, idle_reset_s: float = IDLE_RESET_S
    ) -> None:
        super().__init__()
        self.context = context
        self.feed = LiveFeed(context)
        self.view = View()
        self.live_interval = live_interval
        self.snapshot: Snapshot | None = None
        self.idle_reset_s = idle_reset_s
        self._since_full = 0.0
        # Set once the PostgreSQL change listener is listening: changes from then on wake
        # a refresh at once (before it, and on SQLite, polling finds them).
        self.listening = threading.Event()
        self._last_input = time.monotonic()
        self._at_top = False  # the panes went back to their tops since the last key
        self._kept_reasons: dict[str, str] = {}  # case code -> a reason a stale version lost
        self.categories: list[CategoryLine] = []
        self.grids: list[GridLine] = []

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="topbar")
        yield Static("", id="pane-tabs")
        tz = lambda: self.context.timezone  # noqa: E731 - widgets ask for it lazily
        yield AlertStrip(tz, id="alerts")
        with Grid(id="panes"):
            with Vertical(id="queue-pane", classes="pane"):
                yield Tabs(
                    *[LevelTab(f"{lvl} {lvl.disposer}", id=f"level-{lvl}") for lvl in Level],
                    LevelTab("unplaced", id=UNPLACED_TAB),
                    id="levels",
                )
                yield Static("", id="queue-filter")
                yield CaseList(self.context.now, QUEUE_COLUMNS, id="queue")
            with Vertical(id="timers-pane", classes="pane"):
                yield TimerList(self.context.now, id="timers")
            with Vertical(id="grids-pane", classes="pane"):
                yield GridBoard(id="grids")
            with Vertical(id="roster-pane", classes="pane"):
                yield RosterList(tz, id="roster")
        yield Footer()

    def on_mount(self) -> None:
        # Kept for the reading threads: once the console starts closing, this screen may
        # be detached before a thread finishes, and then `self.app` cannot be found.
        self.console = self.app
        self.query_one("#levels", Tabs).can_focus = False
        # Only the district sees the cases no grid covers: no other account has the tab.
        self.query_one(f"#{UNPLACED_TAB}", LevelTab).display = self._sees_unplaced
        self.query_one("#queue", CaseList).loader = lambda offset, limit: self.feed.page(
            self.view, offset, limit
        )
        self.query_one("#queue-pane").border_title = "Case queues"
        self.query_one("#timers-pane").border_title = "Overdue and due within 4h"
        self.query_one("#grids-pane").border_title = "Grid alert status"
        self.query_one("#roster-pane").border_title = "Duty roster"
        self.watch(self, "focused", self._focus_changed)
        self.query_one("#queue", CaseList).focus()
        self.tick()
        self.set_interval(1, self.tick)
        self.refresh_data(reset=True)
        self.read_categories()
        self._arm_poll()
        if not self.context.db.is_sqlite and self.live_interval > 0:
            self.listen_for_changes()

    @property
    def _sees_unplaced(self) -> bool:
        return self.context.actor.territory.is_district

    def _current_pane(self) -> str:
        focused = self.focused
        return focused.id if focused is not None and focused.id in PANES else "queue"

    def _mark_current_pane(self) -> None:
        current = self._current_pane()
        if current != "alerts":
            for pane in ("queue", "timers", "grids", "roster"):
                self.query_one(f"#{pane}-pane").set_class(pane == current, "-current")
        labels = [
            f"[reverse] {PANE_NAMES[p]} [/]" if p == current else f" {PANE_NAMES[p]} "
            for p in PANES
        ]
        self.query_one("#pane-tabs", Static).update("tab ⇥ " + "".join(labels))

    def _focus_changed(self, _focused: Widget | None) -> None:
        self._mark_current_pane()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A case move that cannot apply to the highlighted case is left out of the footer
        (its key still says why: REFUSED_MOVE_KEYS)."""
        if action == "move" and parameters:
            row = self._highlighted_case()
            return row is None or cannot_move(str(parameters[0]), row) is None
        return True

    def on_line_list_highlighted(self, _event: LineList.Highlighted) -> None:
        self.refresh_bindings()  # the footer shows the moves that apply to the new row

    # -- live data ----------------------------------------------------------------

    def touched(self) -> None:
        """Someone pressed a key or clicked, anywhere in the console."""
        self._last_input = time.monotonic()
        self._at_top = False

    def _back_to_top_when_idle(self) -> None:
        """A wall console nobody has touched for a while shows the top of every pane: the
        most urgent rows. Any key resumes following the selection."""
        if self._at_top or time.monotonic() - self._last_input < self.idle_reset_s:
            return
        self._at_top = True
        for pane in self.query(LineList):
            pane.to_top()

    def tick(self) -> None:
        """Every second: the clock and every countdown, without touching the store."""
        if not self.is_running:
            return  # the console is closing and its panes are going away
        self._back_to_top_when_idle()
        ctx = self.context
        now = local(ctx.now(), ctx.timezone, "%a %d %b %H:%M:%S")
        district = self.snapshot.district if self.snapshot else ""
        health = self.snapshot.health.summary() if self.snapshot else ""
        actor = ctx.actor
        warning = f" │ ⚠ {health}" if health else ""
        # One line of fixed height: new words need no new layout of the screen.
        self.query_one("#topbar", Static).update(
            plain(
                # The clock before the name: at 80 columns a long "X acting as Y" is what
                # gets cut, not the time.
                f" gridcenter │ {district} │ {now} │ {actor.signature} ({actor.role.value})"
                f"{warning}"
            ),
            layout=False,
        )
        for name in ("queue", "timers"):
            self.query_one(f"#{name}", CaseList).refresh_rows()
        if isinstance(self.app.screen, CaseScreen):
            self.app.screen.tick()

    @work(thread=True, exclusive=True, group="live")
    def refresh_data(self, reset: bool = False, force: bool = True, whole: bool = False) -> None:
        """Read what the panes show now: after an action, a filter, or a notification (what
        the changes since the last reading moved, or every pane when `whole`)."""
        self._refresh(reset, force, whole)

    @work(thread=True, group="poll")
    def poll_data(self, full: bool) -> None:
        """One poll; the next is armed when this one is done, so polls never pile up."""
        try:
            self._refresh(False, force=full, whole=full)
        finally:
            self.console.call_from_thread(self._arm_poll)

    def _refresh(self, reset: bool, force: bool, whole: bool) -> None:
        try:
            if force or reset or self.feed.changed():
                view = self.view
                if not reset:
                    pages = tuple(self.console.call_from_thread(self.wanted_pages))
                    view = replace(view, pages=pages)
                snapshot = self.feed.read(view, fresh_places=reset, whole=whole)
                self.console.call_from_thread(self.apply, snapshot, reset)
        except StoreBusy as busy:
            self.console.call_from_thread(self.notify, str(busy), severity="warning")

    @work(thread=True, exclusive=True, group="listen", exit_on_error=False)
    def listen_for_changes(self) -> None:
        """On PostgreSQL, refresh the moment anything changes (polling stays as the fallback)."""
        worker = get_current_worker()
        listener = self.context.db.listen()
        self.listening.set()
        try:
            while not worker.is_cancelled:
                if listener.wait(timeout=1.0):
                    self.console.call_from_thread(self.refresh_data, force=False)
        finally:
            self.listening.clear()
            listener.close()

    def wanted_pages(self) -> list[int]:
        """The queue's pages on screen or about to be (none once the console is closing)."""
        if not self.is_running:
            return []
        return self.query_one("#queue", CaseList).wanted_pages()

    def _arm_poll(self) -> None:
        if self.live_interval > 0:
            self.set_timer(self.live_interval, self._poll)

    def _poll(self) -> None:
        self._since_full += self.live_interval
        full = self._since_full >= FULL_REFRESH_S
        if full:
            self._since_full = 0
        self.poll_data(full)

    def apply(self, snapshot: Snapshot, reset: bool) -> None:
        """Show a reading of the panes (on the screen's thread)."""
        if not self.is_running:
            return  # a read that finished after the console began to close
        if (snapshot.view.level, snapshot.view.grid_id, snapshot.view.unplaced) != (
            self.view.level,
            self.view.grid_id,
            self.view.unplaced,
        ):
            reset = True  # the operator moved on while this was read
        first = self.snapshot is None
        previous_setup = "" if self.snapshot is None else self.snapshot.setup
        if (
            not first
            and snapshot.seen != self.snapshot.seen
            and isinstance(self.app.screen, CaseScreen)
        ):
            self.app.screen.reload()  # a case on screen follows changes made elsewhere
        self.snapshot = snapshot
        tabs = self.query_one("#levels", Tabs)
        resized = False
        matches = snapshot.cases.filtered
        shown: dict[Level, str] = {}
        for level, count in snapshot.cases.counts.items():
            over = f" ▲{count.overdue}" if count.overdue else ""
            shown[level] = f"{matches[level]} of {count.open}" if matches else f"{count.open}{over}"
        waiting = snapshot.cases.unplaced
        unplaced_tab = tabs.query_one(f"#{UNPLACED_TAB}", LevelTab)
        unplaced = f"unplaced {waiting}"
        # Who disposes at each level ("A grid") while every tab fits the pane; the letters
        # alone when it is narrower, so the last tab is never cut off.
        named = {level: f"{level} {level.disposer} {text}" for level, text in shown.items()}
        needed = sum(len(label) + TAB_PADDING for label in named.values())
        if unplaced_tab.display:
            needed += len(unplaced) + TAB_PADDING
        fits = needed <= tabs.size.width
        for level, text in shown.items():
            tab = tabs.query_one(f"#level-{level}", LevelTab)
            resized |= tab.relabel(named[level] if fits else f"{level} {text}")
        resized |= unplaced_tab.relabel(unplaced)
        unplaced_tab.set_class(waiting > 0, "-waiting")
        if resized and tabs.active_tab is not None:
            # The tabs place their underline right after a relabel, sometimes before the
            # wider labels are laid out: place it once more when they are.
            self.call_after_refresh(tabs.post_message, Tab.Relabelled(tabs.active_tab))
        if reset and matches and not matches[self.view.level] and any(matches.values()):
            # A new filter with nothing at this level: go to the first level that has a match.
            self.action_show_level(next(lvl for lvl in Level if matches[lvl]).value)
        queue = self.query_one("#queue", CaseList)
        queue.empty = (
            "no report waits to be placed"
            if self.view.unplaced
            else "no open case at this level matches the filter (escape clears it)"
            if matches
            else snapshot.setup or "no open cases"
        )
        if snapshot.setup and (first or snapshot.setup != previous_setup):
            self.notify(snapshot.setup, title="A new store", timeout=30)
        if (snapshot.view.level, snapshot.view.unplaced) == (self.view.level, self.view.unplaced):
            queue.set_data(snapshot.cases.queue_total, snapshot.cases.queue_pages, reset=reset)
        timers = self.query_one("#timers", TimerList)
        timers.set_timers(snapshot.cases.timers.overdue, snapshot.cases.timers.soon)
        overdue = sum(count.overdue for count in snapshot.cases.counts.values())
        self._subtitle("timers", f"{overdue} overdue · {snapshot.cases.timers.soon_total} due soon")
        grids = self.query_one("#grids", GridBoard)
        grids.set_board(snapshot.board)
        self._subtitle("grids", grids.summary())
        roster = self.query_one("#roster", RosterList)
        roster.set_posts(snapshot.roster)
        gaps = sum(1 for post in snapshot.roster if post.on_duty is None)
        self._subtitle(
            "roster",
            f"{gaps} post{'s' if gaps != 1 else ''} with nobody on duty"
            if gaps
            else "all posts held",
        )
        self.query_one("#alerts", AlertStrip).set_alerts(snapshot.alerts)
        self._show_filter()
        self.tick()
        # The highlighted case may be another one now (or the first one): the footer offers
        # the moves that apply to it, not to whatever was highlighted before.
        self.refresh_bindings()
        if first:
            # What a started console holds (widgets, the territory's grids) lives as long as
            # it does: out of the collector's sight, a full collection walks only what the
            # refreshes made, instead of stalling a refresh for tens of milliseconds.
            gc.freeze()

    def _subtitle(self, pane: str, text: str) -> None:
        """A pane's subtitle, set only when it changes: setting it draws the whole pane again."""
        widget = self.query_one(f"#{pane}-pane")
        if widget.border_subtitle != text:
            widget.border_subtitle = text

    def _show_filter(self) -> None:
        view = self.view
        parts = []
        if view.grid_id is not None:
            parts.append(f"grid {view.grid_name}")
        if view.text:
            parts.append(f"“{view.text}”")
        text = f" filtered: {', '.join(parts)}  (escape clears)" if parts else ""
        label = self.query_one("#queue-filter", Static)
        if str(label.content) != text:  # every refresh comes here; most change nothing
            label.update(plain(text))
            label.display = bool(parts)

    def _set_view(self, **changes: Any) -> None:
        self.view = replace(self.view, **changes)
        self._show_filter()
        self.refresh_data(reset=True)

    # -- panes and levels ---------------------------------------------------------------

    def _move_pane(self, step: int) -> None:
        current = self._current_pane()
        target = PANES[(PANES.index(current) + step) % len(PANES)]
        self.query_one(f"#{target}", Widget).focus()

    def action_next_pane(self) -> None:
        self._move_pane(1)

    def action_previous_pane(self) -> None:
        self._move_pane(-1)

    def action_level(self, step: int) -> None:
        queues = [level.value for level in Level] + (["unplaced"] if self._sees_unplaced else [])
        current = "unplaced" if self.view.unplaced else self.view.level.value
        index = min(max(queues.index(current) + step, 0), len(queues) - 1)
        self.action_show_level(queues[index])

    def action_show_level(self, level: str) -> None:
        self.query_one("#levels", Tabs).active = f"level-{level}"

    def action_show_unplaced(self) -> None:
        if not self._sees_unplaced:
            self.notify(
                "Reports no grid covers wait at the district's command center.",
                severity="warning",
            )
            return
        self.action_show_level("unplaced")

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id is None:
            return
        if event.tab.id == UNPLACED_TAB:
            if not self.view.unplaced:
                self._set_view(unplaced=True)
            return
        level = Level(event.tab.id.removeprefix("level-"))
        if level != self.view.level or self.view.unplaced:
            self._set_view(level=level, unplaced=False)

    def action_troubled(self) -> None:
        grids = self.query_one("#grids", GridBoard)
        grids.toggle_troubled()
        self._subtitle("grids", grids.summary())

    def action_board_order(self) -> None:
        grids = self.query_one("#grids", GridBoard)
        grids.toggle_order()
        self._subtitle("grids", grids.summary())

    def action_filter(self) -> None:
        def apply(text: str | None) -> None:
            if text is not None:
                self._set_view(text=text)

        self.app.push_screen(
            ReasonScreen(
                "Filter the queues", "code, title, category or grid contains…", prompt="Filter text"
            ),
            apply,
        )

    def action_clear_filters(self) -> None:
        for cases in self.query(CaseList):
            cases.clear_marks()
        if self.view.grid_id is not None or self.view.text:
            self._set_view(grid_id=None, grid_name="", text="")

    def action_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                [
                    KeySection("On the dashboard", self.BINDINGS),
                    KeySection("In any pane", LineList.BINDINGS),
                    KeySection("In a queue or the timers", CaseList.BINDINGS),
                    KeySection("On the duty roster", RosterList.BINDINGS),
                    KeySection("In a case", CaseScreen.BINDINGS),
                    KeySection("Anywhere", [*self.app.BINDINGS, PALETTE_KEY]),
                ]
            )
        )

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        source = event.source
        if isinstance(source, AlertStrip):
            alerts = source.alerts
            if event.index < len(alerts):
                self.open_alert(alerts[event.index].id)
        elif isinstance(source, CaseList):
            row = source.row_at(event.index)
            if row is not None:
                self.open_case(row.code)
        elif isinstance(source, GridBoard):
            grid = source.selected
            if grid is not None:
                if grid.grid_id == self.view.grid_id:
                    self._set_view(grid_id=None, grid_name="")
                else:
                    self.show_grid(grid.grid_id, grid.name)

    def show_grid(self, grid_id: int, name: str) -> None:
        """The queues filtered to one grid (from the board or an alert about it)."""
        self._set_view(grid_id=grid_id, grid_name=name)
        self.notify(f"Queues show grid {name} only; escape shows all grids.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A screen that could not be read for opening is not opened; the console goes on
        (screens that read once open confine their own errors: screens/confined.py)."""
        shows = OPENED_BY_WORKER.get(event.worker.group)
        if shows is None or event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        line = record_unexpected(event.worker.error, f"opening {shows}")
        self.notify(f"Could not show {shows}: {line}", severity="error", timeout=15)

    # -- alerts -------------------------------------------------------------------------

    @work(thread=True, group="alert-detail", exit_on_error=False)
    def open_alert(self, alert_id: int) -> None:
        """One alert with its report, read off the screen's thread (and in the territory)."""
        ctx = self.context
        with ctx.db.read() as session:
            alert = alert_queries.alert_detail(session, ctx.actor.territory, alert_id)
        if alert is None:
            self.console.call_from_thread(
                self.notify,
                f"Alert {alert_id} is gone or outside your territory.",
                severity="warning",
            )
            return
        seen = f"acknowledged by {alert.acknowledged_by}" if alert.acknowledged_by else "open"
        when = local(alert.raised_at, ctx.timezone)
        details = f"{alert.severity} · {alert.kind.replace('_', ' ')} · raised {when} · {seen}"
        self.console.call_from_thread(
            self.app.push_screen,
            AlertScreen(alert.id, alert.title, details, alert.body, alert.case_code),
        )

    @work(thread=True, group="alert-desk", exit_on_error=False)
    def action_alert_desk(self) -> None:
        ctx = self.context
        with ctx.db.read() as session:
            kinds, streets = alert_queries.desk_choices(session, ctx.actor.territory)
        self.console.call_from_thread(
            self.app.push_screen, AlertListScreen(self._load_desk, kinds, streets, ctx.timezone)
        )

    def _load_desk(self, wanted: alert_queries.DeskFilter) -> list[alert_queries.DeskAlert]:
        ctx = self.context
        with ctx.db.read() as session:
            return alert_queries.alert_desk(session, ctx.actor.territory, wanted)

    def action_raise_alert(self) -> None:
        grid = self.query_one("#grids", GridBoard).selected
        if grid is None:
            self.notify("Highlight a grid on the board first.", severity="warning")
            return
        fields = [
            Field(
                "severity",
                "Severity",
                choices=[(level.value, level.value) for level in MANUAL_SEVERITIES],
                required=True,
                initial=Severity.WARNING.value,
            ),
            Field("text", "What is happening", required=True),
        ]
        self.app.push_screen(
            FormScreen("Raise an alert", f"grid {grid.code} {grid.name}", fields),
            partial(self._raise_alert, grid.code),
        )

    def _raise_alert(self, grid: str, answers: Answers | None) -> None:
        if answers is not None:
            self.perform(
                lambda ctx: (
                    "Raised: "
                    + alert_service.raise_by_hand(
                        ctx, grid=grid, severity=answers["severity"], text=answers["text"]
                    )
                )
            )

    def action_acknowledge(self) -> None:
        alert = self.query_one("#alerts", AlertStrip).selected
        if alert is None:
            self.notify("There is no open alert to acknowledge.", severity="warning")
            return
        self.acknowledge_alerts([alert.id])

    def acknowledge_alerts(self, ids: list[int], then: Callable[[], object] | None = None) -> None:
        """Acknowledge these alerts with one optional note: each one on its own, a summary."""

        def with_note(note: str | None) -> None:
            if note is not None:
                self._acknowledge_each(ids, note, then)

        count = f"{len(ids)} alerts" if len(ids) > 1 else f"alert {ids[0]}"
        self.app.push_screen(
            ReasonScreen(f"Acknowledge {count}", "seen, and being dealt with", "Note", False),
            with_note,
        )

    @work(thread=True, group="actions")
    def _acknowledge_each(
        self, ids: list[int], note: str, then: Callable[[], object] | None
    ) -> None:
        done, refused = 0, []
        for alert_id in ids:
            try:
                alert_service.acknowledge(self.context, alert_id, note)
                done += 1
            except (Refused, StoreBusy) as problem:
                refused.append(str(problem))
        summary = f"Acknowledged {done} of {len(ids)}."
        if refused:
            summary += f" Not acknowledged: {refused[0]}" + (
                f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            )
        self.console.call_from_thread(
            self.notify,
            summary,
            title="Done" if not refused else "Partly done",
            severity="information" if not refused else "warning",
        )
        if then is not None:
            self.console.call_from_thread(then)
        self.console.call_from_thread(self.refresh_data)

    def on_roster_list_reveal(self, request: RosterList.Reveal) -> None:
        self._reveal_duty_phone(request.post)

    @work(thread=True, group="actions")
    def _reveal_duty_phone(self, post: PostDuty) -> None:
        """The full number of whoever holds a post now: allowed roles only, and recorded."""
        try:
            name, phone = reveal_duty_phone(self.context, post.code)
        except (Refused, StoreBusy) as problem:
            self.console.call_from_thread(
                self.notify, str(problem), title="Refused", severity="error"
            )
            return
        self.console.call_from_thread(
            self.notify,
            f"{post.post}: {name} {phone or '(no phone)'} (revealed, recorded)",
            title="Duty phone",
            timeout=20,
        )

    # -- cases --------------------------------------------------------------------------

    def find_cases(self, text: str) -> list[CaseRow]:
        """Cases for the command palette (called off the screen's thread)."""
        ctx = self.context
        with ctx.db.read() as session:
            return dashboard_queries.find_cases(session, ctx.actor.territory, text)

    def _load_detail(self, code: str) -> CaseDetail | None:
        ctx = self.context
        with ctx.db.read() as session:
            return case_detail(
                session,
                ctx.actor.territory,
                ctx.loop,
                code,
                ctx.now(),
                names_shown=ctx.actor.can(Action.REVEAL),
            )

    def open_case(self, code: str) -> None:
        reveal = partial(reveal_contact, self.context)
        self.app.push_screen(CaseScreen(code, self._load_detail, reveal, self.context.timezone))

    def _load_history(self) -> list[AuditLine]:
        with self.context.db.read() as session:
            return audit_trail(session, self.context.actor.territory, limit=100)

    def action_history(self) -> None:
        self.app.push_screen(
            HistoryScreen(self._load_history, self.context.timezone, self.open_case)
        )

    # -- assessment and the risk map --------------------------------------------------

    def _this_month(self) -> Period:
        today = self.context.now().astimezone(self.context.timezone).date()
        return Period.containing("month", today, self.context.timezone)

    def _load_risk(self, period: Period, place: assessment_queries.Place) -> RiskData:
        ctx = self.context
        territory = ctx.actor.territory
        with ctx.db.read() as session:
            grids = assessment_queries.risk_map(session, period, territory, place, ctx.now())
            trend = assessment_queries.category_trend(session, period, territory, place)
        return RiskData(grids, trend, ctx.now().astimezone(ctx.timezone).date())

    def _load_cases(
        self, period: Period, place: assessment_queries.Place, figure: Behind
    ) -> list[assessment_queries.CaseBehind]:
        ctx = self.context
        with ctx.db.read() as session:
            return assessment_queries.cases_behind(
                session, period, ctx.actor.territory, place, figure
            )

    def open_risk_map(self, period: Period, place: assessment_queries.Place) -> None:
        self.app.push_screen(RiskMapScreen(self._load_risk, period, place))

    @work(thread=True, group="home-place", exit_on_error=False)
    def _at_home(self, then: Callable[[assessment_queries.Place], None]) -> None:
        """The operator's own territory as a place, read off the screen's thread; then
        `then` opens a screen on it."""
        try:
            place = assessment_service.resolve_place(self.context, "district", None)
        except (Refused, StoreBusy) as problem:
            self.console.call_from_thread(self.notify, str(problem), severity="error")
            return
        self.console.call_from_thread(then, place)

    def action_assessment(self) -> None:
        self._at_home(self._open_assessment)

    def _open_assessment(self, place: assessment_queries.Place) -> None:
        source = AssessmentSource(
            assess=partial(assessment_service.assess, self.context),
            cases=self._load_cases,
            open_case=self.open_case,
            open_map=self.open_risk_map,
        )
        self.app.push_screen(AssessmentScreen(source, self._this_month(), place))

    def action_risk_map(self) -> None:
        self._at_home(lambda place: self.open_risk_map(self._this_month(), place))

    # -- case moves ---------------------------------------------------------------------

    def _highlighted_case(self) -> CaseRow | None:
        focused = self.focused
        source = focused if isinstance(focused, CaseList) else self.query_one("#queue", CaseList)
        return source.selected

    def action_move(self, move: str) -> None:
        marked = self._marked_list()
        if move in BULK_MOVES and marked is not None:
            self._act_on_marked(move, marked)
            return
        row = self._highlighted_case()
        if row is None:
            self.notify("Select a case first (in a queue or the timers).", severity="warning")
            return
        self.act_on(move, row)

    def action_refuse_move(self, move: str) -> None:
        self.action_move(move)  # refused with its reason before anything is asked

    def act_on(self, move: str, row: CaseRow) -> None:
        """Ask for what the move needs in a dialog, then carry it out; a move that cannot
        apply is refused before anything is asked."""
        problem = cannot_move(move, row)
        if problem is not None:
            self.notify(problem, title="Refused", severity="error", timeout=8)
            return
        subject = f"{row.code}  {row.title}  (level {row.level}, {row.step.replace('_', ' ')})"
        version = row.version
        if move in ("reassign", "dispatch"):
            self._assign(move, row, subject)
        elif move in FORM_MOVES:
            self._ask_form(move, row, subject)
        else:
            ask = REASONED_MOVES[move]
            typed = self._kept_reasons.pop(row.code, "")

            def with_reason(reason: str | None) -> None:
                if reason is not None:
                    self.perform(
                        lambda ctx: ask.service(ctx, row.code, reason, version),
                        keep=(row.code, reason),
                    )

            self.app.push_screen(
                ReasonScreen(ask.title, subject, ask.prompt, ask.required, initial=typed),
                with_reason,
            )

    def _marked_list(self) -> CaseList | None:
        """The list whose marked cases the next move applies to, if any are marked."""
        focused = self.focused
        cases = focused if isinstance(focused, CaseList) else self.query_one("#queue", CaseList)
        return cases if cases.marked else None

    def on_case_list_marked(self, event: CaseList.Marked) -> None:
        count = len(event.cases.marked)
        pane = "queue" if event.cases.id == "queue" else "timers"
        if pane == "queue":
            self._subtitle(
                "queue", f"{count} marked: r, e or E moves them all; space unmarks" if count else ""
            )
        self.refresh_bindings()

    def _act_on_marked(self, move: str, cases: CaseList) -> None:
        """One move for every marked case: asked for once, then made case by case, each
        changed or refused on its own, with a summary."""
        rows = list(cases.marked.values())
        codes = ", ".join(row.code for row in rows[:4]) + (" …" if len(rows) > 4 else "")
        subject = f"{len(rows)} marked cases: {codes}"

        def each(make: Callable[[Context, CaseRow], Done]) -> None:
            self._perform_each(move, rows, make)
            cases.clear_marks()

        if move == "reassign":

            def assign(choice: Assignment | None) -> None:
                if choice is not None:
                    each(
                        lambda ctx, row: case_service.reassign(
                            ctx,
                            row.code,
                            to=choice.code,
                            reason=choice.reason,
                            override=choice.override,
                            expected_version=row.version,
                        )
                    )

            search = partial(self._search, rows[0].code)
            title = f"Reassign {len(rows)} cases"
            self.app.push_screen(AssigneeScreen(title, subject, search, True), assign)
            return
        ask = REASONED_MOVES[move]

        def with_reason(reason: str | None) -> None:
            if reason is not None:
                each(lambda ctx, row: ask.service(ctx, row.code, reason, row.version))

        self.app.push_screen(
            ReasonScreen(f"{ask.title}: {len(rows)} cases", subject, ask.prompt, ask.required),
            with_reason,
        )

    @work(thread=True, group="actions")
    def _perform_each(
        self, move: str, rows: list[CaseRow], make: Callable[[Context, CaseRow], Done]
    ) -> None:
        done, refused = 0, []
        for row in rows:
            problem = cannot_move(move, row)
            try:
                if problem is not None:
                    raise Refused(problem)
                make(self.context, row)
                done += 1
            except (Refused, StoreBusy) as error:
                refused.append(str(error))
        summary = f"{MOVES[move].done.capitalize()}: {done} of {len(rows)}."
        if refused:
            summary += f" Not done: {refused[0]}" + (
                f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            )
        self.console.call_from_thread(
            self.notify,
            summary,
            title="Done" if not refused else "Partly done",
            severity="information" if not refused else "warning",
            timeout=10,
        )
        self.console.call_from_thread(self.refresh_data)

    def _assign(self, move: str, row: CaseRow, subject: str) -> None:
        needs_reason = move == "reassign"
        version = row.version

        def assign(choice: Assignment | None) -> None:
            if choice is None:
                return
            if needs_reason:
                self.perform(
                    lambda ctx: case_service.reassign(
                        ctx,
                        row.code,
                        to=choice.code,
                        reason=choice.reason,
                        override=choice.override,
                        expected_version=version,
                    )
                )
            else:
                self.perform(
                    lambda ctx: case_service.dispatch(
                        ctx,
                        row.code,
                        to=choice.code,
                        override=choice.override,
                        expected_version=version,
                    )
                )

        title = "Reassign case" if needs_reason else "Dispatch case"
        search = partial(self._search, row.code)
        self.app.push_screen(AssigneeScreen(title, subject, search, needs_reason), assign)

    def _ask_form(self, move: str, row: CaseRow, subject: str) -> None:
        # Put up at once (the categories were read beforehand), so no key typed for the
        # form can reach the dashboard while it opens.
        form = case_form(move, row, subject, self.categories, self.context.timezone, self.grids)
        self.app.push_screen(form.screen, partial(self._send_form, form, row))

    def action_new_case(self) -> None:
        form = new_case_form(self.categories, self.grids)
        self.app.push_screen(form.screen, partial(self._report, form))
        self.read_categories()

    @work(thread=True, exclusive=True, group="categories", exit_on_error=False)
    def read_categories(self) -> None:
        """The category taxonomy and the territory's grids the forms offer: read when the
        console starts and again after each new case, so a change reaches the next form."""
        with self.context.db.read() as session:
            self.categories = minor_categories(session)
            self.grids = grid_lines(session, self.context.actor.territory)

    def _report(self, form: NewCaseForm, answers: Answers | None) -> None:
        if answers is not None:
            self.perform(lambda ctx: form.send(ctx, answers))

    def _send_form(self, form: CaseForm, row: CaseRow, answers: Answers | None) -> None:
        if answers is not None:
            self.perform(lambda ctx: form.send(ctx, row.code, answers, row.version))

    def _search(self, case_code: str, text: str) -> list[AssigneeOption]:
        ctx = self.context
        with ctx.db.read() as session:
            return search_assignees(session, text, case_code=case_code, now=ctx.now())

    @work(thread=True, group="actions")
    def perform(
        self, action: Callable[[Context], Done | str], keep: tuple[str, str] | None = None
    ) -> None:
        """Run one use case off the screen's thread; a refusal becomes a readable message.
        A reason typed for a case someone else changed meanwhile (`keep`: the case and the
        reason) is kept, to be offered again when the supervisor tries once more."""
        try:
            result = action(self.context)
        except Stale as stale:
            if keep is not None:
                self._kept_reasons[keep[0]] = keep[1]
            self.console.call_from_thread(
                self.notify,
                f"{stale} (your reason is kept for the next try)",
                title="Refused",
                severity="error",
                timeout=8,
            )
        except Refused as refused:
            self.console.call_from_thread(
                self.notify, str(refused), title="Refused", severity="error", timeout=8
            )
        except StoreBusy as busy:
            self.console.call_from_thread(
                self.notify, str(busy), title="Not saved", severity="error"
            )
        except Exception as error:  # confined to this action: the console stays up
            line = record_unexpected(error, "carrying out an action")
            self.console.call_from_thread(
                self.notify, f"Could not do it: {line}", title="Not done", severity="error"
            )
        else:
            text = f"{result.code}: {result.summary}" if isinstance(result, Done) else result
            self.console.call_from_thread(self.notify, text, title="Done")
        self.console.call_from_thread(self._after_action)

    def _after_action(self) -> None:
        if isinstance(self.app.screen, CaseScreen):
            self.app.screen.reload()
        self.refresh_data()
