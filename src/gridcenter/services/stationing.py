"""The stationing day on record: the 28th's reminder for every community, the meeting
recorded once it was held, and each issue raised there made a case or linked to one.
Each use case checks the actor's role and territory and writes in one transaction."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.errors import Refused
from gridcenter.domain.reports import Channel
from gridcenter.domain.stationing import (
    MeetingRecord,
    Outcome,
    check_issue_number,
    check_meeting,
    check_unlinked,
    meeting_code,
    month_of,
    previous_stationing,
    split_meeting_code,
)
from gridcenter.queries.places import grid_by_code
from gridcenter.queries.stationing import IssueLine, last_meetings
from gridcenter.services.cases import UNCLASSIFIED, category_by_code, insert_reported
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.history import audit

TITLE_LENGTH = 120  # a case's title from the issue's first line; the whole text goes below


def _community(ctx: Context, session: Session, code: str) -> tables.Community:
    community = session.scalar(
        select(tables.Community).where(tables.Community.code == code.strip())
    )
    if community is None:
        raise Refused(f"no community {code.strip()!r}")
    assert community.id is not None
    ctx.actor.require_territory(community.street_id, community.id, f"community {community.code}")
    return community


def _staff_ids(session: Session, codes: Sequence[str]) -> dict[str, int]:
    """Active staff by code; a refusal naming every code that is not one."""
    found = dict(
        session.execute(
            select(tables.Staff.code, tables.Staff.id).where(
                tables.Staff.code.in_(set(codes)), tables.Staff.active
            )
        ).all()
    )
    missing = [code for code in dict.fromkeys(codes) if code not in found]
    if missing:
        raise Refused(f"no active staff member {', '.join(missing)}")
    return found


def _record(ctx: Context, session: Session, action: str, ref: str, to_value: str) -> None:
    audit(
        session,
        at=ctx.now(),
        actor=ctx.actor.signature,
        channel=ctx.actor.channel,
        action=action,
        subject_kind="stationing",
        subject_ref=ref,
        to_value=to_value,
    )


def record_meeting(ctx: Context, given: MeetingRecord) -> str:
    """Put a held meeting on record with its people and issues; its code. A community
    holds one meeting a month: a second one for the same month is refused."""
    ctx.actor.require(Action.FILE)
    now = ctx.now()
    record = check_meeting(given, now)
    with ctx.db.write() as session:
        community = _community(ctx, session, record.community)
        staff = _staff_ids(session, [record.convener, record.cadre, *record.attendees])
        month = month_of(record.at, ctx.timezone)
        code = meeting_code(community.code, month)
        held = session.scalar(
            select(tables.StationingMeeting).where(tables.StationingMeeting.code == code)
        )
        if held is not None:
            raise Refused(
                f"meeting {code} is on record already (recorded by {held.recorded_by}); "
                "a community holds one stationing-day meeting a month"
            )
        assert community.id is not None
        meeting = tables.StationingMeeting(
            code=code,
            community_id=community.id,
            street_id=community.street_id,
            month=month,
            held_at=record.at,
            convener_id=staff[record.convener],
            cadre_id=staff[record.cadre],
            residents=record.residents,
            recorded_at=now,
            recorded_by=ctx.actor.signature,
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        session.add_all(
            tables.StationingAttendee(meeting_id=meeting.id, staff_id=staff[person])
            for person in record.attendees
        )
        session.add_all(
            tables.StationingIssue(meeting_id=meeting.id, number=number, text=text)
            for number, text in enumerate(record.issues, start=1)
        )
        _record(ctx, session, "stationing_record", code, f"{len(record.issues)} issues")
    return code


def _issue(
    ctx: Context, session: Session, code: str, number: int
) -> tuple[tables.StationingMeeting, tables.StationingIssue]:
    """A meeting's issue, locked, once the actor may act in the meeting's community."""
    split_meeting_code(code)
    meeting = session.scalar(
        select(tables.StationingMeeting).where(tables.StationingMeeting.code == code.strip())
    )
    if meeting is None:
        raise Refused(f"no meeting {code.strip()!r}")
    ctx.actor.require_territory(meeting.street_id, meeting.community_id, f"meeting {meeting.code}")
    count = session.scalar(
        select(func.count()).where(tables.StationingIssue.meeting_id == meeting.id)
    )
    check_issue_number(number, count or 0, meeting.code)
    issue = session.scalar(
        select(tables.StationingIssue)
        .where(
            tables.StationingIssue.meeting_id == meeting.id,
            tables.StationingIssue.number == number,
        )
        .with_for_update()
    )
    assert issue is not None
    linked = (
        session.scalar(select(tables.Case.code).where(tables.Case.id == issue.case_id))
        if issue.case_id is not None
        else None
    )
    check_unlinked(number, meeting.code, linked)
    return meeting, issue


def _grid(
    ctx: Context, session: Session, meeting: tables.StationingMeeting, code: str | None
) -> tables.Grid:
    """Where the case lies: the grid named, or the community's only grid."""
    if code:
        grid = grid_by_code(session, code)
        if grid is None:
            raise Refused(f"no grid {code.strip()!r}")
        ctx.actor.require_territory(grid.street_id, grid.community_id, f"grid {grid.code}")
        return grid
    grids = list(
        session.scalars(
            select(tables.Grid)
            .where(tables.Grid.community_id == meeting.community_id)
            .order_by(tables.Grid.code)
        )
    )
    if len(grids) != 1:
        raise Refused(
            f"the community has {len(grids)} grids: say in which the issue lies with --grid"
        )
    return grids[0]


