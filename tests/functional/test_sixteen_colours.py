"""The console on a 16-colour terminal (TERM=xterm), in a real tmux: overdue and due soon,
ALARM and WARN stay apart when the theme's colours fall back to the terminal's sixteen.

The screen is read back with its colours (`capture-pane -e`) and kept as a picture."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.image import SVGImageSnapshotExtension

from tests.conftest import NOW

GRIDCENTER = Path(sys.executable).parent / "gridcenter"
WIDTH, HEIGHT = 160, 48
DUE_SOON = "261120-00029"  # due 3 minutes after the tests' fixed time

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")


@pytest.fixture(scope="module")
def screens(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, list[Text]]]:
    """The wall console's screen on TERM=xterm, line by line with its styles: as it starts,
    and filtered to a case due within minutes (the queue lists overdue cases first)."""
    store = tmp_path_factory.mktemp("sixteen") / "gridcenter.db"
    shutil.copy(demo_template, store)
    socket = f"gc16-{uuid.uuid4().hex[:8]}"  # a tmux server of its own: its own sizes

    def tmux(*args: str) -> str:
        run = ["tmux", "-L", socket, *args]
        return subprocess.run(run, capture_output=True, text=True, check=True).stdout

    def shown(text: str) -> str:
        """The screen once it shows `text` and has stopped changing."""
        deadline = time.monotonic() + 30
        same = 0
        before = ""
        while time.monotonic() < deadline:
            screen = tmux("capture-pane", "-e", "-p", "-t", "wall")
            same = same + 1 if screen == before else 0
            if text in Text.from_ansi(screen).plain and same >= 3:
                return screen
            before = screen
            time.sleep(0.5)
        raise AssertionError(f"{text!r} never appeared, settled; the screen was:\n{screen}")

    command = (
        "env -u COLORTERM -u NO_COLOR -u COLUMNS -u LINES TERM=xterm "
        f"GRIDCENTER_NOW={NOW.isoformat()} {GRIDCENTER} --db sqlite:///{store} "
        "--operator admin --no-jobs --no-bell"
    )
    tmux("new-session", "-d", "-s", "wall", "-x", str(WIDTH), "-y", str(HEIGHT), command)
    tmux("set-option", "-t", "wall", "window-size", "manual")
    tmux("resize-window", "-t", "wall", "-x", str(WIDTH), "-y", str(HEIGHT))
    try:
        captured = {"start": shown("all posts held")}
        tmux("send-keys", "-t", "wall", "/", DUE_SOON, "Enter")
        captured["due soon"] = shown("3m00s left")
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    yield {
        name: [Text.from_ansi(line) for line in text.splitlines()]
        for name, text in captured.items()
    }


def style_of(lines: list[Text], words: str) -> Style:
    """The style of the first place `words` is drawn."""
    for line in lines:
        at = line.plain.find(words)
        if at >= 0:
            return line.get_style_at_offset(Console(), at)
    raise AssertionError(f"{words!r} is not on the screen")


def test_states_stay_apart_in_sixteen_colours(screens: dict[str, list[Text]]) -> None:
    screen = screens["start"]
    overdue, due_soon = style_of(screen, "OVER 23d01h"), style_of(screens["due soon"], "3m00s")
    alarm, warning = style_of(screen, "◆ ALARM"), style_of(screen, "! WARNING")
    strip_alarm, strip_warning = style_of(screen, "◆ ALARM 09:54"), style_of(screen, "! WARN  09")
    for style in (overdue, due_soon, alarm, warning, strip_alarm, strip_warning):
        assert style.color is None or style.color.number is None or style.color.number < 16
        assert style.bgcolor is None or style.bgcolor.number is None or style.bgcolor.number < 16
    assert overdue != due_soon
    assert alarm != warning
    assert strip_alarm.bgcolor != strip_warning.bgcolor and strip_alarm.bold
    assert overdue.bgcolor is not None or overdue.bold or overdue.reverse  # more than a tint
    assert alarm.bgcolor is not None or alarm.reverse


def test_the_sixteen_colour_wall_looks_right(
    screens: dict[str, list[Text]], snapshot: SnapshotAssertion
) -> None:
    console = Console(width=WIDTH, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    for line in screens["start"]:
        console.print(line, overflow="crop", no_wrap=True)
    picture = console.export_svg(title="gridcenter at 16 colours (TERM=xterm)")
    assert picture == snapshot(extension_class=SVGImageSnapshotExtension)
