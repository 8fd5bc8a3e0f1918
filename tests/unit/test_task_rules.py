"""Tasks pushed onto grids: their rules and the share of time they take, without a store."""

from datetime import date

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.tasks import (
    TaskLoad,
    TaskState,
    check_due,
    check_hours,
    check_title,
    task_state,
)

TODAY = date(2026, 11, 20)


def test_a_task_is_open_overdue_past_its_day_and_done_once_done() -> None:
    assert task_state(TODAY, False, TODAY) is TaskState.OPEN
    assert task_state(date(2026, 11, 19), False, TODAY) is TaskState.OVERDUE
    assert task_state(date(2026, 11, 19), True, TODAY) is TaskState.DONE


@pytest.mark.parametrize("hours", [0, -1, float("nan"), 1_000.5])
def test_hours_are_above_nothing_and_below_a_typing_slip(hours: float) -> None:
    with pytest.raises(Refused, match="--hours: give hours above 0"):
        check_hours(hours, "--hours")


def test_a_title_and_a_due_day() -> None:
    assert check_title("  Census\n form ") == "Census form"
    with pytest.raises(Refused, match="needs a title"):
        check_title(" ")
    with pytest.raises(Refused, match="at most 200"):
        check_title("x" * 201)
    assert check_due(TODAY, TODAY) == TODAY
    with pytest.raises(Refused, match="is past"):
        check_due(date(2026, 11, 19), TODAY)


def test_the_share_of_time_on_tasks_is_task_hours_over_task_and_patrol_hours() -> None:
    assert TaskLoad(4.5, 3.0).share == pytest.approx(0.6)
    assert TaskLoad(0.0, 3.0).share == 0.0
    assert TaskLoad().share is None  # nothing recorded: no made-up figure
