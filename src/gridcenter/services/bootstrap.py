"""Opening a store for a front end: the composition root of the console and the CLI."""

import os
import sys
from collections.abc import Callable
from pathlib import Path

from gridcenter.config import Settings, os_login
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.errors import Refused
from gridcenter.domain.loop import ClosedLoop
from gridcenter.services.accounts import acting_actor, actor_for, ensure_local_admin
from gridcenter.services.context import Context, make_loop
from gridcenter.store.database import Database, missing_store, sqlite_path
from gridcenter.store.seeding import seed_demo, seed_reference


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


def open_context(
    settings: Settings,
    channel: str = "local",
    create: bool = False,
    ask_password: Callable[[str], str] | None = None,
) -> Context:
    """Open the store as the settings' operator. A SQLite file that is not there is refused,
    or with `create` made with the demo district.

    Locally, the operator is the OS login's account, or another one that OS login may act
    as (see `acting_actor`); over SSH it is the account the forced command names. Refused
    when that account is not active."""
    loop = make_loop()
    missing = missing_store(settings.db_url) if create else None
    if missing is not None:
        _create_demo_store(missing, settings, loop)
    db = Database(settings.db_url, existing=True)
    try:
        db.create_schema()
        if channel != "local":
            actor = actor_for(db, settings.operator, channel)
        else:
            login = os_login()
            local = Actor(login=login, role=Role.ADMIN, channel=channel)
            if ensure_local_admin(Context(db, loop, settings.clock, local)):
                print(f"gridcenter: {login} is now the local admin", file=sys.stderr)
            actor = acting_actor(db, login, settings.operator, ask_password)
    except BaseException:
        db.dispose()
        raise
    return Context(db=db, loop=loop, clock=settings.clock, actor=actor)


def init_store(settings: Settings) -> tuple[int, str]:
    """A new store for a district of its own: the shipped reference data, no territory,
    people or cases, and the local user as its admin. How many categories it has, and who
    its admin is."""
    path = sqlite_path(settings.db_url)
    if path is not None and path.exists() and path.stat().st_size:
        raise Refused(f"{path} exists already; `init` makes a new store")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    loop = make_loop()
    db = Database(settings.db_url)
    try:
        categories = seed_reference(db, loop, settings.clock.now())
        login = os_login()
        ensure_local_admin(Context(db, loop, settings.clock, Actor(login, Role.ADMIN)))
    finally:
        db.dispose()
    return categories, login
