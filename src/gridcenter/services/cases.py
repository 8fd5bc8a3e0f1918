"""Case use cases: each checks who may act, applies one closed-loop rule and
writes the new state, its step clock, its history event and the change
signal in one transaction, or nothing at all."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action, Role
from gridcenter.domain.alerts import TimerDecision
from gridcenter.domain.assessment import LATE_EXTENSION
from gridcenter.domain.authority import (
    Candidate,
    Holding,
    filing_level,
    holder_only,
    joint_refusal,
    may_deescalate,
    overridden,
    tier_of,
)
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.codes import case_code
from gridcenter.domain.errors import Refused, Stale, TooLate
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import (
    ESCALATIONS,
    Assignee,
    CaseState,
    Event,
    Outcome,
    Satisfaction,
    Step,
    cannot,
)
from gridcenter.domain.reports import (
    Channel,
    Point,
    Whereabouts,
    check_hand_over,
    check_merge,
    check_place,
    check_transfer,
    on_the_spot,
    possible_repeat,
    require_placed,
)
from gridcenter.formatting import change, words
from gridcenter.queries.cases import open_repeats
from gridcenter.queries.categories import categories_named
from gridcenter.queries.people import department_candidate, refusal_for, staff_candidate
from gridcenter.queries.places import grid_at, grid_by_code, grid_for_address
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts, resolve_case_timers
from gridcenter.store.history import append, audit
from gridcenter.store.mapping import (
    department_assignee,
    fresh_timers,
    limits_of,
    staff_assignee,
    state_of,
    values_of,
)
from gridcenter.store.numbers import case_numbers
from gridcenter.store.seeding import ReportPolicies, read_report_policies


@dataclass(frozen=True)
class Done:
    """What an action did: the case, its new version and the event written."""

    code: str
    version: int
    action: str
    summary: str


Decision = Callable[[Session, tables.Case, CaseState, datetime], tuple[Outcome, dict[str, Any]]]


def find_assignee(session: Session, who: str) -> Assignee:
    """A staff member by code, login or name, or a department by code or name."""
    text = who.strip()
    if not text:
        raise Refused("say who: a staff code, login or name, or a department code or name")
    lowered = text.lower()
    staff = list(
        session.scalars(
            select(tables.Staff).where(
                tables.Staff.active,
                or_(
                    func.lower(tables.Staff.code) == lowered,
                    func.lower(tables.Staff.login) == lowered,
                    func.lower(tables.Staff.name) == lowered,
                ),
            )
        )
    )
    departments = list(
        session.scalars(
            select(tables.Department).where(
                or_(
                    func.lower(tables.Department.code) == lowered,
                    func.lower(tables.Department.name) == lowered,
                )
            )
        )
    )
    found = [staff_assignee(s) for s in staff] + [department_assignee(d) for d in departments]
    if not found:
        raise Refused(f"no staff member or department called {text!r}")
    # A code typed exactly always names its holder: another person's name, login or code
    # in other letters cannot take it over.
    exact = [s for s in staff if s.code == text] + [d for d in departments if d.code == text]
    if len(exact) == 1:
        only = exact[0]
        return staff_assignee(only) if isinstance(only, tables.Staff) else department_assignee(only)
    if len(found) > 1:
        raise Refused(f"{text!r} names {len(found)} people or departments; use a code")
    return found[0]


def _holder(
    session: Session, ctx: Context, row: tables.Case, who: Assignee, override: str | None
) -> str | None:
    """Check `who` against the rules of who may hold the case; None when they may, else
    the history's words for a supervisor's override (refused without one)."""
    refusal = refusal_for(session, ctx.rules, row, _candidate(session, who))
    if refusal is None:
        return None
    if override is not None:
        ctx.actor.require(Action.OVERRIDE)
    return overridden(refusal, override)


def _can(state: CaseState, move: str) -> None:
    """The loop's refusal of a move in the case's step, said before its holder is judged."""
    why = cannot(move, state.code, state.step, state.level, state.parked)
    if why is not None:
        raise Refused(why)


def whereabouts(session: Session, row: tables.Case) -> Whereabouts:
    """What the rules for placing, moving and merging need of a case."""
    grid = session.get(tables.Grid, row.grid_id) if row.grid_id is not None else None
    return Whereabouts(row.code, Step(row.step), grid.code if grid else None)


def _holding(session: Session, row: tables.Case) -> Holding | None:
    """Who holds the case, with the department they act for."""
    if row.assignee_department_id is not None:
        department = session.get(tables.Department, row.assignee_department_id)
        assert department is not None
        return Holding(department.name, None, department.id, department.name)
    if row.assignee_staff_id is not None:
        staff = session.get(tables.Staff, row.assignee_staff_id)
        assert staff is not None
        home = session.get(tables.Department, staff.department_id) if staff.department_id else None
        return Holding(staff.name, staff.login, staff.department_id, home.name if home else None)
    return None


def _department_name(session: Session, department_id: int) -> str:
    department = session.get(tables.Department, department_id)
    return department.name if department else "a department"


def _by_holder(session: Session, ctx: Context, row: tables.Case, doing: str) -> None:
    holder_only(
        row.code,
        _holding(session, row),
        login=ctx.actor.login,
        department_id=ctx.actor.territory.department_id,
        admin=ctx.actor.role is Role.ADMIN,
        doing=doing,
    )


def _assignee_of(session: Session, row: tables.Case) -> Assignee | None:
    if row.assignee_staff_id is not None:
        staff = session.get(tables.Staff, row.assignee_staff_id)
        return staff_assignee(staff) if staff else None
    if row.assignee_department_id is not None:
        department = session.get(tables.Department, row.assignee_department_id)
        return department_assignee(department) if department else None
    return None


def category_by_code(session: Session, text: str) -> tables.Category:
    """A minor category by its code or its name (any case)."""
    found = categories_named(session, text)
    if not found:
        raise Refused(
            f"no category {text!r}: give a minor category's code or name "
            "(such as URB-ENV-01; `gridcenter categories list` shows them)"
        )
    if len(found) > 1:
        codes = ", ".join(category.code for category in found)
        raise Refused(f"{text!r} names {len(found)} categories ({codes}); use a code")
    return found[0]


def _act(
    ctx: Context,
    code: str,
    needs: Action,
    decide: Decision,
    expected_version: int | None = None,
    co_handling: bool = False,
) -> Done:
    """Check the role, lock the case and apply `decide`; `co_handling`: a co-handling
    department's move, which its decision checks, on a case another department holds."""
    ctx.actor.require(needs)
    with ctx.db.write() as session:
        row = session.scalar(
            select(tables.Case).where(tables.Case.code == code.strip()).with_for_update()
        )
        if row is None:
            raise Refused(f"no case {code!r}")
        return _apply(session, ctx, row, decide, expected_version, co_handling)


