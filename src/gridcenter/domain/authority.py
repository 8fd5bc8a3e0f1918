"""Who may hold a case, and which moves each tier of the command centers may make.

The level decides who disposes of a case ("small things do not leave the grid, big
things do not leave the community"); departments answer for their responsibility lists.
The rules are data (`seed/policy.toml`), so a district can adjust them; this module
judges one proposed holder against them, with a sentence a supervisor understands.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from gridcenter.domain.access import Territory
from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.levels import Level


class HolderKind(StrEnum):
    """What someone who may hold a case is, seen from that case."""

    GRID_TEAM = "grid team"  # on the case's grid: its workers, chief and the four members
    STREET_OFFICE = "street office"  # the street's own cadres
    STREET_DEPARTMENT = "street department"  # a department or team serving the street
    DISTRICT_DEPARTMENT = "district department"
    CITY_DEPARTMENT = "city department"
    OTHER = "other"  # a command-center clerk, another grid's team: never a holder by rule

    @classmethod
    def parse(cls, text: str) -> "HolderKind":
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise not_valid("kind of holder", text, (kind.value for kind in cls)) from None


_HELD_BY = {
    HolderKind.GRID_TEAM: "the grid's own team",
    HolderKind.STREET_OFFICE: "the street office",
    HolderKind.STREET_DEPARTMENT: "the street's departments",
    HolderKind.DISTRICT_DEPARTMENT: "district departments",
    HolderKind.CITY_DEPARTMENT: "city departments",
    HolderKind.OTHER: "anyone",
}
_DEPARTMENT_KINDS = {
    "street": HolderKind.STREET_DEPARTMENT,
    "district": HolderKind.DISTRICT_DEPARTMENT,
    "city": HolderKind.CITY_DEPARTMENT,
}
# The community's side of a grid's team: they serve every grid of their community.
COMMUNITY_TEAM_ROLES = frozenset({"grid_chief", "grid_manager", "info_officer", "security_officer"})


@dataclass(frozen=True)
class CaseRules:
    """The policy's rules for cases: who may hold a case at each level, and the reasons
    for which a case's clock may stop."""

    holders: Mapping[Level, frozenset[HolderKind]]
    parking: tuple[str, ...]

    def parking_reason(self, reason: str | None, note: str | None = None) -> str:
        """The recorded reason for parking: one of the policy's reasons (any case, or the
        start of one that names it alone), with what the person added after a colon."""
        text = (reason or "").strip()
        if not text:
            raise Refused(f"parking needs a reason: {', '.join(self.parking)}")
        head, _, rest = text.partition(":")
        wanted = head.strip().lower()
        found = [allowed for allowed in self.parking if allowed.lower() == wanted]
        found = found or [allowed for allowed in self.parking if allowed.lower().startswith(wanted)]
        if len(found) != 1:
            raise not_valid("reason for parking", head.strip(), self.parking)
        extra = " ".join(part for part in (rest.strip(), (note or "").strip()) if part)
        return f"{found[0]}: {extra}" if extra else found[0]

    def held_by(self, level: Level) -> str:
        kinds = [kind for kind in HolderKind if kind in self.holders.get(level, frozenset())]
        return " or ".join(_HELD_BY[kind] for kind in kinds) or "nobody"


def case_rules(holders: Mapping[str, Iterable[str]], parking: Iterable[str]) -> CaseRules:
    """The rules as the policy file writes them: levels to kinds of holder, and reasons."""
    return CaseRules(
        holders={
            Level.parse(level): frozenset(HolderKind.parse(kind) for kind in kinds)
            for level, kinds in holders.items()
        },
        parking=tuple(reason.strip() for reason in parking if reason.strip()),
    )


@dataclass(frozen=True)
class Department:
    name: str
    level: str  # street, district or city
    street_id: int | None
    # Its responsibility list: category codes, each with the case levels it is handled at.
    categories: Mapping[str, str]


@dataclass(frozen=True)
class Candidate:
    """Someone proposed as a case's holder: a department, or a person (who may belong to
    one: then the department's rules are theirs)."""

    name: str
    department: Department | None = None
    is_department: bool = False
    role: str | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_ids: frozenset[int] = frozenset()

    @property
    def street(self) -> int | None:
        return self.department.street_id if self.department else self.street_id


@dataclass(frozen=True)
class CasePlace:
    """What a case's holder is judged against: its level, place and category."""

    code: str
    level: Level
    grid_id: int | None  # None: an unplaced case, which no grid covers yet
    grid: str
    community_id: int | None
    street_id: int | None
    category_code: str
    category: str


def kind_of(who: Candidate, case: CasePlace) -> HolderKind:
    if who.department is not None:
        return _DEPARTMENT_KINDS.get(who.department.level, HolderKind.OTHER)
    if case.grid_id is not None and case.grid_id in who.grid_ids:
        return HolderKind.GRID_TEAM
    if (
        who.role in COMMUNITY_TEAM_ROLES
        and case.community_id is not None
        and who.community_id == case.community_id
    ):
        return HolderKind.GRID_TEAM
    if who.street_id is not None and who.community_id is None and not who.grid_ids:
        return HolderKind.STREET_OFFICE
    return HolderKind.OTHER


def _what(who: Candidate, kind: HolderKind, case: CasePlace) -> str:
    if who.department is not None:
        level = who.department.level
        if who.is_department:
            return f"{who.name} is a {level} department"
        return f"{who.name} works for {who.department.name}, a {level} department"
    if kind is HolderKind.GRID_TEAM:
        return f"{who.name} is on the team of grid {case.grid}"
    if kind is HolderKind.STREET_OFFICE:
        return f"{who.name} works in the street office"
    if who.grid_ids or who.role in COMMUNITY_TEAM_ROLES:
        return f"{who.name} is not on the team of grid {case.grid}"
    return f"{who.name} holds no cases by rule"