def issue_to_case(
    ctx: Context,
    code: str,
    number: int,
    *,
    grid: str | None = None,
    category: str | None = None,
) -> str:
    """Make a meeting's issue a case, reported face to face (a walk-in), linked to the
    issue in the same transaction; the case's code."""
    ctx.actor.require(Action.FILE)
    now = ctx.now()
    with ctx.db.write() as session:
        meeting, issue = _issue(ctx, session, code, number)
        place = _grid(ctx, session, meeting, grid)
        kind = category_by_code(session, category or UNCLASSIFIED)
        held = meeting.held_at.astimezone(ctx.timezone)
        row = insert_reported(
            session,
            ctx,
            now,
            title=issue.text.splitlines()[0][:TITLE_LENGTH],
            category=kind,
            grid=place,
            source=Channel.WALK_IN.value,
            description=(
                f"Raised at the stationing-day meeting {meeting.code} on {held:%Y-%m-%d} "
                f"(issue {issue.number}):\n{issue.text}"
            ),
        )
        issue.case_id, issue.linked_at, issue.linked_by = row.id, now, ctx.actor.signature
        _record(ctx, session, "stationing_case", f"{meeting.code}#{number}", row.code)
        return row.code


def link_issue(ctx: Context, code: str, number: int, case: str) -> None:
    """Link a meeting's issue to a case that exists already (the same matter, reported
    before the meeting)."""
    ctx.actor.require(Action.FILE)
    now = ctx.now()
    with ctx.db.write() as session:
        meeting, issue = _issue(ctx, session, code, number)
        row = session.scalar(select(tables.Case).where(tables.Case.code == case.strip()))
        if row is None:
            raise Refused(f"no case {case.strip()!r}")
        ctx.actor.require_territory(row.street_id, row.community_id, f"case {row.code}")
        issue.case_id, issue.linked_at, issue.linked_by = row.id, now, ctx.actor.signature
        _record(ctx, session, "stationing_link", f"{meeting.code}#{number}", row.code)


def _outcomes(issues: list[IssueLine]) -> str:
    counted = Counter(issue.outcome for issue in issues)
    return ", ".join(
        f"{counted[outcome]} {outcome.value}" for outcome in Outcome if counted[outcome]
    )


def stationing_day(ctx: Context, at: datetime) -> str:
    """The 28th: a reminder for every community's meeting, with the cases it collected
    since the last stationing day and what became of its last meeting's issues."""
    local = at.astimezone(ctx.timezone)
    since = previous_stationing(local, local.day)
    with ctx.db.write() as session:
        communities = session.execute(
            select(
                tables.Community.id,
                tables.Community.code,
                tables.Community.name,
                tables.Community.street_id,
            )
        ).all()
        counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for community_id, category, n in session.execute(
            select(tables.Case.community_id, tables.Category.name, func.count())
            .join(tables.Category, tables.Category.id == tables.Case.category_id)
            .where(tables.Case.created_at >= since, tables.Case.created_at < at)
            .group_by(tables.Case.community_id, tables.Category.name)
        ):
            counts[community_id].append((category, n))
        last = last_meetings(session, month_of(at, ctx.timezone), at)
        drafts = []
        for community_id, code, name, street_id in communities:
            issues = sorted(counts[community_id], key=lambda item: (-item[1], item[0]))
            total = sum(n for _, n in issues)
            body = "\n".join(f"  {category}: {n}" for category, n in issues) or "  no issues"
            heard = last.get(community_id)
            if heard is not None:
                body += f"\nLast meeting's issues: {_outcomes(heard) or 'none raised'}"
            body += f"\nRecord the meeting: gridcenter stationing record --community {code} ..."
            drafts.append(
                AlertDraft(
                    Kind.STATIONING,
                    Severity.INFO,
                    f"Stationing day {local:%d %b}: {name} meeting, {total} issues since "
                    f"{since:%d %b}",
                    "community",
                    name,
                    f"stationing:{community_id}:{local:%Y-%m}",
                    body=f"Issues collected in {name} since {since:%Y-%m-%d}:\n{body}",
                    street_id=street_id,
                    community_id=community_id,
                )
            )
        raised = raise_alerts(session, drafts, at)
    return f"{raised} stationing reminders for {len(drafts)} communities"
