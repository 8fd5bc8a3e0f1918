"""The schema. Times are aware UTC; codes are the unified codes people type."""

from datetime import date, datetime

from sqlalchemy import Index, LargeBinary, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from gridcenter.store.types import UTCDateTime


def _at(nullable: bool = False, index: bool = False) -> datetime:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _shape() -> bytes | None:
    """A place's outline as WKB in WGS84 lon/lat (domain/territory.py reads and checks it)."""
    return Field(default=None, sa_type=LargeBinary, nullable=True)


def _private() -> bool:
    """An endpoint an admin allowed at a loopback or private address (integrations/http.py)."""
    return Field(default=False, sa_column_kwargs={"server_default": false()})  # type: ignore[no-any-return]


class District(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    shape: bytes | None = _shape()


class Street(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    district_id: int = Field(foreign_key="district.id", index=True)
    shape: bytes | None = _shape()


class Community(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    street_id: int = Field(foreign_key="street.id", index=True)
    shape: bytes | None = _shape()


class Grid(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    community_id: int = Field(foreign_key="community.id", index=True)
    street_id: int = Field(foreign_key="street.id", index=True)
    kind: str  # conventional or dedicated
    dedicated_to: str | None = None  # business district, school, hospital, enterprise, park
    households: int = 0
    population: int = 0
    # The shape's bounding box in WGS84 degrees: finds the few grids whose shape may hold a
    # point (queries/places.py) before the shapes themselves are asked.
    south: float | None = Field(default=None, index=True)
    west: float | None = None
    north: float | None = None
    east: float | None = None
    shape: bytes | None = _shape()


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    level: str  # street, district or city
    street_id: int | None = Field(default=None, foreign_key="street.id")
    phone: str | None = None


class Category(SQLModel, table=True):
    """module -> major -> minor; cases are filed under a minor category."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    parent_id: int | None = Field(default=None, foreign_key="category.id", index=True)
    depth: str  # module, major or minor
    kind: str = "service"  # dispute, security, hazard or service: the published mix
    default_level: str = "A"
    file_h: float = 2
    dispatch_h: float = 4
    handle_h: float = 40
    verify_h: float = 16
    close_h: float = 24
    urgent: bool = False
    warn_share: float = 0.75


class DepartmentCategory(SQLModel, table=True):
    """A line of a department's responsibility list: a category, at the levels it handles."""

    department_id: int = Field(foreign_key="department.id", primary_key=True)
    category_id: int = Field(foreign_key="category.id", primary_key=True)
    levels: str = Field(default="ABCD", sa_column_kwargs={"server_default": "ABCD"})


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    role: str  # grid_chief, grid_worker, grid_supervisor, info_officer, security_officer, ...
    phone: str | None = None
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id")
    login: str | None = Field(default=None, unique=True)
    active: bool = True


class GridStaff(SQLModel, table=True):
    """Who answers for a grid; a grid without a row here is unstaffed."""

    grid_id: int = Field(foreign_key="grid.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, index=True)


class GridTally(SQLModel, table=True):
    """What the board counts per grid, kept by the database's own triggers (store/tallies.py)
    on every change of a case or an alert, so a console reads one row per grid instead of
    counting the open cases and unresolved alerts again."""

    __tablename__ = "grid_tally"

    grid_id: int = Field(foreign_key="grid.id", primary_key=True)
    open_a: int = 0
    open_b: int = 0
    open_c: int = 0
    open_d: int = 0
    alerts: int = 0  # unresolved
    alarms: int = 0  # unresolved, of severity alarm
    # Open cases whose running clock had passed its deadline at the late mark (LateMark).
    late_a: int = 0
    late_b: int = 0
    late_c: int = 0
    late_d: int = 0


class LateMark(SQLModel, table=True):
    """The one instant the tallies' late counts are kept as of. The clock, not a write,
    makes a case late: a console adds the few deadlines between this mark and its now,
    and the overdue sweep moves the mark on (store/tallies.py)."""

    __tablename__ = "late_mark"

    id: int = Field(default=1, primary_key=True)
    as_of: datetime = _at()


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index(
            "ix_cases_open_queue",
            "level",
            "deadline",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
        Index(
            "ix_cases_open_street",
            "street_id",
            "level",
            "deadline",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
        Index(
            "ix_cases_open_warn",
            "warn_at",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
        # The running clocks by deadline: timers, and the overdue counts per grid and level.
        Index(
            "ix_cases_running",
            "deadline",
            "parked_at",
            "grid_id",
            "level",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
        Index(
            "ix_cases_alert_due",
            "alert_due_at",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
        Index(
            "ix_cases_open_grid",
            "grid_id",
            "deadline",
            sqlite_where=text("step <> 'closed'"),
            postgresql_where=text("step <> 'closed'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    title: str
    description: str = ""
    category_id: int = Field(foreign_key="category.id", index=True)
    # None while no grid covers the report: it waits in the district's unplaced queue.
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    community_id: int | None = Field(default=None, foreign_key="community.id")
    street_id: int | None = Field(default=None, foreign_key="street.id")
    address: str = ""
    lat: float | None = None  # where it was reported (WGS84), when a point was given
    lon: float | None = None
    # A repeat merged into another case: closed, its reporter kept through this link.
    merged_into_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    # Flagged when reported: an open case of the same category nearby (domain/reports.py).
    repeat_of_id: int | None = Field(default=None, foreign_key="cases.id")
    source: str  # patrol, hotline, resident_app, sensor, department, open311
    external_ref: str | None = Field(default=None, unique=True, index=True)  # stored once
    source_data: str = ""  # the source's own record, as it sent it (JSON)
    reporter: str | None = None  # personal data
    reporter_phone: str | None = None  # personal data
    reporter_id_number: str | None = None  # personal data
    # The grid worker whose patrol found it: counted in that worker's assessment.
    reporter_staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    invalid: bool = False  # dismissed at filing: not a case (duplicate, not a problem, ...)
    level: str = "A"
    urgent: bool = False
    step: str = "reported"
    assignee_staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    assignee_department_id: int | None = Field(
        default=None, foreign_key="department.id", index=True
    )
    step_started_at: datetime = _at()
    step_limit_s: float | None = None
    deadline: datetime | None = _at(nullable=True)
    original_deadline: datetime | None = _at(nullable=True)  # before any extension
    warn_at: datetime | None = _at(nullable=True)
    parked_at: datetime | None = _at(nullable=True)
    parked_reason: str | None = None
    parked_remaining_s: float | None = None
    paused_s: float = 0.0
    parked_s: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})
    extension_reason: str | None = None
    handled_by: str | None = None
    rework_count: int = 0
    satisfaction: str | None = None
    created_at: datetime = _at(index=True)
    closed_at: datetime | None = _at(nullable=True, index=True)
    updated_at: datetime = _at()
    updated_by: str = ""
    version: int = 1
    alert_stage: int = 0  # timer alerts raised for the current deadline: see domain.alerts
    alert_due_at: datetime | None = _at(nullable=True)  # when the sweep next looks at it


class CaseCohandler(SQLModel, table=True):
    """A department handling its part of a level-C case beside the lead department, for
    the handling step that started at `started_at`, with its own deadline."""

    __tablename__ = "case_cohandler"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    started_at: datetime = _at()
    deadline: datetime | None = _at(nullable=True)
    answered_at: datetime | None = _at(nullable=True)
    answer: str | None = None


class CaseStep(SQLModel, table=True):
    """Each time a case entered a step: its clock, deadline and how it ended."""

    __tablename__ = "case_step"
    # Steps finished in a period, and a department's handling steps by deadline: wide
    # enough that the report reads a month of steps from the index alone (0005).
    __table_args__ = (
        Index(
            "ix_case_step_ended",
            "ended_at",
            "deadline",
            "started_at",
            "case_id",
            "step",
            "paused_s",
        ),
        Index("ix_case_step_due", "step", "deadline", "ended_at", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    step: str
    started_at: datetime = _at()
    limit_s: float | None = None
    deadline: datetime | None = _at(nullable=True)
    ended_at: datetime | None = _at(nullable=True)
    paused_s: float = 0.0
    original_deadline: datetime | None = _at(nullable=True)  # before any extension
    parked_s: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})


# How history rows are sealed: 1 joined fields with separators (NULL and "\x00" alike),
# 2 seals a JSON array, which tells every value apart. Rows keep the seal they were made with.
SEAL = 2


class CaseEvent(SQLModel, table=True):
    """The append-only history of a case: who, when, from where, what and why."""

    __tablename__ = "case_event"
    # Counts per period from the index alone, and a case's events by action (0005).
    __table_args__ = (
        Index(
            "ix_case_event_action_at", "action", "at", "case_id", "actor", "to_value", "from_value"
        ),
        Index("ix_case_event_case_action", "case_id", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    at: datetime = _at()
    actor: str
    channel: str = "local"
    action: str
    from_value: str | None = None
    to_value: str | None = None
    reason: str | None = None
    prev_hash: str = ""
    hash: str = ""
    seal: int = Field(default=SEAL, sa_column_kwargs={"server_default": "1"})  # store/history.py


class AuditEvent(SQLModel, table=True):
    """Every change that is not a case's own history: accounts, alerts, reveals, webhooks."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _at(index=True)
    actor: str = Field(index=True)
    channel: str = "local"
    action: str
    subject_kind: str
    subject_ref: str
    from_value: str | None = None
    to_value: str | None = None
    reason: str | None = None
    prev_hash: str = ""
    hash: str = ""
    seal: int = Field(default=SEAL, sa_column_kwargs={"server_default": "1"})  # store/history.py


class ChainHead(SQLModel, table=True):
    """The newest hash of each history chain; locked while a row is appended."""

    __tablename__ = "chain_head"

    name: str = Field(primary_key=True)
    last_hash: str = ""


class Account(SQLModel, table=True):
    """Who may use the console: a role and a territory (district, one street or one community)."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True)
    display_name: str
    role: str  # viewer, operator, supervisor, admin
    street_id: int | None = Field(default=None, foreign_key="street.id")
    community_id: int | None = Field(default=None, foreign_key="community.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")  # its actor
    active: bool = True
    created_at: datetime = _at()
    password_hash: str | None = None  # domain/passwords.py; None: no acting as this account


class Alert(SQLModel, table=True):
    __table_args__ = (
        # The unresolved alerts: the newest for the strip, the counts per grid for the board.
        Index(
            "ix_alert_open_raised",
            "raised_at",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index(
            "ix_alert_open_grid",
            "grid_id",
            "severity",
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # warning, overdue, supervision, stationing, risk, roster_gap, handover, sensor
    severity: str  # info, warning, alarm
    title: str
    body: str = ""
    subject_kind: str  # case, grid, post, street, community, district
    subject_ref: str
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    dedup_key: str = Field(unique=True)
    raised_at: datetime = _at(index=True)
    acknowledged_at: datetime | None = _at(nullable=True)
    acknowledged_by: str | None = None
    resolved_at: datetime | None = _at(nullable=True)


class DutyPost(SQLModel, table=True):
    """A post that must be staffed around the clock: a command-center desk, a street's duty."""

    __tablename__ = "duty_post"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    street_id: int | None = Field(default=None, foreign_key="street.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="community.id")


class DutyShift(SQLModel, table=True):
    __tablename__ = "duty_shift"
    __table_args__ = (Index("ix_duty_shift_post_time", "post_id", "starts_at", "ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="duty_post.id")
    staff_id: int = Field(foreign_key="staff.id", index=True)
    starts_at: datetime = _at()
    ends_at: datetime = _at()


class ChangeLog(SQLModel, table=True):
    """One row per committed change: a console polls max(id) to learn that something moved."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _at()
    kind: str  # a domain.changes.ChangeKind
    ref: str = ""


class PostClosure(SQLModel, table=True):
    """A planned period when a post is closed on purpose: no roster-gap alert for it."""

    __tablename__ = "post_closure"

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="duty_post.id", index=True)
    starts_at: datetime = _at()
    ends_at: datetime = _at()
    reason: str


class SensorRule(SQLModel, table=True):
    """A threshold on one metric in one grid: a reading above it raises an alert."""

    __tablename__ = "sensor_rule"

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    metric: str
    threshold: float
    unit: str = ""
    severity: str = "warning"


class SensorReading(SQLModel, table=True):
    __tablename__ = "sensor_reading"
    __table_args__ = (Index("ix_sensor_reading_grid_metric", "grid_id", "metric", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id")
    metric: str
    value: float
    at: datetime = _at()


class JobRun(SQLModel, table=True):
    """The last run of each regular job: when, on which host, and how it went."""

    __tablename__ = "job_run"

    name: str = Field(primary_key=True)
    scheduled_for: datetime | None = _at(nullable=True)
    started_at: datetime | None = _at(nullable=True)
    finished_at: datetime | None = _at(nullable=True)
    status: str = "never"  # ok, failed, missed
    summary: str = ""
    host: str = ""


class SchedulerLease(SQLModel, table=True):
    """Exactly one process runs the jobs: the one holding this lease."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime = _at()
    # Counts takeovers: a job run writes only while the generation it started under holds.
    generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class IntakeSource(SQLModel, table=True):
    """An Open311 GeoReport v2 server that cases come in from, and how far it is read."""

    __tablename__ = "intake_source"
    # A server is registered once: two runs adding it at once read it with one cursor.
    __table_args__ = (Index("ix_intake_source_server", "url", "jurisdiction", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    url: str
    jurisdiction: str = ""
    api_key: str = ""
    format: str = "json"
    cursor: datetime | None = _at(nullable=True)  # everything updated before this is stored
    last_run_at: datetime | None = _at(nullable=True)
    last_status: str = "never"
    last_error: str = ""
    active: bool = True
    allow_private: bool = _private()


class IntakeProblem(SQLModel, table=True):
    """A record that could not become a case, kept with the reason for an operator."""

    __tablename__ = "intake_problem"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="intake_source.id", index=True)
    external_id: str = ""
    reason: str
    payload: str = ""
    at: datetime = _at()


class Webhook(SQLModel, table=True):
    """Where alerts are pushed: which kinds, how severe, which territory, in which format."""

    id: int | None = Field(default=None, primary_key=True)
    url: str
    kinds: str = ""  # comma-separated alert kinds; empty for every kind
    min_severity: str = "info"
    street_id: int | None = Field(default=None, foreign_key="street.id")
    format: str = "json"  # json or markdown
    secret: str
    active: bool = True
    disabled_reason: str = ""
    created_at: datetime = _at()
    allow_private: bool = _private()


class WebhookDelivery(SQLModel, table=True):
    """The outbox: one row per alert and subscription, written with the alert itself."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_once", "webhook_id", "alert_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id")
    alert_id: int = Field(foreign_key="alert.id")
    message_id: str  # the webhook-id header: the same on every retry
    status: str = "pending"  # pending, delivered, dead
    attempts: int = 0
    next_attempt_at: datetime = _at()
    last_error: str = ""
    last_status_code: int | None = None
    delivered_at: datetime | None = _at(nullable=True)


class FieldPatrol(SQLModel, table=True):
    """A patrol a grid's team walked, as its field app sent it (record_id: the app's id)."""

    __tablename__ = "field_patrol"
    __table_args__ = (Index("ix_field_patrol_grid_end", "grid_id", "ended_at"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(unique=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    grid_id: int = Field(foreign_key="grid.id")
    started_at: datetime = _at()
    ended_at: datetime = _at()
    track: str = "[]"  # JSON [[lat, lon, ISO time], ...]
    received_at: datetime = _at()


class FieldVisit(SQLModel, table=True):
    """A household visit; `household` is personal data, shown masked like a phone."""

    __tablename__ = "field_visit"
    __table_args__ = (Index("ix_field_visit_grid_at", "grid_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: str = Field(unique=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    grid_id: int = Field(foreign_key="grid.id")
    household: str
    at: datetime = _at()
    note: str = ""
    needs: str = "[]"  # JSON list of texts
    case_id: int | None = Field(default=None, foreign_key="cases.id")  # opened for its needs
    received_at: datetime = _at()


class StationingMeeting(SQLModel, table=True):
    """A community's stationing-day meeting: one a month (code: community-YYYY-MM)."""

    __tablename__ = "stationing_meeting"
    __table_args__ = (UniqueConstraint("community_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    community_id: int = Field(foreign_key="community.id")
    street_id: int = Field(foreign_key="street.id", index=True)
    month: str  # YYYY-MM, in the district's time
    held_at: datetime = _at()
    convener_id: int = Field(foreign_key="staff.id")
    cadre_id: int = Field(foreign_key="staff.id")  # the cadre stationed in the community
    residents: int = 0  # how many residents came
    recorded_at: datetime = _at()
    recorded_by: str


class StationingAttendee(SQLModel, table=True):
    __tablename__ = "stationing_attendee"

    meeting_id: int = Field(foreign_key="stationing_meeting.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)


class StationingIssue(SQLModel, table=True):
    """An issue raised at a meeting, numbered from 1; the case it became, once it has one."""

    __tablename__ = "stationing_issue"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="stationing_meeting.id")
    number: int
    text: str
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    linked_at: datetime | None = _at(nullable=True)
    linked_by: str | None = None


class GridTask(SQLModel, table=True):
    """Work a department gives a grid that is not a resident's case, tracked to done."""

    __tablename__ = "grid_task"

    id: int | None = Field(default=None, primary_key=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    street_id: int = Field(foreign_key="street.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    title: str
    due: date
    hours_estimate: float | None = None
    created_at: datetime = _at(index=True)
    created_by: str
    done_at: datetime | None = _at(nullable=True, index=True)
    done_by: str | None = None
    hours: float | None = None  # what it took, recorded when done
