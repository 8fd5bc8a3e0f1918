"""A seeded generator of historical and open cases over the demo district.

The same seed, the same reference data and the same `now` give the same
cases, row for row: scale work and benchmarks can be repeated.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import Assignee, ClosedLoop, Satisfaction, Step
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.fabricate import CaseBatch, CaseSpec, fabricate
from gridcenter.store.mapping import department_assignee, limits_of, staff_assignee

BATCH = 5_000
SOURCES = ("patrol", "hotline", "resident_app", "sensor", "department")
SOURCE_WEIGHTS = (45, 25, 20, 5, 5)
# The published mix of X Street: disputes 293, public security 782, hidden risks 703.
KIND_WEIGHTS = {"dispute": 293, "security": 782, "hazard": 703, "service": 400}
STEP_WEIGHTS = {
    Step.REPORTED: 6,
    Step.FILED: 10,
    Step.DISPATCHED: 55,
    Step.FED_BACK: 17,
    Step.VERIFIED: 12,
}
SATISFACTION_WEIGHTS = {
    Satisfaction.SATISFIED: 88,
    Satisfaction.NEUTRAL: 7,
    Satisfaction.DISSATISFIED: 3,
    Satisfaction.NOT_RATED: 2,
}


class _Reference:
    """The district's grids, categories and owners, read once per run."""

    def __init__(self, session: Session) -> None:
        self.grids = session.execute(
            select(tables.Grid.id, tables.Grid.community_id, tables.Grid.street_id).order_by(
                tables.Grid.id
            )
        ).all()
        self.categories = list(
            session.scalars(
                select(tables.Category)
                .where(tables.Category.depth == "minor", tables.Category.code != "UNC-00-00")
                .order_by(tables.Category.id)
            )
        )
        workers: dict[int, Assignee] = {}
        patrollers: dict[int, Assignee] = {}  # who files a grid's patrol reports
        self.gridded: set[int] = set()
        for grid_id, staff in session.execute(
            select(tables.GridStaff.grid_id, tables.Staff)
            .join(tables.Staff)
            .order_by(tables.GridStaff.grid_id, tables.Staff.id)
        ):
            workers.setdefault(grid_id, staff_assignee(staff))
            self.gridded.add(staff.id)
            if staff.role == "grid_worker":
                patrollers.setdefault(grid_id, staff_assignee(staff))
        self.workers = workers
        self.patrollers = patrollers
        self.departments: dict[tuple[str, int | None], list[Assignee]] = defaultdict(list)
        for department in session.scalars(select(tables.Department).order_by(tables.Department.id)):
            key = (department.level, department.street_id)
            self.departments[key].append(department_assignee(department))
        # department -> the categories on its list, each with the levels it handles it at
        self.answers_for: dict[int, dict[int, str]] = defaultdict(dict)
        listed = tables.DepartmentCategory
        for department_id, category_id, levels in session.execute(
            select(listed.department_id, listed.category_id, listed.levels)
        ):
            self.answers_for[department_id][category_id] = levels
        self.street_office: dict[int, list[Assignee]] = defaultdict(list)
        for staff in session.scalars(
            select(tables.Staff)
            .where(
                tables.Staff.active,
                tables.Staff.street_id.is_not(None),
                tables.Staff.community_id.is_(None),
                tables.Staff.department_id.is_(None),
            )
            .order_by(tables.Staff.id)
        ):
            if staff.id not in self.gridded:
                self.street_office[staff.street_id].append(staff_assignee(staff))  # type: ignore[index]

    def owner(
        self, rng: random.Random, level: Level, grid_id: int, street_id: int, category_id: int
    ) -> tuple[Level, Assignee]:
        """A holder the level's rules allow (policy.toml): the grid's worker at A, the
        street's office or a department answering for the category at B, a district or city
        department answering for it at C or D. A case nobody at its level may hold is held
        at the street (an unstaffed grid's, a category no bureau lists)."""
        if level is Level.A and grid_id in self.workers:
            return level, self.workers[grid_id]
        if level in (Level.C, Level.D):
            key = ("district" if level is Level.C else "city", None)
            listing = [d for d in self.departments[key] if self._handles(d, category_id, level)]
            if listing:
                return level, rng.choice(listing)
        street = [
            d
            for d in self.departments[("street", street_id)]
            if self._handles(d, category_id, Level.B)
        ]
        return Level.B, rng.choice(street or self.street_office[street_id])

    def _handles(self, department: Assignee, category_id: int, level: Level) -> bool:
        return level in self.answers_for[department.id].get(category_id, "")