def record_event(
    session: Session,
    ctx: Context,
    case_id: int,
    at: datetime,
    action: str,
    from_value: str | None = None,
    to_value: str | None = None,
    reason: str | None = None,
) -> None:
    """One line of a case's history, by the acting account, sealed into its chain."""
    append(
        session,
        "case_event",
        [
            {
                "case_id": case_id,
                "at": at,
                "actor": ctx.actor.signature,
                "channel": ctx.actor.channel,
                "action": action,
                "from_value": from_value,
                "to_value": to_value,
                "reason": reason,
            }
        ],
    )


def note_on_case(
    session: Session,
    ctx: Context,
    row: tables.Case,
    now: datetime,
    action: str,
    from_value: str | None,
    to_value: str | None,
    reason: str | None,
) -> None:
    """Something that happened to a case without moving it on (a repeat merged into it, its
    source changed): a new version, a history line, and the consoles told."""
    row.version += 1
    row.updated_at = now
    row.updated_by = ctx.actor.signature
    assert row.id is not None
    record_event(session, ctx, row.id, now, action, from_value, to_value, reason)
    session.add(tables.ChangeLog(at=now, kind=ChangeKind.CASE, ref=row.code))


def _apply(
    session: Session,
    ctx: Context,
    row: tables.Case,
    decide: Decision,
    expected_version: int | None = None,
    co_handling: bool = False,
) -> Done:
    """Decide and write one move on a case locked in `session`."""
    now = ctx.now()
    ctx.actor.require_territory(row.street_id, row.community_id, f"case {row.code}")
    department = ctx.actor.territory.department_id
    if department is not None and not co_handling:  # a department acts on its own cases
        holding = _holding(session, row)
        if holding is None or holding.department_id != department:
            raise Refused(f"case {row.code} is not held by your department")
    if expected_version is not None and row.version != expected_version:
        at = row.updated_at.astimezone(ctx.timezone).strftime("%H:%M:%S on %d %b")
        raise Stale(
            f"case {row.code} was changed by {row.updated_by} at {at}; "
            "look at it again before you act"
        )
    category = session.get(tables.Category, row.category_id)
    assert category is not None
    before = state_of(row, limits_of(category), _assignee_of(session, row))
    outcome, extra = decide(session, row, before, now)
    _write(session, ctx, row, before, outcome, extra, now)
    return Done(row.code, row.version, outcome.event.action, _summary(outcome, ctx.timezone))


def _summary(outcome: Outcome, tz: ZoneInfo) -> str:
    event = outcome.event
    return " ".join(
        part for part in (words(event.action), change(event.from_value, event.to_value, tz)) if part
    )


