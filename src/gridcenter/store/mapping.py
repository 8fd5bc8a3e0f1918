"""Between table rows and the domain's plain values: the one place they meet."""

from typing import Any

from gridcenter.domain.alerts import next_timer_check
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import Assignee, CaseState, Satisfaction, Step, StepLimits
from gridcenter.domain.reports import placing_limits
from gridcenter.store import tables


def limits_of(category: tables.Category) -> StepLimits:
    return StepLimits(
        file_h=category.file_h,
        dispatch_h=category.dispatch_h,
        handle_h=category.handle_h,
        verify_h=category.verify_h,
        close_h=category.close_h,
        urgent=category.urgent,
        warn_share=category.warn_share,
    )


def staff_assignee(staff: tables.Staff) -> Assignee:
    assert staff.id is not None
    return Assignee("staff", staff.id, staff.name, staff.login)


def department_assignee(department: tables.Department) -> Assignee:
    assert department.id is not None
    return Assignee("department", department.id, department.name)


def state_of(row: tables.Case, limits: StepLimits, assignee: Assignee | None) -> CaseState:
    if row.grid_id is None:
        limits = placing_limits(limits)  # waiting to be placed: calendar hours
    return CaseState(
        code=row.code,
        step=Step(row.step),
        level=Level(row.level),
        limits=limits,
        step_started_at=row.step_started_at,
        step_limit_s=row.step_limit_s,
        deadline=row.deadline,
        original_deadline=row.original_deadline,
        warn_at=row.warn_at,
        assignee=assignee,
        parked_at=row.parked_at,
        parked_reason=row.parked_reason,
        parked_remaining_s=row.parked_remaining_s,
        paused_s=row.paused_s,
        parked_s=row.parked_s,
        extension_reason=row.extension_reason,
        handled_by=row.handled_by,
        rework_count=row.rework_count,
        satisfaction=Satisfaction(row.satisfaction) if row.satisfaction else None,
        closed_at=row.closed_at,
        invalid=row.invalid,
        version=row.version,
    )


def values_of(state: CaseState) -> dict[str, Any]:
    """The case columns that the closed loop owns, as the state says they are."""
    assignee = state.assignee
    return {
        "step": state.step.value,
        "level": state.level.value,
        "urgent": state.limits.urgent,
        "assignee_staff_id": assignee.id if assignee and assignee.kind == "staff" else None,
        "assignee_department_id": (
            assignee.id if assignee and assignee.kind == "department" else None
        ),
        "step_started_at": state.step_started_at,
        "step_limit_s": state.step_limit_s,
        "deadline": state.deadline,
        "original_deadline": state.original_deadline,
        "warn_at": state.warn_at,
        "parked_at": state.parked_at,
        "parked_reason": state.parked_reason,
        "parked_remaining_s": state.parked_remaining_s,
        "paused_s": state.paused_s,
        "parked_s": state.parked_s,
        "extension_reason": state.extension_reason,
        "handled_by": state.handled_by,
        "rework_count": state.rework_count,
        "satisfaction": state.satisfaction.value if state.satisfaction else None,
        "closed_at": state.closed_at,
        "invalid": state.invalid,
    }


def fresh_timers(state: CaseState) -> dict[str, Any]:
    """The timer columns for a new deadline: nothing raised yet, the first look is due at
    its warning point."""
    return {
        "alert_stage": 0,
        "alert_due_at": next_timer_check(0, state.warn_at, state.deadline, None),
    }