def holder_refusal(
    rules: CaseRules, case: CasePlace, who: Candidate, street_names: Mapping[int, str]
) -> str | None:
    """Why `who` may not hold the case, or None when the rules allow it: outside the
    case's street, outside its level's holders, or a department whose responsibility
    list lacks the case's category."""
    street = who.street
    if street is not None and case.street_id is None:
        return f"case {case.code} is in no street yet; place it before {who.name} may hold it"
    if street is not None and street != case.street_id:
        theirs = street_names.get(street, "another street")
        ours = street_names.get(case.street_id, "another street")
        return f"{who.name} works for {theirs}; case {case.code} is in {ours}"
    kind = kind_of(who, case)
    if kind not in rules.holders.get(case.level, frozenset()):
        return (
            f"{_what(who, kind, case)}; a level-{case.level} case is held by "
            f"{rules.held_by(case.level)}"
        )
    department = who.department
    if department is None:
        return None
    levels = department.categories.get(case.category_code)
    if levels is None:
        return (
            f"{department.name} does not answer for {case.category} ({case.category_code}): "
            "it is not on its responsibility list"
        )
    if case.level not in levels:
        return (
            f"{department.name} answers for {case.category} ({case.category_code}) only at "
            f"level {', '.join(levels)}; case {case.code} is level {case.level}"
        )
    return None


OFF_LIST = "off-list, overridden: "  # how an override starts its history line


def overridden(refusal: str, override: str | None, reason: str | None = None) -> str:
    """The history's words for a holder the rules refused and a supervisor chose anyway:
    the override's reason, the rule it broke, and the move's own reason."""
    why = (override or "").strip()
    if not why:
        raise Refused(f"{refusal} (a supervisor may override, with a reason)")
    text = f"{OFF_LIST}{why} ({refusal})"
    return f"{text}; {reason.strip()}" if reason and reason.strip() else text


def tier_of(territory: Territory) -> Level:
    """The level a command center works at: a community's at the grid's (A), a street
    office at the street's (B), the district's at C."""
    if territory.community_id is not None:
        return Level.A
    if territory.street_id is not None:
        return Level.B
    return Level.C


def filing_level(
    chosen: Level | None,
    default: Level,
    *,
    tier: Level | None,
    swept: Level | None,
    reason: str | None,
) -> Level:
    """The level a case is filed at: its category's, or one the filer chooses within their
    own tier (`tier`; None: any), with a reason. A level the overdue sweep escalated the
    report to (`swept`) is a floor that filing cannot undo."""
    if chosen is None or chosen is default:
        return max(default, swept) if swept else default
    if not (reason or "").strip():
        raise Refused(f"filing at level {chosen} instead of {default} needs a reason")
    if tier is not None and chosen > tier:
        raise Refused(
            f"level {chosen} ({chosen.disposer}) is above this command center's own level "
            f"{tier} ({tier.disposer}); escalate the case instead"
        )
    if swept is not None and chosen < swept:
        raise Refused(
            f"the overdue sweep escalated this report to level {swept}; filing cannot set it "
            "lower (de-escalate it, with a reason)"
        )
    return chosen


def may_deescalate(code: str, level: Level, tier: Level | None) -> None:
    """Only the level holding a case, or one above it, may send it down (`tier` None: any)."""
    if tier is not None and tier < level:
        raise Refused(
            f"case {code} is held at level {level} ({level.disposer}); only that level or "
            f"one above it may de-escalate it, not level {tier} ({tier.disposer})"
        )


@dataclass(frozen=True)
class Holding:
    """Who holds a case, for the moves only its holder makes (feedback, a return)."""

    name: str
    login: str | None = None  # a person's own login, when they have one
    department_id: int | None = None  # the holding department, or the person's own
    department: str | None = None


def holder_only(
    code: str,
    holding: Holding | None,
    *,
    login: str,
    department_id: int | None,
    admin: bool,
    doing: str,
) -> None:
    """Only the holder does `doing`: a member of the holding department, the person with
    their own login, or, for a person without one, their command center recording it for
    them. An admin may act for anyone (and is recorded as having done so)."""
    if admin or holding is None:
        return
    if holding.department_id is not None:
        if department_id != holding.department_id:
            raise Refused(
                f"case {code} is held by {holding.department}; only its own accounts {doing}"
            )
        return
    if holding.login is not None and holding.login != login:
        raise Refused(f"case {code} is held by {holding.name}; only they {doing}")
    if holding.login is None and department_id is not None:
        raise Refused(f"case {code} is held by {holding.name}, not by your department")


JOINT_LEVEL = Level.C  # district departments in linkage: one leads, others co-handle


def joint_refusal(
    code: str, level: Level, lead: Candidate, co_handlers: list[Candidate]
) -> str | None:
    """Why a case may not be handled jointly as proposed; None when it may."""
    if level is not JOINT_LEVEL:
        return f"joint handling is for level-{JOINT_LEVEL} cases; case {code} is level {level}"
    if not lead.is_department or any(not who.is_department for who in co_handlers):
        return "joint handling is between departments: a lead department and co-handlers"
    names = [lead.name, *(who.name for who in co_handlers)]
    if len(set(names)) != len(names):
        return "a department leads or co-handles a case once"
    return None
