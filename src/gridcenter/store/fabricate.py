"""Cases made for the demo and for scale work, run through the real closed loop.

A case is laid backwards from a moment (now, for an open case; its closing
time for a closed one) and then played forwards through `ClosedLoop`, so its
history, step clocks and deadlines are exactly what the rules would have
produced had people done the work at those times.
"""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from gridcenter.domain.codes import case_code
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import (
    Assignee,
    CaseState,
    ClosedLoop,
    Event,
    Outcome,
    Satisfaction,
    Step,
    StepLimits,
)
from gridcenter.store import tables
from gridcenter.store.history import append
from gridcenter.store.mapping import fresh_timers, values_of
from gridcenter.store.numbers import case_numbers

OPERATOR = "liu.min"  # the demo's command-center operator files cases
SUPERVISOR = "chen.jie"  # and its supervisor dispatches, verifies and closes them


@dataclass
class CaseSpec:
    title: str
    category_id: int
    category_name: str
    limits: StepLimits
    grid_id: int
    community_id: int
    street_id: int
    level: Level
    default_level: Level  # its category's: the level a report gets before it is filed
    step: Step
    used: float  # share of the current step's limit already used
    source: str
    description: str = ""
    address: str = ""
    reporter: str | None = None
    reporter_phone: str | None = None
    reporter_id_number: str | None = None
    assignee: Assignee | None = None
    rework: int = 0
    parked: str | None = None
    extension: str | None = None
    satisfaction: Satisfaction | None = None
    prior_share: float = 0.5  # share of its limit each earlier step took
    reported_by: str = "hotline"
    reporter_staff_id: int | None = None  # the grid worker, for a patrol report
    invalid: bool = False  # dismissed at filing (only with step closed)


@dataclass
class Fabricated:
    state: CaseState
    created_at: datetime
    history: list[tuple[datetime, str, Event]]
    steps: list[dict[str, Any]] = field(default_factory=list)


def _path(target: Step, rework: int, invalid: bool) -> list[Step]:
    if invalid:
        return [Step.REPORTED, Step.CLOSED]
    full = [Step.REPORTED, Step.FILED, Step.DISPATCHED, Step.FED_BACK]
    full += [Step.DISPATCHED, Step.FED_BACK] * rework
    full += [Step.VERIFIED, Step.CLOSED]
    if target in (Step.REPORTED, Step.FILED):
        return full[: full.index(target) + 1]
    last = len(full) - 1 - full[::-1].index(target)
    return full[: last + 1]


def fabricate(loop: ClosedLoop, spec: CaseSpec, now: datetime) -> Fabricated:
    limits = spec.limits
    counting = limits.counting
    path = _path(spec.step, spec.rework, spec.invalid)
    final_limit = limits.seconds(spec.step) or 0.0
    if spec.step is Step.CLOSED:
        entries = [now]
    else:
        entries = [loop.time.add(now, -spec.used * final_limit, counting)]
    for step in reversed(path[:-1]):
        took = spec.prior_share * (limits.seconds(step) or 0.0)
        entries.insert(0, loop.time.add(entries[0], -took, counting))

    blank = CaseState(
        code="",  # made of the case's number, which the store gives it (CaseBatch.flush)
        step=Step.REPORTED,
        level=spec.default_level,
        limits=limits,
        step_started_at=entries[0],
        step_limit_s=None,
        deadline=None,
        warn_at=None,
    )
    state = loop.enter_step(blank, Step.REPORTED, entries[0])
    history = [(entries[0], spec.reported_by, Event("report", None, spec.source))]
    if Step.FILED not in path:  # never filed, yet at another level: a supervisor moved it
        while state.level != spec.level:
            if state.level < spec.level:
                outcome = loop.escalate(state, entries[0], reason="seen on the wall before filing")
            else:
                outcome = loop.deescalate(state, reason="seen on the wall before filing")
            state = outcome.state
            history.append((entries[0], SUPERVISOR, outcome.event))
    steps: list[dict[str, Any]] = []
    handler = (spec.assignee.login or spec.assignee.name) if spec.assignee else "handler"

    for at, before, after in zip(entries[1:], path[:-1], path[1:], strict=True):
        outcome, actor = _move(loop, spec, state, at, before, after, handler)
        steps.append(_step_row(state, ended_at=at))
        state = outcome.state
        history.append((at, actor, outcome.event))

    if state.is_open:
        if spec.parked:
            at = max(state.step_started_at, loop.time.add(now, -3600, counting))
            outcome = loop.park(state, at, reason=spec.parked)
            state = outcome.state
            history.append((at, SUPERVISOR, outcome.event))
        if spec.extension:
            outcome = loop.request_extension(state, state.step_started_at, reason=spec.extension)
            state = outcome.state
            history.append((state.step_started_at, handler, outcome.event))
        steps.append(_step_row(state, ended_at=None))
    return Fabricated(state, entries[0], history, steps)