def _write(
    session: Session,
    ctx: Context,
    row: tables.Case,
    before: CaseState,
    outcome: Outcome,
    extra: dict[str, Any],
    now: datetime,
) -> None:
    after = outcome.state
    for key, value in {**values_of(after), **extra}.items():
        setattr(row, key, value)
    row.version += 1
    row.updated_at = now
    row.updated_by = ctx.actor.signature
    assert row.id is not None
    new_step = after.step != before.step or after.step_started_at != before.step_started_at
    if new_step or after.deadline != before.deadline or after.paused_s != before.paused_s:
        _move_step_clock(session, row, after, now, new_step)
    if new_step or after.deadline != before.deadline:
        for key, value in fresh_timers(after).items():  # a new deadline gets its own warnings
            setattr(row, key, value)
        resolve_case_timers(session, row.id, now)
    record_event(
        session,
        ctx,
        row.id,
        now,
        outcome.event.action,
        outcome.event.from_value,
        outcome.event.to_value,
        outcome.event.reason,
    )
    session.add(tables.ChangeLog(at=now, kind=ChangeKind.CASE, ref=row.code))


def _move_step_clock(
    session: Session, row: tables.Case, after: CaseState, now: datetime, new_step: bool
) -> None:
    """Close the open step record and open the new one, or move its deadline."""
    current = session.scalar(
        select(tables.CaseStep)
        .where(tables.CaseStep.case_id == row.id, tables.CaseStep.ended_at.is_(None))
        .order_by(tables.CaseStep.id.desc())
    )
    if current is not None and not new_step:
        current.deadline = after.deadline
        current.original_deadline = after.original_deadline
        current.limit_s = after.step_limit_s
        current.paused_s = after.paused_s
        current.parked_s = after.parked_s
        return
    if current is not None:
        current.ended_at = now
    if after.is_open:
        assert row.id is not None
        session.add(
            tables.CaseStep(
                case_id=row.id,
                step=after.step.value,
                started_at=after.step_started_at,
                limit_s=after.step_limit_s,
                deadline=after.deadline,
                original_deadline=after.original_deadline,
                paused_s=after.paused_s,
                parked_s=after.parked_s,
            )
        )


# -- the use cases -------------------------------------------------------------


UNCLASSIFIED = "UNC-00-00"  # a report nobody has classified yet: filing classifies it


@cache
def report_policies() -> ReportPolicies:
    return read_report_policies()


@dataclass(frozen=True)
class Reported(Done):
    """A new case, with its grid (None when no grid covers it) and the open case it may
    repeat."""

    grid: str | None = None
    repeat_of: str | None = None


def report_case(
    ctx: Context,
    *,
    title: str,
    category: str | None = None,
    source: str = "hotline",
    at: Point | None = None,
    grid: str | None = None,
    address: str = "",
    description: str = "",
    reporter: str | None = None,
    reporter_phone: str | None = None,
) -> Reported:
    """Collect a new case where it was reported: at a point, in a grid named by its code,
    or at an address that names a grid. A report no grid covers is a case all the same,
    in the district's unplaced queue (a street or community office, which cannot see that
    queue, is told to pass it to the district). It waits in the reported step until it is
    filed. A grid worker reporting from patrol (the acting account's own staff record, or
    the one `reporter` names) is credited with the report. An open case of the same
    category close by is flagged as the one it may repeat."""
    ctx.actor.require(Action.FILE)
    channel = Channel.parse(source)
    _said_once(title, at, grid)
    now = ctx.now()
    with ctx.db.write() as session:
        kind = category_by_code(session, category or UNCLASSIFIED)
        found = _place(session, at, grid, address)
        credited = _patrol_reporter(session, ctx, reporter) if channel is Channel.PATROL else None
        row, repeat = _insert_report(
            session,
            ctx,
            now,
            title=title,
            kind=kind,
            found=found,
            channel=channel,
            at=at,
            address=address,
            description=description,
            reporter=reporter,
            reporter_phone=reporter_phone,
            credited=credited,
        )
        said = [f"reported by {channel.value}"]
        if found is None:
            said.append("in no grid: waiting in the unplaced queue")
        if repeat is not None:
            said.append(f"possible repeat of {repeat}")
        return Reported(
            row.code,
            row.version,
            "report",
            "; ".join(said),
            grid=found.code if found else None,
            repeat_of=repeat,
        )


