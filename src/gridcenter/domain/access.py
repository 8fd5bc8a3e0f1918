"""Who may do what, and where: roles, actions and territory."""

from dataclasses import dataclass
from enum import StrEnum

from gridcenter.domain.errors import Refused


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SENSOR = "sensor"  # a sensor gateway: sends readings, sees nothing


class Action(StrEnum):
    LOOK = "look at cases, alerts, grids and rosters"
    SEND_READINGS = "send sensor readings"
    SEND_FIELDWORK = "send patrols and household visits"
    FILE = "file"
    FEED_BACK = "feed back"
    ACKNOWLEDGE = "acknowledge alerts"
    REQUEST_EXTENSION = "request an extension"
    DISPATCH = "dispatch"
    REASSIGN = "reassign"
    RETURN = "return a case to its dispatcher"
    OVERRIDE = "override the rules of who holds a case"
    ESCALATE = "escalate"
    DEESCALATE = "de-escalate"
    VERIFY = "verify"
    CLOSE = "close"
    REOPEN = "reopen"
    GRANT_EXTENSION = "decide extensions"
    PARK = "park"
    REVEAL = "reveal personal data"
    MANAGE_PEOPLE = "manage staff, departments and duty rosters"
    SET_CATEGORIES = "change the categories' time limits"
    ADMINISTER = "administer accounts, rosters and webhooks"
    LOAD_TERRITORY = "load the territory"


_OPERATOR = {
    Action.LOOK,
    Action.FILE,
    Action.FEED_BACK,
    Action.RETURN,
    Action.ACKNOWLEDGE,
    Action.REQUEST_EXTENSION,
    Action.SEND_READINGS,
    Action.SEND_FIELDWORK,
}
_SUPERVISOR = _OPERATOR | {
    Action.DISPATCH,
    Action.REASSIGN,
    Action.OVERRIDE,
    Action.ESCALATE,
    Action.DEESCALATE,
    Action.VERIFY,
    Action.CLOSE,
    Action.REOPEN,
    Action.GRANT_EXTENSION,
    Action.PARK,
    Action.REVEAL,
    Action.MANAGE_PEOPLE,
}
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.LOOK}),
    Role.OPERATOR: frozenset(_OPERATOR),
    Role.SUPERVISOR: frozenset(_SUPERVISOR),
    Role.ADMIN: frozenset(Action),
    Role.SENSOR: frozenset({Action.SEND_READINGS}),
}


@dataclass(frozen=True)
class Territory:
    """The whole district (both None), one street, or one community."""

    street_id: int | None = None
    community_id: int | None = None
    department_id: int | None = None  # an account acting for a department: its cases only

    @property
    def is_district(self) -> bool:
        return self.street_id is None and self.community_id is None

    def contains(self, street_id: int | None, community_id: int | None) -> bool:
        """Whether a place is inside; a case in no grid (no street) is the district's alone."""
        if self.community_id is not None:
            return community_id == self.community_id
        if self.street_id is not None:
            return street_id == self.street_id
        return True


def serves(assignee_street: int | None, case_street: int | None) -> bool:
    """Whether someone may hold a case: people and departments of the case's street, and
    those of the district or city (no street), which serve every street."""
    return assignee_street is None or assignee_street == case_street


@dataclass(frozen=True)
class Actor:
    """Someone acting at a console, from the CLI, or a job: recorded with every change."""

    login: str
    role: Role
    territory: Territory = Territory()
    channel: str = "local"  # local, ssh, job, import
    by: str | None = None  # the OS login acting as this account, when it is another one

    @property
    def signature(self) -> str:
        """Who the store records as having acted."""
        return f"{self.by} acting as {self.login}" if self.by else self.login

    def can(self, action: Action) -> bool:
        return action in ALLOWED[self.role]

    def require(self, action: Action) -> None:
        if not self.can(action):
            raise Refused(f"{self.login} ({self.role.value}) may not {action.value}")

    def require_territory(self, street_id: int | None, community_id: int | None, what: str) -> None:
        if not self.territory.contains(street_id, community_id):
            raise Refused(f"{what} is outside the territory of {self.login}")
