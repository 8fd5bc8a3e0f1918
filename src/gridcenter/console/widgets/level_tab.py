"""A level's tab, whose label carries the queue's live counts."""

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static, Tab


class LevelTab(Tab):
    def relabel(self, text: str) -> bool:
        """Show `text`; whether the tab changed width. A count that moves by one keeps the
        width, and then the label is redrawn in place: a busy city moves a count at every
        refresh, and a new layout of the whole screen each time is most of a refresh."""
        old = self.label.plain
        if text == old:
            return False
        if cell_len(text) != cell_len(old):
            self.label = text  # a layout, and the tabs move their underline to fit
            return True
        self._label = Content(text)  # what Tab's own setter keeps, without its layout
        Static.update(self, self._label, layout=False)
        return False
