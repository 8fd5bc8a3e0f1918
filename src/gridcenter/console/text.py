"""Text from people and feeds, ready for the screen: never read as markup, never drawn with
its control characters (they are shown as visible escapes)."""

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from gridcenter.formatting import printable


def plain(text: str | None, style: str = "") -> Text:
    """A value for a Static, a Label, a table cell or an option: shown exactly as written."""
    return Text(printable(text or "", lines=True), style=style)


def fitted(text: str, width: int) -> str:
    """One line cut or padded to `width` terminal cells (wide characters count two), with an
    ellipsis where it was cut."""
    text = printable(text)
    if cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""
    return set_cell_size(text, width)
