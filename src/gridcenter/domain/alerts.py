"""Which alerts the rules raise: timers, stationing days, risks, rosters, sensors.

Each rule returns `AlertDraft`s with a de-duplication key that names exactly
what the alert is about (a case's step deadline, a community's month, a
post's gap), so raising the same draft twice stores one alert.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.levels import Level


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ALARM = "alarm"

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise not_valid("severity", text, cls) from None


class Kind(StrEnum):
    CASE_WARNING = "case_warning"  # a case crossed its warning point
    OVERDUE = "overdue"  # a case ran over its limit
    SUPERVISION = "supervision"  # still overdue after the grace: the level above supervises
    STATIONING = "stationing"  # the monthly stationing day in a community
    RISK = "risk"  # a periodic risk warning with its report
    ROSTER_GAP = "roster_gap"  # a post with nobody on duty
    HANDOVER = "handover"  # a shift is about to take over
    SENSOR = "sensor"  # a reading over its threshold
    MISSED_JOB = "missed_job"  # a regular job could not run in time
    UNOWNED = "unowned"  # a report from a place no grid covers
    UNPATROLLED = "unpatrolled"  # a grid nobody has patrolled for the policy's gap
    OVERLOAD = "overload"  # a person holds more open cases than the policy's limit
    MANUAL = "manual"  # a manual warning: raised by hand, as a grid worker calls one in
    AUDIT_ANCHOR = "audit_anchor"  # where the history chains stand, for webhooks that ask

    @classmethod
    def parse(cls, text: str) -> "Kind":
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise not_valid("alert kind", text, cls) from None


TIMER_KINDS = (Kind.CASE_WARNING, Kind.OVERDUE, Kind.SUPERVISION)
# Kinds a webhook gets only when it names them: nobody acts on them.
OPT_IN_KINDS = frozenset({Kind.AUDIT_ANCHOR})


@dataclass(frozen=True)
class AlertDraft:
    kind: Kind
    severity: Severity
    title: str
    subject_kind: str  # case, grid, post, community, street, district, job
    subject_ref: str
    dedup_key: str
    body: str = ""
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    case_id: int | None = None


# -- case timers ------------------------------------------------------------------


@dataclass(frozen=True)
class OverduePolicy:
    """When an overdue case goes to the level above, and which levels escalate by themselves."""

    supervise_at_share: float = 1.5  # of the step's limit: 50% past the deadline
    auto_escalate: frozenset[Level] = field(default_factory=lambda: frozenset({Level.A}))


@dataclass(frozen=True)
class TimerFacts:
    case_id: int
    code: str
    title: str
    level: Level
    step: str
    deadline: datetime
    warn_at: datetime | None
    used_share: float
    stage: int  # 0 nothing raised yet for this deadline, 1 warned, 2 overdue, 3 supervised
    street_id: int
    community_id: int
    grid_id: int


@dataclass(frozen=True)
class TimerDecision:
    drafts: list[AlertDraft]
    stage: int
    escalate: bool


def timer_alerts(facts: TimerFacts, now: datetime, policy: OverduePolicy) -> TimerDecision:
    """What a case's clock calls for now, given what was already raised for this deadline."""
    drafts: list[AlertDraft] = []
    stage = facts.stage
    escalate = False
    where = {
        "street_id": facts.street_id,
        "community_id": facts.community_id,
        "grid_id": facts.grid_id,
        "case_id": facts.case_id,
    }
    key = f"case:{facts.case_id}:{facts.step}:{facts.deadline.isoformat()}"
    step = facts.step.replace("_", " ")

    def draft(kind: Kind, severity: Severity, title: str) -> AlertDraft:
        return AlertDraft(kind, severity, title, "case", facts.code, f"{key}:{kind.value}", **where)

    overdue = now >= facts.deadline
    if stage < 1 and not overdue and facts.warn_at is not None and now >= facts.warn_at:
        drafts.append(
            draft(
                Kind.CASE_WARNING,
                Severity.WARNING,
                f"{facts.code} {step} near its limit: {facts.title}",
            )
        )
        stage = 1
    if overdue and stage < 2:
        drafts.append(
            draft(Kind.OVERDUE, Severity.WARNING, f"{facts.code} overdue ({step}): {facts.title}")
        )
        stage = 2
    if overdue and stage < 3 and facts.used_share >= policy.supervise_at_share:
        above = facts.level.above().value if facts.level is not Level.D else "D"
        drafts.append(
            draft(
                Kind.SUPERVISION,
                Severity.ALARM,
                f"{facts.code} {facts.used_share:.1f}x its limit: supervision by level {above}",
            )
        )
        escalate = facts.level in policy.auto_escalate and facts.level is not Level.D
        stage = 3
    return TimerDecision(drafts, stage, escalate)


