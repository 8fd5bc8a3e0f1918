"""One assessment of a period and a place: the same figures for the console, the CLI and
the report written for the stationing-day meeting."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from gridcenter.domain.assessment import (
    MEASURES,
    DepartmentDuty,
    Dispatcher,
    Ranked,
    StepTime,
    Tally,
    Worker,
    best_and_worst,
    ranked,
)
from gridcenter.domain.errors import Refused
from gridcenter.domain.fieldwork import FieldworkFigures
from gridcenter.domain.periods import Period
from gridcenter.domain.reports import Repeats, UnplacedPlace, unplaced_places
from gridcenter.domain.tasks import DepartmentTasks, TaskLoad
from gridcenter.queries import assessment as q
from gridcenter.queries.fieldwork import fieldwork_figures
from gridcenter.queries.tasks import department_tasks, task_hours
from gridcenter.services.context import Context

# The breakdowns a report ranks, with the title each table carries.
BREAKDOWNS = {"category": "categories", "department": "departments", "person": "people"}


@dataclass(frozen=True)
class RankedTable:
    breakdown: str  # streets, communities, ..., grid workers, dispatchers
    title: str  # the figure ranked by
    percent: bool
    best: list[Ranked]
    worst: list[Ranked]


def _people_tables(a: "Assessment", top: int) -> list[RankedTable]:
    """Grid workers by patrol reports, dispatchers by right first time, departments by
    handling on time: each ranked the way they are assessed."""
    tables = []
    workers = sorted(
        (Ranked(w.name, w.per_month, w.reports) for w in a.workers),
        key=lambda row: (-row.value, row.label),
    )
    best, worst = best_and_worst(workers, top)
    tables.append(RankedTable("grid workers", "Patrol reports a month", False, best, worst))
    for breakdown, title, rows in (
        (
            "dispatchers",
            "Right owner first time",
            [(d.name, d.right_rate, d.dispatches) for d in a.dispatchers],
        ),
        (
            "departments",
            "Handling on time",
            [(d.name, d.on_time_rate, d.due) for d in a.departments],
        ),
    ):
        found = sorted(
            (Ranked(name, value, base) for name, value, base in rows if value is not None),
            key=lambda row: (-row.value, -row.base, row.label),
        )
        best, worst = best_and_worst(found, top)
        tables.append(RankedTable(breakdown, title, True, best, worst))
    return tables


@dataclass
class Assessment:
    period: Period
    place: q.Place
    whole: Tally
    below: list[q.PlaceTally]  # the places one level down, in code order
    steps: list[StepTime]
    workers: list[Worker]
    dispatchers: list[Dispatcher]
    departments: list[DepartmentDuty]
    tables: list[RankedTable] = field(default_factory=list)
    # The place's patrols and visits, then those of each place one level down.
    fieldwork: list[FieldworkFigures] = field(default_factory=list)
    trend: dict[str, dict[date, int]] = field(default_factory=dict)
    # Work departments pushed onto grids, and the hours it took in the period.
    tasks: list[DepartmentTasks] = field(default_factory=list)
    task_hours: float = 0.0
    # Reports no grid covered (the district's alone): how many, and the places most of
    # them came from; then the reports flagged as repeats and the repeats merged.
    unplaced_total: int = 0
    unplaced: list[UnplacedPlace] = field(default_factory=list)
    repeats: Repeats = field(default_factory=lambda: Repeats(0, 0))

    @property
    def task_load(self) -> TaskLoad:
        """Task hours beside the place's patrol hours (the fieldwork figure)."""
        return TaskLoad(self.task_hours, self.fieldwork[0].patrol_hours if self.fieldwork else 0.0)

    @property
    def workers_over_bar(self) -> int:
        return sum(worker.meets_bar for worker in self.workers)


def resolve_place(ctx: Context, kind: str, code: str | None) -> q.Place:
    """The place asked for, refused when unknown or outside the operator's territory."""
    with ctx.db.read() as session:
        place = q.find_place(session, kind, code)
        if place is None:
            raise Refused(f"no {kind} {code!r}")
        territory = ctx.actor.territory
        if territory.street_id is None and territory.community_id is None:
            return place
        if place.kind == "district":
            # A street office's "district" is its own territory.
            if territory.community_id is not None:
                return q.place_of(session, "community", territory.community_id)
            assert territory.street_id is not None
            return q.place_of(session, "street", territory.street_id)
        inside = q.place_inside(session, place, territory)
    if not inside:
        raise Refused(f"{place.kind} {code} is outside your territory")
    return place


def assess(
    ctx: Context, period: Period, place: q.Place, *, top: int = 5, trend: bool = False
) -> Assessment:
    """Every figure of the period for the place, with the ranked tables."""
    territory = ctx.actor.territory
    now = ctx.now()
    below_kind = q.BELOW.get(place.kind)
    bys = [*([below_kind] if below_kind else []), *BREAKDOWNS]
    counts = q.tally_counts(period, territory, place, bys, now)
    # Each statement stands alone: they are read at once on several connections, all
    # seeing the same state of the store, the slowest first (as measured on a city).
    where = {"period": period, "territory": territory, "place": place}
    reads: dict[str, Callable[[Session], Any]] = {
        "steps": partial(q.step_durations, **where),
        "actions": partial(_rows, counts["actions"].statement),
        "reported": partial(_rows, counts["reported"].statement),
        "running": partial(_rows, counts["running"].statement),
        "dispatchers": partial(q.dispatchers, **where),
        "closed": partial(_rows, counts["closed"].statement),
        "departments": partial(q.departments, **where),
        "overrun": partial(_rows, counts["overrun"].statement),
        "stopped": partial(_rows, counts["stopped"].statement),
        "late_requests": partial(_rows, counts["late_requests"].statement),
        "workers": partial(q.workers, **where),
        "fieldwork": partial(fieldwork_figures, **where),
        "tasks": partial(department_tasks, **where),
        "task_hours": partial(task_hours, **where),
        "unplaced": partial(q.unplaced_reports, **where),
        "repeats": partial(q.repeats, **where),
    }
    if trend:
        reads["trend"] = partial(q.category_trend, **where)
    read = dict(zip(reads, ctx.db.read_at_once(list(reads.values())), strict=True))
    counted = q.add_up(bys, [(count, read[name]) for name, count in counts.items()])
    with ctx.db.read() as session:
        below = q.children(session, territory, place, counted)
        breakdowns: dict[str, dict[str, Tally]] = {}
        if below:
            name = {"street": "streets", "community": "communities", "grid": "grids"}
            breakdowns[name[below[0].place.kind]] = {b.place.name: b.tally for b in below}
        for by, title in BREAKDOWNS.items():
            breakdowns[title] = q.named(session, by, counted[by])
    result = Assessment(
        period=period,
        place=place,
        whole=counted[None][None],
        below=below,
        steps=read["steps"],
        workers=read["workers"],
        dispatchers=read["dispatchers"],
        departments=read["departments"],
        fieldwork=read["fieldwork"],
        trend=read.get("trend", {}),
        tasks=read["tasks"],
        task_hours=read["task_hours"],
        unplaced_total=len(read["unplaced"]),
        unplaced=unplaced_places(read["unplaced"], top),
        repeats=read["repeats"],
    )
    for title, groups_of in breakdowns.items():
        for measure in MEASURES:
            best, worst = best_and_worst(ranked(groups_of, measure), top)
            result.tables.append(RankedTable(title, measure.title, measure.percent, best, worst))
    result.tables += _people_tables(result, top)
    return result


def _rows(statement: Select, session: Session) -> list[Any]:
    return list(session.execute(statement).all())
