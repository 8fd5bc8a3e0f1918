"""Who may hold a case at each level, and what each tier may do: rules without a store."""

import pytest

from gridcenter.domain.access import Territory
from gridcenter.domain.authority import (
    Candidate,
    CasePlace,
    Department,
    HolderKind,
    Holding,
    case_rules,
    filing_level,
    holder_only,
    holder_refusal,
    joint_refusal,
    kind_of,
    may_deescalate,
    overridden,
    tier_of,
)
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level

RULES = case_rules(
    {
        "A": ["grid team"],
        "B": ["street office", "street department"],
        "C": ["district department"],
        "D": ["city department"],
    },
    ["awaiting a court ruling", "season-bound work", "waiting on a third party"],
)
STREETS = {1: "Xiangjiang Street", 2: "Yuelu Street"}
GAS = Candidate(
    "City Gas Group", Department("City Gas Group", "city", None, {"SEC-RSK-02": "ABCD"}), True
)
LAW = Department("Xiangjiang Law Enforcement Team", "street", 1, {"URB-ENV-03": "ABCD"})
OTHER_LAW = Department("Yuelu Law Enforcement Team", "street", 2, {"URB-ENV-03": "ABCD"})
URBAN = Department("District Urban Management Bureau", "district", None, {"URB-ENV-03": "CD"})
WORKER = Candidate(
    "Dong Xinqing", role="grid_worker", street_id=1, community_id=10, grid_ids=frozenset({100})
)
CHIEF = Candidate("Lu Qianglei", role="grid_chief", street_id=1, community_id=10)
CADRE = Candidate("Tian Danbo", role="street_cadre", street_id=1)
CLERK = Candidate("Liu Min", role="command_operator")


def place(level: str, category: str = "URB-ENV-03") -> CasePlace:
    return CasePlace("261120-00001", Level(level), 100, "Taoyuan 1", 10, 1, category, "Waste")


def test_a_city_department_may_not_hold_a_street_case() -> None:
    assert holder_refusal(RULES, place("B", "SEC-RSK-02"), GAS, STREETS) == (
        "City Gas Group is a city department; a level-B case is held by the street office or "
        "the street's departments"
    )
    assert holder_refusal(RULES, place("D", "SEC-RSK-02"), GAS, STREETS) is None


def test_another_streets_team_may_not_hold_a_case() -> None:
    team = Candidate(OTHER_LAW.name, OTHER_LAW, is_department=True)
    assert holder_refusal(RULES, place("B"), team, STREETS) == (
        "Yuelu Law Enforcement Team works for Yuelu Street; case 261120-00001 is in "
        "Xiangjiang Street"
    )
    member = Candidate("Tian Leizhen", OTHER_LAW, role="department_member")
    assert "works for Yuelu Street" in (holder_refusal(RULES, place("B"), member, STREETS) or "")


def test_a_department_holds_only_what_its_list_names() -> None:
    team = Candidate(LAW.name, LAW, is_department=True)
    assert holder_refusal(RULES, place("B"), team, STREETS) is None
    refused = holder_refusal(RULES, place("B", "SEC-PUB-03"), team, STREETS)
    assert refused == (
        "Xiangjiang Law Enforcement Team does not answer for Waste (SEC-PUB-03): it is not on "
        "its responsibility list"
    )
    # A member of the department is held to the department's list.
    member = Candidate("Yu Zhenxin", LAW, role="department_member", street_id=1)
    assert holder_refusal(RULES, place("B", "SEC-PUB-03"), member, STREETS) == refused


def test_a_grid_case_stays_with_the_grids_own_team() -> None:
    assert holder_refusal(RULES, place("A"), WORKER, STREETS) is None
    assert holder_refusal(RULES, place("A"), CHIEF, STREETS) is None  # the community's chief
    elsewhere = CasePlace("261120-00002", Level.A, 101, "Taoyuan 2", 11, 1, "URB-ENV-03", "Waste")
    assert holder_refusal(RULES, elsewhere, WORKER, STREETS) == (
        "Dong Xinqing is not on the team of grid Taoyuan 2; a level-A case is held by the "
        "grid's own team"
    )
    team = Candidate(LAW.name, LAW, is_department=True)
    assert "is a street department; a level-A case" in (
        holder_refusal(RULES, place("A"), team, STREETS) or ""
    )


def test_the_street_office_holds_street_cases_and_district_bureaus_district_ones() -> None:
    assert kind_of(CADRE, place("B")) is HolderKind.STREET_OFFICE
    assert holder_refusal(RULES, place("B"), CADRE, STREETS) is None
    assert "a level-C case is held by district departments" in (
        holder_refusal(RULES, place("C"), CADRE, STREETS) or ""
    )
    bureau = Candidate(URBAN.name, URBAN, is_department=True)
    assert holder_refusal(RULES, place("C"), bureau, STREETS) is None
    # A category handled only at some levels: the list says which.
    kept = Department(URBAN.name, "district", None, {"URB-ENV-03": "D"})
    assert holder_refusal(
        RULES, place("C"), Candidate(URBAN.name, kept, is_department=True), STREETS
    ) == (
        "District Urban Management Bureau answers for Waste (URB-ENV-03) only at level D; "
        "case 261120-00001 is level C"
    )
    assert holder_refusal(RULES, place("B"), CLERK, STREETS) == (
        "Liu Min holds no cases by rule; a level-B case is held by the street office or the "
        "street's departments"
    )


