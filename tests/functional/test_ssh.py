"""Street offices over a real OpenSSH server on 127.0.0.1, driven through tmux."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.functional.helpers import read_terminal, tmux, wait_for_screen

SSHD = Path("/usr/sbin/sshd")
GRIDCENTER = Path(sys.executable).parent / "gridcenter"
# A throw-away host key and no prompts: the same for ssh and sftp.
CLIENT_OPTIONS = [
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "LogLevel=ERROR",
]

pytestmark = pytest.mark.skipif(
    not SSHD.exists() or not shutil.which("tmux") or os.geteuid() != 0,
    reason="needs openssh-server and tmux, installed by tests/run.sh as root",
)


@dataclass
class Center:
    port: int
    keys: dict[str, Path]
    folder: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def center(tmp_path: Path, demo_path: Path) -> Iterator[Center]:
    os.chmod(tmp_path, 0o755)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", tmp_path / "hostkey"], check=True
    )
    keys, lines = {}, []
    for office in ("xiangjiang", "yuelu"):
        key = tmp_path / f"{office}_key"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
        keys[office] = key
        command = f"env GRIDCENTER_DB=sqlite:///{demo_path} {GRIDCENTER} ssh-login --as {office}"
        lines.append(f'restrict,pty,command="{command}" {key.with_suffix(".pub").read_text()}')
    (tmp_path / "authorized_keys").write_text("".join(lines))
    port = free_port()
    config = tmp_path / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp_path / 'hostkey'}\n"
        f"PidFile {tmp_path / 'sshd.pid'}\nAuthorizedKeysFile {tmp_path / 'authorized_keys'}\n"
        "PermitRootLogin forced-commands-only\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nLogLevel ERROR\n"
        "AllowTcpForwarding no\nX11Forwarding no\nPermitTunnel no\nAllowAgentForwarding no\n"
        "ClientAliveInterval 15\nClientAliveCountMax 3\nSubsystem sftp internal-sftp\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    subprocess.run([SSHD, "-t", "-f", config], check=True)
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", config])
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield Center(port, keys, tmp_path)
    server.terminate()
    server.wait(timeout=10)


def ssh_args(center: Center, office: str) -> list[str]:
    return [
        "ssh",
        "-i",
        str(center.keys[office]),
        "-p",
        str(center.port),
        *CLIENT_OPTIONS,
    ]


def console_processes(office: str) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-f", f"ssh-login --as {office}"], capture_output=True, text=True
    )
    return found.stdout.split()


def test_each_street_office_sees_only_its_street_and_leaves_nothing_behind(
    center: Center,
) -> None:
    sessions = {}
    try:
        for office in ("xiangjiang", "yuelu"):
            session = f"gc-{office}"
            command = " ".join([*ssh_args(center, office), "-tt", "root@127.0.0.1"])
            tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "36", command)
            # Should the client or the console end early, its last words stay on the screen.
            tmux("set-option", "-t", session, "remain-on-exit", "on")
            sessions[office] = session
        xiangjiang = wait_for_screen(sessions["xiangjiang"], "Grid alert status")
        yuelu = wait_for_screen(sessions["yuelu"], "Grid alert status")
        xiangjiang = wait_for_screen(sessions["xiangjiang"], "Xiangjiang Street")
        yuelu = wait_for_screen(sessions["yuelu"], "Yuelu Hill Street")
        assert "xiangjiang (supervisor)" in xiangjiang
        assert "yuelu (supervisor)" in yuelu
        board = "\n".join(line for line in xiangjiang.splitlines() if "│  " in line)
        assert "Yuelu Hill Street" not in xiangjiang.split("Grid alert status")[1]
        assert "Xiangjiang Street" not in yuelu.split("Grid alert status")[1]
        assert board

        coloured = tmux("capture-pane", "-p", "-e", "-t", sessions["xiangjiang"])
        assert "\x1b[38;" in coloured or "\x1b[3" in coloured, "no colours over SSH"
        assert "│" in xiangjiang and "╭" in xiangjiang, "box drawing (UTF-8) is missing"

        tmux("resize-window", "-t", sessions["xiangjiang"], "-x", "80", "-y", "24")
        small = wait_for_screen(sessions["xiangjiang"], "tab ⇥")
        assert max(len(line) for line in small.splitlines()) <= 80

        assert console_processes("xiangjiang") and console_processes("yuelu")
        for session in sessions.values():
            tmux("kill-session", "-t", session)  # the client vanishes without a goodbye
        sessions.clear()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            console_processes("xiangjiang") or console_processes("yuelu")
        ):
            time.sleep(0.5)
        assert not console_processes("xiangjiang"), "a console outlived its connection"
        assert not console_processes("yuelu"), "a console outlived its connection"
    finally:
        for session in sessions.values():
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


@pytest.mark.parametrize("request_", [["ls", "/"], ["bash", "-i"], ["cat", "/etc/shadow"]])
def test_commands_and_shells_are_refused(center: Center, request_: list[str]) -> None:
    result = subprocess.run(
        [*ssh_args(center, "xiangjiang"), "root@127.0.0.1", *request_],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "opens the gridcenter console only" in result.stderr + result.stdout
    assert "root:" not in result.stdout


def test_file_transfer_is_refused(center: Center) -> None:
    result = subprocess.run(
        [
            "sftp",
            "-i",
            str(center.keys["yuelu"]),
            "-P",
            str(center.port),
            *CLIENT_OPTIONS,
            "root@127.0.0.1",
        ],
        input="ls /\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "etc" not in result.stdout


def test_the_shipped_sshd_settings_are_valid(center: Center, tmp_path: Path) -> None:
    url = "postgresql://gc@127.0.0.1/city"
    snippet = subprocess.run(
        [str(GRIDCENTER), "ssh-config", "--db", url], capture_output=True, text=True, check=True
    ).stdout
    assert f"ForceCommand {GRIDCENTER} --db {url} ssh-login" in snippet
    config = tmp_path / "with_snippet"
    base = (center.folder / "sshd_config").read_text()
    base = "\n".join(line for line in base.splitlines() if not line.startswith("ClientAlive"))
    config.write_text(base + "\n" + snippet)
    subprocess.run([SSHD, "-t", "-f", config], check=True)


def test_the_watchdog_keeps_a_console_whose_stdout_is_swapped(tmp_path: Path) -> None:
    """While Textual runs it swaps sys.stdout for a capture whose fileno() is -1: that is not a
    lost terminal, and the console must stay (it used to exit, now and then, over SSH)."""
    script = tmp_path / "swapped.py"
    script.write_text(
        "import io, sys, time\n"
        "from gridcenter.ssh import login\n"
        "login.guard_session()\n"
        "class Capture(io.StringIO):\n"
        "    def fileno(self): return -1\n"
        "real, sys.stdout = sys.stdout, Capture()\n"
        "time.sleep(login.WATCH_EVERY_S * 2.5)\n"
        "real.write('still here\\n'); real.flush()\n"
        "sys.exit(3)\n"
    )
    pid, fd = os.forkpty()
    if pid == 0:  # the child, on its own terminal as over SSH
        os.execv(sys.executable, [sys.executable, str(script)])
    output = read_terminal(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3, output.decode(errors="replace")
    assert b"still here" in output
