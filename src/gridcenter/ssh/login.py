"""`gridcenter ssh-login`: what sshd runs for a street office, whatever it asked for.

The account is the operating-system login (or the one an administrator
named with --as in a forced command), never a variable the client sent. A
requested command, a shell or a file transfer is refused. When the
connection drops the console exits at once: on hang-up, and by a watchdog
that notices a lost terminal or an orphaned process.
"""

import os
import signal
import stat
import sys
import threading
import time
from pathlib import Path

from gridcenter.resources import package_file
from gridcenter.store.files import OFFICE_GROUP, office_group

WATCH_EVERY_S = 2.0


def refuse_requested_command() -> str | None:
    """Why this session may not go on, or None."""
    requested = os.environ.get("SSH_ORIGINAL_COMMAND")
    if requested:
        return (
            "this login opens the gridcenter console only; "
            f"commands, shells and file transfers are refused ({requested.split()[0]!r})"
        )
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "the gridcenter console needs a terminal: connect with ssh -t"
    return None


def _gone(*_: object) -> None:
    os._exit(0)  # the terminal is gone: nothing left to draw on, nothing left to save


def guard_session() -> None:
    """Exit on hang-up; never suspend to a prompt; exit when the terminal is lost."""
    signal.signal(signal.SIGHUP, _gone)
    signal.signal(signal.SIGPIPE, _gone)
    for name in ("SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGQUIT"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    parent = os.getppid()
    # The descriptor itself, taken now: while the console runs, Textual swaps sys.stdout for
    # a print capture whose fileno() is -1, and reading that looked like a lost terminal.
    screen_fd = sys.stdout.fileno()
    terminal = os.ttyname(screen_fd)

    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY_S)
            try:
                alive = os.getppid() == parent and os.ttyname(screen_fd) == terminal
            except OSError:
                alive = False
            if not alive:
                _gone()

    threading.Thread(target=watch, daemon=True, name="terminal-watchdog").start()


def sshd_snippet(command: str) -> str:
    return package_file("ssh/sshd_gridcenter.conf").read_text("utf-8").format(command=command)


def _allows(path: Path, group: int | None, other_bits: int) -> bool:
    mode = path.stat().st_mode
    if mode & other_bits == other_bits:
        return True
    group_bits = other_bits << 3
    return group is not None and path.stat().st_gid == group and mode & group_bits == group_bits


def office_access_problem(store: Path) -> str | None:
    """Why the street offices' OS users (the group gridcenter) could not work on this SQLite
    store, or None. They need to read and write the file and create files beside it (SQLite's
    write-ahead log), and to enter every folder above it."""
    group = office_group()
    where = f"the street offices (group {OFFICE_GROUP}) cannot use the store {store}"
    try:
        if not store.exists():
            return f"{where}: there is no such file"
        blocked = [f for f in store.parent.parents if not _allows(f, group, stat.S_IXOTH)]
        if blocked:
            return f"{where}: they cannot enter {blocked[0]}"
        if not _allows(store.parent, group, stat.S_IXOTH | stat.S_IWOTH):
            return f"{where}: they cannot write in {store.parent}"
        if not _allows(store, group, stat.S_IROTH | stat.S_IWOTH):
            return f"{where}: they cannot read and write it"
    except OSError as error:
        return f"{where}: {error.strerror}"
    return None