def report_on_the_spot(
    ctx: Context,
    *,
    title: str,
    category: str | None,
    handled: str,
    at: Point | None = None,
    grid: str | None = None,
    address: str = "",
    description: str = "",
    reporter: str | None = None,
    reporter_phone: str | None = None,
) -> Reported:
    """A grid worker on patrol reports a small matter and handles it there: one case, filed
    at level A in its grid, held by that worker (the acting account's own staff record, or
    the one `reporter` names) with what was done as its feedback, waiting for someone else
    to verify it on site. All in one transaction, each step in the history."""
    ctx.actor.require(Action.FILE)
    ctx.actor.require(Action.FEED_BACK)
    _said_once(title, at, grid)
    now = ctx.now()
    with ctx.db.write() as session:
        kind = category_by_code(session, category) if category and category.strip() else None
        found = _place(session, at, grid, address)
        worker = _patrol_reporter(session, ctx, reporter)
        on_team = (
            found is not None
            and worker is not None
            and found.id in staff_candidate(session, worker).grid_ids
        )
        what = on_the_spot(
            handled=handled,
            category=kind.code if kind else None,
            level=kind.default_level if kind else None,
            grid=found.code if found else None,
            worker=worker.name if worker else None,
            on_team=on_team,
        )
        assert kind is not None and found is not None and worker is not None
        row, repeat = _insert_report(
            session,
            ctx,
            now,
            title=title,
            kind=kind,
            found=found,
            channel=Channel.PATROL,
            at=at,
            address=address,
            description=description,
            reporter=reporter,
            reporter_phone=reporter_phone,
            credited=worker,
        )
        who = staff_assignee(worker)
        refusal = refusal_for(session, ctx.rules, row, _candidate(session, who))
        if refusal is not None:
            raise Refused(refusal)
        limits = limits_of(kind)
        state = state_of(row, limits, None)
        filed = ctx.loop.file(
            state,
            now,
            limits=limits,
            level=Level(kind.default_level),
            category=kind.name,
            reason=f"handled on the spot by {worker.name}",
        )
        held = ctx.loop.dispatch(filed.state, now, to=who, note="on the spot")
        # The worker handled it: they may not verify it, nor may whoever recorded it for them.
        fed = ctx.loop.feed_back(held.state, now, by=worker.login or ctx.actor.login, result=what)
        for before, outcome in ((state, filed), (filed.state, held), (held.state, fed)):
            _write(session, ctx, row, before, outcome, {}, now)
        said = [f"handled on the spot by {worker.name}: waiting to be verified by someone else"]
        if repeat is not None:
            said.append(f"possible repeat of {repeat}")
        return Reported(
            row.code, row.version, "feed_back", "; ".join(said), grid=found.code, repeat_of=repeat
        )


def _insert_report(
    session: Session,
    ctx: Context,
    now: datetime,
    *,
    title: str,
    kind: tables.Category,
    found: tables.Grid | None,
    channel: Channel,
    at: Point | None,
    address: str,
    description: str,
    reporter: str | None,
    reporter_phone: str | None,
    credited: tables.Staff | None,
) -> tuple[tables.Case, str | None]:
    """A new report where the actor may report it, with the open case it may repeat."""
    if found is None:
        where = (
            f"at {at.lat}, {at.lon}"
            if at
            else (f"at {address.strip()!r}" if address.strip() else "without a place")
        )
        ctx.actor.require_territory(
            None, None, f"a report {where} lies in no grid and goes to the district; it"
        )
    else:
        ctx.actor.require_territory(found.street_id, found.community_id, f"grid {found.code}")
    policies = report_policies()
    repeat = None
    if kind.code != UNCLASSIFIED:
        assert kind.id is not None
        repeat = possible_repeat(
            policies.repeat,
            grid_id=found.id if found else None,
            category_id=kind.id,
            point=at,
            now=now,
            earlier=open_repeats(
                session,
                ctx.actor.territory,
                kind.id,
                now - timedelta(hours=policies.repeat.within_h),
            ),
        )
    row = insert_reported(
        session,
        ctx,
        now,
        title=title.strip(),
        category=kind,
        grid=found,
        point=at,
        source=channel.value,
        description=description.strip(),
        address=address.strip(),
        reporter=credited.name if credited else (reporter or "").strip() or None,
        reporter_phone=(reporter_phone or "").strip() or None,
        reporter_staff_id=credited.id if credited else None,
        repeat_of=repeat.code if repeat else None,
    )
    return row, repeat.code if repeat else None


def _said_once(title: str, at: Point | None, grid: str | None) -> None:
    """A report needs a title and at most one of a point and a grid."""
    if not title.strip():
        raise Refused("a case needs a title")
    if at is not None and grid:
        raise Refused("say where once: a point or a grid, not both")


def _place(
    session: Session, at: Point | None, grid: str | None, address: str = ""
) -> tables.Grid | None:
    """The grid a report names, lies in, or whose name its address gives."""
    if grid:
        found = grid_by_code(session, grid)
        if found is None:
            raise Refused(f"no grid {grid.strip()!r}")
        return found
    if at is not None:
        return grid_at(session, at)
    return grid_for_address(session, address) if address.strip() else None


