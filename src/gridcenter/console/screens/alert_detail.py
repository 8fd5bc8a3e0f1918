"""One alert with its full report (risk warnings carry several paragraphs)."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from gridcenter.console.requests import AcknowledgeAlerts, OpenCase
from gridcenter.console.text import plain


class AlertScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,enter", "app.pop_screen", "Close", id="alert.close"),
        Binding("a", "acknowledge", "Acknowledge", id="alert.acknowledge"),
        Binding("c", "open_case", "Its case", id="alert.case"),
    ]

    def __init__(
        self, alert_id: int, title: str, details: str, body: str, case_code: str | None = None
    ) -> None:
        super().__init__()
        self.alert_id = alert_id
        self.title_text = title
        self.details = details
        self.body = body
        self.case_code = case_code

    def action_acknowledge(self) -> None:
        self.post_message(AcknowledgeAlerts([self.alert_id]))

    def action_open_case(self) -> None:
        if self.case_code is None:
            self.notify("This alert is not about a case.", severity="warning")
            return
        self.app.pop_screen()
        self.post_message(OpenCase(self.case_code))

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog report"):
            yield Label(plain(self.title_text), classes="dialog-title")
            yield Label(plain(self.details), classes="dialog-hint")
            yield Static(plain(self.body or "(no report)"))
            hint = "a acknowledges · c opens its case · escape closes"
            yield Label(
                hint if self.case_code else "a acknowledges · escape closes", classes="dialog-hint"
            )
