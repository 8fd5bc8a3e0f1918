"""A small form for a case move that needs more than a reason: each field a line of text
or a choice from a list (typed to search), checked for what is required before it is
sent. The service behind it says no in one line if it refuses; the form is then gone and
the move can be asked for again."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select

from gridcenter.console.screens.dialog import Dialog
from gridcenter.console.text import plain

Answers = dict[str, str]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    choices: Sequence[tuple[str, str]] = ()  # (value, what is shown); none: free text
    required: bool = False
    initial: str = ""
    # Under a choice: a line about the chosen value (a category's time limits, say).
    explain: Callable[[str], str] | None = None


class FormScreen(Dialog[Answers | None]):
    AUTO_FOCUS = "Input, Select"  # the first field, not the scrolling frame around them
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Send", id="form.submit"),
    ]

    def __init__(self, title: str, subject: str, fields: Sequence[Field]) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.fields = fields

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form", can_focus=False):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(plain(self.subject), classes="dialog-subject")
            for field in self.fields:
                need = "required" if field.required else "optional"
                if field.choices:
                    yield Label(f"{field.label} ({need})", classes="form-label")
                    options = [(plain(shown), value) for value, shown in field.choices]
                    known = {value for value, _ in field.choices}
                    yield Select(
                        options,
                        prompt=f"choose the {field.label.lower()}",
                        allow_blank=not field.required or field.initial not in known,
                        value=field.initial if field.initial in known else Select.NULL,
                        id=f"field-{field.name}",
                        compact=True,
                    )
                    if field.explain is not None:
                        yield Label("", id=f"explain-{field.name}", classes="dialog-hint")
                else:
                    yield Input(
                        field.initial,
                        placeholder=f"{field.label} ({need})",
                        id=f"field-{field.name}",
                        compact=True,
                    )
            yield Label("", id="error", classes="dialog-error")
            yield Label(
                "tab next field · enter on a text field or ctrl+s sends · escape cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        super().on_mount()
        for field in self.fields:
            self._explain(field)

    def _explain(self, field: Field) -> None:
        if field.explain is not None:
            value = self.answers().get(field.name, "")
            line = field.explain(value) if value else ""
            self.query_one(f"#explain-{field.name}", Label).update(plain(line))

    def on_select_changed(self, event: Select.Changed) -> None:
        for field in self.fields:
            if event.select.id == f"field-{field.name}":
                self._explain(field)

    def answers(self) -> Answers:
        found: Answers = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Select):
                value = widget.value
                found[field.name] = "" if value is Select.NULL else str(value)
            elif isinstance(widget, Input):
                found[field.name] = widget.value.strip()
        return found

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        answers = self.answers()
        missing = [
            field.label for field in self.fields if field.required and not answers[field.name]
        ]
        if missing:
            self.query_one("#error", Label).update(f"{', '.join(missing)}: required.")
            return
        self.dismiss(answers)

    def action_cancel(self) -> None:
        self.dismiss(None)
