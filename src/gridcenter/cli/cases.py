"""`gridcenter case ...`: list, show and move cases from a script."""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from gridcenter.cli.common import parse_time, refusals, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.reports import Channel, Point
from gridcenter.formatting import change, local, time_left, words
from gridcenter.queries.cases import UNPLACED, CaseDetail, CaseRow, case_detail, open_cases
from gridcenter.services import cases as service
from gridcenter.services.cases import Done
from gridcenter.services.context import Context
from gridcenter.services.privacy import reveal_contact

app = typer.Typer(help="List, show and move cases through the closed loop.", no_args_is_help=True)

Reason = Annotated[str, typer.Option("--reason", help="Why: written into the case's history.")]
Code = Annotated[str, typer.Argument(help="The case code, such as 261120-00042.")]
Override = Annotated[
    str | None,
    typer.Option(
        help="A supervisor's reason for a holder the rules refuse; recorded as off-list.",
    ),
]


def _row_json(row: CaseRow, now: datetime) -> dict[str, Any]:
    left = row.time_left(now)
    return {
        "code": row.code,
        "title": row.title,
        "level": row.level,
        "step": row.step,
        "category": row.category,
        "grid": None if row.grid == UNPLACED else row.grid,
        "assignee": row.assignee or None,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "time_left_s": None if left is None else round(left),
        "overdue": row.overdue(now),
        "parked": row.parked,
        "version": row.version,
    }


@app.command("list")
def list_cases(
    ctx: typer.Context,
    level: Annotated[str | None, typer.Option(help="Only this level: A, B, C or D.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue cases.")] = False,
    unplaced: Annotated[
        bool,
        typer.Option("--unplaced", help="Only cases no grid covers yet (the district's queue)."),
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many cases.")] = 100,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON array instead of a table.")
    ] = False,
) -> None:
    """Open cases, the most urgent first."""

    def work(context: Context) -> None:
        chosen = Level.parse(level) if level else None
        now = context.now()
        with context.db.read() as session:
            rows = open_cases(
                session,
                context.actor.territory,
                now,
                level=chosen,
                overdue=overdue,
                unplaced=unplaced,
                limit=limit,
            )
        if as_json:
            emit_json([_row_json(row, now) for row in rows])
            return
        tz = context.timezone
        table(
            ("code", "level", "step", "category", "grid", "assignee", "deadline", "time left"),
            [
                (
                    row.code,
                    row.level,
                    words(row.step),
                    row.category,
                    row.grid,
                    row.assignee,
                    local(row.deadline, tz),
                    time_left(row.time_left(now), row.parked),
                )
                for row in rows
            ],
            right=("time left",),
            wrap=("category", "grid", "assignee"),
        )

    run_with_context(ctx, work)


def _detail_json(detail: CaseDetail, now: datetime) -> dict[str, Any]:
    return {
        **_row_json(detail.row, now),
        "description": detail.description,
        "address": detail.address,
        "source": detail.source,
        "reporter": detail.reporter,
        "reporter_phone": detail.reporter_phone,
        "street": detail.street or None,
        "community": detail.community or None,
        "grid_code": detail.grid_code or None,
        "at": list(detail.point) if detail.point else None,
        "repeat_of": detail.repeat_of,
        "merged_into": detail.merged_into,
        "merged": [
            {
                "code": m.code,
                "reporter": m.reporter,
                "reporter_phone": m.reporter_phone,
                "source": m.source,
            }
            for m in detail.merged
        ],
        "category_code": detail.category_code,
        "rework_count": detail.rework_count,
        "satisfaction": detail.satisfaction,
        "used_share": detail.used_share,
        "steps": [
            {
                "step": s.step,
                "started_at": s.started_at.isoformat() if s.started_at else None,
                "deadline": s.deadline.isoformat() if s.deadline else None,
                "original_deadline": (
                    s.original_deadline.isoformat() if s.original_deadline else None
                ),
                "extended": s.extended,
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "projected": s.projected,
            }
            for s in detail.steps
        ],
        "co_handlers": [
            {
                "department": c.name,
                "deadline": c.deadline.isoformat() if c.deadline else None,
                "answered_at": c.answered_at.isoformat() if c.answered_at else None,
            }
            for c in detail.co_handlers
        ],
        "history": [
            {
                "at": h.at.isoformat(),
                "actor": h.actor,
                "channel": h.channel,
                "action": h.action,
                "from": h.from_value,
                "to": h.to_value,
                "reason": h.reason,
            }
            for h in detail.history
        ],
    }


