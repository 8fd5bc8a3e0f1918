"""Opening a store for a front end: the composition root of the console and the CLI."""

import os
import sys
from pathlib import Path

from gridcenter.config import Settings
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.errors import Refused
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.accounts import actor_for, ensure_local_admin
from gridcenter.services.context import Context, make_loop
from gridcenter.store.database import Database, missing_store
from gridcenter.store.seeding import seed_demo


def _create_demo_store(path: Path, settings: Settings, loop: ClosedLoop) -> None:
    """Build the demo district in a file of its own and put it in place in one step: a
    console started at the same moment finds no store or a whole one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.new")
    db = Database(f"sqlite:///{scratch}")
    try:
        report = seed_demo(db, loop, settings.clock.now())
        db.dispose()  # the last connection folds the write-ahead log into the file
        os.link(scratch, path)
    except FileExistsError:
        return  # another console made it first: use that one
    finally:
        db.dispose()
        for leftover in (scratch, *scratch.parent.glob(f"{scratch.name}-*")):
            leftover.unlink(missing_ok=True)
    print(
        f"gridcenter: new store with the demo district ({report.grids} grids, "
        f"{report.cases} cases) at {path}",
        file=sys.stderr,
    )


def open_context(settings: Settings, channel: str = "local", create: bool = False) -> Context:
    """Open the store as the settings' operator. A SQLite file that is not there is refused,
    or with `create` made with the demo district.

    Refused when the operator has no active account."""
    loop = make_loop()
    missing = missing_store(settings.db_url) if create else None
    if missing is not None:
        _create_demo_store(missing, settings, loop)
    db = Database(settings.db_url, existing=True)
    db.create_schema()
    if channel == "local":
        local = Actor(login=settings.operator, role=Role.ADMIN, channel=channel)
        if ensure_local_admin(Context(db, loop, settings.clock, local)):
            print(f"gridcenter: {settings.operator} is now the local admin", file=sys.stderr)
    try:
        actor = actor_for(db, settings.operator, channel)
    except Refused:
        db.dispose()
        raise
    return Context(db=db, loop=loop, clock=settings.clock, actor=actor)
