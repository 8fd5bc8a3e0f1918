"""Every key, from the same table the bindings are made from."""

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from gridcenter.console.keys import DASHBOARD_KEYS, LIST_KEYS


def key_table() -> Table:
    table = Table(title="gridcenter keys", expand=True, title_justify="left")
    table.add_column("key", style="bold", no_wrap=True, ratio=1)
    table.add_column("does", ratio=3)
    for binding in DASHBOARD_KEYS:
        key = binding.key.replace("question_mark", "?")
        table.add_row(key, binding.description)
    for key, does in LIST_KEYS:
        table.add_row(key, does)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(key_table())
            yield Static("escape to close", classes="dialog-hint")
