"""Schema migrations, store copies and reads on several connections, on SQLite and a real
PostgreSQL."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, delete, func, insert, select, update
from sqlmodel import Session, SQLModel

from gridcenter.store import migrate, tables
from gridcenter.store.copy import CopyRefused, copy_store
from gridcenter.store.database import Database, StoreOutdated
from gridcenter.store.history import CHAINED, seal, verify
from gridcenter.store.tallies import COUNTS, advance_late_mark
from tests.conftest import NOW
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
    heads: dict[str, str] = {}
    with template.engine.connect() as reading, target.engine.begin() as writing:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            current = SQLModel.metadata.tables[table.name]
            names = [c.name for c in table.columns if c.name in current.c]
            rows = [
                dict(row)
                for row in reading.execute(select(*[current.c[n] for n in names])).mappings()
            ]
            if table.name in CHAINED:
                heads[table.name] = sealed_the_first_way(table.name, rows)
            if rows:
                writing.execute(insert(table), rows)
        for chain, last_hash in heads.items():
            writing.execute(
                update(old.tables["chain_head"])
                .where(old.tables["chain_head"].c.name == chain)
                .values(last_hash=last_hash)
            )
    target.dispose()


def sealed_the_first_way(chain: str, rows: list[dict[str, object]]) -> str:
    """Seal history rows as the first release did (its head hash): joined text."""
    _, fields = CHAINED[chain]
    previous = ""
    for row in sorted(rows, key=lambda row: int(str(row["id"]))):
        row["prev_hash"] = previous
        row["hash"] = previous = seal(previous, fields, row, 1)
    return previous


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


def tallies(db: Database) -> dict[int, tuple[int, ...]]:
    """The board's counts as the triggers kept them (rows brought back to zero left out)."""
    tally = tables.GridTally
    columns = [getattr(tally, name) for name in COUNTS]
    with db.read() as session:
        rows = session.execute(select(tally.grid_id, *columns)).all()
    return {grid_id: tuple(counted) for grid_id, *counted in rows if any(counted)}


def recount(db: Database) -> dict[int, tuple[int, ...]]:
    """The same counts, counted from the cases and alerts themselves (late ones as of the
    late mark)."""
    case, alert = tables.Case, tables.Alert
    counted: dict[int, list[int]] = {}
    with db.read() as session:
        mark = session.scalar(select(tables.LateMark.as_of))
        late = session.execute(
            select(case.grid_id, case.level, func.count())
            .where(case.step != "closed", case.parked_at.is_(None), case.deadline < mark)
            .group_by(case.grid_id, case.level)
        ).all()
        opened = session.execute(
            select(case.grid_id, case.level, func.count())
            .where(case.step != "closed")
            .group_by(case.grid_id, case.level)
        ).all()
        unresolved = session.execute(
            select(alert.grid_id, alert.severity, func.count())
            .where(alert.resolved_at.is_(None), alert.grid_id.is_not(None))
            .group_by(alert.grid_id, alert.severity)
        ).all()
    width = len(COUNTS)
    for grid_id, level, n in opened:
        counted.setdefault(grid_id, [0] * width)[COUNTS.index(f"open_{level.lower()}")] += n
    for grid_id, level, n in late:
        counted.setdefault(grid_id, [0] * width)[COUNTS.index(f"late_{level.lower()}")] += n
    for grid_id, severity, n in unresolved:
        row = counted.setdefault(grid_id, [0] * width)
        row[COUNTS.index("alerts")] += n
        row[COUNTS.index("alarms")] += n if severity == "alarm" else 0
    return {grid_id: tuple(row) for grid_id, row in counted.items()}


