"""The newest changes in the operator's territory: who, when, from where, what and why."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from gridcenter.console.text import plain
from gridcenter.formatting import local
from gridcenter.queries.audit import AuditLine


class HistoryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,h", "app.pop_screen", "Close", id="history.close")]

    def __init__(self, load: Callable[[], list[AuditLine]], timezone: ZoneInfo) -> None:
        super().__init__()
        self.load = load
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog report"):
            yield Label("History: the newest changes first", classes="dialog-title")
            yield Static("loading…", id="history-table")
            yield Label("escape closes · `gridcenter audit` lists more", classes="dialog-hint")

    def on_mount(self) -> None:
        self.fill()

    @work(thread=True)
    def fill(self) -> None:
        lines = self.load()
        table = Table(expand=True)
        for name in ("when", "who", "from", "what", "subject", "why"):
            table.add_column(name, overflow="fold")
        for line in lines:
            table.add_row(
                local(line.at, self.timezone, "%m-%d %H:%M"),
                plain(line.actor),
                line.channel,
                line.action.replace("_", " "),
                plain(line.subject),
                plain(line.reason),
            )
        self.app.call_from_thread(self.query_one("#history-table", Static).update, table)
