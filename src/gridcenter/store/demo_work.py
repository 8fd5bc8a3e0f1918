"""The demo's stationing-day meetings and the tasks its departments pushed onto grids,
placed in time around the seed's now, so the meetings, the outcomes of their issues and
the report's task figures show real numbers."""

import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from gridcenter.domain.stationing import meeting_code, month_of
from gridcenter.store import tables

SEEDED_BY = "seed"


def _stationing_day(now: datetime, zone: ZoneInfo, months_ago: int) -> datetime:
    """The 28th at 09:30 `months_ago` stationing days before now (1: the last one)."""
    local = now.astimezone(zone)
    index = local.year * 12 + local.month - 1
    if datetime.combine(date(local.year, local.month, 28), time(9, 30), zone) >= now:
        index -= 1
    index -= months_ago - 1
    return datetime.combine(date(index // 12, index % 12 + 1, 28), time(9, 30), zone)


def _state(name: str, now: datetime) -> list[ColumnElement[bool]]:
    case = tables.Case
    if name == "closed":
        return [case.step == "closed", ~case.invalid]
    running = [case.step != "closed", case.parked_at.is_(None)]
    if name == "overdue":
        return [*running, case.deadline < now]
    return [*running, case.deadline >= now]


def _meetings(session: Session, folder: Path, now: datetime, zone: ZoneInfo) -> None:
    staff = dict(session.execute(select(tables.Staff.code, tables.Staff.id)).all())
    used: set[int] = set()
    data = tomllib.loads((folder / "stationing.toml").read_text("utf-8"))
    for item in data["meeting"]:
        community = session.scalar(
            select(tables.Community).where(tables.Community.code == item["community"])
        )
        assert community is not None and community.id is not None
        held = _stationing_day(now, zone, item["months_ago"])
        month = month_of(held, zone)
        meeting = tables.StationingMeeting(
            code=meeting_code(community.code, month),
            community_id=community.id,
            street_id=community.street_id,
            month=month,
            held_at=held,
            convener_id=staff[item["convener"]],
            cadre_id=staff[item["cadre"]],
            residents=item["residents"],
            recorded_at=held + timedelta(hours=3),
            recorded_by=SEEDED_BY,
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        for person in item["attendees"]:
            session.add(tables.StationingAttendee(meeting_id=meeting.id, staff_id=staff[person]))
        for number, issue in enumerate(item["issues"], start=1):
            case_id = None
            if "case" in issue:
                case_id = session.scalar(
                    select(tables.Case.id)
                    .where(
                        tables.Case.community_id == community.id,
                        tables.Case.id.not_in(used),
                        *_state(issue["case"], now),
                    )
                    .order_by(tables.Case.code)
                    .limit(1)
                )
                if case_id is not None:
                    used.add(case_id)
            session.add(
                tables.StationingIssue(
                    meeting_id=meeting.id,
                    number=number,
                    text=issue["text"],
                    case_id=case_id,
                    linked_at=meeting.recorded_at if case_id else None,
                    linked_by=SEEDED_BY if case_id else None,
                )
            )


def _tasks(session: Session, folder: Path, now: datetime, zone: ZoneInfo) -> None:
    data = tomllib.loads((folder / "tasks.toml").read_text("utf-8"))
    for item in data["task"]:
        grid = session.scalar(select(tables.Grid).where(tables.Grid.code == item["grid"]))
        department = session.scalar(
            select(tables.Department.id).where(tables.Department.code == item["from"])
        )
        assert grid is not None and grid.id is not None and department is not None
        given = now - timedelta(days=item["days_ago"])
        done = now - timedelta(days=item["done_days_ago"]) if "hours" in item else None
        session.add(
            tables.GridTask(
                grid_id=grid.id,
                community_id=grid.community_id,
                street_id=grid.street_id,
                department_id=department,
                title=item["title"],
                due=(given + timedelta(days=item["due_in"])).astimezone(zone).date(),
                hours_estimate=item.get("hours_estimate"),
                created_at=given,
                created_by=SEEDED_BY,
                done_at=done,
                done_by=SEEDED_BY if done else None,
                hours=item.get("hours"),
            )
        )


def seed_grid_work(session: Session, folder: Path, now: datetime, zone: ZoneInfo) -> None:
    """Meetings whose issues link to the demo's cases as they stand, and tasks."""
    _meetings(session, folder, now, zone)
    _tasks(session, folder, now, zone)
