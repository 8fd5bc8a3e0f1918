"""Schema migrations with Alembic: a new store is created at the newest revision,
an older one is brought up to date by `gridcenter db upgrade` without losing a row."""

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

from gridcenter.store.history import protect
from gridcenter.store.notify import install_notify
from gridcenter.store.tallies import install_tallies

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a store is opened, not at start-up: `gridcenter --help` and the
# commands that never open a store do without its tenth of a second.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class UpgradeRefused(Exception):
    """A migration found rows it cannot carry over as they are: the message says which, and
    what to do first. Nothing was changed."""


def _config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    from alembic.script import ScriptDirectory

    current = ScriptDirectory.from_config(_config()).get_current_head()
    assert current is not None
    return current


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store to `revision` (the newest by default), then (re)install its triggers:
    history protection, change notification and the board's tallies."""
    from alembic import command

    config = _config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(connection, on=False)
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    _refuse_broken_references(connection)
        finally:
            if sqlite:
                _foreign_keys(connection, on=True)
    with engine.begin() as connection:
        protect(connection)
        install_notify(connection)
        install_tallies(connection)


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign key
    checks refuse while other tables refer to it: they are off during the migrations (the
    pragma only takes effect outside a transaction) and checked as a whole before commit."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _refuse_broken_references(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        table, row, parent, _ = broken[0]
        raise UpgradeRefused(
            f"{len(broken)} rows refer to rows that are not there (first: {table} row {row} "
            f"refers to {parent}); nothing was changed"
        )
