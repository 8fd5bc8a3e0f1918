"""The demo district: complete, consistent, and alive at any seeding moment."""

from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from gridcenter.domain.loop import ClosedLoop
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.generator import generate_cases
from tests.conftest import NOW


def test_x_street_has_the_published_shape(demo_db: Database) -> None:
    with demo_db.read() as s:
        street = s.scalar(select(tables.Street).where(tables.Street.name == "Xiangjiang Street"))
        assert street is not None
        kinds = Counter(
            s.scalars(select(tables.Grid.kind).where(tables.Grid.street_id == street.id))
        )
        communities = s.scalar(
            select(func.count())
            .select_from(tables.Community)
            .where(tables.Community.street_id == street.id)
        )
        households = s.scalar(
            select(func.sum(tables.Grid.households)).where(tables.Grid.street_id == street.id)
        )
    assert communities == 12
    assert kinds == {"conventional": 142, "dedicated": 39}
    assert households == 65357


def test_every_grid_sits_in_the_tree(demo_db: Database) -> None:
    with demo_db.read() as s:
        grids = s.execute(
            select(tables.Grid.code, tables.Grid.street_id, tables.Community.street_id).join(
                tables.Community, tables.Community.id == tables.Grid.community_id
            )
        ).all()
        total = s.scalar(select(func.count()).select_from(tables.Grid))
    assert len(grids) == total > 200
    for code, street_id, community_street in grids:
        assert street_id == community_street, code


def test_every_case_is_in_a_grid_and_a_minor_category(demo_db: Database) -> None:
    with demo_db.read() as s:
        rows = s.execute(
            select(
                tables.Case.code,
                tables.Grid.street_id,
                tables.Case.street_id,
                tables.Grid.community_id,
                tables.Case.community_id,
                tables.Category.depth,
            )
            .join(tables.Grid, tables.Grid.id == tables.Case.grid_id)
            .join(tables.Category, tables.Category.id == tables.Case.category_id)
        ).all()
        total = s.scalar(select(func.count()).select_from(tables.Case))
    assert len(rows) == total >= 200
    for code, g_street, c_street, g_comm, c_comm, depth in rows:
        assert (g_street, g_comm) == (c_street, c_comm), code
        assert depth == "minor", code


def test_cases_cover_every_level_and_step_and_the_published_mix(demo_db: Database) -> None:
    with demo_db.read() as s:
        levels = set(s.scalars(select(tables.Case.level)))
        steps = set(s.scalars(select(tables.Case.step)))
        kinds = Counter(
            s.scalars(
                select(tables.Category.kind).join(
                    tables.Case, tables.Case.category_id == tables.Category.id
                )
            )
        )
    assert levels == {"A", "B", "C", "D"}
    assert steps == {"reported", "filed", "dispatched", "fed_back", "verified", "closed"}
    assert kinds["security"] > kinds["dispute"] and kinds["hazard"] > kinds["dispute"]


def test_demo_has_fresh_near_and_overdue_cases_relative_to_seeding(
    demo_db: Database, loop: ClosedLoop
) -> None:
    with demo_db.read() as s:
        open_rows = s.execute(
            select(
                tables.Case.deadline, tables.Case.step_started_at, tables.Case.step_limit_s
            ).where(tables.Case.step != "closed", tables.Case.parked_at.is_(None))
        ).all()
    left = [(deadline - NOW).total_seconds() for deadline, _, _ in open_rows]
    assert any(x < -7 * 86400 for x in left), "long overdue"
    assert any(-86400 < x < 0 for x in left), "just overdue"
    assert any(0 < x < 3 * 3600 for x in left), "about to run out"
    assert any((NOW - started).total_seconds() < 3600 for _, started, _ in open_rows), "just filed"


def test_roster_covers_today_and_leaves_one_gap(demo_db: Database) -> None:
    with demo_db.read() as s:
        posts = list(s.scalars(select(tables.DutyPost)))
        on_duty = set(
            s.scalars(
                select(tables.DutyShift.post_id).where(
                    tables.DutyShift.starts_at <= NOW, tables.DutyShift.ends_at > NOW
                )
            )
        )
        tonight = NOW.replace(hour=22)
        tonight_duty = set(
            s.scalars(
                select(tables.DutyShift.post_id).where(
                    tables.DutyShift.starts_at <= tonight, tables.DutyShift.ends_at > tonight
                )
            )
        )
    assert {p.id for p in posts} == on_duty
    assert len(posts) - len(tonight_duty) == 1


def test_some_grids_are_unstaffed(demo_db: Database) -> None:
    with demo_db.read() as s:
        staffed = select(tables.GridStaff.grid_id)
        unstaffed = s.scalar(
            select(func.count()).select_from(tables.Grid).where(tables.Grid.id.not_in(staffed))
        )
    assert 0 < unstaffed < 10


def _dump(path: Path) -> list[tuple]:
    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        cases = s.execute(
            select(
                tables.Case.code,
                tables.Case.level,
                tables.Case.step,
                tables.Case.grid_id,
                tables.Case.category_id,
                tables.Case.deadline,
                tables.Case.closed_at,
            ).order_by(tables.Case.id)
        ).all()
        events = s.execute(
            select(tables.CaseEvent.case_id, tables.CaseEvent.action, tables.CaseEvent.at).order_by(
                tables.CaseEvent.id
            )
        ).all()
    db.dispose()
    return [*cases, *events]


def test_generator_is_deterministic(tmp_path: Path, demo_template: Path, loop: ClosedLoop) -> None:
    dumps = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        path = tmp_path / f"{name}.db"
        path.write_bytes(demo_template.read_bytes())
        db = Database(f"sqlite:///{path}")
        generate_cases(db, loop, count=300, now=NOW, seed=seed, open_cases=40)
        db.dispose()
        dumps.append(_dump(path))
    assert dumps[0] == dumps[1]
    assert dumps[0] != dumps[2]


def test_generator_adds_history_and_open_cases(demo_db: Database, loop: ClosedLoop) -> None:
    with demo_db.read() as s:
        before = s.scalar(select(func.count()).select_from(tables.Case))
    generate_cases(demo_db, loop, count=500, now=NOW, seed=1, open_cases=50)
    with demo_db.read() as s:
        after = s.scalar(select(func.count()).select_from(tables.Case))
        open_new = s.scalar(
            select(func.count())
            .select_from(tables.Case)
            .where(tables.Case.id > before, tables.Case.step != "closed")
        )
        closed_without_history = s.scalar(
            select(func.count())
            .select_from(tables.Case)
            .where(
                tables.Case.id > before,
                ~select(tables.CaseEvent.id)
                .where(
                    tables.CaseEvent.case_id == tables.Case.id,
                    tables.CaseEvent.action.in_(("close", "dismiss")),
                )
                .exists(),
                tables.Case.step == "closed",
            )
        )
        invalid = s.execute(
            select(tables.Case.source, tables.Case.reporter_staff_id).where(
                tables.Case.id > before, tables.Case.invalid
            )
        ).all()
    assert after - before == 500
    assert open_new == 50
    assert closed_without_history == 0
    # Only patrol reports are dismissed as invalid, and each is credited to its grid worker.
    assert invalid and all(source == "patrol" and staff for source, staff in invalid)