def generate_cases(
    db: Database,
    loop: ClosedLoop,
    *,
    count: int,
    now: datetime,
    seed: int = 1,
    open_cases: int | None = None,
    days: int = 365,
) -> int:
    """Add `count` cases reported over the last `days`, `open_cases` of them still open."""
    rng = random.Random(seed)
    open_target = count // 10 if open_cases is None else min(open_cases, count)
    with db.read() as session:
        ref = _Reference(session)
    if not ref.grids or not ref.categories:
        raise ValueError("the store has no district to generate cases in; seed it first")
    kinds = list(KIND_WEIGHTS)
    by_kind = {kind: [c for c in ref.categories if c.kind == kind] for kind in kinds}
    kinds = [kind for kind in kinds if by_kind[kind]]
    kind_weights = [KIND_WEIGHTS[kind] for kind in kinds]
    steps, step_weights = list(STEP_WEIGHTS), list(STEP_WEIGHTS.values())
    ratings, rating_weights = list(SATISFACTION_WEIGHTS), list(SATISFACTION_WEIGHTS.values())

    # A store fills in the order cases arrive: the closed ones oldest first, then the open
    # ones, so that a month's cases lie together as they would in a real store.
    closed_ages = sorted(
        (rng.uniform(3600, days * 86400) for _ in range(count - open_target)), reverse=True
    )
    batch = CaseBatch(loop.time.calendar.timezone)
    for offset in range(count):
        is_open = offset >= count - open_target
        category = rng.choice(by_kind[rng.choices(kinds, kind_weights)[0]])
        grid_id, community_id, street_id = rng.choice(ref.grids)
        level = Level(category.default_level)
        if rng.random() < 0.12 and level is not Level.D:
            level = level.above()
        level, owner = ref.owner(rng, level, grid_id, street_id, category.id)  # type: ignore[arg-type]
        step = rng.choices(steps, step_weights)[0] if is_open else Step.CLOSED
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        patroller = ref.patrollers.get(grid_id) if source == "patrol" else None
        spec = CaseSpec(
            title=f"{category.name} (generated)",
            category_id=category.id,  # type: ignore[arg-type]
            category_name=category.name,
            limits=limits_of(category),
            grid_id=grid_id,
            community_id=community_id,
            street_id=street_id,
            level=level,
            default_level=Level(category.default_level),
            step=step,
            used=rng.choice((0.1, 0.3, 0.5, 0.7, 0.85, 0.95, 1.1, 1.5, 2.5)),
            source=source,
            assignee=owner,
            rework=1 if rng.random() < 0.06 else 0,
            satisfaction=rng.choices(ratings, rating_weights)[0],
            prior_share=rng.uniform(0.1, 1.3),
            reported_by=(patroller.login or patroller.name) if patroller else source,
            reporter_staff_id=patroller.id if patroller else None,
            invalid=patroller is not None and not is_open and rng.random() < 0.05,
        )
        anchor = now if is_open else now - timedelta(seconds=closed_ages[offset])
        batch.add(spec, fabricate(loop, spec, anchor))
        if len(batch) >= BATCH:
            _flush(db, batch, now)
    _flush(db, batch, now)
    return count


def _flush(db: Database, batch: CaseBatch, now: datetime) -> None:
    if not len(batch):
        return
    with db.write() as session:
        batch.flush(session)
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.SEED, ref="generated"))
