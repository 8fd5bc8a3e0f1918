"""`gridcenter db ...`: schema upgrades, backups and moving a store to another engine."""

from pathlib import Path
from typing import Annotated

import typer

from gridcenter.cli.common import fail, refusals, settings_of
from gridcenter.store import migrate
from gridcenter.store.copy import CopyRefused, copy_store
from gridcenter.store.database import Database

app = typer.Typer(help="Schema upgrades, backups and store copies.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Bring the store (--db) to the newest schema without losing a row."""
    with refusals():
        db = Database(settings_of(ctx).db_url, existing=True)
        try:
            before = migrate.current_revision(db.engine)
            migrate.upgrade(db.engine)
            after = migrate.current_revision(db.engine)
        finally:
            db.dispose()
    print(f"schema {before or 'none'} -> {after}")


@app.command()
def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="A new file for the copy.")],
) -> None:
    """Copy a SQLite store (--db) to a new file while consoles and jobs keep working on it.
    A PostgreSQL store is backed up with pg_dump."""
    if target.exists():
        fail(f"{target} already exists: name a new file")
    with refusals():
        db = Database(settings_of(ctx).db_url, existing=True)
        try:
            if not db.is_sqlite:
                fail(
                    "db backup copies SQLite stores; back up a PostgreSQL store with "
                    "pg_dump --format=custom (see the operations guide)"
                )
            db.backup(target)
        except FileExistsError:
            fail(f"{target} already exists: name a new file")
        except OSError as error:
            fail(f"cannot write {target}: {error.strerror}")
        finally:
            db.dispose()
    print(f"backed up to {target}")


@app.command()
def copy(
    source: Annotated[str, typer.Option("--from", help="The store to copy (a database URL).")],
    target: Annotated[str, typer.Option("--to", help="An empty database to copy into.")],
) -> None:
    """Copy a whole store, for example from SQLite to PostgreSQL."""
    with refusals():
        origin = Database(source, existing=True)
        destination = Database(target)
        try:
            counts = copy_store(origin, destination)
        except CopyRefused as refused:
            fail(str(refused))
        finally:
            origin.dispose()
            destination.dispose()
    print(f"copied {sum(counts.values())} rows in {len(counts)} tables")