@app.command("show")
def show(
    ctx: typer.Context,
    code: Code,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """A case's details, its step deadlines and its full history."""

    def work(context: Context) -> None:
        now = context.now()
        with context.db.read() as session:
            detail = case_detail(
                session,
                context.actor.territory,
                context.loop,
                code,
                now,
                names_shown=context.actor.can(Action.REVEAL),
            )
        if detail is None:
            raise Refused(f"no case {code!r}")
        if as_json:
            emit_json(_detail_json(detail, now))
            return
        _print_detail(detail, now, context.timezone)

    run_with_context(ctx, work)


def _print_detail(detail: CaseDetail, now: datetime, tz: ZoneInfo) -> None:
    row = detail.row
    used = "" if detail.used_share is None else f" ({detail.used_share:.0%} of its limit)"
    say(f"{row.code}  {row.title}")
    facts = [
        ("level", f"{row.level} ({Level(row.level).disposer})"),
        ("step", words(row.step)),
        ("time left", f"{time_left(detail.time_left_s, row.parked)}{used}"),
        ("category", f"{detail.category_code} {row.category}"),
        (
            "where",
            f"{row.grid} ({detail.grid_code}), {detail.community}, {detail.street}"
            if detail.grid_code
            else f"in no grid: waiting to be placed (case place {row.code} --grid CODE)",
        ),
        ("at", detail.point and f"{detail.point[0]}, {detail.point[1]}"),
        ("address", detail.address),
        ("repeat of", detail.repeat_of and f"{detail.repeat_of} (possible repeat)"),
        ("merged into", detail.merged_into),
        (
            "also reported",
            "; ".join(
                f"{m.code} by {m.reporter or '-'} {m.reporter_phone or ''}".strip()
                + f" ({m.source})"
                for m in detail.merged
            ),
        ),
        ("source", detail.source),
        ("reporter", f"{detail.reporter or '-'} {detail.reporter_phone or ''}".strip()),
        ("assignee", row.assignee),
        (
            "with",
            "; ".join(
                f"{c.name} (due {local(c.deadline, tz)}, "
                + (f"answered {local(c.answered_at, tz)})" if c.answered_at else "not answered)")
                for c in detail.co_handlers
            ),
        ),
        ("parked", detail.parked_reason),
        ("extension", detail.extension_reason and f"requested: {detail.extension_reason}"),
        ("rework", detail.rework_count),
    ]
    table(
        ("", "fact"),
        [(f"  {name}", value) for name, value in facts if value],
        wrap=("fact",),
        header=False,
    )
    if detail.description:
        say()
        say(detail.description, lines=True)
    say()
    table(
        ("step", "started", "deadline", "ended"),
        [
            (
                words(s.step),
                local(s.started_at, tz),
                local(s.deadline, tz)
                + (" (projected)" if s.projected else "")
                + (f" (extended; was {local(s.original_deadline, tz)})" if s.extended else ""),
                local(s.ended_at, tz) or ("" if s.projected else "now"),
            )
            for s in detail.steps
        ],
    )
    say()
    table(
        ("when", "who", "what", "change", "why"),
        [
            (
                local(h.at, tz),
                f"{h.actor} ({h.channel})",
                words(h.action),
                change(h.from_value, h.to_value, tz),
                h.reason,
            )
            for h in detail.history
        ],
        wrap=("who", "change", "why"),
    )


@app.command("report")
def report(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="What was reported, in a line.")],
    description: Annotated[str, typer.Option(help="More about it.")] = "",
    category: Annotated[
        str | None,
        typer.Option(help="A category's code or name (categories list); unclassified if left out."),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="hotline (the default), phone, walk-in, wechat, patrol, department, camera "
            "or sensor."
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Where, as LAT,LON (WGS84): 28.152,112.851.")
    ] = None,
    grid: Annotated[str | None, typer.Option(help="The grid's code, when it is known.")] = None,
    address: Annotated[str, typer.Option(help="The address as the reporter gave it.")] = "",
    reporter: Annotated[
        str | None,
        typer.Option(help="Who reported it; on patrol, a staff code, login or name is credited."),
    ] = None,
    phone: Annotated[str | None, typer.Option(help="The reporter's phone number.")] = None,
    handled: Annotated[
        str | None,
        typer.Option(
            help="What the grid worker did on the spot: the level-A case waits for someone "
            "else to verify it."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The new case as `case show --json` gives it.")
    ] = False,
) -> None:
    """Report a new case (a hotline call, a walk-in, a grid worker on patrol); prints its
    code."""
    with refusals():
        point = Point.parse(at) if at is not None else None

    def work(context: Context) -> None:
        asked: dict[str, Any] = {
            "title": title,
            "category": category,
            "at": point,
            "grid": grid,
            "address": address,
            "description": description,
            "reporter": reporter,
            "reporter_phone": phone,
        }
        if handled is None:
            done = service.report_case(context, source=channel or Channel.HOTLINE.value, **asked)
        else:
            if channel is not None and Channel.parse(channel) is not Channel.PATROL:
                raise Refused("a case handled on the spot is reported from patrol")
            done = service.report_on_the_spot(context, handled=handled, **asked)
        if done.grid is None:
            say(
                f"{done.code} lies in no grid: it waits in the unplaced queue to be placed",
                err=True,
            )
        if done.repeat_of:
            say(
                f"{done.code} is a possible repeat of {done.repeat_of}: "
                f"case merge {done.code} --into {done.repeat_of} --reason ...",
                err=True,
            )
        if not as_json:
            say(done.code)
            return
        now = context.now()
        with context.db.read() as session:
            detail = case_detail(
                session,
                context.actor.territory,
                context.loop,
                done.code,
                now,
                names_shown=context.actor.can(Action.REVEAL),
            )
        assert detail is not None
        emit_json(_detail_json(detail, now))

    run_with_context(ctx, work)


