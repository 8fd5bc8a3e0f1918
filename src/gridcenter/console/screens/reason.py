"""A modal that asks why: every move that needs a reason goes through it."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from gridcenter.console.screens.dialog import Dialog
from gridcenter.console.text import plain


class ReasonScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="modal.cancel")]

    def __init__(
        self,
        title: str,
        subject: str,
        prompt: str = "Reason",
        required: bool = True,
        initial: str = "",
    ) -> None:
        super().__init__()
        self.initial = initial
        self.title_text = title
        self.subject = subject
        self.prompt = prompt
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(plain(self.subject), classes="dialog-subject")
            need = "required" if self.required else "optional"
            yield Input(self.initial, placeholder=f"{self.prompt} ({need})", id="reason")
            yield Label("", id="error", classes="dialog-error")
            yield Label("enter to confirm · escape to cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text and self.required:
            self.query_one("#error", Label).update(f"{self.prompt} is required: say why.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
