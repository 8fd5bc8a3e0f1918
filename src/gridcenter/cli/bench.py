"""`gridcenter bench`: how fast the console is on a city, as figures."""

import json
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_cache_dir

from gridcenter.bench.load import run_load
from gridcenter.bench.run import REFRESHES, REPORTS, prepare, run_bench
from gridcenter.cli.common import fail, refusals


def bench(
    db: Annotated[
        str | None, typer.Option(help="Scratch store (a SQLite file by default).")
    ] = None,
    grids: Annotated[int, typer.Option(min=10)] = 10_000,
    cases: Annotated[int, typer.Option(min=100)] = 1_000_000,
    open_cases: Annotated[int, typer.Option("--open", min=10)] = 100_000,
    staff: Annotated[int, typer.Option(min=10)] = 5_000,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    consoles: Annotated[
        int,
        typer.Option(min=0, help="A load run instead: this many consoles' live loops at once."),
    ] = 0,
    seconds: Annotated[float, typer.Option(min=1, help="How long the load run writes.")] = 60,
    rate: Annotated[float, typer.Option(min=0.1, help="Case changes a second in a load run.")] = 20,
    refreshes: Annotated[
        int, typer.Option(min=2, help="Refreshes measured of each kind (fewer: a quick look).")
    ] = REFRESHES,
) -> None:
    """Build (or reuse) a synthetic city and measure the console on it, or (with --consoles)
    run many consoles' live loops while a writer changes cases."""
    if open_cases > cases:
        fail("--open cannot exceed --cases")
    if db is None:
        folder = Path(user_cache_dir("gridcenter", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        db = f"sqlite:///{folder / f'bench-{grids}-{cases}-{open_cases}.db'}"
    with refusals():
        try:
            store, build_s = prepare(
                db,
                grids,
                cases,
                open_cases,
                staff,
                say=lambda text: None if as_json else print(text, flush=True),
            )
        except (ValueError, RuntimeError) as error:
            fail(str(error))
    if consoles:
        try:
            load = run_load(store, consoles, seconds, rate)
        except (ValueError, RuntimeError) as error:
            fail(str(error))
        finally:
            store.dispose()
        if as_json:
            print(json.dumps(load.as_json()))
            return
        print(
            f"load run on {load.engine}: {load.consoles} consoles, {load.changes} changes "
            f"meant for {load.seconds:.0f} s, written in {load.writing_s:.0f} s"
        )
        print(f"  errors {load.errors}, lost {load.lost}, never on screen {load.unseen}")
        print(f"  on every console within: worst {load.worst_s:.2f} s, p95 {load.p95_s:.2f} s")
        return
    try:
        figures = run_bench(store, grids, cases, open_cases, refreshes)
    except ValueError as error:
        fail(str(error))
    finally:
        store.dispose()
    if as_json:
        print(json.dumps(figures.as_json()))
        return
    floor = figures.floor_ms or 1.0
    visible = figures.visible_floor_ms or 1.0
    print(
        f"engine {figures.engine}, {grids} grids, {cases} cases, {open_cases} open"
        + (f" (built in {build_s:.0f} s)" if build_s else " (store reused)")
    )
    for key in (
        "first_paint_ms",
        "refresh_p50_ms",
        "refresh_p95_ms",
        "follow_p50_ms",
        "follow_p95_ms",
        "idle_poll_ms",
        "action_ms",
        "sweep_ms",
        "floor_ms",
        "visible_floor_ms",
    ):
        value = getattr(figures, key)
        print(
            f"  {key:<16} {value:>10.2f}   {value / floor:>6.1f}x floor"
            f"   {value / visible:>6.1f}x visible floor"
        )
    print(f"  {'rss_mb':<16} {figures.rss_mb:>10.1f}")
    print(
        f"  {'report_ms':<16} {figures.report_ms:>10.2f}   (the monthly district report: median"
        f" of {REPORTS} runs; the first took {figures.report_first_ms:.0f} ms)"
    )
    print(
        f"  {'store_mb':<16} {figures.store_mb:>10.1f}   ({figures.bytes_per_case:.0f} bytes"
        " a case)"
    )