ExpectVersion = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="Refuse if the case has changed since this version (case show --json gives it).",
    ),
]


def _report(done: Done) -> None:
    say(f"{done.code}: {done.summary} (version {done.version})")


def _act(ctx: typer.Context, action: Any, code: str, **kwargs: Any) -> None:
    run_with_context(ctx, lambda context: _report(action(context, code, **kwargs)))


@app.command()
def reassign(
    ctx: typer.Context,
    code: Code,
    to: Annotated[
        str, typer.Option("--to", help="Staff code, login or name; department code or name.")
    ],
    reason: Reason,
    override: Override = None,
    expect: ExpectVersion = None,
) -> None:
    """Hand a case to another person or department that its level's rules allow."""
    _act(
        ctx,
        service.reassign,
        code,
        to=to,
        reason=reason,
        override=override,
        expected_version=expect,
    )


@app.command()
def dispatch(
    ctx: typer.Context,
    code: Code,
    to: Annotated[
        str, typer.Option("--to", help="Staff code, login or name; department code or name.")
    ],
    override: Override = None,
    with_: Annotated[
        str,
        typer.Option("--with", help="Co-handling departments of a level-C case: DEPT[,DEPT]."),
    ] = "",
    expect: ExpectVersion = None,
) -> None:
    """Dispatch a filed case to a holder its level's rules allow (seed/policy.toml)."""
    _act(
        ctx,
        service.dispatch,
        code,
        to=to,
        override=override,
        with_=[part for part in with_.split(",") if part.strip()],
        expected_version=expect,
    )


@app.command()
def part(
    ctx: typer.Context,
    code: Code,
    result: Annotated[str, typer.Option("--result", help="What your department did.")],
    expect: ExpectVersion = None,
) -> None:
    """A co-handling department's part of a jointly handled case (its own accounts)."""
    _act(ctx, service.record_part, code, result=result, expected_version=expect)


@app.command()
def escalate(ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None) -> None:
    """Move a case up one level (A grid, B street, C district, D city)."""
    _act(ctx, service.escalate, code, reason=reason, expected_version=expect)


@app.command()
def deescalate(
    ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None
) -> None:
    """Move a case down one level."""
    _act(ctx, service.deescalate, code, reason=reason, expected_version=expect)


