"""Departments' responsibility lists and categories' limits, judged without a store."""

import pytest

from gridcenter.domain.categories import LimitChange, apply_limits
from gridcenter.domain.departments import DepartmentLevel, read_departments
from gridcenter.domain.errors import Refused
from gridcenter.domain.sheets import BadFile

HEADER = "code,name,level,street,phone,handles\n"
STREETS = {"ST1": True, "ST2": False}
CATEGORIES = {"ENV", "ORD"}


def test_a_department_file_with_responsibilities_at_levels() -> None:
    text = HEADER + (
        "LAW,Law team,street,ST1,0731-88886666,ENV@cb;ORD\nGAS,City Gas,city,,,ENV@D\n"
    )
    law, gas = read_departments(text, "d.csv", STREETS, True, CATEGORIES)
    assert law.level is DepartmentLevel.STREET and law.street == "ST1"
    assert [str(line) for line in law.handles] == ["ENV@BC", "ORD"]
    assert law.handles[1].levels == "ABCD"
    assert gas.phone is None and gas.street is None


def test_every_bad_department_row_is_named() -> None:
    text = HEADER + (
        "A,a,street,,,ENV\n"  # 2: a street department without its street
        "B,b,county,,,ENV\n"  # 3: no such level
        "C,c,city,,,NOPE\n"  # 4: no such category
        "D,d,city,,,ENV@BX\n"  # 5: no such case level
        "E,e,city,,,ENV;ENV\n"  # 6: listed twice
        "F,f,street,ST2,,ENV\n"  # 7: another street
        "G,g,city,ST1,,ENV\n"  # 8: a city department with a street
        "A,a,city,,,ENV\n"  # 9: the code again
    )
    with pytest.raises(BadFile) as refused:
        read_departments(text, "d.csv", STREETS, True, CATEGORIES)
    assert [p.line for p in refused.value.problems] == list(range(2, 10))
    said = [p.text for p in refused.value.problems]
    assert "names its street" in said[0] and "'county'" in said[1] and "'NOPE'" in said[2]
    assert "'X' is not a valid level" in said[3] and "listed twice" in said[4]
    assert "outside your territory" in said[5] and "leave its street empty" in said[6]
    assert "already on line 2" in said[7]


def test_a_street_account_cannot_change_the_districts_departments() -> None:
    with pytest.raises(BadFile) as refused:
        read_departments(HEADER + "GAS,City Gas,city,,,ENV\n", "d", STREETS, False, CATEGORIES)
    assert "the district's to change" in refused.value.problems[0].text


def test_limits_change_only_what_is_given() -> None:
    current = {"file_h": 2.0, "handle_h": 40.0, "warn_share": 0.75}
    assert apply_limits(current, LimitChange(handle_h=24)) == {**current, "handle_h": 24.0}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (LimitChange(handle_h=0), "the handle limit is more than 0"),
        (LimitChange(file_h=5000), "at most 2160 hours"),
        (LimitChange(warn_share=1), "between 0 and 1"),
    ],
)
def test_limits_that_cannot_be(change: LimitChange, why: str) -> None:
    with pytest.raises(Refused, match=why):
        apply_limits({"file_h": 2.0}, change)
