"""What the CLI prints for people: aligned tables and lines in which text from people and
feeds can no longer move the cursor, write the clipboard or turn a line around. The store
keeps text as received; `--json` prints it exactly (escaped JSON)."""

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gridcenter.formatting import json_text, printable

WIDE = 10_000  # off a terminal, nothing is wrapped or cut: a script reads whole lines
GAP = 2  # spaces between columns
NARROWEST_TEXT = 12  # a column of free text is not folded narrower than this


def _cell(value: object) -> Text:
    return Text("-" if value is None or value == "" else printable(str(value)))


def _width(cells: list[list[Text]], headers: Sequence[str], wrap: Sequence[str]) -> int:
    """How wide the table may be drawn. On a terminal only the free-text columns (`wrap`)
    fold to fit; codes, times and counts are never cut, so a table that cannot fit that way
    runs past the edge and the terminal wraps its lines."""
    if not sys.stdout.isatty():
        return WIDE
    terminal = Console(file=sys.stdout).width
    needed = 0
    for index, name in enumerate(headers):
        widest = max([cell_len(name)] + [row[index].cell_len for row in cells])
        needed += min(widest, NARROWEST_TEXT) if name in wrap else widest
    needed += GAP * (len(headers) - 1)
    return terminal if needed <= terminal else WIDE


def _emit(renderable: Any, width: int) -> None:
    console = Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False)
    with console.capture() as captured:
        console.print(renderable)
    sys.stdout.write("".join(f"{line.rstrip()}\n" for line in captured.get().splitlines()))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    right: Sequence[str] = (),
    wrap: Sequence[str] = (),
    header: bool = True,
) -> None:
    """Rows under a header, each column as wide as its widest cell (wide characters count
    twice); the `right` columns aligned right; on a narrow terminal the `wrap` columns (free
    text) fold. An empty value shows as -."""
    cells = [[_cell(value) for value in row] for row in rows]
    grid = Table(
        box=None,
        show_header=header,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
        padding=(0, GAP, 0, 0),
    )
    for name in headers:
        grid.add_column(
            name,
            justify="right" if name in right else "left",
            no_wrap=name not in wrap,
            overflow="fold",
        )
    for row in cells:
        grid.add_row(*row)
    _emit(grid, _width(cells, headers, wrap))


def say(text: str = "", *, lines: bool = False, err: bool = False) -> None:
    """One line (or, with `lines`, a text of several) made safe for a terminal."""
    print(printable(text, lines=lines), file=sys.stderr if err else sys.stdout)


def emit_json(value: object) -> None:
    """The faithful form for scripts: exact text, escaped where a terminal would act on it."""
    print(json_text(value))
