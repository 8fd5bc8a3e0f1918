"""The rules a staff file is judged by, without a store."""

import pytest

from gridcenter.domain.errors import Refused
from gridcenter.domain.people import StaffRole, Unit, UnitKind, normal_phone, read_staff
from gridcenter.domain.sheets import BadFile

UNITS = {
    "D": Unit(UnitKind.DISTRICT, None, True),
    "ST1": Unit(UnitKind.STREET, "ST1", True),
    "C1": Unit(UnitKind.COMMUNITY, "ST1", True),
    "G1": Unit(UnitKind.GRID, "ST1", True),
    "G2": Unit(UnitKind.GRID, "ST1", True),
    "G9": Unit(UnitKind.GRID, "ST2", False),
    "LAW": Unit(UnitKind.DEPARTMENT, "ST1", True),
}
HEADER = "code,name,role,unit,phone\n"


def test_a_good_file_reads_every_person() -> None:
    text = (
        "\ufeffCode,Name,Role,Unit,Phone,Login\n"
        "S1,Wang Fang,grid_worker,G1;G2,138 1234 5678,wang.fang\n"
        "\n"
        "S2,Li Lei,department_staff,LAW,0731-88886666,\n"
        "S3,Zhao Min,duty_leader,D,+86 139 1234 5678,\n"
    )
    people = read_staff(text, "staff.csv", UNITS)
    assert [p.code for p in people] == ["S1", "S2", "S3"]
    assert people[0].units == ("G1", "G2") and people[0].login == "wang.fang"
    assert people[0].role is StaffRole.GRID_WORKER
    assert [p.phone for p in people] == ["13812345678", "073188886666", "13912345678"]
    assert people[1].login == ""


def test_without_a_login_column_logins_are_left_as_they_are() -> None:
    (person,) = read_staff(HEADER + "S1,Wang,grid_chief,C1,13812345678\n", "f", UNITS)
    assert person.login is None


def test_every_bad_row_is_named_by_its_line() -> None:
    text = HEADER + (
        "S1,Wang,grid_worker,G1,13812345678\n"  # 2: good
        "S2,Li,grid_boss,G1,13812345678\n"  # 3: unknown role
        "S1,Zhao,grid_worker,G2,13812345678\n"  # 4: duplicate code
        "S4,Qian,grid_worker,NOPE,13812345678\n"  # 5: unknown unit
        "S5,Sun,grid_worker,G1,1234\n"  # 6: malformed phone
        "S6,Zhou,department_staff,G1,13812345678\n"  # 7: wrong kind of unit
        "S7,Wu,grid_worker,G9,13812345678\n"  # 8: outside the territory
        '"S8,Zheng\n'  # 9: a quote never closed runs to the end
    )
    with pytest.raises(BadFile) as refused:
        read_staff(text, "staff.csv", UNITS)
    problems = refused.value.problems
    assert [p.line for p in problems] == [3, 4, 5, 6, 7, 8, 9]
    said = ["", *(str(p) for p in problems)]
    assert "'grid_boss' is not a valid staff role" in said[1]
    assert "already on line 2" in said[2]
    assert "'NOPE'" in said[3]
    assert "not a phone number" in said[4]
    assert "belongs to a department, not a grid" in said[5]
    assert "outside your territory" in said[6]
    assert str(refused.value) == "staff.csv refused, nothing loaded: 7 bad rows"


def test_people_of_another_territory_are_not_changed_from_here() -> None:
    with pytest.raises(BadFile) as refused:
        read_staff(HEADER + "S1,Wang,grid_worker,G1,13812345678\n", "f", UNITS, foreign={"S1"})
    assert "S1 is staff outside your territory" in refused.value.problems[0].text


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("code,name,role,unit\n", "missing phone"),
        ("code,name,role,unit,phone,grids\n", "unknown grids"),
        ("code,name,role,unit,phone,code\n", "repeated code"),
        ("", "the file is empty"),
    ],
)
def test_a_wrong_header_refuses_the_file(header: str, why: str) -> None:
    with pytest.raises(BadFile) as refused:
        read_staff(header, "f.csv", UNITS)
    (problem,) = refused.value.problems
    assert problem.line == 1 and why in problem.text


def test_grids_listed_together_are_grids_of_one_street() -> None:
    outside = {**UNITS, "G9": Unit(UnitKind.GRID, "ST2", True)}
    with pytest.raises(BadFile, match="1 bad row") as refused:
        read_staff(HEADER + "S1,Wang,grid_worker,G1;G9,13812345678\n", "f", outside)
    assert "different streets" in refused.value.problems[0].text
    with pytest.raises(BadFile) as refused:
        read_staff(HEADER + "S1,Wang,street_cadre,ST1;C1,13812345678\n", "f", UNITS)
    assert "only grids" in refused.value.problems[0].text


def test_a_login_is_held_by_one_person() -> None:
    text = "code,name,role,unit,phone,login\nS1,Wang,grid_chief,C1,13812345678,wang\n"
    with pytest.raises(BadFile) as refused:
        read_staff(text, "f", UNITS, logins={"wang": "S0"})
    assert "login wang belongs to S0" in refused.value.problems[0].text
    assert read_staff(text, "f", UNITS, logins={"wang": "S1"})[0].login == "wang"


@pytest.mark.parametrize("phone", ["13812345678", "0731-8888-6666", "12345", "+8613812345678"])
def test_phones_people_write(phone: str) -> None:
    assert normal_phone(phone).isdigit()


@pytest.mark.parametrize("phone", ["", "1381234567", "23812345678", "phone", "138123456789"])
def test_malformed_phones(phone: str) -> None:
    with pytest.raises(Refused, match="not a phone number"):
        normal_phone(phone)
