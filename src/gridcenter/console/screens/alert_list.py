"""The alert desk: every open alert of the operator's territory, to filter, sort and
acknowledge one, several (marked with space) or all shown."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from gridcenter.console.requests import AcknowledgeAlerts, OpenAlert, OpenCase, ShowGrid
from gridcenter.console.screens.confined import Confined
from gridcenter.console.screens.reason import ReasonScreen
from gridcenter.console.text import plain
from gridcenter.console.widgets.alert_strip import STYLES, SYMBOLS
from gridcenter.console.widgets.columns import Column, cells, header_cells
from gridcenter.console.widgets.line_list import LineList
from gridcenter.domain.alerts import Severity
from gridcenter.formatting import local
from gridcenter.queries.alerts import DESK_LIMIT, DeskAlert, DeskFilter

T = TypeVar("T")

DESK_COLUMNS = [
    Column("", 1),
    Column("severity", 8),
    Column("raised", 11),
    Column("kind", 11, drop=2),
    Column("street", 12, flex=True, drop=3),
    Column("title", 24, flex=True),
    Column("state", 14, drop=1),
]
SEVERITIES: list[Severity | None] = [None, Severity.ALARM, Severity.WARNING, Severity.INFO]


class AlertTable(LineList):
    """The desk's rows, with a mark column for the ones chosen with space."""

    COMPONENT_CLASSES = LineList.COMPONENT_CLASSES | set(STYLES.values())

    def __init__(self, timezone: ZoneInfo, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timezone = timezone
        self.alerts: list[DeskAlert] = []
        self.marked: set[int] = set()

    @property
    def row_count(self) -> int:
        return len(self.alerts)

    def placeholder(self) -> str:
        return "no open alert matches"

    @property
    def selected(self) -> DeskAlert | None:
        return self.alerts[self.cursor] if self.alerts else None

    def set_alerts(self, alerts: list[DeskAlert]) -> None:
        self.alerts = alerts
        self.marked &= {alert.id for alert in alerts}
        self.update_size()
        self.refresh()

    def header(self, width: int) -> list[Segment]:
        return header_cells(DESK_COLUMNS, width)

    def row_key(self, index: int) -> object:
        alert = self.alerts[index]
        return alert, alert.id in self.marked

    def render_row(self, index: int, width: int, base: Style) -> list[Segment]:
        alert = self.alerts[index]
        seen = alert.acknowledged_by is not None
        name = None if seen else STYLES.get(alert.severity)
        values = {
            "": "●" if alert.id in self.marked else " ",
            "severity": SYMBOLS.get(alert.severity, alert.severity),
            "raised": local(alert.raised_at, self.timezone, "%m-%d %H:%M"),
            "kind": alert.kind.replace("_", " "),
            "street": alert.street or "-",
            "title": alert.title,
            "state": f"seen by {alert.acknowledged_by}" if seen else "unacknowledged",
        }
        styles = {"severity": self.style_of(name)} if name else None
        return cells(DESK_COLUMNS, width, values, base, styles)

    def toggle_mark(self) -> None:
        alert = self.selected
        if alert is not None:
            self.marked ^= {alert.id}
            self.action_cursor(1)
            self.refresh()


class AlertListScreen(Confined, Screen[None]):
    SHOWS = "the alert desk"

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="desk.back"),
        Binding("space", "mark", "Mark", id="desk.mark"),
        Binding("asterisk", "mark_all", "Mark all shown", id="desk.mark_all"),
        Binding("a", "acknowledge", "Acknowledge", id="desk.acknowledge"),
        Binding("v", "severity", "Severity", id="desk.severity"),
        Binding("k", "kind", "Kind", id="desk.kind"),
        Binding("w", "street", "Street", id="desk.street"),
        Binding("slash", "text", "Text", id="desk.text"),
        Binding("o", "order", "Sort", id="desk.order"),
        Binding("c", "open_case", "Its case", id="desk.case"),
        Binding("g", "show_grid", "Its grid", id="desk.grid"),
    ]

    def __init__(
        self,
        load: Callable[[DeskFilter], list[DeskAlert]],
        kinds: list[str],
        streets: list[str],
        timezone: ZoneInfo,
    ) -> None:
        super().__init__()
        self.load = load
        self.kinds: list[str | None] = [None, *kinds]
        self.streets: list[str | None] = [None, *streets]
        self.timezone = timezone
        self.wanted = DeskFilter()

    def compose(self) -> ComposeResult:
        yield Static("", id="desk-title")
        yield AlertTable(self.timezone, id="desk")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AlertTable).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="alert-desk", exit_on_error=False)
    def reload(self) -> None:
        alerts = self.load(self.wanted)
        self.app.call_from_thread(self._show, alerts)

    def _show(self, alerts: list[DeskAlert]) -> None:
        self.query_one(AlertTable).set_alerts(alerts)
        wanted = self.wanted
        parts = [
            wanted.severity.value if wanted.severity else "every severity",
            wanted.kind.replace("_", " ") if wanted.kind else "every kind",
            wanted.street or "every street",
        ]
        if wanted.text:
            parts.append(f"“{wanted.text}”")
        waiting = sum(1 for alert in alerts if alert.acknowledged_by is None)
        cut = f" (the first {DESK_LIMIT})" if len(alerts) >= DESK_LIMIT else ""
        order = "newest first" if wanted.by_time else "by severity, newest first"
        self.query_one("#desk-title", Static).update(
            plain(
                f" Open alerts{cut}: {len(alerts)}, {waiting} unacknowledged · "
                f"{', '.join(parts)} · {order}"
            )
        )

    def _cycle(self, options: Sequence[T], current: T) -> T:
        return options[(options.index(current) + 1) % len(options)]

    def action_severity(self) -> None:
        self.wanted = replace(self.wanted, severity=self._cycle(SEVERITIES, self.wanted.severity))
        self.reload()

    def action_kind(self) -> None:
        self.wanted = replace(self.wanted, kind=self._cycle(self.kinds, self.wanted.kind))
        self.reload()

    def action_street(self) -> None:
        self.wanted = replace(self.wanted, street=self._cycle(self.streets, self.wanted.street))
        self.reload()

    def action_order(self) -> None:
        self.wanted = replace(self.wanted, by_time=not self.wanted.by_time)
        self.reload()

    def action_text(self) -> None:
        def apply(text: str | None) -> None:
            if text is not None:
                self.wanted = replace(self.wanted, text=text)
                self.reload()

        self.app.push_screen(
            ReasonScreen("Filter the alerts", "title contains…", prompt="Text", required=False),
            apply,
        )

    def action_mark(self) -> None:
        self.query_one(AlertTable).toggle_mark()

    def action_mark_all(self) -> None:
        table = self.query_one(AlertTable)
        shown = {alert.id for alert in table.alerts}
        table.marked = set() if table.marked >= shown else shown
        table.refresh()

    def action_acknowledge(self) -> None:
        """The marked alerts, or else the highlighted one, with an optional note."""
        table = self.query_one(AlertTable)
        ids = [a.id for a in table.alerts if a.id in table.marked and a.acknowledged_by is None]
        if not ids and table.selected is not None:
            ids = [table.selected.id]
        if not ids:
            self.notify("No unacknowledged alert is marked or highlighted.", severity="warning")
            return
        self.post_message(AcknowledgeAlerts(ids, then=self.reload))

    def action_open_case(self) -> None:
        alert = self.query_one(AlertTable).selected
        if alert is None or alert.case_code is None:
            self.notify("This alert is not about a case.", severity="warning")
            return
        self.post_message(OpenCase(alert.case_code))

    def action_show_grid(self) -> None:
        alert = self.query_one(AlertTable).selected
        if alert is None or alert.grid_id is None:
            self.notify("This alert is not about a grid.", severity="warning")
            return
        self.app.pop_screen()
        self.post_message(ShowGrid(alert.grid_id, alert.grid or ""))

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        event.stop()
        alert = self.query_one(AlertTable).selected
        if alert is not None:
            self.post_message(OpenAlert(alert.id))
