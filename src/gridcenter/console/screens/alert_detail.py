"""One alert with its full report (risk warnings carry several paragraphs)."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from gridcenter.console.text import plain


class AlertScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter", "app.pop_screen", "Close", id="alert.close")]

    def __init__(self, title: str, details: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.details = details
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog report"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Label(plain(self.details), classes="dialog-hint")
            yield Static(plain(self.body or "(no report)"))
            yield Label("a acknowledges · escape closes", classes="dialog-hint")
