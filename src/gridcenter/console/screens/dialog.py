"""What every dialog shares: keys typed before it is ready are kept, in order.

A dialog is pushed when its key is pressed, but Textual drops keys that reach its input
before the input is mounted: a fast typist, a paste, or a slow terminal over SSH lost
them. So until the dialog has been drawn, the console keeps every key for it
(`GridCenterApp.on_event`); once drawn, the dialog says so through the console's own
queue, behind every key typed so far, and the console then hands it the kept keys in
the order they came, before any key typed later."""

from typing import TypeVar

from textual import events
from textual.message import Message
from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    class Ready(Message):
        def __init__(self, dialog: "Dialog[object]") -> None:
            super().__init__()
            self.dialog = dialog

    def __init__(self) -> None:
        super().__init__()
        self.ready = False
        self.kept: list[events.Key] = []

    def keep(self, key: events.Key) -> None:
        """A key that arrived before the dialog was ready."""
        self.kept.append(events.Key(key.key, key.character))

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.app.post_message(Dialog.Ready(self)))
