"""Pick a staff member or a department, filtering as you type."""

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from gridcenter.console.screens.confined import Confined
from gridcenter.console.screens.dialog import Dialog
from gridcenter.console.text import plain
from gridcenter.queries.people import AssigneeOption


@dataclass(frozen=True)
class Assignment:
    code: str
    name: str
    reason: str
    override: str | None = None  # a supervisor's reason for someone the rules refuse


class AssigneeScreen(Confined, Dialog[Assignment | None]):
    SHOWS = "the people who may take the case"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("down", "focus_options", "Choose", show=False, id="modal.options"),
    ]

    def __init__(
        self,
        title: str,
        subject: str,
        search: Callable[[str], list[AssigneeOption]],
        needs_reason: bool,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.search = search
        self.needs_reason = needs_reason
        self.options: list[AssigneeOption] = []
        self.refused: AssigneeOption | None = None  # the code typed, which the rules refuse

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(plain(self.subject), classes="dialog-subject")
            yield Input(placeholder="type a name, code or department", id="who")
            yield OptionList(id="options")
            # Without a reason to give, the field shows only to override the rules.
            prompt = "Reason (required)" if self.needs_reason else "Reason for an override"
            reason = Input(placeholder=prompt, id="reason")
            reason.display = self.needs_reason
            yield reason
            yield Label("", id="error", classes="dialog-error")
            yield Label(
                "type to filter · ↓ to the list · enter to choose · escape to cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.look_up("")

    @on(Input.Changed, "#who")
    def _typed(self, event: Input.Changed) -> None:
        self.look_up(event.value)

    @work(thread=True, exclusive=True, group="assignee-search", exit_on_error=False)
    def look_up(self, text: str) -> None:
        found = self.search(text)
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[AssigneeOption]) -> None:
        refused = [option for option in found if option.refusal]
        found = [option for option in found if not option.refusal]
        self.options = found
        self.refused = refused[0] if refused and not found else None
        options = self.query_one("#options", OptionList)
        options.clear_options()
        options.add_options(
            [Option(plain(f"{o.name}  ({o.code}, {o.detail})"), id=o.code) for o in found]
        )
        error = self.query_one("#error", Label)
        if found:
            options.highlighted = 0
            error.update("")
        elif self.refused is not None:  # someone the rules refuse: say which rule
            error.update(
                plain(f"{self.refused.refusal} (a supervisor may override, with a reason)")
            )
        else:
            typed = self.query_one("#who", Input).value.strip()
            error.update(plain(f"No one who may hold this case matches “{typed}”."))

    def action_focus_options(self) -> None:
        self.query_one("#options", OptionList).focus()

    @on(Input.Submitted, "#who")
    def _who_submitted(self) -> None:
        if self.needs_reason or (self.refused is not None and not self.options):
            reason = self.query_one("#reason", Input)
            reason.display = True
            reason.focus()
        else:
            self._finish()

    @on(OptionList.OptionSelected)
    def _chosen(self) -> None:
        if self.needs_reason:
            self.query_one("#reason", Input).focus()
        else:
            self._finish()

    @on(Input.Submitted, "#reason")
    def _reason_submitted(self) -> None:
        self._finish()

    def _finish(self) -> None:
        error = self.query_one("#error", Label)
        if self.refused is not None and not self.options:
            why = self.query_one("#reason", Input).value.strip()
            if not why:
                error.update("An override needs a reason: say why the rules do not fit.")
                return
            chosen = self.refused
            self.dismiss(Assignment(chosen.code, chosen.name, why, override=why))
            return
        index = self.query_one("#options", OptionList).highlighted
        if index is None or index >= len(self.options):
            error.update("Choose someone from the list.")
            return
        reason = ""
        if self.needs_reason:
            reason = self.query_one("#reason", Input).value.strip()
            if not reason:
                error.update("A reason is required: say why the case changes hands.")
                self.query_one("#reason", Input).focus()
                return
        chosen = self.options[index]
        self.dismiss(Assignment(chosen.code, chosen.name, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