def _patrol_reporter(session: Session, ctx: Context, reporter: str | None) -> tables.Staff | None:
    """Who a patrol report is credited to: the staff member `reporter` names (code, login
    or name), else the acting account's own staff record; nobody when neither is one."""
    named = (reporter or "").strip().lower()
    conditions = (
        [
            func.lower(tables.Staff.code) == named,
            func.lower(tables.Staff.login) == named,
            func.lower(tables.Staff.name) == named,
        ]
        if named
        else [tables.Staff.login == ctx.actor.login]
    )
    found = list(session.scalars(select(tables.Staff).where(tables.Staff.active, or_(*conditions))))
    if len(found) > 1:
        raise Refused(f"{reporter!r} names {len(found)} staff members; use a staff code")
    return found[0] if found else None


def insert_reported(
    session: Session,
    ctx: Context,
    now: datetime,
    *,
    title: str,
    category: tables.Category,
    grid: tables.Grid | None,
    source: str,
    point: Point | None = None,
    description: str = "",
    address: str = "",
    reporter: str | None = None,
    reporter_phone: str | None = None,
    reporter_staff_id: int | None = None,
    external_ref: str | None = None,
    source_data: str = "",
    reported_at: datetime | None = None,
    repeat_of: str | None = None,
) -> tables.Case:
    """A new case in the reported step, its first step clock and its first event. A case
    in no grid (`grid` None) waits at the district on the clock for placing it.

    The store draws its number (so concurrent writers never take the same one); its code
    is made of that number."""
    number = case_numbers(session, 1)[0]
    blank = CaseState(
        code=case_code(now.astimezone(ctx.timezone).date(), number),
        step=Step.REPORTED,
        level=Level(category.default_level),
        limits=limits_of(category),
        step_started_at=now,
        step_limit_s=None,
        deadline=None,
        warn_at=None,
    )
    state = ctx.loop.enter_step(blank, Step.REPORTED, now)
    if grid is None:
        state = report_policies().unplaced.clock(state, now)
    row = tables.Case(
        id=number,
        code=state.code,
        title=title,
        description=description,
        category_id=category.id,
        grid_id=grid.id if grid else None,
        community_id=grid.community_id if grid else None,
        street_id=grid.street_id if grid else None,
        lat=point.lat if point else None,
        lon=point.lon if point else None,
        address=address,
        source=source,
        external_ref=external_ref,
        source_data=source_data,
        reporter=reporter,
        reporter_phone=reporter_phone,
        reporter_staff_id=reporter_staff_id,
        repeat_of_id=(
            session.scalar(select(tables.Case.id).where(tables.Case.code == repeat_of))
            if repeat_of
            else None
        ),
        created_at=reported_at or now,
        updated_at=now,
        updated_by=ctx.actor.signature,
        **values_of(state),
        **fresh_timers(state),
    )
    session.add(row)
    session.flush()
    _move_step_clock(session, row, state, now, new_step=True)
    record_event(
        session,
        ctx,
        number,
        now,
        "report",
        to_value=source,
        reason=f"possible repeat of {repeat_of}" if repeat_of else None,
    )
    session.add(tables.ChangeLog(at=now, kind=ChangeKind.CASE, ref=row.code))
    return row


