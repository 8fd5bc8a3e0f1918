"""The six-step closed loop: collect, file, dispatch, handle and feed back,
verify, close and evaluate.

A case is a `CaseState`; every action is a method of `ClosedLoop` that takes
a state and returns an `Outcome` (the new state and the event for its
history) or raises `Refused`. Nothing here touches a database or a screen.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from gridcenter.domain.calendar import Counting, Timekeeper
from gridcenter.domain.errors import Refused, TooLate, not_valid
from gridcenter.domain.levels import Level

HOUR = 3600.0


class Step(StrEnum):
    """Where a case stands in the loop; each open step has its own time limit."""

    REPORTED = "reported"  # collected, waiting to be filed
    FILED = "filed"  # classified and located, waiting to be dispatched
    DISPATCHED = "dispatched"  # with its assignee, waiting for feedback
    FED_BACK = "fed_back"  # handled, waiting for an on-site check
    VERIFIED = "verified"  # checked, waiting to be closed and rated
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @classmethod
    def parse(cls, text: str) -> "Step":
        try:
            return cls(text.strip().lower().replace(" ", "_"))
        except ValueError:
            raise not_valid("step", text, (step.label for step in cls)) from None


OPEN_STEPS = tuple(step for step in Step if step is not Step.CLOSED)
# An escalation that takes a dispatched case from its holder to the upper level's intake
# queue (filed, to be dispatched there): an action of its own, so that the history says so.
TO_INTAKE = "escalate_to_intake"
ESCALATIONS = ("escalate", TO_INTAKE)


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"
    NOT_RATED = "not_rated"  # the resident could not be reached or declined

    @classmethod
    def parse(cls, text: str) -> "Satisfaction":
        try:
            return cls(text.strip().lower().replace(" ", "_"))
        except ValueError:
            raise not_valid("satisfaction", text, cls) from None


@dataclass(frozen=True)
class StepLimits:
    """A category's time limits in hours, and the share of a limit that raises a warning."""

    file_h: float
    dispatch_h: float
    handle_h: float
    verify_h: float
    close_h: float
    urgent: bool = False
    warn_share: float = 0.75

    @property
    def counting(self) -> Counting:
        return Counting.CALENDAR if self.urgent else Counting.WORKING

    def seconds(self, step: Step) -> float | None:
        hours = {
            Step.REPORTED: self.file_h,
            Step.FILED: self.dispatch_h,
            Step.DISPATCHED: self.handle_h,
            Step.FED_BACK: self.verify_h,
            Step.VERIFIED: self.close_h,
        }.get(step)
        return None if hours is None else hours * HOUR


@dataclass(frozen=True)
class Assignee:
    kind: str  # "staff" or "department"
    id: int
    name: str
    login: str | None = None  # a staff member's operator login, when they have one


@dataclass(frozen=True)
class CaseState:
    code: str
    step: Step
    level: Level
    limits: StepLimits
    step_started_at: datetime
    step_limit_s: float | None
    deadline: datetime | None
    warn_at: datetime | None
    assignee: Assignee | None = None
    # The step's deadline before any extension (moved only by parking): lateness is
    # measured against it, so an extension never turns a late step into an on-time one.
    original_deadline: datetime | None = None
    parked_at: datetime | None = None
    parked_reason: str | None = None
    parked_remaining_s: float | None = None
    paused_s: float = 0.0
    parked_s: float = 0.0  # wall-clock seconds the step has spent parked
    extension_reason: str | None = None
    handled_by: str | None = None
    rework_count: int = 0
    satisfaction: Satisfaction | None = None
    closed_at: datetime | None = None
    invalid: bool = False  # dismissed at filing: closed without running the loop
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.step is not Step.CLOSED

    @property
    def parked(self) -> bool:
        return self.parked_at is not None


@dataclass(frozen=True)
class Event:
    """One line of a case's history: what changed, from what, to what, and why."""

    action: str
    from_value: str | None = None
    to_value: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Outcome:
    state: CaseState
    event: Event


@dataclass(frozen=True)
class StepPlan:
    step: Step
    deadline: datetime | None
    projected: bool  # True for a step not yet reached: its deadline if every step ran full


