"""Every key, read from the bindings themselves: what a screen binds is what the help says."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True)
class KeySection:
    title: str
    bindings: Sequence[BindingType]


def described(bindings: Iterable[BindingType]) -> Iterable[Binding]:
    """The bindings worth a line: those with a description (not the hidden refusals)."""
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.description:
            yield binding


def key_table(app: App[object], sections: Sequence[KeySection]) -> Table:
    table = Table(title="gridcenter keys", expand=True, title_justify="left")
    table.add_column("key", style="bold", no_wrap=True, ratio=1)
    table.add_column("does", ratio=3)
    seen: set[tuple[str, str]] = set()
    for section in sections:
        rows = []
        for binding in described(section.bindings):
            keys = " ".join(
                app.get_key_display(replace(binding, key=key.strip()))
                for key in binding.key.split(",")
            )
            if (keys, binding.description) not in seen:
                seen.add((keys, binding.description))
                rows.append((keys, binding.tooltip or binding.description))
        if rows:
            table.add_section()
            table.add_row("", f"[b]{section.title}[/b]")
            for keys, does in rows:
                table.add_row(keys, does, style=None)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close", id="help.close")]

    def __init__(self, sections: Sequence[KeySection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(key_table(self.app, self.sections))
            yield Static("escape to close", classes="dialog-hint")