def test_the_board_tallies_follow_every_kind_of_change(demo_db: Database) -> None:
    """Written straight in SQL, past the services: the triggers count whoever writes."""
    assert tallies(demo_db) == recount(demo_db) != {}
    with demo_db.write() as session:
        assert advance_late_mark(session, NOW)  # from the first mark: late ones to count
    assert tallies(demo_db) == recount(demo_db)
    case, alert = tables.Case, tables.Alert
    running = (case.step != "closed", case.parked_at.is_(None))
    with demo_db.read() as session:
        late_ids = session.scalars(select(case.id).where(*running, case.deadline < NOW)).all()
        due_ids = session.scalars(select(case.id).where(*running, case.deadline > NOW)).all()
        open_ids = session.scalars(
            select(case.id)
            .where(case.step != "closed", case.id.not_in([*late_ids[:2], *due_ids[:1]]))
            .order_by(case.id)
        ).all()
        closed_id = session.scalar(select(case.id).where(case.step == "closed"))
        grid_ids = session.scalars(select(tables.Grid.id).order_by(tables.Grid.id)).all()
        alert_ids = session.scalars(
            select(alert.id).where(alert.resolved_at.is_(None), alert.grid_id.is_not(None))
        ).all()
        template = session.scalar(select(alert).limit(1))
    assert len(open_ids) >= 4 and closed_id is not None and len(alert_ids) >= 2
    assert template is not None and len(late_ids) >= 2 and due_ids
    with demo_db.write() as session:
        first, second, third, fourth = open_ids[:4]
        parked, extended, overdue = late_ids[0], late_ids[1], due_ids[0]
        session.execute(update(case).where(case.id == parked).values(parked_at=NOW))
        later = NOW + timedelta(days=1)
        session.execute(update(case).where(case.id == extended).values(deadline=later))
        earlier = NOW - timedelta(days=1)
        session.execute(update(case).where(case.id == overdue).values(deadline=earlier))
        session.execute(update(case).where(case.id == first).values(step="closed"))
        session.execute(update(case).where(case.id == second).values(level="D"))
        session.execute(update(case).where(case.id == third).values(grid_id=grid_ids[-1]))
        session.execute(update(case).where(case.id == fourth).values(title="only words"))
        session.execute(update(case).where(case.id == closed_id).values(step="handle"))
        session.execute(update(alert).where(alert.id == alert_ids[0]).values(resolved_at=NOW))
        session.execute(update(alert).where(alert.id == alert_ids[1]).values(severity="alarm"))
        values = template.model_dump(exclude={"id"}) | {
            "dedup_key": "tally-test",
            "grid_id": grid_ids[0],
            "severity": "alarm",
            "resolved_at": None,
        }
        session.execute(insert(alert).values(**values))
    assert tallies(demo_db) == recount(demo_db)
    with demo_db.write() as session:
        session.execute(delete(alert).where(alert.dedup_key == "tally-test"))
    assert tallies(demo_db) == recount(demo_db)
    late_before = sum(sum(row[-4:]) for row in tallies(demo_db).values())
    with demo_db.write() as session:  # the sweep moves the mark on: later deadlines count
        assert advance_late_mark(session, NOW + timedelta(days=3))
        assert not advance_late_mark(session, NOW)  # and never back
    assert tallies(demo_db) == recount(demo_db)
    assert sum(sum(row[-4:]) for row in tallies(demo_db).values()) > late_before


@pytest.fixture
def first_release_url(demo_url: str, tmp_path: Path) -> Iterator[str]:
    """A store of the first release holding the demo's rows, on the demo's engine."""
    template = Database(demo_url)
    if demo_url.startswith("sqlite"):
        old_url = f"sqlite:///{tmp_path / 'first_release.db'}"
    else:
        from tests.conftest import _admin

        base, _ = demo_url.rsplit("/", 1)
        _admin(base, "CREATE DATABASE first_release")
        old_url = f"{base}/first_release"
    first_release_store(old_url, template)
    template.dispose()
    yield old_url
    if not demo_url.startswith("sqlite"):
        _admin(base, "DROP DATABASE first_release WITH (FORCE)")