def file_case(
    ctx: Context,
    code: str,
    *,
    category: str | None = None,
    level: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Done:
    """Classify a report and set its level: its category's, or one within the filer's own
    tier with a reason; never below a level the overdue sweep escalated it to."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        require_placed(whereabouts(session, row))
        kind = (
            category_by_code(session, category)
            if category
            else session.get(tables.Category, row.category_id)
        )
        assert kind is not None
        chosen = filing_level(
            Level.parse(level) if level else None,
            Level(kind.default_level),
            tier=_tier(ctx),
            swept=state.level if _swept(session, row) else None,
            reason=reason,
        )
        outcome = ctx.loop.file(
            state, now, limits=limits_of(kind), level=chosen, category=kind.name, reason=reason
        )
        return outcome, {"category_id": kind.id}

    return _act(ctx, code, Action.FILE, decide, expected_version)


def _tier(ctx: Context) -> Level | None:
    """The level the acting command center works at; None for an admin (or a job)."""
    return None if ctx.actor.role is Role.ADMIN else tier_of(ctx.actor.territory)


def _swept(session: Session, row: tables.Case) -> bool:
    """Whether the case's last change of level was the overdue sweep escalating it."""
    last = session.scalar(
        select(tables.CaseEvent)
        .where(
            tables.CaseEvent.case_id == row.id,
            tables.CaseEvent.action.in_((*ESCALATIONS, "deescalate")),
        )
        .order_by(tables.CaseEvent.id.desc())
        .limit(1)
    )
    return last is not None and last.action in ESCALATIONS and last.channel == "job"


def dispatch(
    ctx: Context,
    code: str,
    *,
    to: str,
    override: str | None = None,
    with_: Sequence[str] = (),
    expected_version: int | None = None,
) -> Done:
    """Hand a filed case to a holder the level's rules allow; a supervisor may override
    them with a reason, which the history and the assessment keep. A level-C case may go
    to a lead department `with_` co-handling ones, each answering for its part by the
    handling deadline."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        who = find_assignee(session, to)
        _can(state, "dispatch")
        off_list = _holder(session, ctx, row, who, override)
        partners = [find_assignee(session, code) for code in with_ if code.strip()]
        if partners:
            joint = joint_refusal(
                row.code,
                state.level,
                _candidate(session, who),
                [_candidate(session, partner) for partner in partners],
            )
            if joint is not None:
                raise Refused(joint)
            for partner in partners:
                refusal = refusal_for(session, ctx.rules, row, _candidate(session, partner))
                if refusal is not None:
                    raise Refused(refusal)
        jointly = "jointly with " + ", ".join(p.name for p in partners) if partners else None
        note = "; ".join(part for part in (off_list, jointly) if part) or None
        outcome = ctx.loop.dispatch(state, now, to=who, note=note)
        assert row.id is not None
        for partner in partners:  # each answers for its part by the handling deadline
            session.add(
                tables.CaseCohandler(
                    case_id=row.id,
                    department_id=partner.id,
                    started_at=outcome.state.step_started_at,
                    deadline=outcome.state.deadline,
                )
            )
        return outcome, {}

    return _act(ctx, code, Action.DISPATCH, decide, expected_version)


def _candidate(session: Session, who: Assignee) -> Candidate:
    if who.kind == "staff":
        staff = session.get(tables.Staff, who.id)
        assert staff is not None
        return staff_candidate(session, staff)
    department = session.get(tables.Department, who.id)
    assert department is not None
    return department_candidate(session, department)


def co_handlers(session: Session, row: tables.Case) -> list[tables.CaseCohandler]:
    """The co-handlers of the case's current handling step, in the order they were named."""
    if row.step != Step.DISPATCHED.value:
        return []
    return list(
        session.scalars(
            select(tables.CaseCohandler)
            .where(
                tables.CaseCohandler.case_id == row.id,
                tables.CaseCohandler.started_at == row.step_started_at,
            )
            .order_by(tables.CaseCohandler.id)
        )
    )


def record_part(
    ctx: Context, code: str, *, result: str | None, expected_version: int | None = None
) -> Done:
    """A co-handling department's part of a jointly handled case, by its own account."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        mine = [
            part
            for part in co_handlers(session, row)
            if part.department_id == ctx.actor.territory.department_id
        ]
        if not mine:
            raise Refused(f"case {row.code} has no part for your department to answer")
        part = mine[0]
        if part.answered_at is not None:
            raise Refused(f"your department answered for case {row.code} already")
        department = session.get(tables.Department, part.department_id)
        assert department is not None
        outcome = ctx.loop.record_part(state, by=department.name, result=result)
        part.answered_at, part.answer = now, outcome.event.reason
        return outcome, {}

    return _act(ctx, code, Action.FEED_BACK, decide, expected_version, co_handling=True)


def reassign(
    ctx: Context,
    code: str,
    *,
    to: str,
    reason: str | None,
    override: str | None = None,
    expected_version: int | None = None,
) -> Done:
    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        who = find_assignee(session, to)
        _can(state, "reassign")
        off_list = _holder(session, ctx, row, who, override)
        why = f"{off_list}; {reason.strip()}" if off_list and reason and reason.strip() else reason
        return ctx.loop.reassign(state, to=who, reason=why), {}

    return _act(ctx, code, Action.REASSIGN, decide, expected_version)


def escalate(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    return _act(
        ctx,
        code,
        Action.ESCALATE,
        lambda s, r, state, now: (ctx.loop.escalate(state, now, reason=reason), {}),
        expected_version,
    )


def escalate_overdue(
    ctx: Context,
    case_id: int,
    version: int,
    timer: TimerDecision,
    next_check: datetime | None,
    reason: str,
) -> int | None:
    """The overdue sweep's move up: the case's alerts, its timer stage and its escalation
    commit together, so a sweep cut off half-way leaves the escalation owed and the next
    sweep makes it. The alerts raised; None when the case changed since the sweep looked
    at it (the next sweep decides again)."""
    ctx.actor.require(Action.ESCALATE)
    with ctx.db.write() as session:
        row = session.scalar(select(tables.Case).where(tables.Case.id == case_id).with_for_update())
        if row is None or row.version != version:
            return None
        raised = raise_alerts(session, timer.drafts, ctx.now())
        row.alert_stage, row.alert_due_at = timer.stage, next_check
        _apply(
            session,
            ctx,
            row,
            lambda s, r, state, now: (ctx.loop.escalate(state, now, reason=reason), {}),
        )
        return raised


def deescalate(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        may_deescalate(state.code, state.level, _tier(ctx))
        return ctx.loop.deescalate(state, reason=reason), {}

    return _act(ctx, code, Action.DEESCALATE, decide, expected_version)


def feed_back(
    ctx: Context, code: str, *, result: str | None, expected_version: int | None = None
) -> Done:
    """The holder's feedback: a department's by its own accounts, a person's by them (or,
    for someone without a login, by their command center for them)."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        _can(state, "feed_back")
        _by_holder(session, ctx, row, "record its feedback")
        parts = co_handlers(session, row)
        waiting = [part for part in parts if part.answered_at is None]
        if waiting:
            names = ", ".join(_department_name(session, part.department_id) for part in waiting)
            raise Refused(f"case {row.code} waits for its co-handlers' parts: {names}")
        carried = "; ".join(
            f"{_department_name(session, part.department_id)}: {part.answer}" for part in parts
        )
        text = f"{(result or '').strip()} (with {carried})" if carried and result else result
        return ctx.loop.feed_back(state, now, by=ctx.actor.login, result=text), {}

    return _act(ctx, code, Action.FEED_BACK, decide, expected_version)


