"""One alert with its full report (risk warnings carry several paragraphs)."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class AlertScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter", "app.pop_screen", "Close", id="alert.close")]

    def __init__(self, title: str, details: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.details = details
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog report"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.details, classes="dialog-hint")
            yield Static(self.body or "(no report)", markup=False)
            yield Label("a acknowledges · escape closes", classes="dialog-hint")
