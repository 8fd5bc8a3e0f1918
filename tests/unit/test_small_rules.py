import pytest

from gridcenter.domain.access import Action, Actor, Role, Territory, serves
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import Step
from gridcenter.domain.masking import mask_name, mask_phone
from gridcenter.domain.replay import HistoryEvent, replay
from gridcenter.domain.status import GridStatus, grid_status, trouble
from gridcenter.formatting import duration, time_left


def test_levels_parse_and_order() -> None:
    assert Level.parse(" b ") is Level.B
    assert Level.A.above() is Level.B and Level.D.below() is Level.C
    assert Level.C.disposer == "district"
    with pytest.raises(Refused, match="is not a valid level: A, B, C, D"):
        Level.parse("E")


def test_phone_numbers_are_masked() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("5678") == "****"
    assert mask_phone(None) == ""


def test_roles_allow_what_they_should() -> None:
    viewer = Actor("v", Role.VIEWER)
    operator = Actor("o", Role.OPERATOR)
    supervisor = Actor("s", Role.SUPERVISOR)
    assert not viewer.can(Action.FILE)
    assert operator.can(Action.FEED_BACK) and not operator.can(Action.REASSIGN)
    assert supervisor.can(Action.REASSIGN) and not supervisor.can(Action.ADMINISTER)
    with pytest.raises(Refused, match=r"o \(operator\) may not reassign"):
        operator.require(Action.REASSIGN)


def test_territory_contains() -> None:
    assert Territory().contains(1, 10)
    assert Territory(street_id=1).contains(1, 10)
    assert not Territory(street_id=2).contains(1, 10)
    assert not Territory(community_id=11).contains(1, 10)
    with pytest.raises(Refused, match="outside the territory"):
        Actor("s", Role.SUPERVISOR, Territory(street_id=2)).require_territory(1, 10, "case X")


def test_durations_read_compactly() -> None:
    assert duration(45) == "45s"
    assert duration(125) == "2m05s"
    assert duration(3 * 3600 + 300) == "3h05m"
    assert duration(-(2 * 86400 + 4 * 3600)) == "2d04h"
    assert time_left(-90) == "OVER 1m30s"
    assert time_left(90, parked=True) == "paused 1m30s"
    assert time_left(None) == "-"


def test_a_case_is_held_by_its_streets_people_or_by_the_district() -> None:
    assert serves(None, 3) and serves(3, 3)
    assert not serves(4, 3)


def test_grids_in_trouble_are_ranked_alarms_overdue_warnings_then_unstaffed() -> None:
    ranks = [
        trouble(GridStatus.ALARM, 0),
        trouble(GridStatus.WARNING, 2),
        trouble(GridStatus.WARNING, 0),
        trouble(GridStatus.UNSTAFFED, 0),
        trouble(GridStatus.NO_DUTY, 0),
        trouble(GridStatus.UNPATROLLED, 0),
        trouble(GridStatus.NORMAL, 0),
    ]
    assert ranks == [0, 1, 2, 3, 3, 3, 4]


def test_an_unpatrolled_grid_outranks_its_warnings_but_not_a_missing_team() -> None:
    def status(**given: object) -> GridStatus:
        facts = {"overdue": 0, "alarms": 0, "warnings": 1, "staffed": True, "on_duty": True}
        return grid_status(**{**facts, **given})  # type: ignore[arg-type]

    assert status() is GridStatus.WARNING
    assert status(patrolled=False) is GridStatus.UNPATROLLED
    assert status(patrolled=False, staffed=False) is GridStatus.UNSTAFFED
    assert status(patrolled=False, alarms=1) is GridStatus.ALARM


def test_reporter_names_are_masked_as_people_write_them() -> None:
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("Li Si") == "L. Si"
    assert mask_name("  ") == "" and mask_name(None) == ""


@pytest.mark.parametrize("move", ["dismiss", "merge", "hand_over"])
def test_a_report_closed_as_not_a_case_replays_as_closed(move: str) -> None:
    history = [HistoryEvent("report", None, None), HistoryEvent(move, "reported", "X")]
    assert replay(history).step is Step.CLOSED
