"""A small form for a case move that needs more than a reason: each field a line of text
or a choice from a list (typed to search), checked for what is required before it is
sent. The service behind it says no in one line if it refuses; the form is then gone and
the move can be asked for again."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

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
    # A long list (every grid of a territory): a line to type in, and the choices that
    # hold what is typed under it; the highlighted one is the answer.
    filtered: bool = False


SHOWN_MATCHES = 50  # a filtered choice lists at most this many matches


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
        self._picked: set[str] = set()  # filtered fields typed in or moved through

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form", can_focus=False):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(plain(self.subject), classes="dialog-subject")
            for field in self.fields:
                need = "required" if field.required else "optional"
                if field.filtered:
                    yield Label(f"{field.label} ({need})", classes="form-label")
                    yield Input(
                        field.initial,
                        placeholder="type to filter; ↓ to the list",
                        id=f"filter-{field.name}",
                        compact=True,
                    )
                    yield OptionList(
                        *self._matches(field, field.initial),
                        id=f"field-{field.name}",
                        classes="form-choices",
                        compact=True,
                    )
                elif field.choices:
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
            if field.filtered and field.initial:
                choices = self.query_one(f"#field-{field.name}", OptionList)
                choices.highlighted = 0 if choices.option_count else None

    @staticmethod
    def _matches(field: Field, text: str) -> list[Option]:
        wanted = text.strip().casefold()
        found = [
            Option(plain(shown), id=value)
            for value, shown in field.choices
            if wanted in shown.casefold()
        ]
        return found[:SHOWN_MATCHES]

    def on_input_changed(self, event: Input.Changed) -> None:
        for field in self.fields:
            if field.filtered and event.input.id == f"filter-{field.name}":
                if event.value.strip():
                    self._picked.add(field.name)
                else:
                    self._picked.discard(field.name)
                choices = self.query_one(f"#field-{field.name}", OptionList)
                choices.set_options(self._matches(field, event.value))
                choices.highlighted = 0 if choices.option_count else None

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
            elif isinstance(widget, OptionList):
                # Nothing typed and nothing moved to: no answer (a list highlights its first).
                index = widget.highlighted if field.name in self._picked else None
                chosen = widget.get_option_at_index(index) if index is not None else None
                found[field.name] = (chosen.id or "") if chosen else field.initial
            elif isinstance(widget, Input):
                found[field.name] = widget.value.strip()
        return found

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()  # in a filter line too: the highlighted match is the answer

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.has_focus and event.option_list.id:
            self._picked.add(event.option_list.id.removeprefix("field-"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id:
            self._picked.add(event.option_list.id.removeprefix("field-"))
        self.focus_next()

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