def _reason(reason: str | None, action: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise Refused(f"{action} needs a reason")
    return text


@dataclass(frozen=True)
class Move:
    """A move on one case, as the console offers it: where in the loop it applies, known
    from the case's step, level and clock alone, so a move that cannot apply is left out
    or refused before anything is asked. The loop's own checks stay the rule."""

    name: str
    done: str  # the words of a refusal: "case X is closed; it cannot be <done>"
    steps: frozenset[Step]  # the steps it applies to
    parked: bool | None = None  # True: only a parked case; False: only a running one


_OPEN = frozenset(OPEN_STEPS)
MOVES = {
    move.name: move
    for move in (
        Move("file", "filed", frozenset({Step.REPORTED})),
        Move("dismiss", "dismissed", frozenset({Step.REPORTED})),
        Move("dispatch", "dispatched", frozenset({Step.FILED})),
        Move("reassign", "reassigned", _OPEN),
        Move("escalate", "escalated", _OPEN),
        Move("deescalate", "de-escalated", _OPEN),
        Move("feed_back", "fed back", frozenset({Step.DISPATCHED})),
        Move("return", "returned", frozenset({Step.DISPATCHED})),
        Move("verify", "verified", frozenset({Step.FED_BACK})),
        Move("close", "closed", frozenset({Step.VERIFIED})),
        Move("reopen", "reopened", frozenset({Step.CLOSED})),
        Move("park", "parked", _OPEN, parked=False),
        Move("unpark", "unparked", _OPEN, parked=True),
        Move("extension", "extended", _OPEN),
        Move("place", "placed", frozenset({Step.REPORTED})),
        Move("merge", "merged", frozenset({Step.REPORTED, Step.FILED})),
    )
}


def cannot(move: str, code: str, step: Step, level: Level, parked: bool = False) -> str | None:
    """Why a move cannot apply to a case in this step, at this level and with its clock
    running or parked, said before anything is asked for; None when it can."""
    rule = MOVES[move]
    if step is Step.CLOSED and step not in rule.steps:
        return f"case {code} is closed; it cannot be {rule.done} (reopen it first)"
    if step not in rule.steps:
        if step is not Step.CLOSED and rule.steps == {Step.CLOSED}:
            return f"case {code} is still open ({step.label}); only a closed case can be reopened"
        wanted = " or ".join(s.label for s in OPEN_STEPS if s in rule.steps)
        return f"case {code} is {step.label}; only a {wanted} case can be {rule.done}"
    if rule.parked is True and not parked:
        return f"case {code} is not parked"
    if rule.parked is False and parked:
        return f"case {code} is parked; unpark it first"
    try:
        if move == "escalate":
            level.above()
        elif move == "deescalate":
            level.below()
    except Refused as refused:
        return str(refused)
    return None


class ClosedLoop:
    """The rules of the loop, counted on one working calendar."""

    def __init__(self, timekeeper: Timekeeper) -> None:
        self.time = timekeeper

    # -- clocks ---------------------------------------------------------------

    def enter_step(
        self, state: CaseState, step: Step, now: datetime, limits: StepLimits | None = None
    ) -> CaseState:
        """Start `step` now with a fresh clock on its time limit."""
        limits = limits or state.limits
        limit = limits.seconds(step)
        deadline = None if limit is None else self.time.add(now, limit, limits.counting)
        return replace(
            state,
            step=step,
            limits=limits,
            step_started_at=now,
            step_limit_s=limit,
            deadline=deadline,
            original_deadline=deadline,
            warn_at=self._warn_at(deadline, limit, limits),
            parked_at=None,
            parked_reason=None,
            parked_remaining_s=None,
            paused_s=0.0,
            parked_s=0.0,
            extension_reason=None,
        )

    def _warn_at(
        self, deadline: datetime | None, limit: float | None, limits: StepLimits
    ) -> datetime | None:
        if deadline is None or limit is None:
            return None
        return self.time.add(deadline, -limit * (1 - limits.warn_share), limits.counting)

    def time_left(self, state: CaseState, now: datetime) -> float | None:
        """Wall-clock seconds until the step's deadline (negative when overdue)."""
        if state.deadline is None:
            return None
        if state.parked and state.parked_at is not None:
            return (state.deadline - state.parked_at).total_seconds()
        return (state.deadline - now).total_seconds()

    def is_overdue(self, state: CaseState, now: datetime) -> bool:
        left = self.time_left(state, now)
        return left is not None and left < 0 and not state.parked

    def used_share(self, state: CaseState, now: datetime) -> float | None:
        """How much of the step's limit is used: 0.5 half-way, 2.0 twice over."""
        if state.step_limit_s is None or state.step_limit_s <= 0:
            return None
        end = state.parked_at if state.parked and state.parked_at else now
        counting = state.limits.counting
        elapsed = self.time.elapsed(state.step_started_at, end, counting) - state.paused_s
        return max(elapsed, 0.0) / state.step_limit_s

    def share_reached_at(self, state: CaseState, share: float) -> datetime | None:
        """When the step will have used `share` of its limit if its clock keeps running."""
        if state.step_limit_s is None or state.step_limit_s <= 0:
            return None
        used = share * state.step_limit_s + state.paused_s
        return self.time.add(state.step_started_at, used, state.limits.counting)

    def overrun_multiple(self, state: CaseState, now: datetime) -> float | None:
        """By what multiple of its limit an overdue case has run; None when not overdue."""
        if not self.is_overdue(state, now):
            return None
        return self.used_share(state, now)

    def plan(self, state: CaseState) -> list[StepPlan]:
        """The current step's deadline and the projected deadlines of the steps after it."""
        if not state.is_open:
            return []
        plans = [StepPlan(state.step, state.deadline, projected=False)]
        cursor = state.deadline
        for step in OPEN_STEPS[OPEN_STEPS.index(state.step) + 1 :]:
            limit = state.limits.seconds(step)
            if cursor is not None and limit is not None:
                cursor = self.time.add(cursor, limit, state.limits.counting)
            plans.append(StepPlan(step, cursor, projected=True))
        return plans

    # -- the loop -------------------------------------------------------------

    def _require_open(self, state: CaseState, action: str) -> None:
        if not state.is_open:
            raise Refused(f"case {state.code} is closed; it cannot be {action} (reopen it first)")

    def _require_step(self, state: CaseState, action: str, *steps: Step) -> None:
        self._require_open(state, action)
        if state.step not in steps:
            wanted = " or ".join(step.label for step in steps)
            raise Refused(
                f"case {state.code} is {state.step.label}; only a {wanted} case can be {action}"
            )

    def file(
        self,
        state: CaseState,
        now: datetime,
        *,
        limits: StepLimits,
        level: Level,
        category: str,
        reason: str | None = None,
    ) -> Outcome:
        self._require_step(state, "filed", Step.REPORTED)
        new = replace(self.enter_step(state, Step.FILED, now, limits), level=level)
        why = (reason or "").strip() or None
        return Outcome(new, Event("file", Step.REPORTED.value, f"{category} level {level}", why))

    def dispatch(
        self, state: CaseState, now: datetime, *, to: Assignee, note: str | None = None
    ) -> Outcome:
        self._require_step(state, "dispatched", Step.FILED)
        new = replace(self.enter_step(state, Step.DISPATCHED, now), assignee=to)
        previous = state.assignee.name if state.assignee else None
        return Outcome(new, Event("dispatch", previous, to.name, note))

    def reassign(self, state: CaseState, *, to: Assignee, reason: str | None) -> Outcome:
        """Hand the case to someone else; the clock of the step keeps running."""
        self._require_open(state, "reassigned")
        why = _reason(reason, "reassigning")
        if state.assignee is not None and (state.assignee.kind, state.assignee.id) == (
            to.kind,
            to.id,
        ):
            raise Refused(f"case {state.code} is already assigned to {to.name}")
        previous = state.assignee.name if state.assignee else None
        return Outcome(replace(state, assignee=to), Event("reassign", previous, to.name, why))

    def escalate(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        """Hand the case to the level above. A dispatched case leaves its holder, who could
        not dispose of it, for the upper platform's intake queue: filed, to be dispatched
        there on a fresh clock (the late step stays late in the figures)."""
        self._require_open(state, "escalated")
        why = _reason(reason, "escalating")
        level = state.level.above()
        if state.step is Step.DISPATCHED:
            new = replace(self.enter_step(state, Step.FILED, now), level=level, assignee=None)
            return Outcome(new, Event(TO_INTAKE, state.level.value, level.value, why))
        return Outcome(
            replace(state, level=level), Event("escalate", state.level.value, level.value, why)
        )

    def deescalate(self, state: CaseState, *, reason: str | None) -> Outcome:
        self._require_open(state, "de-escalated")
        why = _reason(reason, "de-escalating")
        level = state.level.below()
        return Outcome(
            replace(state, level=level), Event("deescalate", state.level.value, level.value, why)
        )

    def record_part(self, state: CaseState, *, by: str, result: str | None) -> Outcome:
        """A co-handling department's part of a jointly handled case: the clock is the
        lead's, whose feedback carries the parts."""
        self._require_step(state, "answered for", Step.DISPATCHED)
        text = _reason(result, "a co-handler's part")
        return Outcome(state, Event("part", by, None, text))

    def return_case(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        """A holder sends back a case it should not hold: filed again, in its dispatcher's
        queue, on a fresh dispatch clock (the return counts against the dispatcher)."""
        self._require_step(state, "returned", Step.DISPATCHED)
        why = _reason(reason, "returning a case")
        new = replace(self.enter_step(state, Step.FILED, now), assignee=None)
        previous = state.assignee.name if state.assignee else None
        return Outcome(new, Event("return", previous, Step.FILED.value, why))

    def feed_back(self, state: CaseState, now: datetime, *, by: str, result: str | None) -> Outcome:
        self._require_step(state, "fed back", Step.DISPATCHED)
        text = _reason(result, "feedback")
        new = replace(self.enter_step(state, Step.FED_BACK, now), handled_by=by)
        return Outcome(new, Event("feed_back", Step.DISPATCHED.value, Step.FED_BACK.value, text))

    def verify(
        self, state: CaseState, now: datetime, *, by: str, passed: bool, note: str | None
    ) -> Outcome:
        """An on-site check by someone other than the handler; a failed check means rework."""
        self._require_step(state, "verified", Step.FED_BACK)
        if state.handled_by is not None and by == state.handled_by:
            raise Refused(f"{by} handled case {state.code}; someone else must verify it on site")
        if passed:
            new = self.enter_step(state, Step.VERIFIED, now)
            return Outcome(new, Event("verify", "fed_back", "passed", (note or "").strip() or None))
        why = _reason(note, "a failed verification")
        new = replace(
            self.enter_step(state, Step.DISPATCHED, now), rework_count=state.rework_count + 1
        )
        return Outcome(new, Event("verify", "fed_back", "failed: rework", why))

    def close(
        self, state: CaseState, now: datetime, *, satisfaction: Satisfaction, note: str | None
    ) -> Outcome:
        self._require_step(state, "closed", Step.VERIFIED)
        new = replace(
            self.enter_step(state, Step.CLOSED, now), satisfaction=satisfaction, closed_at=now
        )
        text = (note or "").strip() or None
        return Outcome(new, Event("close", Step.VERIFIED.value, satisfaction.value, text))

    def dismiss(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        """A report that is not a case (a duplicate, not a problem): closed before filing,
        and counted as an invalid report in its reporter's assessment."""
        self._require_step(state, "dismissed", Step.REPORTED)
        why = _reason(reason, "dismissing a report")
        new = replace(self.enter_step(state, Step.CLOSED, now), closed_at=now, invalid=True)
        return Outcome(new, Event("dismiss", Step.REPORTED.value, "invalid", why))

    def place(
        self,
        state: CaseState,
        now: datetime,
        *,
        grid: str,
        level: Level,
        limits: StepLimits,
        why: str,
    ) -> Outcome:
        """A report no grid covered, put in a grid (domain/reports.py says which may be): its
        filing clock starts there, on its category's limits and at its level."""
        self._require_step(state, "placed", Step.REPORTED)
        new = replace(self.enter_step(state, Step.REPORTED, now, limits), level=level)
        return Outcome(new, Event("place", None, grid, why))

    def merge(self, state: CaseState, now: datetime, *, into: str, why: str) -> Outcome:
        """A repeat report closed into the case it repeats (domain/reports.py says which may
        be): not a case of its own, so it counts as an invalid report, like a dismissal.
        Only before anyone works on it: reported or filed."""
        self._require_step(state, "merged", Step.REPORTED, Step.FILED)
        new = replace(self.enter_step(state, Step.CLOSED, now), closed_at=now, invalid=True)
        return Outcome(new, Event("merge", state.step.value, into, why))

    def hand_over(self, state: CaseState, now: datetime, *, to: str, why: str) -> Outcome:
        """A case handed to the authority it belongs to (domain/reports.py says which may
        be): not the district's, so like a merged repeat it closes as an invalid report,
        out of the district's completion figures."""
        self._require_step(state, "handed over", Step.REPORTED, Step.FILED)
        new = replace(self.enter_step(state, Step.CLOSED, now), closed_at=now, invalid=True)
        return Outcome(new, Event("hand_over", state.step.value, to, why))

    def reopen(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        if state.is_open:
            raise Refused(
                f"case {state.code} is still open ({state.step.label}); "
                "only a closed case can be reopened"
            )
        why = _reason(reason, "reopening")
        step = Step.REPORTED if state.invalid else Step.FILED  # a dismissed report is filed anew
        new = replace(
            self.enter_step(state, step, now), satisfaction=None, closed_at=None, invalid=False
        )
        return Outcome(new, Event("reopen", Step.CLOSED.value, step.value, why))

    def request_extension(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        """Ask for more time, before the step's deadline: asked after it, an extension would
        only erase the lateness from the figures."""
        self._require_open(state, "extended")
        why = _reason(reason, "an extension request")
        if state.deadline is None:
            raise Refused(f"case {state.code} has no deadline in its {state.step.label} step")
        left = self.time_left(state, now)
        if left is not None and left < 0:
            due = state.deadline.astimezone(self.time.calendar.timezone)
            raise TooLate(
                f"case {state.code} was due at {due:%H:%M on %d %b %Y} ({state.step.label}); "
                "an extension must be asked for before the deadline"
            )
        if state.extension_reason is not None:
            raise Refused(f"case {state.code} already has an extension request waiting")
        return Outcome(
            replace(state, extension_reason=why), Event("request_extension", None, None, why)
        )

    def grant_extension(
        self, state: CaseState, now: datetime, *, until: datetime, reason: str | None
    ) -> Outcome:
        self._require_open(state, "extended")
        if state.extension_reason is None:
            raise Refused(f"case {state.code} has no extension request to grant")
        if state.deadline is None or state.step_limit_s is None:
            raise Refused(f"case {state.code} has no deadline in its {state.step.label} step")
        if until <= state.deadline or until <= now:
            raise Refused("the new deadline must be later than both now and the current deadline")
        why = (reason or "").strip() or state.extension_reason
        counting = state.limits.counting
        limit = state.step_limit_s + self.time.elapsed(state.deadline, until, counting)
        new = replace(
            state,
            deadline=until,
            original_deadline=state.original_deadline or state.deadline,
            step_limit_s=limit,
            warn_at=self._warn_at(until, limit, state.limits),
            extension_reason=None,
        )
        return Outcome(
            new,
            Event("grant_extension", state.deadline.isoformat(), until.isoformat(), why),
        )

    def refuse_extension(self, state: CaseState, *, reason: str | None) -> Outcome:
        if state.extension_reason is None:
            raise Refused(f"case {state.code} has no extension request to refuse")
        why = _reason(reason, "refusing an extension")
        return Outcome(
            replace(state, extension_reason=None), Event("refuse_extension", None, None, why)
        )

    def park(self, state: CaseState, now: datetime, *, reason: str | None) -> Outcome:
        """Stop the clock while the case waits on something outside anyone's control."""
        self._require_open(state, "parked")
        why = _reason(reason, "parking")
        if state.parked:
            raise Refused(f"case {state.code} is already parked: {state.parked_reason}")
        if state.deadline is None:
            raise Refused(f"case {state.code} has no running clock in its {state.step.label} step")
        remaining = self.time.elapsed(now, state.deadline, state.limits.counting)
        new = replace(state, parked_at=now, parked_reason=why, parked_remaining_s=remaining)
        return Outcome(new, Event("park", None, None, why))

    def unpark(self, state: CaseState, now: datetime, *, reason: str | None = None) -> Outcome:
        """Restart the clock with exactly the time that was left when it stopped."""
        if not state.parked or state.parked_at is None or state.parked_remaining_s is None:
            raise Refused(f"case {state.code} is not parked")
        counting = state.limits.counting
        paused = self.time.elapsed(state.parked_at, now, counting)
        deadline = self.time.add(now, state.parked_remaining_s, counting)
        # The original deadline moves by the same stopped time: parking is not lateness.
        original = state.original_deadline or state.deadline
        new = replace(
            state,
            deadline=deadline,
            original_deadline=None
            if original is None
            else self.time.add(original, paused, counting),
            warn_at=self._warn_at(deadline, state.step_limit_s, state.limits),
            parked_at=None,
            parked_reason=None,
            parked_remaining_s=None,
            paused_s=state.paused_s + paused,
            parked_s=state.parked_s + (now - state.parked_at).total_seconds(),
        )
        text = (reason or "").strip() or None
        return Outcome(new, Event("unpark", None, deadline.isoformat(), text))
