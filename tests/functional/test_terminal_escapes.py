"""A feed's escape sequences never reach a real terminal: the console runs in tmux, every
byte it writes is kept, and tmux's clipboard is watched."""

import base64
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.database import Database
from tests.conftest import NOW

PAYLOAD = base64.b64encode(b"echo pwned").decode()
# An Open311 description as an attacker sends it: a clipboard write (OSC 52), a window
# title (OSC 0), a screen clear and a bell, after plain words to find it on screen.
TITLE = f"Pothole \x1b]52;c;{PAYLOAD}\x07\x1b]0;owned\x07\x1b[2J\x07"


@pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")
def test_an_osc52_title_leaves_the_clipboard_and_the_terminal_alone(
    demo_path: Path, tmp_path: Path
) -> None:
    db = Database(f"sqlite:///{demo_path}")
    with db.write() as session:
        draft = AlertDraft(Kind.UNOWNED, Severity.ALARM, TITLE, "report", "R1", "osc52-test")
        raise_alerts(session, [draft], NOW)
    db.dispose()
    socket = f"gc-osc-{os.getpid()}"
    written = tmp_path / "terminal.bytes"

    def tmux(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True)

    command = (
        f"env XDG_STATE_HOME={tmp_path} GRIDCENTER_NOW={NOW.isoformat()} "
        f"GRIDCENTER_OPERATOR=chen.jie {sys.executable} -m gridcenter "
        f"--db sqlite:///{demo_path} --no-jobs --no-bell"
    )
    try:
        tmux("new-session", "-d", "-s", "osc", "-x", "120", "-y", "36", "sleep 600")
        tmux("set-option", "-g", "set-clipboard", "on")
        tmux("pipe-pane", "-t", "osc", f"cat >> {written}")
        tmux("respawn-pane", "-k", "-t", "osc", command)
        tmux("pipe-pane", "-t", "osc", f"cat >> {written}")
        screen = ""
        for _ in range(100):
            screen = tmux("capture-pane", "-p", "-t", "osc").stdout
            if "Pothole \\x1b]52;c;" in screen:
                break
            time.sleep(0.3)
        assert "Pothole \\x1b]52;c;" in screen, screen
        buffers = tmux("list-buffers").stdout
    finally:
        tmux("kill-server")
    output = written.read_bytes()
    assert b"Pothole \\x1b]52;c;" in output  # the pipe saw the console's drawing
    assert b"\x1b]52" not in output and b"\x1b]0;owned" not in output
    assert "pwned" not in buffers and PAYLOAD not in buffers