def _move(
    loop: ClosedLoop,
    spec: CaseSpec,
    state: CaseState,
    at: datetime,
    before: Step,
    after: Step,
    handler: str,
) -> tuple[Outcome, str]:
    if after is Step.FILED:
        return loop.file(
            state, at, limits=spec.limits, level=spec.level, category=spec.category_name
        ), OPERATOR
    if after is Step.DISPATCHED and before is Step.FILED:
        assert spec.assignee is not None, f"{spec.title}: a dispatched case needs an assignee"
        return loop.dispatch(state, at, to=spec.assignee), SUPERVISOR
    if after is Step.FED_BACK:
        return loop.feed_back(state, at, by=handler, result="Handled on site"), handler
    if after is Step.DISPATCHED:
        note = "Not fixed on inspection; sent back for rework"
        return loop.verify(state, at, by=SUPERVISOR, passed=False, note=note), SUPERVISOR
    if after is Step.VERIFIED:
        return loop.verify(state, at, by=SUPERVISOR, passed=True, note=None), SUPERVISOR
    if spec.invalid:
        return loop.dismiss(state, at, reason="Not a case: duplicate report"), OPERATOR
    rating = spec.satisfaction or Satisfaction.SATISFIED
    return loop.close(state, at, satisfaction=rating, note=None), SUPERVISOR


def _step_row(state: CaseState, ended_at: datetime | None) -> dict[str, Any]:
    return {
        "step": state.step.value,
        "started_at": state.step_started_at,
        "limit_s": state.step_limit_s,
        "deadline": state.deadline,
        "original_deadline": state.original_deadline,
        "ended_at": ended_at,
        "paused_s": state.paused_s,
        "parked_s": state.parked_s,
    }


class CaseBatch:
    """Rows of many fabricated cases, written with a few bulk inserts. The store numbers
    them as they are written, and each case's code is made of its number and the day it
    was reported on (in `timezone`)."""

    def __init__(self, timezone: tzinfo) -> None:
        self.timezone = timezone
        self.cases: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.cases)

    def add(self, spec: CaseSpec, made: Fabricated) -> None:
        last_at, last_actor, _ = made.history[-1]
        position = len(self.cases)  # stands for the case's number until it is written
        self.cases.append(
            {
                "title": spec.title,
                "description": spec.description,
                "category_id": spec.category_id,
                "grid_id": spec.grid_id,
                "community_id": spec.community_id,
                "street_id": spec.street_id,
                "address": spec.address,
                "source": spec.source,
                "reporter": spec.reporter,
                "reporter_phone": spec.reporter_phone,
                "reporter_id_number": spec.reporter_id_number,
                "reporter_staff_id": spec.reporter_staff_id,
                "created_at": made.created_at,
                "updated_at": last_at,
                "updated_by": last_actor,
                "version": len(made.history),
                **values_of(made.state),
                **fresh_timers(made.state),
            }
        )
        self.steps.extend({"case_id": position, **row} for row in made.steps)
        self.events.extend(
            {
                "case_id": position,
                "at": at,
                "actor": actor,
                "channel": "import",
                "action": event.action,
                "from_value": event.from_value,
                "to_value": event.to_value,
                "reason": event.reason,
            }
            for at, actor, event in made.history
        )

    def flush(self, session: Session) -> None:
        """Write the cases in `session`, a write transaction (`Database.write`)."""
        if self.cases:
            numbers = case_numbers(session, len(self.cases))
            for case, number in zip(self.cases, numbers, strict=True):
                case["id"] = number
                reported_on = case["created_at"].astimezone(self.timezone).date()
                case["code"] = case_code(reported_on, number)
            for row in self.steps + self.events:
                row["case_id"] = numbers[row["case_id"]]
            # Core inserts on the tables themselves: one executemany per table.
            connection = session.connection()
            connection.execute(insert(tables.Case.__table__), self.cases)  # type: ignore[arg-type]
            connection.execute(insert(tables.CaseStep.__table__), self.steps)  # type: ignore[arg-type]
            append(session, "case_event", self.events)
        self.cases, self.steps, self.events = [], [], []
