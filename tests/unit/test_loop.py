"""Every move of the closed loop, every refusal, and the clocks across steps."""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import (
    MOVES,
    Assignee,
    CaseState,
    ClosedLoop,
    Event,
    Satisfaction,
    Step,
    StepLimits,
    cannot,
)
from tests.conftest import NOW

H = 3600
LIMITS = StepLimits(file_h=2, dispatch_h=4, handle_h=16, verify_h=8, close_h=24)
URGENT = replace(LIMITS, urgent=True, handle_h=2)
WORKER = Assignee("staff", 7, "Dong Xinqing", "dong.x")
DEPT = Assignee("department", 3, "District Urban Management Bureau")


def reported(loop: ClosedLoop, limits: StepLimits = LIMITS, at: datetime = NOW) -> CaseState:
    blank = CaseState("261120-00001", Step.REPORTED, Level.A, limits, at, None, None, None)
    return loop.enter_step(blank, Step.REPORTED, at)


def dispatched(loop: ClosedLoop, limits: StepLimits = LIMITS) -> CaseState:
    state = loop.file(reported(loop, limits), NOW, limits=limits, level=Level.A, category="X").state
    return loop.dispatch(state, NOW, to=WORKER).state


def fed_back(loop: ClosedLoop) -> CaseState:
    return loop.feed_back(dispatched(loop), NOW, by="dong.x", result="Cleared").state


def verified(loop: ClosedLoop) -> CaseState:
    return loop.verify(fed_back(loop), NOW, by="chen.jie", passed=True, note=None).state


def closed(loop: ClosedLoop) -> CaseState:
    state = verified(loop)
    return loop.close(state, NOW, satisfaction=Satisfaction.SATISFIED, note=None).state


# -- the happy path ------------------------------------------------------------


def test_whole_loop_moves_through_every_step(loop: ClosedLoop) -> None:
    state = reported(loop)
    assert state.step is Step.REPORTED
    assert state.deadline == NOW + timedelta(hours=2)  # 10:00 + 2 working hours
    outcome = loop.file(state, NOW, limits=LIMITS, level=Level.B, category="URB-ENV-01")
    assert outcome.state.step is Step.FILED and outcome.state.level is Level.B
    assert outcome.event.action == "file"
    state = loop.dispatch(outcome.state, NOW, to=WORKER).state
    assert state.step is Step.DISPATCHED and state.assignee == WORKER
    state = loop.feed_back(state, NOW, by="dong.x", result="Cleared").state
    assert state.step is Step.FED_BACK and state.handled_by == "dong.x"
    state = loop.verify(state, NOW, by="chen.jie", passed=True, note=None).state
    assert state.step is Step.VERIFIED
    outcome = loop.close(state, NOW, satisfaction=Satisfaction.SATISFIED, note="thanks")
    assert outcome.state.step is Step.CLOSED and not outcome.state.is_open
    assert outcome.state.satisfaction is Satisfaction.SATISFIED
    assert outcome.state.closed_at == NOW and outcome.state.deadline is None


def test_each_step_starts_its_own_clock(loop: ClosedLoop) -> None:
    later = NOW + timedelta(hours=1)
    state = loop.file(reported(loop), later, limits=LIMITS, level=Level.A, category="X").state
    assert state.step_started_at == later
    assert state.step_limit_s == 4 * H
    # 11:00 + 4 working hours: one hour before lunch, three after -> 17:00.
    assert state.deadline == later.replace(hour=17)


def test_failed_verification_sends_back_for_rework(loop: ClosedLoop) -> None:
    outcome = loop.verify(fed_back(loop), NOW, by="chen.jie", passed=False, note="Still there")
    assert outcome.state.step is Step.DISPATCHED
    assert outcome.state.rework_count == 1
    assert outcome.event.to_value == "failed: rework"
    assert outcome.state.deadline == loop.time.add(NOW, 16 * H, LIMITS.counting)


