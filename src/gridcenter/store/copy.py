"""Moving a whole store to another engine: the day a street office grows into a district."""

from sqlalchemy import func, insert, select, text
from sqlmodel import SQLModel

from gridcenter.store import migrate
from gridcenter.store.database import Database
from gridcenter.store.tallies import MARK, TABLE

BATCH = 5_000


class CopyRefused(Exception):
    """The copy cannot start; nothing was written."""


def copy_store(source: Database, target: Database) -> dict[str, int]:
    """Copy every row, table by table in foreign-key order; returns the rows per table.
    The grid tallies and their late mark are not copied: the target's triggers count them
    as the rows arrive, as of the target's own mark."""
    if migrate.current_revision(source.engine) != migrate.head():
        raise CopyRefused("the source store is not at the newest schema: upgrade it first")
    if not migrate.is_empty(target.engine):
        raise CopyRefused("the target store is not empty: copy into a new, empty database")
    migrate.upgrade(target.engine)
    copied_tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in (TABLE, MARK)]
    counts: dict[str, int] = {}
    with source.engine.connect() as reading, target.engine.begin() as writing:
        for table in copied_tables:
            rows = reading.execution_options(yield_per=BATCH).execute(select(table))
            copied = 0
            for chunk in rows.mappings().partitions():
                writing.execute(insert(table), [dict(row) for row in chunk])
                copied += len(chunk)
            counts[table.name] = copied
            if target.engine.dialect.name == "postgresql" and "id" in table.c:
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT max(id) FROM {table.name}), 1))"
                    )
                )
    with target.engine.connect() as checking:
        for table in copied_tables:
            stored = checking.execute(select(func.count()).select_from(table)).scalar()
            if stored != counts[table.name]:
                raise CopyRefused(
                    f"{table.name}: copied {counts[table.name]} rows but the target holds {stored}"
                )
    return counts
