"""Fitting columns to a width: fixed ones first, flexible ones share the rest,
and the least important columns drop out when the pane is narrow."""

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from gridcenter.console.text import fitted
from gridcenter.formatting import printable


@dataclass(frozen=True)
class Column:
    name: str
    width: int  # the fixed width, or the minimum width of a flexible column
    flex: int = 0  # a flexible column's share of the spare width (0: fixed)
    drop: int = 0  # 0 never drops; higher numbers drop first
    right: bool = False


def fit(columns: list[Column], width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width` (one space between each), with their widths."""
    shown = list(columns)
    while True:
        gaps = len(shown) - 1
        need = sum(c.width for c in shown) + gaps
        if need <= width or not any(c.drop for c in shown):
            break
        shown.remove(max((c for c in shown if c.drop), key=lambda c: c.drop))
    gaps = len(shown) - 1
    spare = max(width - sum(c.width for c in shown) - gaps, 0)
    flexible = [c for c in shown if c.flex]
    shares = sum(c.flex for c in flexible)
    given = {id(c): spare * c.flex // shares for c in flexible} if shares else {}
    if flexible:
        given[id(flexible[0])] += spare - sum(given.values())
    return [(column, column.width + given.get(id(column), 0)) for column in shown]


def cells(
    columns: list[Column],
    width: int,
    values: dict[str, str],
    base: Style | None = None,
    styles: dict[str, Style] | None = None,
) -> list[Segment]:
    """One row: each shown column's value in its width, one space between columns."""
    segments: list[Segment] = []
    for column, size in fit(columns, width):
        if segments:
            segments.append(Segment(" ", base))
        style = base + styles[column.name] if base and styles and column.name in styles else base
        segments.append(cell(values[column.name], size, style, right=column.right))
    return segments


def header_cells(columns: list[Column], width: int) -> list[Segment]:
    return cells(columns, width, {column.name: column.name for column in columns})


def cell(text: str, width: int, style: Style | None = None, right: bool = False) -> Segment:
    """One column of a row in `width` terminal cells: padded, or cut with an ellipsis, never
    mid-word without one; its control characters shown as escapes."""
    if width <= 0:
        return Segment("")
    if right:
        text = printable(text)
        room = cell_len(text)
        if room <= width:
            return Segment(" " * (width - room) + text, style)
    return Segment(fitted(text, width), style)
