"""Schema migrations and store copies, on SQLite and a real PostgreSQL."""

from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, insert, select
from sqlmodel import SQLModel

from gridcenter.store import migrate, tables
from gridcenter.store.copy import CopyRefused, copy_store
from gridcenter.store.database import Database, StoreOutdated
from gridcenter.store.history import verify
from tests.functional.test_cli import gridcenter

FIRST_RELEASE = "0001"


def counts(db: Database) -> dict[str, int]:
    """Rows per table, for the tables this store has (an old store may have fewer)."""
    present = MetaData()
    present.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar() or 0
            for name, table in present.tables.items()
            if name != "alembic_version"
        }


def test_the_newest_schema_is_what_the_tables_describe(tmp_path: Path) -> None:
    """A migration must exist for every change to the tables: autogenerate finds nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.create_schema()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    db.dispose()
    assert differences == []


def first_release_store(url: str, template: Database) -> None:
    """A store made by the first released schema, holding the demo's rows (the columns
    that schema had), whatever migrations came after it."""
    target = Database(url)
    migrate.upgrade(target.engine, FIRST_RELEASE)
    old = MetaData()
    old.reflect(target.engine)
    with template.engine.connect() as reading, target.engine.begin() as writing:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            current = SQLModel.metadata.tables[table.name]
            names = [c.name for c in table.columns if c.name in current.c]
            rows = reading.execute(select(*[current.c[n] for n in names])).mappings().all()
            if rows:
                writing.execute(insert(table), [dict(r) for r in rows])
    target.dispose()


def timer_checks(db: Database) -> dict[str, object]:
    """When the sweep next looks at each open case that has had no timer alert yet."""
    case = tables.Case
    with db.read() as session:
        return dict(
            session.execute(
                select(case.code, case.alert_due_at).where(
                    case.step != "closed", case.alert_stage == 0
                )
            ).all()
        )


def test_a_store_of_the_first_release_upgrades_without_losing_a_row(
    demo_url: str, tmp_path: Path
) -> None:
    template = Database(demo_url)
    if demo_url.startswith("sqlite"):
        old_url = f"sqlite:///{tmp_path / 'first_release.db'}"
    else:
        from tests.conftest import _admin

        base, _ = demo_url.rsplit("/", 1)
        _admin(base, "CREATE DATABASE first_release")
        old_url = f"{base}/first_release"
    first_release_store(old_url, template)
    old = Database(old_url)
    assert migrate.current_revision(old.engine) == FIRST_RELEASE
    before = counts(old)
    assert before["cases"] == counts(template)["cases"] > 0
    result = gridcenter(old_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert migrate.current_revision(old.engine) == migrate.head()
    after = counts(old)
    assert {name: after[name] for name in before} == before
    checks = timer_checks(template)
    assert checks and timer_checks(old) == checks  # 0003 filled alert_due_at in
    assert gridcenter(old_url, "--operator", "admin", "audit", "verify").returncode == 0
    old.dispose()
    template.dispose()
    if not demo_url.startswith("sqlite"):
        _admin(base, "DROP DATABASE first_release WITH (FORCE)")


def test_an_outdated_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    db.create_schema()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    with pytest.raises(StoreOutdated, match="run `gridcenter db upgrade`"):
        db.create_schema()
    db.dispose()


def test_copy_moves_a_whole_store_from_sqlite_to_postgresql(demo_path: Path, postgres: str) -> None:
    from tests.conftest import _admin

    _admin(postgres, "CREATE DATABASE copy_target")
    source = Database(f"sqlite:///{demo_path}")
    target_url = f"{postgres}/copy_target"
    result = gridcenter(target_url, "db", "copy", "--from", source.url, "--to", target_url)
    assert result.returncode == 0, result.stderr
    target = Database(target_url)
    assert counts(target) == counts(source)
    with target.read() as session:
        checked, broken = verify(session)
    assert checked > 0 and broken == []
    listed = gridcenter(target_url, "case", "list", "--json", "--limit", "5")
    assert listed.returncode == 0, listed.stderr
    again = gridcenter(target_url, "db", "copy", "--from", source.url, "--to", target_url)
    assert again.returncode != 0 and "not empty" in again.stderr
    with pytest.raises(CopyRefused, match="not empty"):
        copy_store(source, target)
    source.dispose()
    target.dispose()
    _admin(postgres, "DROP DATABASE copy_target WITH (FORCE)")
