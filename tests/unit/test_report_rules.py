"""The rules for a report no grid covers, a possible repeat, placing, moving and merging:
plain values, no store."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import CaseState, Step, StepLimits
from gridcenter.domain.reports import (
    Earlier,
    Point,
    RepeatPolicy,
    UnplacedPolicy,
    Whereabouts,
    check_hand_over,
    check_merge,
    check_place,
    check_transfer,
    on_the_spot,
    possible_repeat,
    require_placed,
    unplaced_places,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HEAP = Point(28.1560, 112.8560)
POLICY = RepeatPolicy(within_h=48, metres=100)


def earlier(
    code: str,
    *,
    grid: int | None = 7,
    hours_ago: float = 1,
    point: Point | None = None,
    category: int = 3,
) -> Earlier:
    return Earlier(code, grid, category, NOW - timedelta(hours=hours_ago), point)


def repeat(*cases: Earlier, grid: int | None = 7, point: Point | None = None) -> str | None:
    found = possible_repeat(
        POLICY, grid_id=grid, category_id=3, point=point, now=NOW, earlier=list(cases)
    )
    return found.code if found else None


def test_a_report_of_the_same_category_in_the_same_grid_is_a_possible_repeat() -> None:
    assert repeat(earlier("A"), grid=7) == "A"
    assert repeat(earlier("A", category=4), grid=7) is None
    assert repeat(earlier("A", grid=8), grid=7) is None


def test_outside_the_window_nothing_repeats() -> None:
    assert repeat(earlier("A", hours_ago=49)) is None
    assert repeat(earlier("A", hours_ago=47)) == "A"


def test_with_both_points_the_distance_decides_across_a_grid_boundary() -> None:
    near = Point(HEAP.lat + 0.0005, HEAP.lon)  # about 56 m north, in the next grid
    far = Point(HEAP.lat + 0.002, HEAP.lon)  # about 220 m, in the same grid
    assert repeat(earlier("A", grid=8, point=near), grid=7, point=HEAP) == "A"
    assert repeat(earlier("B", grid=7, point=far), grid=7, point=HEAP) is None
    # A report in no grid still finds the heap it repeats by its point.
    assert repeat(earlier("A", grid=8, point=near), grid=None, point=HEAP) == "A"
    assert repeat(earlier("A", grid=8), grid=None, point=None) is None


def test_the_nearest_then_the_newest_is_named() -> None:
    closer = earlier("CLOSE", point=Point(HEAP.lat + 0.0001, HEAP.lon), hours_ago=20)
    further = earlier("FAR", point=Point(HEAP.lat + 0.0005, HEAP.lon), hours_ago=1)
    assert repeat(further, closer, point=HEAP) == "CLOSE"
    assert repeat(earlier("OLD", hours_ago=10), earlier("NEW", hours_ago=2)) == "NEW"


def state() -> CaseState:
    return CaseState(
        code="X",
        step=Step.REPORTED,
        level=Level.A,
        limits=StepLimits(2, 4, 40, 16, 24, warn_share=0.75),
        step_started_at=NOW,
        step_limit_s=7200,
        deadline=NOW + timedelta(days=3),
        warn_at=None,
    )


def test_a_report_in_no_grid_waits_at_the_district_on_a_clock_of_calendar_hours() -> None:
    clocked = UnplacedPolicy(place_within_h=2, level=Level.C).clock(state(), NOW)
    assert clocked.level is Level.C
    assert clocked.deadline == NOW + timedelta(hours=2)
    assert clocked.warn_at == NOW + timedelta(hours=1.5)
    assert clocked.step_limit_s == 7200
    assert clocked.limits.urgent  # counted night and day, whatever the category's counting


UNPLACED = Whereabouts("U", Step.REPORTED, None)
PLACED = Whereabouts("P", Step.FILED, "G1")


def test_only_an_open_case_in_no_grid_is_placed_and_with_a_reason() -> None:
    assert check_place(UNPLACED, " called back ") == "called back"
    with pytest.raises(Refused, match="needs a reason"):
        check_place(UNPLACED, " ")
    with pytest.raises(Refused, match="already in grid G1; transfer it"):
        check_place(PLACED, "x")
    with pytest.raises(Refused, match="only an open case can be placed"):
        check_place(Whereabouts("U", Step.CLOSED, None), "x")


def test_a_case_in_no_grid_is_placed_before_it_is_filed() -> None:
    require_placed(PLACED)
    with pytest.raises(Refused, match="case U is in no grid; place it first"):
        require_placed(UNPLACED)


def test_a_transfer_moves_a_placed_open_case_to_another_grid() -> None:
    assert check_transfer(PLACED, "G2", "wrong side of the road") == "wrong side of the road"
    with pytest.raises(Refused, match="already in grid G1"):
        check_transfer(PLACED, "G1", "x")
    with pytest.raises(Refused, match="place it instead"):
        check_transfer(UNPLACED, "G2", "x")
    with pytest.raises(Refused, match="only an open case can be transferred"):
        check_transfer(Whereabouts("P", Step.CLOSED, "G1"), "G2", "x")
    with pytest.raises(Refused, match="needs a reason"):
        check_transfer(PLACED, "G2", None)


@pytest.mark.parametrize(
    ("duplicate", "original", "message"),
    [
        (PLACED, PLACED, "cannot be merged into itself"),
        (Whereabouts("D", Step.CLOSED, "G1"), PLACED, "only an open case can be merged"),
        (
            Whereabouts("D", Step.REPORTED, "G1"),
            Whereabouts("P", Step.CLOSED, "G1"),
            "merge into an open case",
        ),
        (Whereabouts("D", Step.DISPATCHED, "G1"), PLACED, "only a reported or filed case"),
        (Whereabouts("D", Step.REPORTED, "G2"), PLACED, "a repeat is of the same place"),
        (Whereabouts("D", Step.REPORTED, "G1"), UNPLACED, "place it before merging into it"),
    ],
)
def test_what_may_not_be_merged(
    duplicate: Whereabouts, original: Whereabouts, message: str
) -> None:
    with pytest.raises(Refused, match=message):
        check_merge(duplicate, original, "same heap")


def test_a_repeat_merges_into_the_case_of_its_place_or_from_no_grid() -> None:
    assert check_merge(Whereabouts("D", Step.FILED, "G1"), PLACED, "same heap") == "same heap"
    assert check_merge(UNPLACED, PLACED, "same heap") == "same heap"
    with pytest.raises(Refused, match="needs a reason"):
        check_merge(UNPLACED, PLACED, "")


def test_a_case_not_the_districts_is_handed_over_before_anyone_works_on_it() -> None:
    assert check_hand_over(UNPLACED, "  Kaifu  district\thotline ", " Not ours ") == (
        "Kaifu district hotline",
        "Not ours",
    )
    assert check_hand_over(Whereabouts("P", Step.FILED, "G1"), "Kaifu", "x") == ("Kaifu", "x")


@pytest.mark.parametrize(
    ("case", "to", "reason", "message"),
    [
        (UNPLACED, "Kaifu", " ", "needs a reason"),
        (UNPLACED, " ", "x", "needs the authority it goes to"),
        (UNPLACED, None, "x", "needs the authority it goes to"),
        (Whereabouts("P", Step.CLOSED, None), "Kaifu", "x", "only an open case"),
        (Whereabouts("P", Step.DISPATCHED, "G1"), "Kaifu", "x", "only a reported or filed"),
        (Whereabouts("P", Step.FED_BACK, "G1"), "Kaifu", "x", "only a reported or filed"),
    ],
)
def test_what_may_not_be_handed_over(
    case: Whereabouts, to: str | None, reason: str, message: str
) -> None:
    with pytest.raises(Refused, match=message):
        check_hand_over(case, to, reason)


SPOT = {
    "handled": " Swept it up ",
    "category": "URB-ENV-01",
    "level": "A",
    "grid": "430199001001001",
    "worker": "Luo Xuejun",
    "on_team": True,
}


def test_a_grid_worker_handles_a_level_a_case_of_their_grid_on_the_spot() -> None:
    assert on_the_spot(**SPOT) == "Swept it up"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"handled": "  "}, "say what was done"),
        ({"category": None, "level": None}, "needs a category"),
        ({"level": "B"}, "URB-ENV-01 is a level B category"),
        ({"grid": None}, "no grid covers that place"),
        ({"worker": None}, "only a grid worker may handle"),
        ({"on_team": False}, "Luo Xuejun is not on grid 430199001001001's team"),
    ],
)
def test_what_may_not_be_handled_on_the_spot(change: dict[str, object], message: str) -> None:
    with pytest.raises(Refused, match=message):
        on_the_spot(**{**SPOT, **change})  # type: ignore[arg-type]


def test_unplaced_reports_are_counted_by_address_as_matched_else_by_point_to_100_m() -> None:
    said = [
        ("No. 9 Riverside Lane", None, None),
        ("no.9  riverside lane", 28.1, 112.8),  # the address decides, not the point
        ("", 28.15621, 112.85149),
        ("", 28.15589, 112.85061),  # some 90 m away: the same place to the supervisor
        ("", 28.16, 112.85),
        ("", None, None),
    ]
    found = unplaced_places(said, 3)
    assert [(p.where, p.reports) for p in found] == [
        ("28.156, 112.851", 2),
        ("No. 9 Riverside Lane", 2),
        ("28.160, 112.850", 1),
    ]
    assert unplaced_places([], 5) == []
