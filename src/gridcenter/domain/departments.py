"""Departments and their responsibility lists: which categories each one handles, at which
levels. Dispatching outside the list is passing the buck, so the list must be right."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.levels import Level
from gridcenter.domain.people import normal_phone, parse_code, parse_name
from gridcenter.domain.sheets import BadFile, Problem, Row, duplicates, read_rows

DEPARTMENT_COLUMNS = ("code", "name", "level", "street", "phone", "handles")
EVERY_LEVEL = "".join(Level)


class DepartmentLevel(StrEnum):
    STREET = "street"
    DISTRICT = "district"
    CITY = "city"


@dataclass(frozen=True)
class Responsibility:
    category: str
    levels: str  # the case levels it handles the category at, such as "BC"

    def __str__(self) -> str:
        return self.category if self.levels == EVERY_LEVEL else f"{self.category}@{self.levels}"


@dataclass(frozen=True)
class DepartmentEntry:
    code: str
    name: str
    level: DepartmentLevel
    street: str | None
    phone: str | None
    handles: tuple[Responsibility, ...]


def parse_levels(text: str) -> str:
    """Levels written together (`BC`, `b,c`), in order; or a refusal."""
    letters = [letter for letter in text.upper() if letter not in ", "]
    for letter in letters:
        Level.parse(letter)
    if not letters:
        raise Refused("no level after @: write the levels such as @BC")
    return "".join(level for level in Level if level in letters)


def parse_handles(text: str, categories: Collection[str]) -> tuple[Responsibility, ...]:
    """A responsibility list: category codes separated by `;`, each perhaps with the levels
    it is handled at (`URB-ENV-03@BC`); without levels, at every level."""
    found: dict[str, Responsibility] = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        code, _, levels = part.partition("@")
        code = code.strip()
        if code not in categories:
            raise Refused(f"no category {code!r} (`categories list` shows them)")
        if code in found:
            raise Refused(f"category {code} is listed twice")
        found[code] = Responsibility(code, parse_levels(levels) if "@" in part else EVERY_LEVEL)
    return tuple(found.values())


def check_department(
    code: str,
    name: str,
    level: str,
    street: str,
    phone: str,
    handles: str,
    streets: Mapping[str, bool],
    whole_district: bool,
    categories: Collection[str],
) -> DepartmentEntry:
    """One department as typed, or a refusal naming the first thing wrong. `streets`: the
    street codes, each inside the territory or not; `whole_district`: whether the one
    loading answers for the whole district (and so for its and the city's departments)."""
    try:
        tier = DepartmentLevel(level.strip().lower())
    except ValueError:
        raise not_valid("department level", level, DepartmentLevel) from None
    if tier is DepartmentLevel.STREET:
        if not street:
            raise Refused("a street department names its street")
        if street not in streets:
            raise Refused(f"no street {street!r}")
        if not streets[street]:
            raise Refused(f"street {street} is outside your territory")
    elif street:
        raise Refused(f"a {tier.value} department serves every street: leave its street empty")
    elif not whole_district:
        raise Refused(f"a {tier.value} department is the district's to change")
    return DepartmentEntry(
        code=parse_code(code, "department code"),
        name=parse_name(name),
        level=tier,
        street=street or None,
        phone=normal_phone(phone) if phone else None,
        handles=parse_handles(handles, categories),
    )


def read_departments(
    text: str,
    name: str,
    streets: Mapping[str, bool],
    whole_district: bool,
    categories: Collection[str],
    foreign: Collection[str] = (),
) -> list[DepartmentEntry]:
    """Every department of a file (code,name,level,street,phone,handles), or BadFile naming
    every bad row. `foreign`: codes of departments outside the territory."""
    rows: list[Row] = []
    problems: list[Problem] = []
    for item in read_rows(text, name, DEPARTMENT_COLUMNS):
        (rows if isinstance(item, Row) else problems).append(item)
    problems += duplicates(rows, "code", "department code")
    entries = []
    for row in rows:
        try:
            entry = check_department(
                *(row[column] for column in DEPARTMENT_COLUMNS),
                streets=streets, whole_district=whole_district, categories=categories,
            )  # fmt: skip
        except Refused as refused:
            problems.append(Problem(row.line, str(refused)))
            continue
        if entry.code in foreign:
            problems.append(
                Problem(row.line, f"{entry.code} is a department outside your territory")
            )
            continue
        entries.append(entry)
    if problems:
        raise BadFile(name, sorted(problems, key=lambda problem: problem.line))
    return entries
