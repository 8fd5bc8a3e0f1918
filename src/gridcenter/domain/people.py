"""The people who answer for grids: their roles, the unit each belongs to, their duty
phones, and the rules a staff file is judged by."""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.sheets import BadFile, Problem, Row, duplicates, read_rows

STAFF_COLUMNS = ("code", "name", "role", "unit", "phone")
STAFF_OPTIONAL = ("login",)  # ties a person to the account they use, when they use one


class StaffRole(StrEnum):
    GRID_WORKER = "grid_worker"
    GRID_CHIEF = "grid_chief"
    STREET_CADRE = "street_cadre"
    INFO_OFFICER = "info_officer"
    SECURITY_OFFICER = "security_officer"
    DEPARTMENT_STAFF = "department_staff"
    # The command center's own people.
    COMMAND_OPERATOR = "command_operator"
    COMMAND_SUPERVISOR = "command_supervisor"
    DUTY_LEADER = "duty_leader"


class UnitKind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    DEPARTMENT = "department"


_TEAM = frozenset({UnitKind.GRID, UnitKind.COMMUNITY})
_COMMAND = frozenset({UnitKind.DISTRICT, UnitKind.STREET})
UNITS_OF_ROLE: dict[StaffRole, frozenset[UnitKind]] = {
    StaffRole.GRID_WORKER: frozenset({UnitKind.GRID}),
    StaffRole.GRID_CHIEF: _TEAM,
    StaffRole.STREET_CADRE: _TEAM | {UnitKind.STREET},
    StaffRole.INFO_OFFICER: _TEAM,
    StaffRole.SECURITY_OFFICER: _TEAM,
    StaffRole.DEPARTMENT_STAFF: frozenset({UnitKind.DEPARTMENT}),
    StaffRole.COMMAND_OPERATOR: _COMMAND,
    StaffRole.COMMAND_SUPERVISOR: _COMMAND,
    StaffRole.DUTY_LEADER: _COMMAND,
}

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
_SHORT = re.compile(r"1\d{4}")  # a service line such as the 12345 hotline
NAME_LENGTH = 80


@dataclass(frozen=True)
class Unit:
    """What the store knows of a unit code."""

    kind: UnitKind
    street: str | None  # the street it lies in; None for the district and its departments
    mine: bool  # inside the territory of whoever is loading


@dataclass(frozen=True)
class StaffEntry:
    code: str
    name: str
    role: StaffRole
    units: tuple[str, ...]  # one unit, or several grids
    phone: str
    login: str | None = None  # None: not given, kept as it is; "": none


def normal_phone(text: str) -> str:
    """A duty phone as stored: digits only, without the country code; or a refusal."""
    digits = re.sub(r"[\s()-]", "", text)
    digits = digits.removeprefix("+86") if digits.startswith("+86") else digits
    if not any(rule.fullmatch(digits) for rule in (_MOBILE, _LANDLINE, _SHORT)):
        raise Refused(
            f"{text!r} is not a phone number: a mobile such as 13812345678, "
            "a landline such as 0731-88886666, or a service line such as 12345"
        )
    return digits


def parse_code(text: str, what: str = "staff code") -> str:
    if not _CODE.fullmatch(text):
        raise Refused(
            f"{text!r} is not a {what}: up to 32 letters, digits, dots, dashes or underscores"
        )
    return text


def parse_name(text: str) -> str:
    if not text.strip():
        raise Refused("a name is needed")
    if len(text) > NAME_LENGTH or not text.isprintable():
        raise Refused(f"a name is at most {NAME_LENGTH} printable characters")
    return text.strip()


def parse_role(text: str) -> StaffRole:
    try:
        return StaffRole(text.strip().lower())
    except ValueError:
        raise not_valid("staff role", text, StaffRole) from None


def parse_login(text: str | None) -> str | None:
    if not text:
        return text
    if any(ch.isspace() for ch in text) or not text.isprintable():
        raise Refused(f"{text!r} is not a login: one word, such as chen.jie")
    return text


def check_units(role: StaffRole, text: str, units: Mapping[str, Unit]) -> tuple[str, ...]:
    """The unit a person of `role` belongs to: a code of the kind the role belongs to, known
    and inside the territory; several grids of one street, separated by `;`."""
    codes = tuple(code.strip() for code in text.split(";") if code.strip())
    if not codes:
        raise Refused("a unit is needed: the code of a grid, community, street or department")
    found = []
    for code in codes:
        unit = units.get(code)
        if unit is None:
            raise Refused(f"no grid, community, street, department or district {code!r}")
        if not unit.mine:
            raise Refused(f"{unit.kind.value} {code} is outside your territory")
        found.append(unit)
    kinds = UNITS_OF_ROLE[role]
    wrong = [unit for unit in found if unit.kind not in kinds]
    if wrong:
        allowed = " or ".join(sorted(kind.value for kind in kinds))
        raise Refused(f"a {role.value} belongs to a {allowed}, not a {wrong[0].kind.value}")
    if len(found) > 1:
        if any(unit.kind is not UnitKind.GRID for unit in found):
            raise Refused("only grids may be listed together (a grid worker of two grids)")
        if len({unit.street for unit in found}) > 1:
            raise Refused("the grids listed together lie in different streets")
    return codes


def check_entry(
    code: str,
    name: str,
    role: str,
    unit: str,
    phone: str,
    login: str | None,
    units: Mapping[str, Unit],
) -> StaffEntry:
    """One person as typed, or a refusal naming the first thing wrong."""
    chosen = parse_role(role)
    return StaffEntry(
        code=parse_code(code),
        name=parse_name(name),
        role=chosen,
        units=check_units(chosen, unit, units),
        phone=normal_phone(phone),
        login=parse_login(login),
    )


def read_staff(
    text: str,
    name: str,
    units: Mapping[str, Unit],
    foreign: Collection[str] = (),
    logins: Mapping[str, str] | None = None,
) -> list[StaffEntry]:
    """Every person of a staff file, or BadFile naming every bad row: an unknown role or
    unit, a unit of the wrong kind or outside the territory, a malformed phone, a code or
    login given twice. `foreign`: codes of people outside the territory, which may not be
    changed from here; `logins`: logins already held, by whose code."""
    rows: list[Row] = []
    problems: list[Problem] = []
    for item in read_rows(text, name, STAFF_COLUMNS, STAFF_OPTIONAL):
        (rows if isinstance(item, Row) else problems).append(item)
    problems += duplicates(rows, "code", "staff code")
    problems += duplicates(rows, "login", "login")
    entries = []
    for row in rows:
        try:
            entry = check_entry(
                row["code"], row["name"], row["role"], row["unit"], row["phone"],
                row.cells.get("login"), units,
            )  # fmt: skip
        except Refused as refused:
            problems.append(Problem(row.line, str(refused)))
            continue
        if entry.code in foreign:
            problems.append(Problem(row.line, f"{entry.code} is staff outside your territory"))
        holder = (logins or {}).get(entry.login or "")
        if holder is not None and holder != entry.code:
            problems.append(Problem(row.line, f"login {entry.login} belongs to {holder}"))
        entries.append(entry)
    if problems:
        raise BadFile(name, sorted(problems, key=lambda problem: problem.line))
    return entries