def test_a_store_of_the_first_release_upgrades_without_losing_a_row(
    demo_url: str, first_release_url: str
) -> None:
    template = Database(demo_url)
    old = Database(first_release_url)
    assert migrate.current_revision(old.engine) == FIRST_RELEASE
    before = counts(old)
    assert before["cases"] == counts(template)["cases"] > 0
    result = gridcenter(first_release_url, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert migrate.current_revision(old.engine) == migrate.head()
    after = counts(old)
    assert {name: after[name] for name in before} == before
    checks = timer_checks(template)
    assert checks and timer_checks(old) == checks  # 0003 filled alert_due_at in
    assert tallies(old) == recount(old) != {}  # 0004 counted the board's tallies
    assert gridcenter(first_release_url, "--operator", "admin", "audit", "verify").returncode == 0
    old.dispose()
    template.dispose()


def test_an_upgrade_over_a_record_stored_twice_names_it_and_keeps_it(
    first_release_url: str,
) -> None:
    """One source's record stored as two cases, before 0011 made that impossible."""
    old = Database(first_release_url)
    with old.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE cases SET external_ref = '1:70' WHERE id IN (1, 2)")
    result = gridcenter(first_release_url, "db", "upgrade")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "1:70 (2 cases)" in result.stderr
    assert migrate.current_revision(old.engine) != migrate.head()
    with old.engine.connect() as connection:
        assert (
            connection.exec_driver_sql(
                "SELECT count(*) FROM cases WHERE external_ref = '1:70'"
            ).scalar()
            == 2
        )
    old.dispose()


def test_an_upgrade_over_a_server_registered_twice_names_it_and_keeps_it(
    first_release_url: str,
) -> None:
    """Two runs that registered one server at once, before 0014 made that impossible."""
    old = Database(first_release_url)
    twice = "https://city.example/open311/v2"
    with old.engine.begin() as connection:
        for _ in range(2):
            connection.exec_driver_sql(
                "INSERT INTO intake_source (url, jurisdiction, api_key, format, last_status, "
                f"last_error, active) VALUES ('{twice}', 'city', '', 'json', 'never', '', true)"
            )
    result = gridcenter(first_release_url, "db", "upgrade")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and f"{twice} city (2 sources)" in result.stderr
    assert migrate.current_revision(old.engine) != migrate.head()
    old.dispose()


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
    # The tallies are counted again by the target's triggers, not copied.
    assert counts(target) | {"grid_tally": 0} == counts(source) | {"grid_tally": 0}
    assert tallies(target) == tallies(source) == recount(source)
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


def test_reads_at_once_see_one_state_while_changes_land(demo_db: Database) -> None:
    """A writer commits a change every few milliseconds; reads run at once on four
    connections, each a while after its transaction began, still agree on what the store
    holds."""
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with demo_db.write() as session:
                session.add(tables.ChangeLog(at=NOW, kind="test", ref="writer"))
            time.sleep(0.002)

    def changes_later(session: Session) -> tuple[int, int]:
        time.sleep(0.02)  # several commits land meanwhile
        newest = select(func.max(tables.ChangeLog.id))
        rows = select(func.count()).select_from(tables.ChangeLog)
        return session.scalar(newest) or 0, session.scalar(rows) or 0

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        seen = [demo_db.read_at_once([changes_later] * 4, lanes=4) for _ in range(15)]
    finally:
        stop.set()
        writer.join()
    assert all(len(set(states)) == 1 for states in seen), seen
    assert len({states[0] for states in seen}) > 1  # the writer did write in between


def test_the_late_counts_stay_true_while_the_mark_moves_under_changes(
    demo_db: Database,
) -> None:
    """Two threads keep moving deadlines across the next minute while another moves the
    mark through it a second at a time: no change may be counted against a mark that
    moved under it. (Without the lock the advance takes, PostgreSQL miscounts here in
    most runs.)"""
    case = tables.Case
    with demo_db.write() as session:
        assert advance_late_mark(session, NOW)
        ids = session.scalars(
            select(case.id)
            .where(case.step != "closed", case.parked_at.is_(None), case.deadline > NOW)
            .limit(12)
        ).all()
    assert len(ids) == 12
    steps = 60
    done = threading.Event()

    def move_deadlines(first: int) -> None:
        n = first
        while not done.is_set():
            with demo_db.write() as session:
                at = NOW + timedelta(seconds=(n * 7) % steps)
                session.execute(update(case).where(case.id == ids[n % 12]).values(deadline=at))
            n += 2  # the two writers never move the same case at once

    writers = [threading.Thread(target=move_deadlines, args=(first,)) for first in (0, 1)]
    for writer in writers:
        writer.start()
    try:
        for second in range(1, steps + 1):
            with demo_db.write() as session:
                advance_late_mark(session, NOW + timedelta(seconds=second))
    finally:
        done.set()
        for writer in writers:
            writer.join()
    assert tallies(demo_db) == recount(demo_db)