def next_timer_check(
    stage: int, warn_at: datetime | None, deadline: datetime | None, supervise_at: datetime | None
) -> datetime | None:
    """When the sweep must look at a case again, given the timer alerts raised so far:
    so that a sweep reads only the cases whose clock calls for something now."""
    if deadline is None or stage >= 3:
        return None
    if stage == 0 and warn_at is not None and warn_at < deadline:
        return warn_at
    if stage <= 1:
        return deadline
    return None if supervise_at is None else max(deadline, supervise_at)


# -- roster --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    starts_at: datetime
    ends_at: datetime


def uncovered(
    shifts: list[Period], closures: list[Period], start: datetime, end: datetime
) -> list[Period]:
    """The parts of [start, end) that neither a shift nor a planned closure covers."""
    covering = sorted(shifts + closures, key=lambda p: p.starts_at)
    gaps = []
    cursor = start
    for period in covering:
        if period.ends_at <= cursor:
            continue
        if period.starts_at > cursor:
            gaps.append(Period(cursor, min(period.starts_at, end)))
        cursor = max(cursor, period.ends_at)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append(Period(cursor, end))
    return [gap for gap in gaps if gap.ends_at > gap.starts_at]


# -- periodic risk warnings -------------------------------------------------------------


@dataclass(frozen=True)
class RiskFigures:
    """Cases of one territory in one period, as counted for a risk warning."""

    total: int
    by_kind: dict[str, int]
    by_category: dict[str, int]
    by_place: dict[str, int]  # grid or community name -> cases
    by_source: dict[str, int]
    overdue: int
    severe: int  # cases at level C or D


def trend(now: int, before: int) -> str:
    if before == 0:
        return "new" if now else "none"
    change = (now - before) / before
    arrow = "up" if change > 0.05 else "down" if change < -0.05 else "steady"
    return f"{arrow} {change:+.0%}"


def risk_report(scope: str, period: str, now: RiskFigures, before: RiskFigures) -> str:
    """The type, cause, place, extent, severity and trend of likely risks, as text."""

    def top(counts: dict[str, int], n: int = 5) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]

    lines = [
        f"Risk warning for {scope}, {period}",
        f"Cases: {now.total} ({trend(now.total, before.total)} against the previous period)",
        f"Severe (level C or D): {now.severe} ({trend(now.severe, before.severe)}); "
        f"overdue now: {now.overdue}",
        "",
        "Types of risk:",
    ]
    for kind, count in top(now.by_kind):
        lines.append(f"  {kind:<10} {count:>6}  {trend(count, before.by_kind.get(kind, 0))}")
    lines += ["", "Causes (categories):"]
    for name, count in top(now.by_category):
        lines.append(f"  {name:<32} {count:>6}  {trend(count, before.by_category.get(name, 0))}")
    lines += ["", "Where (places that stand out):"]
    for name, count in top(now.by_place):
        lines.append(f"  {name:<32} {count:>6}  {trend(count, before.by_place.get(name, 0))}")
    lines += ["", "How they were found:"]
    for name, count in top(now.by_source):
        lines.append(f"  {name:<14} {count:>6}")
    return "\n".join(lines)


def severity_of_trend(now: RiskFigures, before: RiskFigures) -> Severity:
    if (before.total and now.total > before.total * 1.25) or now.severe > before.severe * 1.5 > 0:
        return Severity.ALARM
    if now.total > before.total:
        return Severity.WARNING
    return Severity.INFO


# -- manual warnings --------------------------------------------------------------


MANUAL_SEVERITIES = (Severity.WARNING, Severity.ALARM)


def manual_warning(
    *,
    severity: str,
    text: str,
    grid_code: str,
    grid_name: str,
    by: str,
    now: datetime,
    street_id: int | None = None,
    community_id: int | None = None,
    grid_id: int | None = None,
) -> AlertDraft:
    """A warning raised by hand for a grid (a grid worker on patrol calling one in): a
    warning or an alarm, saying what is wrong. Each one raised is an alert of its own."""
    try:
        level = Severity(severity.strip().lower())
    except ValueError:
        level = None
    if level not in MANUAL_SEVERITIES:
        raise not_valid("severity", severity, MANUAL_SEVERITIES)
    said = " ".join(text.split())
    if not said:
        raise Refused("say what the warning is about")
    return AlertDraft(
        Kind.MANUAL,
        level,
        f"{grid_name}: {said}",
        "grid",
        grid_code,
        f"manual:{grid_code}:{now.isoformat()}:{by}",
        body=f"Raised by hand by {by}.",
        street_id=street_id,
        community_id=community_id,
        grid_id=grid_id,
    )
