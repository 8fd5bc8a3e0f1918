"""The stationing day's meetings as they are listed and shown: who was there, the issues
raised and what became of each (through its case, as the case stands now)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from gridcenter.domain.access import Territory
from gridcenter.domain.stationing import Outcome, outcome_of
from gridcenter.queries.scope import in_territory
from gridcenter.store import tables

Meeting, Issue = tables.StationingMeeting, tables.StationingIssue


@dataclass(frozen=True)
class MeetingLine:
    code: str
    community: str
    held_at: datetime
    convener: str
    cadre: str
    residents: int
    issues: int
    cases: int  # issues that became a case or were linked to one


@dataclass(frozen=True)
class Person:
    code: str
    name: str


@dataclass(frozen=True)
class IssueLine:
    number: int
    text: str
    case: str | None
    step: str | None
    deadline: datetime | None
    outcome: Outcome


@dataclass(frozen=True)
class MeetingDetail:
    code: str
    community: str
    community_code: str
    street: str
    month: str
    held_at: datetime
    convener: Person
    cadre: Person
    attendees: list[Person]
    residents: int
    recorded_by: str
    recorded_at: datetime
    issues: list[IssueLine]
    previous: str | None  # the community's meeting before this one
    previous_held_at: datetime | None
    previous_issues: list[IssueLine]  # what became of its issues


def _scope(territory: Territory) -> ColumnElement[bool]:
    return in_territory(territory, Meeting.street_id, Meeting.community_id)


def meeting_lines(
    session: Session, territory: Territory, community: str | None, month: str | None
) -> list[MeetingLine]:
    """The meetings in the territory, newest month first."""
    convener, cadre = aliased(tables.Staff), aliased(tables.Staff)
    counts = (
        select(
            Issue.meeting_id,
            func.count().label("issues"),
            func.count(Issue.case_id).label("cases"),
        )
        .group_by(Issue.meeting_id)
        .subquery()
    )
    query = (
        select(
            Meeting.code,
            tables.Community.name,
            Meeting.held_at,
            convener.name,
            cadre.name,
            Meeting.residents,
            func.coalesce(counts.c.issues, 0),
            func.coalesce(counts.c.cases, 0),
        )
        .join(tables.Community, tables.Community.id == Meeting.community_id)
        .join(convener, convener.id == Meeting.convener_id)
        .join(cadre, cadre.id == Meeting.cadre_id)
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .where(_scope(territory))
        .order_by(Meeting.month.desc(), tables.Community.code)
    )
    if community is not None:
        query = query.where(tables.Community.code == community.strip())
    if month is not None:
        query = query.where(Meeting.month == month)
    return [MeetingLine(*row) for row in session.execute(query)]


def meeting_in(
    session: Session, territory: Territory, code: str
) -> tables.StationingMeeting | None:
    """The meeting a code names inside the territory; outside it reads as absent."""
    return session.scalar(select(Meeting).where(Meeting.code == code.strip(), _scope(territory)))


def issue_lines(session: Session, meeting_id: int, now: datetime) -> list[IssueLine]:
    case = tables.Case
    rows = session.execute(
        select(
            Issue.number,
            Issue.text,
            case.code,
            case.step,
            case.invalid,
            case.deadline,
            case.parked_at,
        )
        .outerjoin(case, case.id == Issue.case_id)
        .where(Issue.meeting_id == meeting_id)
        .order_by(Issue.number)
    )
    return [
        IssueLine(
            number,
            text,
            code,
            step,
            deadline,
            outcome_of(step, bool(invalid), deadline, parked_at is not None, now),
        )
        for number, text, code, step, invalid, deadline, parked_at in rows
    ]


def _person(session: Session, staff_id: int) -> Person:
    staff = session.get(tables.Staff, staff_id)
    assert staff is not None
    return Person(staff.code, staff.name)


def meeting_detail(
    session: Session, territory: Territory, code: str, now: datetime
) -> MeetingDetail | None:
    """A meeting with its issues and, from the community's meeting before it, what became
    of that meeting's issues; None when there is no such meeting in the territory."""
    meeting = meeting_in(session, territory, code)
    if meeting is None:
        return None
    assert meeting.id is not None
    community = session.get(tables.Community, meeting.community_id)
    street = session.get(tables.Street, meeting.street_id)
    assert community is not None and street is not None
    attendees = [
        Person(*row)
        for row in session.execute(
            select(tables.Staff.code, tables.Staff.name)
            .join(tables.StationingAttendee, tables.StationingAttendee.staff_id == tables.Staff.id)
            .where(tables.StationingAttendee.meeting_id == meeting.id)
            .order_by(tables.Staff.code)
        )
    ]
    before = session.scalar(
        select(Meeting)
        .where(Meeting.community_id == meeting.community_id, Meeting.month < meeting.month)
        .order_by(Meeting.month.desc())
        .limit(1)
    )
    previous_issues = []
    if before is not None:
        assert before.id is not None
        previous_issues = issue_lines(session, before.id, now)
    return MeetingDetail(
        code=meeting.code,
        community=community.name,
        community_code=community.code,
        street=street.name,
        month=meeting.month,
        held_at=meeting.held_at,
        convener=_person(session, meeting.convener_id),
        cadre=_person(session, meeting.cadre_id),
        attendees=attendees,
        residents=meeting.residents,
        recorded_by=meeting.recorded_by,
        recorded_at=meeting.recorded_at,
        issues=issue_lines(session, meeting.id, now),
        previous=before.code if before else None,
        previous_held_at=before.held_at if before else None,
        previous_issues=previous_issues,
    )


def last_meetings(session: Session, before_month: str, now: datetime) -> dict[int, list[IssueLine]]:
    """Each community's newest meeting before `before_month`, as what became of its issues."""
    newest = (
        select(Meeting.community_id, func.max(Meeting.month).label("month"))
        .where(Meeting.month < before_month)
        .group_by(Meeting.community_id)
        .subquery()
    )
    found = session.execute(
        select(Meeting.community_id, Meeting.id).join(
            newest,
            (newest.c.community_id == Meeting.community_id) & (newest.c.month == Meeting.month),
        )
    ).all()
    return {
        community_id: issue_lines(session, meeting_id, now) for community_id, meeting_id in found
    }
