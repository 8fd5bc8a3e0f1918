"""The log file: what the jobs did, and the full traceback of any unexpected error.

One rotating file in the user's state folder, for the console and every command. A user
never sees a traceback: the screen gets one line naming the error and this file.
"""

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_state_dir

from gridcenter.formatting import printable

LEVELS = ("debug", "info", "warning", "error")
DEFAULT_LEVEL = "info"
MAX_BYTES = 2 << 20
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("gridcenter")


class _LogFile(RotatingFileHandler):
    """Marks the handler set up here, so that setting up again replaces it."""


def log_path() -> Path:
    return Path(user_state_dir("gridcenter", appauthor=False)) / "gridcenter.log"


def _installed() -> _LogFile | None:
    return next((h for h in logging.getLogger().handlers if isinstance(h, _LogFile)), None)


def setup(level: str = DEFAULT_LEVEL) -> Path | None:
    """Send every log record of this process at `level` or above to the log file; None when
    the file cannot be written (records are then dropped, never printed over a screen)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _LogFile | logging.NullHandler)]:
        root.removeHandler(old)
        old.close()
    root.setLevel(level.upper())
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = _LogFile(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    return path


def reason(error: BaseException) -> str:
    """An error in one line a user can read: its kind and the first line of its message."""
    lines = str(error).strip().splitlines()
    kind = type(error).__name__
    return printable(f"{kind}: {lines[0]}" if lines else kind)


def record_unexpected(error: BaseException, doing: str) -> str:
    """Write the full traceback of an error nobody expected to the log file (`doing` says
    what was under way); return the one line to show instead."""
    installed = _installed()
    path = installed.baseFilename if installed else setup(DEFAULT_LEVEL)
    log.error("unexpected error while %s", doing, exc_info=error)
    where = f"details in {path}" if path else f"no log file could be written at {log_path()}"
    return f"unexpected error: {reason(error)}; {where}"
