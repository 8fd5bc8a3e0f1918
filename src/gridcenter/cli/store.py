"""`gridcenter db ...`: schema upgrades and moving a store to another engine."""

from typing import Annotated

import typer

from gridcenter.cli.common import fail, settings_of
from gridcenter.store import migrate
from gridcenter.store.copy import CopyRefused, copy_store
from gridcenter.store.database import Database

app = typer.Typer(help="Schema upgrades and store copies.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Bring the store (--db) to the newest schema without losing a row."""
    db = Database(settings_of(ctx).db_url)
    try:
        before = migrate.current_revision(db.engine)
        migrate.upgrade(db.engine)
        after = migrate.current_revision(db.engine)
    finally:
        db.dispose()
    print(f"schema {before or 'none'} -> {after}")


@app.command()
def copy(
    source: Annotated[str, typer.Option("--from", help="The store to copy (a database URL).")],
    target: Annotated[str, typer.Option("--to", help="An empty database to copy into.")],
) -> None:
    """Copy a whole store, for example from SQLite to PostgreSQL."""
    origin, destination = Database(source), Database(target)
    try:
        counts = copy_store(origin, destination)
    except CopyRefused as refused:
        fail(str(refused))
    finally:
        origin.dispose()
        destination.dispose()
    print(f"copied {sum(counts.values())} rows in {len(counts)} tables")