def return_case(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    """A holder sends back a case it should not hold, with the reason, to its dispatcher's
    queue; the return counts against the dispatcher's "right owner first time"."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        _can(state, "return")
        _by_holder(session, ctx, row, "return it")
        return ctx.loop.return_case(state, now, reason=reason), {}

    return _act(ctx, code, Action.RETURN, decide, expected_version)


def verify(
    ctx: Context,
    code: str,
    *,
    passed: bool,
    note: str | None,
    expected_version: int | None = None,
) -> Done:
    return _act(
        ctx,
        code,
        Action.VERIFY,
        lambda s, r, state, now: (
            ctx.loop.verify(state, now, by=ctx.actor.login, passed=passed, note=note),
            {},
        ),
        expected_version,
    )


def close(
    ctx: Context,
    code: str,
    *,
    satisfaction: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> Done:
    rating = Satisfaction.parse(satisfaction)
    return _act(
        ctx,
        code,
        Action.CLOSE,
        lambda s, r, state, now: (ctx.loop.close(state, now, satisfaction=rating, note=note), {}),
        expected_version,
    )


def dismiss(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    return _act(
        ctx,
        code,
        Action.FILE,
        lambda s, r, state, now: (ctx.loop.dismiss(state, now, reason=reason), {}),
        expected_version,
    )


def reopen(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    return _act(
        ctx,
        code,
        Action.REOPEN,
        lambda s, r, state, now: (ctx.loop.reopen(state, now, reason=reason), {}),
        expected_version,
    )


def request_extension(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    try:
        return _act(
            ctx,
            code,
            Action.REQUEST_EXTENSION,
            lambda s, r, state, now: (ctx.loop.request_extension(state, now, reason=reason), {}),
            expected_version,
        )
    except TooLate as late:
        # The case is untouched; the audit trail keeps the attempt, for the assessment.
        with ctx.db.write() as session:
            audit(
                session,
                at=ctx.now(),
                actor=ctx.actor.signature,
                channel=ctx.actor.channel,
                action=LATE_EXTENSION,
                subject_kind="case",
                subject_ref=code.strip(),
                reason=(reason or "").strip() or None,
            )
        raise late


def grant_extension(
    ctx: Context,
    code: str,
    *,
    until: datetime,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Done:
    return _act(
        ctx,
        code,
        Action.GRANT_EXTENSION,
        lambda s, r, state, now: (
            ctx.loop.grant_extension(state, now, until=until, reason=reason),
            {},
        ),
        expected_version,
    )


def refuse_extension(
    ctx: Context, code: str, *, reason: str | None, expected_version: int | None = None
) -> Done:
    return _act(
        ctx,
        code,
        Action.GRANT_EXTENSION,
        lambda s, r, state, now: (ctx.loop.refuse_extension(state, reason=reason), {}),
        expected_version,
    )


def park(
    ctx: Context,
    code: str,
    *,
    reason: str | None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Done:
    """Stop a case's clock, for one of the policy's reasons (and what `note` adds)."""
    return _act(
        ctx,
        code,
        Action.PARK,
        lambda s, r, state, now: (
            ctx.loop.park(state, now, reason=ctx.rules.parking_reason(reason, note)),
            {},
        ),
        expected_version,
    )


def unpark(
    ctx: Context, code: str, *, reason: str | None = None, expected_version: int | None = None
) -> Done:
    return _act(
        ctx,
        code,
        Action.PARK,
        lambda s, r, state, now: (ctx.loop.unpark(state, now, reason=reason), {}),
        expected_version,
    )


# -- where a case lies: place, transfer, merge ------------------------------------


def _grid_named(session: Session, ctx: Context, grid: str | None, at: Point | None) -> tables.Grid:
    """The grid a move names by code or by a point in it, inside the actor's territory."""
    if bool(grid) == (at is not None):
        raise Refused("say which grid: a grid code or a point (LAT,LON) in it")
    found = _place(session, at, grid)
    if found is None:
        assert at is not None
        raise Refused(f"no grid covers {at.lat}, {at.lon}; give a grid code")
    ctx.actor.require_territory(found.street_id, found.community_id, f"grid {found.code}")
    return found


def _in_grid(grid: tables.Grid) -> dict[str, Any]:
    return {"grid_id": grid.id, "community_id": grid.community_id, "street_id": grid.street_id}


def place_case(
    ctx: Context,
    code: str,
    *,
    reason: str | None,
    grid: str | None = None,
    at: Point | None = None,
    expected_version: int | None = None,
) -> Done:
    """Put a case no grid covered in a grid: it starts its filing clock there, at its
    category's level, and leaves the unplaced queue."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        why = check_place(whereabouts(session, row), reason)
        found = _grid_named(session, ctx, grid, at)
        category = session.get(tables.Category, row.category_id)
        assert category is not None
        placed = ctx.loop.place(
            state,
            now,
            grid=found.code,
            level=Level(category.default_level),
            limits=limits_of(category),
            why=why,
        )
        return placed, _in_grid(found)

    return _act(ctx, code, Action.FILE, decide, expected_version)


def transfer_case(
    ctx: Context,
    code: str,
    *,
    grid: str,
    reason: str | None,
    expected_version: int | None = None,
) -> Done:
    """Move a case to another grid of the actor's territory; its clock runs on. A case held
    by someone who does not serve the new grid's street is reassigned first."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        found = _grid_named(session, ctx, grid, None)
        why = check_transfer(whereabouts(session, row), found.code, reason)
        if state.assignee is not None and found.street_id != row.street_id:
            raise Refused(
                f"case {row.code} is held by {state.assignee.name}, who answers for its street; "
                "a case moves to another street's grid before it is dispatched"
            )
        before = whereabouts(session, row).grid
        return Outcome(state, Event("transfer", before, found.code, why)), _in_grid(found)

    return _act(ctx, code, Action.REASSIGN, decide, expected_version)


def hand_over_case(
    ctx: Context,
    code: str,
    *,
    to: str | None,
    reason: str | None,
    expected_version: int | None = None,
) -> Done:
    """Hand a case that is not the district's to the authority it belongs to (another
    district, a neighbouring city's hotline): it closes as handed over, an invalid report
    like a merged repeat, its history saying to whom and why."""

    def decide(
        session: Session, row: tables.Case, state: CaseState, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        authority, why = check_hand_over(whereabouts(session, row), to, reason)
        return ctx.loop.hand_over(state, now, to=authority, why=why), {}

    return _act(ctx, code, Action.REASSIGN, decide, expected_version)


def merge_case(
    ctx: Context,
    duplicate: str,
    *,
    into: str,
    reason: str | None,
    expected_version: int | None = None,
) -> Done:
    """Close a repeat report into the case it repeats: the repeat closes as merged (an
    invalid report, not a case of its own), linked to the case it joined, which keeps its
    reporter through that link; both histories say so."""
    ctx.actor.require(Action.FILE)
    with ctx.db.write() as session:
        rows = {
            row.code: row
            for row in session.scalars(
                select(tables.Case)
                .where(tables.Case.code.in_([duplicate.strip(), into.strip()]))
                .order_by(tables.Case.id)
                .with_for_update()
            )
        }
        repeat, original = rows.get(duplicate.strip()), rows.get(into.strip())
        for name, row in ((duplicate, repeat), (into, original)):
            if row is None:
                raise Refused(f"no case {name.strip()!r}")
        assert repeat is not None and original is not None
        ctx.actor.require_territory(
            original.street_id, original.community_id, f"case {original.code}"
        )
        why = check_merge(whereabouts(session, repeat), whereabouts(session, original), reason)

        def decide(
            session: Session, row: tables.Case, state: CaseState, now: datetime
        ) -> tuple[Outcome, dict[str, Any]]:
            outcome = ctx.loop.merge(state, now, into=original.code, why=why)
            return outcome, {"merged_into_id": original.id}

        done = _apply(session, ctx, repeat, decide, expected_version)
        note_on_case(
            session, ctx, original, ctx.now(), "merged_in", repeat.code, original.code, why
        )
        return done
