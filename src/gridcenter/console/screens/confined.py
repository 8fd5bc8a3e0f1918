"""A screen that fails to read what it shows closes and says so; the console goes on.

Its loading workers run with `exit_on_error=False`: an error nobody expected while
reading (a store that went away, a bug in one query) closes that screen alone with one
line ("Could not show the history: ..."), its traceback in the log file, and leaves the
dashboard running."""

from typing import Any, ClassVar

from textual.worker import Worker, WorkerState

from gridcenter.logs import record_unexpected


class Confined:
    """Mixed into a screen class, before the screen class itself."""

    SHOWS: ClassVar[str] = "this screen"  # what the screen shows, for the one line

    def on_worker_state_changed(self: Any, event: Worker.StateChanged) -> None:
        worker: Worker[object] = event.worker
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        line = record_unexpected(worker.error, f"showing {self.SHOWS}")
        self.app.notify(f"Could not show {self.SHOWS}: {line}", severity="error", timeout=15)
        if self.is_current:
            self.dismiss()
