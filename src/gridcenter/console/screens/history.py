"""The newest changes in the operator's territory: who, when, from where, what changed
(from -> to) and why; enter on a case's change opens the case."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from gridcenter.console.screens.confined import Confined
from gridcenter.console.text import plain
from gridcenter.formatting import change, local
from gridcenter.queries.audit import AuditLine

# Fixed widths, so that the reason gets what the screen has left (a table sized to its
# contents pushed it off the screen); a longer value is cut with an ellipsis.
COLUMNS = (("when", 11), ("who", 14), ("from", 6), ("what", 12), ("subject", 18), ("change", 28))


class HistoryScreen(Confined, ModalScreen[None]):
    SHOWS = "the history"

    BINDINGS = [Binding("escape,q,h", "app.pop_screen", "Close", id="history.close")]

    def __init__(
        self,
        load: Callable[[], list[AuditLine]],
        timezone: ZoneInfo,
        open_case: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.load = load
        self.timezone = timezone
        self.open_case = open_case
        self.lines: list[AuditLine] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history"):
            yield Label("History: the newest changes first", classes="dialog-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Label(
                "enter opens the case · escape closes · `gridcenter audit` lists more",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for name, width in COLUMNS:
            table.add_column(name, width=width)
        used = sum(width + 2 for _, width in COLUMNS)  # each cell is padded on both sides
        table.add_column("why", width=max(self.app.size.width - used - 8, 16))
        self.fill()

    @work(thread=True, exit_on_error=False)
    def fill(self) -> None:
        lines = self.load()
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[AuditLine]) -> None:
        self.lines = lines
        table = self.query_one(DataTable)
        for line in lines:
            table.add_row(
                local(line.at, self.timezone, "%m-%d %H:%M"),
                plain(line.actor),
                line.channel,
                line.action.replace("_", " "),
                plain(line.subject),
                plain(change(line.from_value, line.to_value, self.timezone)),
                plain(line.reason),
            )
        table.focus()

    def rows(self) -> list[list[str]]:
        """What the table shows, as text (for a reader of the screen, such as a test)."""
        table = self.query_one(DataTable)
        return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        line = self.lines[event.cursor_row]
        kind, _, ref = line.subject.partition(" ")
        if kind == "case":
            self.app.pop_screen()
            self.open_case(ref)
        else:
            self.notify(f"{line.subject} is not a case.", severity="warning")