def test_reopen_returns_a_closed_case_to_dispatch(loop: ClosedLoop) -> None:
    outcome = loop.reopen(closed(loop), NOW, reason="Resident says it came back")
    assert outcome.state.step is Step.FILED
    assert outcome.state.closed_at is None and outcome.state.satisfaction is None


def test_a_dismissed_report_is_closed_invalid_and_reopens_as_a_report(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="needs a reason"):
        loop.dismiss(reported(loop), NOW, reason=" ")
    outcome = loop.dismiss(reported(loop), NOW, reason="Duplicate of 261120-00002")
    assert outcome.state.step is Step.CLOSED and outcome.state.invalid
    assert outcome.state.closed_at == NOW and outcome.state.satisfaction is None
    assert outcome.event.action == "dismiss"
    with pytest.raises(Refused, match="only a reported case can be dismissed"):
        loop.dismiss(dispatched(loop), NOW, reason="Too late")
    again = loop.reopen(outcome.state, NOW, reason="Not a duplicate after all").state
    assert again.step is Step.REPORTED and not again.invalid


def test_a_case_handed_over_closes_invalid_saying_to_whom(loop: ClosedLoop) -> None:
    outcome = loop.hand_over(reported(loop), NOW, to="Kaifu district", why="Across the river")
    assert outcome.state.step is Step.CLOSED and outcome.state.invalid
    assert outcome.state.closed_at == NOW
    assert outcome.event == Event("hand_over", "reported", "Kaifu district", "Across the river")
    with pytest.raises(Refused, match="only a reported or filed case can be handed over"):
        loop.hand_over(dispatched(loop), NOW, to="Kaifu district", why="x")


