"""Opening a store for a front end: the composition root of the console and the CLI."""

import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from gridcenter.config import Settings
from gridcenter.domain.access import Actor, Role
from gridcenter.domain.errors import Refused
from gridcenter.services.accounts import actor_for, ensure_local_admin
from gridcenter.services.context import Context, make_loop
from gridcenter.store.database import Database
from gridcenter.store.seeding import seed_demo


def _new_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return False
    return parsed.database != ":memory:" and not Path(parsed.database).exists()


def open_context(settings: Settings, channel: str = "local") -> Context:
    """Open the store as the settings' operator (a new SQLite file gets the demo district).

    Refused when the operator has no active account."""
    fresh = _new_sqlite_file(settings.db_url)
    db = Database(settings.db_url)
    loop = make_loop()
    if fresh:
        report = seed_demo(db, loop, settings.clock.now())
        print(
            f"gridcenter: new store with the demo district ({report.grids} grids, "
            f"{report.cases} cases) at {make_url(settings.db_url).database}",
            file=sys.stderr,
        )
    else:
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
