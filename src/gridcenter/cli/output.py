"""What the CLI prints for people: aligned tables and lines in which text from people and
feeds can no longer move the cursor, write the clipboard or turn a line around. The store
keeps text as received; `--json` prints it exactly (escaped JSON)."""

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gridcenter.formatting import json_text, printable

WIDE = 10_000  # off a terminal, nothing is wrapped or cut: a script reads whole lines


def _console() -> Console:
    terminal = sys.stdout.isatty()
    return Console(
        file=sys.stdout,
        width=None if terminal else WIDE,
        markup=False,
        emoji=False,
        highlight=False,
    )


def _cell(value: object) -> Text:
    return Text("-" if value is None or value == "" else printable(str(value)))


def _emit(console: Console, renderable: Any) -> None:
    with console.capture() as captured:
        console.print(renderable)
    sys.stdout.write("".join(f"{line.rstrip()}\n" for line in captured.get().splitlines()))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Sequence[str] = (),
    header: bool = True,
) -> None:
    """Rows under a header, each column as wide as its widest cell (wide characters count
    twice); the `right` columns aligned right. An empty value shows as -."""
    console = _console()
    grid = Table(
        box=None,
        show_header=header,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, 2, 0, 0),
    )
    for name in headers:
        grid.add_column(name, justify="right" if name in right else "left")
    for row in rows:
        grid.add_row(*(_cell(value) for value in row))
    _emit(console, grid)


def say(text: str = "", *, lines: bool = False, err: bool = False) -> None:
    """One line (or, with `lines`, a text of several) made safe for a terminal."""
    print(printable(text, lines=lines), file=sys.stderr if err else sys.stdout)


def emit_json(value: object) -> None:
    """The faithful form for scripts: exact text, escaped where a terminal would act on it."""
    print(json_text(value))
