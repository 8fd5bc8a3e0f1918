"""The benchmark runs end to end on a small city and prints the promised figures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _admin

KEYS = {
    "first_paint_ms",
    "refresh_p50_ms",
    "refresh_p95_ms",
    "idle_poll_ms",
    "action_ms",
    "sweep_ms",
    "rss_mb",
    "floor_ms",
    "visible_floor_ms",
    "report_ms",
    "report_first_ms",
    "store_mb",
    "bytes_per_case",
    "engine",
    "grids",
    "cases",
    "open",
}


def test_bench_builds_a_city_measures_it_and_reuses_it(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'bench.db'}"
    args = [
        sys.executable,
        "-m",
        "gridcenter",
        "bench",
        "--db",
        store,
        "--grids",
        "60",
        "--cases",
        "600",
        "--open",
        "120",
        "--staff",
        "20",
        "--refreshes",
        "6",
    ]
    first = subprocess.run([*args, "--json"], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    figures = json.loads(first.stdout)
    assert set(figures) == KEYS
    assert (figures["engine"], figures["grids"], figures["cases"], figures["open"]) == (
        "sqlite",
        60,
        600,
        120,
    )
    assert all(figures[key] > 0 for key in KEYS - {"engine", "grids", "cases", "open"})
    # The store's size over its cases (store_mb is rounded to a tenth of a megabyte).
    assert figures["store_mb"] * 2**20 / 600 == pytest.approx(figures["bytes_per_case"], rel=0.05)
    again = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "store reused" in again.stdout and "x floor" in again.stdout
    assert "follow_p95_ms" in again.stdout  # the console's own refresh, in the table only
    assert "report_ms" in again.stdout and "monthly district report" in again.stdout
    assert "x visible floor" in again.stdout and "bytes a case" in again.stdout


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_load_run_accounts_for_every_change_on_every_console(
    tmp_path: Path, request: pytest.FixtureRequest, engine: str
) -> None:
    if engine == "sqlite":
        store = f"sqlite:///{tmp_path / 'load.db'}"
    else:
        postgres = request.getfixturevalue("postgres")
        _admin(postgres, "CREATE DATABASE load_run")
        store = f"{postgres}/load_run"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridcenter",
            "bench",
            "--db",
            store,
            *("--grids", "40", "--cases", "300", "--open", "80", "--staff", "12"),
            *("--consoles", "3", "--seconds", "3", "--rate", "10", "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    load = json.loads(result.stdout)
    assert (load["engine"], load["consoles"], load["changes"]) == (engine, 3, 30)
    assert (load["errors"], load["lost"], load["unseen"]) == (0, 0, 0)
    # Polled every second (and woken at once on PostgreSQL): well within the 2 s target.
    assert 0 < load["worst_s"] < 2