def test_an_override_needs_a_reason_and_says_which_rule_it_broke() -> None:
    with pytest.raises(Refused, match="a supervisor may override, with a reason"):
        overridden("City Gas Group is a city department", " ")
    text = overridden("City Gas Group is a city department", "Gas smell", "Needs their crew")
    assert text == (
        "off-list, overridden: Gas smell (City Gas Group is a city department); Needs their crew"
    )


def test_parking_only_for_a_reason_from_the_policy() -> None:
    assert RULES.parking_reason("Awaiting a court ruling") == "awaiting a court ruling"
    assert RULES.parking_reason("season-bound", "frost") == "season-bound work: frost"
    assert (
        RULES.parking_reason("waiting on a third party: the owner", "abroad")
        == "waiting on a third party: the owner abroad"
    )
    with pytest.raises(Refused, match="'the owner is away' is not a valid reason for parking"):
        RULES.parking_reason("the owner is away")
    with pytest.raises(Refused, match="parking needs a reason: awaiting a court ruling"):
        RULES.parking_reason("")


def test_filing_sets_a_level_within_the_filers_tier_and_never_below_the_sweep() -> None:
    street = tier_of(Territory(street_id=1))
    assert (street, tier_of(Territory(1, 10)), tier_of(Territory())) == (Level.B, Level.A, Level.C)
    assert filing_level(None, Level.A, tier=street, swept=None, reason=None) is Level.A
    assert filing_level(Level.B, Level.A, tier=street, swept=None, reason="A big job") is Level.B
    with pytest.raises(Refused, match="needs a reason"):
        filing_level(Level.B, Level.A, tier=street, swept=None, reason="")
    with pytest.raises(Refused, match=r"level C \(district\) is above .* own level B"):
        filing_level(Level.C, Level.A, tier=street, swept=None, reason="Too big")
    with pytest.raises(Refused, match="the overdue sweep escalated this report to level B"):
        filing_level(Level.A, Level.C, tier=street, swept=Level.B, reason="Small after all")
    assert filing_level(None, Level.A, tier=street, swept=Level.B, reason=None) is Level.B


def test_only_the_level_holding_a_case_or_above_may_send_it_down() -> None:
    may_deescalate("X", Level.B, Level.B)
    may_deescalate("X", Level.B, Level.C)
    may_deescalate("X", Level.D, None)
    with pytest.raises(Refused, match=r"held at level C .* not level B"):
        may_deescalate("X", Level.C, Level.B)


def test_only_the_holder_records_feedback_or_returns_a_case() -> None:
    bureau = Holding(
        "District Urban Management Bureau", None, 9, "District Urban Management Bureau"
    )
    worker = Holding("Luo Xuejun", "luo.xuejun")
    unlisted = Holding("Dong Xinqing")  # no login: their command center records for them

    def check(holding: Holding, login: str, department: int | None, admin: bool = False) -> None:
        holder_only("X", holding, login=login, department_id=department, admin=admin, doing="do")

    check(bureau, "urb.desk", 9)
    check(bureau, "chen.jie", None, admin=True)  # recorded as the admin's
    with pytest.raises(Refused, match=r"held by District Urban .*; only its own accounts do"):
        check(bureau, "taoyuan", None)
    with pytest.raises(Refused, match="only its own accounts"):
        check(bureau, "gas.desk", 4)
    check(worker, "luo.xuejun", None)
    with pytest.raises(Refused, match="case X is held by Luo Xuejun; only they do"):
        check(worker, "taoyuan", None)
    check(unlisted, "taoyuan", None)
    with pytest.raises(Refused, match="held by Dong Xinqing, not by your department"):
        check(unlisted, "urb.desk", 9)


def test_an_unplaced_case_is_held_by_no_street_until_placed() -> None:
    unplaced = CasePlace("X", Level.B, None, "(none yet)", None, None, "URB-ENV-03", "Waste")
    team = Candidate(LAW.name, LAW, is_department=True)
    assert holder_refusal(RULES, unplaced, team, STREETS) == (
        "case X is in no street yet; place it before Xiangjiang Law Enforcement Team may hold it"
    )
    assert kind_of(WORKER, unplaced) is not HolderKind.GRID_TEAM


def test_joint_handling_is_for_district_departments_at_level_c() -> None:
    housing = Candidate("District Housing Bureau", URBAN, is_department=True)
    bureau = Candidate(URBAN.name, URBAN, is_department=True)
    assert joint_refusal("X", Level.C, bureau, [housing]) is None
    assert joint_refusal("X", Level.B, bureau, [housing]) == (
        "joint handling is for level-C cases; case X is level B"
    )
    assert "between departments" in (joint_refusal("X", Level.C, bureau, [WORKER]) or "")
    assert "once" in (joint_refusal("X", Level.C, bureau, [bureau]) or "")
