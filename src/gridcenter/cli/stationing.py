"""`gridcenter stationing ...`: the stationing day's meetings on record, and each issue
raised there made a case or linked to one."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from gridcenter.cli.common import fail, parse_time, read_file, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.calendar import local_moment
from gridcenter.domain.errors import Refused
from gridcenter.domain.stationing import MeetingRecord, check_month, read_meeting_file
from gridcenter.formatting import local
from gridcenter.queries.stationing import IssueLine, MeetingDetail, meeting_detail, meeting_lines
from gridcenter.services import stationing as service
from gridcenter.services.context import Context

app = typer.Typer(
    help="The stationing day's meetings: who came, the issues raised, what became of them.",
    no_args_is_help=True,
)

Meeting = Annotated[str, typer.Argument(help="The meeting: COMMUNITY-YYYY-MM.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON instead of text.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    community: Annotated[str | None, typer.Option(help="Only this community (its code).")] = None,
    month: Annotated[str | None, typer.Option(help="Only this month: YYYY-MM.")] = None,
    as_json: AsJson = False,
) -> None:
    """The meetings of your territory, newest month first."""

    def work(context: Context) -> None:
        chosen = check_month(month) if month is not None else None
        with context.db.read() as session:
            lines = meeting_lines(session, context.actor.territory, community, chosen)
        if as_json:
            emit_json(
                [
                    {
                        "code": line.code,
                        "community": line.community,
                        "held_at": line.held_at.isoformat(),
                        "convener": line.convener,
                        "cadre": line.cadre,
                        "residents": line.residents,
                        "issues": line.issues,
                        "cases": line.cases,
                    }
                    for line in lines
                ]
            )
            return
        if not lines:
            say("no meeting on record")
            return
        tz = context.timezone
        table(
            ["Meeting", "Community", "Held", "Convener", "Cadre", "Issues", "Cases"],
            [
                (
                    line.code,
                    line.community,
                    local(line.held_at, tz),
                    line.convener,
                    line.cadre,
                    line.issues,
                    line.cases,
                )
                for line in lines
            ],
            right=("Issues", "Cases"),
            wrap=("Community",),
        )

    run_with_context(ctx, work)


def _issues_json(issues: list[IssueLine]) -> list[dict[str, Any]]:
    return [
        {
            "number": issue.number,
            "text": issue.text,
            "case": issue.case,
            "step": issue.step,
            "deadline": issue.deadline.isoformat() if issue.deadline else None,
            "outcome": issue.outcome.value,
        }
        for issue in issues
    ]


def _json(meeting: MeetingDetail) -> dict[str, Any]:
    return {
        "code": meeting.code,
        "community": meeting.community_code,
        "community_name": meeting.community,
        "street": meeting.street,
        "month": meeting.month,
        "held_at": meeting.held_at.isoformat(),
        "convener": {"code": meeting.convener.code, "name": meeting.convener.name},
        "cadre": {"code": meeting.cadre.code, "name": meeting.cadre.name},
        "attendees": [{"code": p.code, "name": p.name} for p in meeting.attendees],
        "residents": meeting.residents,
        "recorded_by": meeting.recorded_by,
        "recorded_at": meeting.recorded_at.isoformat(),
        "issues": _issues_json(meeting.issues),
        "previous": meeting.previous,
        "previous_issues": _issues_json(meeting.previous_issues),
    }


def _issue_table(issues: list[IssueLine]) -> None:
    table(
        ["N", "Issue", "Case", "Outcome"],
        [(issue.number, issue.text, issue.case, issue.outcome.value) for issue in issues],
        right=("N",),
        wrap=("Issue",),
    )


@app.command("show")
def show(ctx: typer.Context, code: Meeting, as_json: AsJson = False) -> None:
    """A meeting: who convened it, the cadre stationed there, who came, the issues raised
    with their cases, and what became of the previous meeting's issues (as their cases
    stand now: closed, open, overdue, dismissed, or no case yet)."""

    def work(context: Context) -> None:
        with context.db.read() as session:
            meeting = meeting_detail(session, context.actor.territory, code, context.now())
        if meeting is None:
            raise Refused(f"no meeting {code!r}")
        if as_json:
            emit_json(_json(meeting))
            return
        tz = context.timezone
        say(f"{meeting.code}  {meeting.community}, {meeting.street}")
        say(f"Held {local(meeting.held_at, tz)}; recorded by {meeting.recorded_by}")
        say(f"Convener: {meeting.convener.code} {meeting.convener.name}")
        say(f"Stationed cadre: {meeting.cadre.code} {meeting.cadre.name}")
        people = ", ".join(f"{p.code} {p.name}" for p in meeting.attendees) or "-"
        say(f"Attendees: {people}")
        say(f"Residents: {meeting.residents}")
        say()
        if meeting.issues:
            say("Issues raised")
            _issue_table(meeting.issues)
        else:
            say("No issue was raised")
        if meeting.previous is None:
            return
        assert meeting.previous_held_at is not None
        say()
        held = local(meeting.previous_held_at, tz, "%Y-%m-%d")
        say(f"What became of the issues of {meeting.previous} (held {held})")
        if meeting.previous_issues:
            _issue_table(meeting.previous_issues)
        else:
            say("No issue was raised")

    run_with_context(ctx, work)


@app.command("record")
def record(
    ctx: typer.Context,
    community: Annotated[str | None, typer.Option(help="The community's code.")] = None,
    convener: Annotated[str | None, typer.Option(help="Who convened it (staff code).")] = None,
    cadre: Annotated[
        str | None, typer.Option(help="The cadre stationed in the community (staff code).")
    ] = None,
    attendee: Annotated[
        list[str] | None,
        typer.Option(help="Staff who attended (staff code); repeat it.", metavar="STAFF"),
    ] = None,
    issue: Annotated[
        list[str] | None,
        typer.Option(help="An issue raised, in a sentence; repeat it.", metavar="TEXT"),
    ] = None,
    residents: Annotated[int, typer.Option(help="How many residents came.")] = 0,
    at: Annotated[
        str | None, typer.Option(help="When it was held (the district's time); now if left out.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            help='The meeting as JSON instead: {"community", "convener", "cadre", '
            '"attendees": [...], "issues": [...], "at", "residents"}.'
        ),
    ] = None,
) -> None:
    """Put a held meeting on record; the issues are numbered from 1 in the order given. A
    community holds one meeting a month."""
    if file is not None and any((community, convener, cadre, attendee, issue, at, residents)):
        fail("give the meeting either as options or as --file, not both")
    if file is None and not (community and convener and cadre):
        fail("say --community, --convener and --cadre (or give --file)")
    text = read_file(file) if file is not None else None
    held = parse_time(at) if at else None

    def work(context: Context) -> None:
        def when(given: str | None) -> datetime:
            if given is None:
                return context.now()
            try:
                return local_moment(given, context.timezone)
            except ValueError:
                raise Refused(f"'at': {given!r} is not a time such as 2026-11-28T09:30") from None

        if text is not None:
            given = read_meeting_file(text, when)
        else:
            assert community and convener and cadre
            given = MeetingRecord(
                community,
                convener,
                cadre,
                tuple(attendee or ()),
                tuple(issue or ()),
                held or context.now(),
                residents,
            )
        code = service.record_meeting(context, given)
        count = len(given.issues)
        say(f"meeting {code} recorded with {count} issue{'' if count == 1 else 's'}")

    run_with_context(ctx, work)


@app.command("issue")
def issue(
    ctx: typer.Context,
    code: Meeting,
    number: Annotated[int, typer.Argument(help="The issue's number in the meeting.")],
    as_case: Annotated[
        bool, typer.Option("--case", help="Make it a new case (reported face to face).")
    ] = False,
    link: Annotated[
        str | None, typer.Option("--link", help="Link it to this case instead.")
    ] = None,
    grid: Annotated[
        str | None, typer.Option(help="With --case: the grid it lies in (its code).")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="With --case: its category (code or name).")
    ] = None,
) -> None:
    """Make an issue raised at a meeting a case, or link it to a case that exists."""
    if as_case == (link is not None):
        fail("say --case or --link CASE")
    if link is not None and (grid or category):
        fail("--grid and --category go with --case")

    def work(context: Context) -> None:
        if link is not None:
            service.link_issue(context, code, number, link)
            say(f"issue {number} of {code.strip()} linked to case {link.strip()}")
            return
        case = service.issue_to_case(context, code, number, grid=grid, category=category)
        say(f"issue {number} of {code.strip()} is case {case}")

    run_with_context(ctx, work)