@app.command("file")
def file_(
    ctx: typer.Context,
    code: Code,
    category: Annotated[str | None, typer.Option(help="Minor category code.")] = None,
    level: Annotated[
        str | None,
        typer.Option(help="A, B, C or D, up to your own level; the category's by default."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why another level than the category's.")
    ] = None,
    expect: ExpectVersion = None,
) -> None:
    """File a reported case: classify it and start its dispatch clock."""
    _act(
        ctx,
        service.file_case,
        code,
        category=category,
        level=level,
        reason=reason,
        expected_version=expect,
    )


@app.command()
def feedback(
    ctx: typer.Context,
    code: Code,
    result: Annotated[str, typer.Option("--result", help="What was done.")],
    expect: ExpectVersion = None,
) -> None:
    """Report the result of handling a dispatched case."""
    _act(ctx, service.feed_back, code, result=result, expected_version=expect)


@app.command()
def verify(
    ctx: typer.Context,
    code: Code,
    passed: Annotated[
        bool, typer.Option("--pass/--fail", help="The on-site check passed or failed.")
    ],
    note: Annotated[
        str | None, typer.Option(help="What the check found (needed on --fail).")
    ] = None,
    expect: ExpectVersion = None,
) -> None:
    """Record the on-site check of a handled case; a failure sends it back for rework."""
    _act(ctx, service.verify, code, passed=passed, note=note, expected_version=expect)


@app.command("close")
def close_(
    ctx: typer.Context,
    code: Code,
    satisfaction: Annotated[
        str, typer.Option(help="satisfied, neutral, dissatisfied or not_rated.")
    ],
    note: Annotated[str | None, typer.Option(help="A closing note.")] = None,
    expect: ExpectVersion = None,
) -> None:
    """Close a verified case with the resident's satisfaction."""
    _act(ctx, service.close, code, satisfaction=satisfaction, note=note, expected_version=expect)


@app.command()
def dismiss(ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None) -> None:
    """Dismiss a reported case as an invalid report (a duplicate, not a problem)."""
    _act(ctx, service.dismiss, code, reason=reason, expected_version=expect)


@app.command()
def reopen(ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None) -> None:
    """Reopen a closed case; it goes back to be dispatched."""
    _act(ctx, service.reopen, code, reason=reason, expected_version=expect)


@app.command("return")
def return_(ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None) -> None:
    """Send a case you should not hold back to its dispatcher's queue (holders only)."""
    _act(ctx, service.return_case, code, reason=reason, expected_version=expect)


@app.command("request-extension")
def request_extension(
    ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None
) -> None:
    """Ask for more time on the current step."""
    _act(ctx, service.request_extension, code, reason=reason, expected_version=expect)


@app.command("grant-extension")
def grant_extension(
    ctx: typer.Context,
    code: Code,
    until: Annotated[
        str, typer.Option(help="The new deadline: 2026-11-28T17:30 (district time) or ISO.")
    ],
    reason: Annotated[
        str | None, typer.Option(help="Why (the request's reason by default).")
    ] = None,
    expect: ExpectVersion = None,
) -> None:
    """Grant a waiting extension request with a new deadline."""
    _act(
        ctx,
        service.grant_extension,
        code,
        until=parse_time(until),
        reason=reason,
        expected_version=expect,
    )


@app.command("refuse-extension")
def refuse_extension(
    ctx: typer.Context, code: Code, reason: Reason, expect: ExpectVersion = None
) -> None:
    """Refuse a waiting extension request."""
    _act(ctx, service.refuse_extension, code, reason=reason, expected_version=expect)


@app.command()
def park(
    ctx: typer.Context,
    code: Code,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="One of the policy's reasons: awaiting a court ruling, season-bound work, "
            "waiting on a third party.",
        ),
    ],
    note: Annotated[str | None, typer.Option(help="What you add to the reason.")] = None,
    expect: ExpectVersion = None,
) -> None:
    """Stop a case's clock while it waits on something outside anyone's control."""
    _act(ctx, service.park, code, reason=reason, note=note, expected_version=expect)


Grid = Annotated[str | None, typer.Option("--grid", help="The grid's code.")]


@app.command()
def place(
    ctx: typer.Context,
    code: Code,
    reason: Reason,
    grid: Grid = None,
    at: Annotated[str | None, typer.Option("--at", help="A point in the grid, as LAT,LON.")] = None,
    expect: ExpectVersion = None,
) -> None:
    """Put a case that no grid covered in a grid (by code or by a point in it)."""
    with refusals():
        point = Point.parse(at) if at is not None else None
    _act(ctx, service.place_case, code, grid=grid, at=point, reason=reason, expected_version=expect)


@app.command()
def transfer(
    ctx: typer.Context,
    code: Code,
    reason: Reason,
    grid: Grid = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="The authority it belongs to: another district, a hotline."),
    ] = None,
    expect: ExpectVersion = None,
) -> None:
    """Move a case to another grid of your territory (its clock runs on), or hand one that
    is not the district's to the authority it belongs to (it closes as handed over)."""
    if (grid is None) == (to is None):
        with refusals():
            raise Refused("say where it goes: --grid for a grid here or --to for an authority")
    if to is not None:
        _act(ctx, service.hand_over_case, code, to=to, reason=reason, expected_version=expect)
    else:
        _act(ctx, service.transfer_case, code, grid=grid, reason=reason, expected_version=expect)


@app.command()
def merge(
    ctx: typer.Context,
    duplicate: Annotated[str, typer.Argument(help="The repeat report's case code.")],
    into: Annotated[str, typer.Option("--into", help="The case it repeats.")],
    reason: Reason,
    expect: ExpectVersion = None,
) -> None:
    """Close a repeat report into the case it repeats; its reporter stays with that case."""
    _act(ctx, service.merge_case, duplicate, into=into, reason=reason, expected_version=expect)


@app.command()
def reveal(
    ctx: typer.Context,
    code: Code,
    reason: Annotated[str | None, typer.Option(help="Why you need it (recorded).")] = None,
) -> None:
    """Show the reporter's contact unmasked; the reveal is recorded in the audit trail."""

    def work(context: Context) -> None:
        contact = reveal_contact(context, code, reason)
        say(
            f"{code}: {contact.reporter or '-'}  {contact.phone or '-'}  {contact.id_number or '-'}"
        )

    run_with_context(ctx, work)


@app.command()
def unpark(ctx: typer.Context, code: Code, expect: ExpectVersion = None) -> None:
    """Restart a parked case's clock with the time it had left."""
    _act(ctx, service.unpark, code, expected_version=expect)