def test_reassign_keeps_the_clock(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    outcome = loop.reassign(state, to=DEPT, reason="Needs a road crew")
    assert outcome.state.assignee == DEPT
    assert outcome.state.deadline == state.deadline
    assert (outcome.event.from_value, outcome.event.to_value) == (WORKER.name, DEPT.name)


def test_escalating_hands_the_case_to_the_level_above(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    later = NOW + timedelta(hours=1)
    up = loop.escalate(state, later, reason="Beyond the grid").state
    assert up.level is Level.B
    # It leaves the grid worker who could not handle it for the street's intake queue.
    assert (up.step, up.assignee, up.step_started_at) == (Step.FILED, None, later)
    assert loop.deescalate(up, reason="Grid can do it").state.level is Level.A
    reported_up = loop.escalate(reported(loop), later, reason="Seen on the wall").state
    assert (reported_up.step, reported_up.level) == (Step.REPORTED, Level.B)


# -- refusals --------------------------------------------------------------------


def test_closing_an_unverified_case_is_refused(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="only a verified case can be closed"):
        loop.close(fed_back(loop), NOW, satisfaction=Satisfaction.SATISFIED, note=None)


def test_escalating_past_d_is_refused(loop: ClosedLoop) -> None:
    state = replace(dispatched(loop), level=Level.D)
    with pytest.raises(Refused, match="highest level"):
        loop.escalate(state, NOW, reason="more")


def test_deescalating_below_a_is_refused(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="lowest level"):
        loop.deescalate(dispatched(loop), reason="less")


def test_reassigning_a_closed_case_is_refused(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="is closed"):
        loop.reassign(closed(loop), to=DEPT, reason="late")


def test_reassigning_to_the_same_assignee_is_refused(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="already assigned"):
        loop.reassign(dispatched(loop), to=WORKER, reason="again")


@pytest.mark.parametrize(
    "move",
    [
        lambda loop, s: loop.reassign(s, to=DEPT, reason="  "),
        lambda loop, s: loop.escalate(s, NOW, reason=""),
        lambda loop, s: loop.deescalate(replace(s, level=Level.B), reason=None),
        lambda loop, s: loop.park(s, NOW, reason=""),
        lambda loop, s: loop.request_extension(s, NOW, reason=""),
    ],
)
def test_moves_that_need_a_reason_refuse_without_one(
    loop: ClosedLoop, move: Callable[[ClosedLoop, CaseState], object]
) -> None:
    with pytest.raises(Refused, match="needs a reason"):
        move(loop, dispatched(loop))


def test_out_of_order_moves_are_refused(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="only a filed case can be dispatched"):
        loop.dispatch(reported(loop), NOW, to=WORKER)
    with pytest.raises(Refused, match="only a reported case can be filed"):
        loop.file(dispatched(loop), NOW, limits=LIMITS, level=Level.A, category="X")
    with pytest.raises(Refused, match="only a dispatched case can be fed back"):
        loop.feed_back(verified(loop), NOW, by="x", result="done")
    with pytest.raises(Refused, match="only a fed back case can be verified"):
        loop.verify(dispatched(loop), NOW, by="x", passed=True, note=None)
    with pytest.raises(Refused, match="still open"):
        loop.reopen(dispatched(loop), NOW, reason="why")


def test_the_handler_cannot_verify_their_own_work(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="someone else must verify"):
        loop.verify(fed_back(loop), NOW, by="dong.x", passed=True, note=None)


def test_failed_verification_needs_a_reason(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="needs a reason"):
        loop.verify(fed_back(loop), NOW, by="chen.jie", passed=False, note="")


def test_feedback_needs_a_result(loop: ClosedLoop) -> None:
    with pytest.raises(Refused, match="feedback needs a reason"):
        loop.feed_back(dispatched(loop), NOW, by="dong.x", result=" ")


# -- deadlines and overdue arithmetic ---------------------------------------------


def test_time_left_and_overdue_multiple(loop: ClosedLoop) -> None:
    state = dispatched(loop)  # 16 working hours from Friday 10:00 -> Tuesday 12:00... check
    assert state.deadline == loop.time.add(NOW, 16 * H, LIMITS.counting)
    assert loop.time_left(state, NOW) == (state.deadline - NOW).total_seconds()
    assert not loop.is_overdue(state, NOW)
    assert loop.overrun_multiple(state, NOW) is None
    assert loop.used_share(state, NOW) == 0
    halfway = loop.time.add(NOW, 8 * H, LIMITS.counting)
    assert loop.used_share(state, halfway) == pytest.approx(0.5)
    twice = loop.time.add(NOW, 32 * H, LIMITS.counting)
    assert loop.is_overdue(state, twice)
    assert loop.overrun_multiple(state, twice) == pytest.approx(2.0)
    assert loop.time_left(state, twice) < 0


def test_warning_point_is_a_share_of_the_limit(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    assert state.warn_at == loop.time.add(NOW, 12 * H, LIMITS.counting)  # 75% of 16h


def test_urgent_categories_count_calendar_hours(loop: ClosedLoop) -> None:
    state = dispatched(loop, URGENT)
    assert state.deadline == NOW + timedelta(hours=2)
    night = NOW.replace(hour=23)
    assert loop.overrun_multiple(state, night) == pytest.approx(6.5)


def test_every_step_deadline_is_known(loop: ClosedLoop) -> None:
    state = reported(loop)
    plan = loop.plan(state)
    assert [p.step for p in plan] == [
        Step.REPORTED,
        Step.FILED,
        Step.DISPATCHED,
        Step.FED_BACK,
        Step.VERIFIED,
    ]
    assert plan[0].deadline == state.deadline and not plan[0].projected
    expected = state.deadline
    for item, hours in zip(plan[1:], (4, 16, 8, 24), strict=True):
        expected = loop.time.add(expected, hours * H, LIMITS.counting)
        assert item.projected and item.deadline == expected
    assert loop.plan(closed(loop)) == []


def test_parking_pauses_the_clock_and_loses_no_time(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    park_at = loop.time.add(NOW, 4 * H, LIMITS.counting)  # 12 working hours left
    parked = loop.park(state, park_at, reason="Owner abroad").state
    assert parked.parked and parked.parked_remaining_s == 12 * H
    week_later = park_at + timedelta(days=7)
    assert not loop.is_overdue(parked, week_later + timedelta(days=30))
    assert loop.used_share(parked, week_later) == pytest.approx(0.25)
    resumed = loop.unpark(parked, week_later).state
    assert not resumed.parked
    assert resumed.deadline == loop.time.add(week_later, 12 * H, LIMITS.counting)
    assert resumed.paused_s == loop.time.elapsed(park_at, week_later, LIMITS.counting)
    assert loop.used_share(resumed, week_later) == pytest.approx(0.25)
    assert resumed.warn_at == loop.time.add(resumed.deadline, -4 * H, LIMITS.counting)


def test_parking_twice_or_unparking_a_running_case_is_refused(loop: ClosedLoop) -> None:
    parked = loop.park(dispatched(loop), NOW, reason="waiting").state
    with pytest.raises(Refused, match="already parked"):
        loop.park(parked, NOW, reason="again")
    with pytest.raises(Refused, match="not parked"):
        loop.unpark(dispatched(loop), NOW)


def test_extension_request_grant_and_refusal(loop: ClosedLoop) -> None:
    state = loop.request_extension(dispatched(loop), NOW, reason="Parts on order").state
    assert state.extension_reason == "Parts on order"
    with pytest.raises(Refused, match="already has an extension request"):
        loop.request_extension(state, NOW, reason="more")
    assert state.deadline is not None
    with pytest.raises(Refused, match="must be later"):
        loop.grant_extension(state, NOW, until=state.deadline, reason=None)
    new_deadline = loop.time.add(state.deadline, 8 * H, LIMITS.counting)
    granted = loop.grant_extension(state, NOW, until=new_deadline, reason=None)
    assert granted.state.deadline == new_deadline
    assert granted.state.step_limit_s == 24 * H
    assert granted.state.extension_reason is None
    assert granted.event.reason == "Parts on order"
    refused = loop.refuse_extension(state, reason="Use the spare stock").state
    assert refused.extension_reason is None and refused.deadline == state.deadline
    with pytest.raises(Refused, match="no extension request to grant"):
        loop.grant_extension(refused, NOW, until=new_deadline, reason=None)
    with pytest.raises(Refused, match="no extension request to refuse"):
        loop.refuse_extension(refused, reason="no")


def test_an_extension_is_asked_for_before_the_deadline_and_keeps_the_original(
    loop: ClosedLoop,
) -> None:
    state = dispatched(loop)  # 16 working hours from Friday 10:00: Tuesday noon
    assert state.deadline is not None and state.original_deadline == state.deadline
    after = state.deadline + timedelta(minutes=1)
    with pytest.raises(Refused, match=r"was due at 12:00 on 24 Nov 2026 \(dispatched\); an ex"):
        loop.request_extension(state, after, reason="Parts on order")
    asked = loop.request_extension(state, state.deadline, reason="Parts on order").state
    later = loop.time.add(state.deadline, 8 * H, LIMITS.counting)
    granted = loop.grant_extension(asked, after, until=later, reason=None).state
    assert granted.deadline == later and granted.original_deadline == state.deadline
    again = loop.request_extension(granted, after, reason="Still waiting").state
    twice = loop.grant_extension(again, after, until=later + timedelta(days=7), reason=None).state
    assert twice.original_deadline == state.deadline  # the first deadline, whatever came after


def test_a_late_step_parked_after_its_deadline_cannot_ask_for_more_time(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    assert state.deadline is not None
    parked = loop.park(state, state.deadline + timedelta(hours=1), reason="a third party").state
    with pytest.raises(Refused, match="before the deadline"):
        loop.request_extension(parked, state.deadline + timedelta(days=3), reason="more")


def test_parking_moves_the_original_deadline_with_the_stopped_time(loop: ClosedLoop) -> None:
    state = dispatched(loop)
    assert state.deadline is not None
    parked = loop.park(state, NOW, reason="awaiting a court ruling").state
    week_later = NOW + timedelta(days=7)
    resumed = loop.unpark(parked, week_later).state
    assert resumed.original_deadline == resumed.deadline
    assert resumed.parked_s == 7 * 24 * H  # wall-clock time parked, for the parked share


@pytest.mark.parametrize("share", [0.5, 1.0, 1.5, 3.0])
def test_share_reached_at_is_when_used_share_gets_there(loop: ClosedLoop, share: float) -> None:
    state = replace(dispatched(loop), paused_s=1800.0)  # working hours, with a pause
    at = loop.share_reached_at(state, share)
    assert at is not None
    assert loop.used_share(state, at) == pytest.approx(share)
    assert loop.used_share(state, at - timedelta(minutes=1)) < share


def test_a_move_that_cannot_apply_is_known_from_step_and_level() -> None:
    assert cannot("dispatch", "C1", Step.DISPATCHED, Level.A) == (
        "case C1 is dispatched; only a filed case can be dispatched"
    )
    assert cannot("dispatch", "C1", Step.FILED, Level.A) is None
    assert "highest level" in (cannot("escalate", "C1", Step.FILED, Level.D) or "")
    assert "lowest level" in (cannot("deescalate", "C1", Step.DISPATCHED, Level.A) or "")
    assert "closed" in (cannot("reassign", "C1", Step.CLOSED, Level.B) or "")
    assert cannot("escalate", "C1", Step.VERIFIED, Level.C) is None


def _filed(loop: ClosedLoop) -> CaseState:
    return loop.file(reported(loop), NOW, limits=LIMITS, level=Level.B, category="X").state


def _try_move(loop: ClosedLoop, move: str, state: CaseState) -> None:
    """Apply `move` as the console would, with every input it asks for filled in."""
    later = NOW + timedelta(days=30)
    other = Assignee("staff", 8, "Someone Else", "someone")
    moves: dict[str, Callable[[], object]] = {
        "file": lambda: loop.file(state, NOW, limits=LIMITS, level=Level.B, category="X"),
        "dismiss": lambda: loop.dismiss(state, NOW, reason="not a case"),
        "dispatch": lambda: loop.dispatch(state, NOW, to=other),
        "reassign": lambda: loop.reassign(state, to=other, reason="closer"),
        "escalate": lambda: loop.escalate(state, NOW, reason="too big"),
        "deescalate": lambda: loop.deescalate(state, reason="small after all"),
        "feed_back": lambda: loop.feed_back(state, NOW, by="dong.x", result="done"),
        "return": lambda: loop.return_case(state, NOW, reason="not ours"),
        "verify": lambda: loop.verify(state, NOW, by="chen.jie", passed=True, note=None),
        "close": lambda: loop.close(state, NOW, satisfaction=Satisfaction.SATISFIED, note=None),
        "reopen": lambda: loop.reopen(state, NOW, reason="came back"),
        "park": lambda: loop.park(state, NOW, reason="waiting for a ruling"),
        "unpark": lambda: loop.unpark(state, later),
        "extension": lambda: loop.request_extension(state, NOW, reason="needs a part"),
        "place": lambda: loop.place(
            state, NOW, grid="G1", level=Level.A, limits=LIMITS, why="called back"
        ),
        "merge": lambda: loop.merge(state, NOW, into="261120-00002", why="same heap"),
    }
    moves[move]()


@pytest.mark.parametrize("move", sorted(MOVES))
def test_what_the_console_offers_is_what_the_loop_allows(loop: ClosedLoop, move: str) -> None:
    """For every move, in every step, parked or running: the console offers a move exactly
    when the loop carries it out (so a key is never shown for a move the loop refuses,
    nor hidden for one it would do)."""
    states = [reported(loop), _filed(loop), dispatched(loop), fed_back(loop), verified(loop)]
    states += [closed(loop), replace(dispatched(loop), level=Level.D)]
    states += [loop.park(state, NOW, reason="waiting").state for state in states[:5]]
    for state in states:
        offered = cannot(move, state.code, state.step, state.level, state.parked)
        try:
            _try_move(loop, move, state)
            allowed = True
        except Refused:
            allowed = False
        assert (offered is None) == allowed, (move, state.step, state.level, state.parked, offered)
