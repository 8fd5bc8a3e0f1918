"""`gridcenter grids show` and `gridcenter field ingest`: a grid with its team and its
fieldwork, and the patrols and visits field apps send."""

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from gridcenter.cli.common import EXIT_PARTLY, fail, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.domain.errors import Refused
from gridcenter.domain.fieldwork import MAX_LINE, published_phone
from gridcenter.domain.masking import mask_phone
from gridcenter.formatting import local
from gridcenter.jobs.policy import read_policy
from gridcenter.queries.assessment import find_place
from gridcenter.queries.dashboard import grid_places
from gridcenter.queries.fieldwork import (
    GridFieldwork,
    TeamMember,
    contact_cards,
    grid_fieldwork,
    team_workload,
)
from gridcenter.services.context import Context
from gridcenter.services.fieldwork import ingest_field_records

grids = typer.Typer(help="Grids with their teams and fieldwork.", no_args_is_help=True)
field = typer.Typer(help="Patrols and household visits from field apps.", no_args_is_help=True)


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """The lines of a batch as bytes, each cut at MAX_LINE + 1 bytes: an endless line is
    never held whole (its cut start is refused as too long; the rest is passed over)."""
    while line := stream.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
        yield line


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _json(grid: GridFieldwork, reveal: bool) -> dict[str, Any]:
    return {
        "code": grid.code,
        "name": grid.name,
        "community": grid.community,
        "street": grid.street,
        "kind": grid.kind,
        "households": grid.households,
        "population": grid.population,
        "team": [
            {"code": m.code, "name": m.name, "role": m.role, "phone": _card_phone(m, reveal)}
            for m in grid.team
        ],
        "last_patrol_at": _iso(grid.last_patrol_at),
        "unpatrolled": grid.unpatrolled,
        "patrol_hours_this_week": grid.patrol_hours_this_week,
        "visits_this_month": grid.visits_this_month,
        "households_visited": grid.households_visited,
        "visit_rate": grid.visit_rate,
    }


@grids.command("list")
def list_(
    ctx: typer.Context,
    community: Annotated[
        str | None, typer.Option(help="Only the grids of this community (its name or code).")
    ] = None,
    unstaffed: Annotated[bool, typer.Option(help="Only grids nobody answers for.")] = False,
    unpatrolled: Annotated[
        bool, typer.Option(help="Only grids under an open no-patrol alert.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """The grids of your territory, in board order, with whether anyone answers for each
    and whether it is patrolled."""

    def work(context: Context) -> None:
        wanted = (community or "").strip()
        with context.db.read() as session:
            places = grid_places(session, context.actor.territory)
            coded = find_place(session, "community", wanted) if wanted else None
        name = (coded.name if coded is not None else wanted).lower()
        shown = [
            place
            for place in places
            if (not name or place.community.lower() == name)
            and not (unstaffed and place.staffed)
            and not (unpatrolled and place.patrolled)
        ]
        if name and not any(place.community.lower() == name for place in places):
            raise Refused(f"no community {wanted!r} in your territory")
        if as_json:
            emit_json(
                [
                    {
                        "code": p.code,
                        "name": p.name,
                        "community": p.community,
                        "street": p.street,
                        "staffed": p.staffed,
                        "patrolled": p.patrolled,
                    }
                    for p in shown
                ]
            )
            return
        table(
            ["Code", "Name", "Community", "Street", "Team", "Patrol"],
            [
                (
                    p.code,
                    p.name,
                    p.community,
                    p.street,
                    "yes" if p.staffed else "nobody",
                    "yes" if p.patrolled else "none in the gap",
                )
                for p in shown
            ],
        )

    run_with_context(ctx, work)


@grids.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The grid's code.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """A grid: where it lies, its team, when it was last patrolled, the hours walked this
    week, the visits this month and the share of households visited."""
    policy = read_policy().fieldwork

    def work(context: Context) -> None:
        now = context.now()
        with context.db.read() as session:
            grid = grid_fieldwork(
                session, context.actor.territory, code, now, context.timezone, policy
            )
        if grid is None:
            raise Refused(f"no grid {code!r}")
        if as_json:
            emit_json(_json(grid, context.actor.can(Action.REVEAL)))
            return
        tz = context.timezone
        reveal = context.actor.can(Action.REVEAL)
        say(f"{grid.code} {grid.name}")
        say(f"{grid.kind} grid of {grid.community}, {grid.street}")
        say(f"{grid.households} households, {grid.population} people")
        window = policy.visit_window.days
        rate = "-" if grid.visit_rate is None else f"{grid.visit_rate:.1%}"
        if grid.last_patrol_at is None:
            say("Last patrol: none on record")
        else:
            gap = round(policy.patrol_gap.total_seconds() / 3600)
            flag = f" (over {gap} hours ago)" if grid.unpatrolled else ""
            say(f"Last patrol: {local(grid.last_patrol_at, tz)}{flag}")
        say(f"Patrol hours this week: {grid.patrol_hours_this_week:g}")
        say(f"Visits this month: {grid.visits_this_month}")
        say(f"Visit rate ({window} days): {rate} ({grid.households_visited} households)")
        say()
        if not grid.team:
            say("Team: nobody answers for this grid")
            return
        table(
            ["Code", "Name", "Role", "Phone"],
            [(m.code, m.name, m.role.replace("_", " "), _card_phone(m, reveal)) for m in grid.team],
        )

    run_with_context(ctx, work)


def _card_phone(member: TeamMember, reveal: bool) -> str:
    """A duty phone as the card publishes it; a personal one masked unless the account may
    reveal personal data."""
    if reveal or published_phone(member.role):
        return member.phone or ""
    return mask_phone(member.phone)


@grids.command("contacts")
def contacts(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help="The grid's code.")] = None,
    community: Annotated[
        str | None, typer.Option(help="Every grid of the community with this code.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """The contact card residents are promised: who answers for a grid, in what role, and
    the duty phone to call."""
    if (code is None) == (community is None):
        fail("name a grid, or a community with --community")

    def work(context: Context) -> None:
        with context.db.read() as session:
            cards = contact_cards(session, context.actor.territory, code, community)
        if not cards:
            raise Refused(f"no grid {code!r}" if code else f"no community {community!r}")
        reveal = context.actor.can(Action.REVEAL)
        if as_json:
            emit_json(
                [
                    {
                        "grid": card.grid,
                        "name": card.name,
                        "community": card.community,
                        "team": [
                            {"name": m.name, "role": m.role, "phone": _card_phone(m, reveal)}
                            for m in card.team
                        ],
                    }
                    for card in cards
                ]
            )
            return
        rows = [
            (card.grid, card.name, m.name, m.role.replace("_", " "), _card_phone(m, reveal))
            for card in cards
            for m in card.team or [TeamMember("", "nobody answers for it", "", "")]
        ]
        table(["Grid", "Name", "Who", "Role", "Phone"], rows)

    run_with_context(ctx, work)


@grids.command("workload")
def workload(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """Everyone on a grid team of your territory, most open cases first: the cases each
    holds, the hours walked this week and the visits this month."""
    limit = read_policy().fieldwork.open_cases_limit

    def work(context: Context) -> None:
        with context.db.read() as session:
            loads = team_workload(session, context.actor.territory, context.now(), context.timezone)
        if as_json:
            emit_json(
                [
                    {
                        "code": load.code,
                        "name": load.name,
                        "role": load.role,
                        "grids": load.grids,
                        "open_cases": load.open_cases,
                        "over_limit": load.open_cases > limit,
                        "patrol_hours_this_week": load.patrol_hours_this_week,
                        "visits_this_month": load.visits_this_month,
                    }
                    for load in loads
                ]
            )
            return
        table(
            ["Code", "Name", "Role", "Grids", "Open", "Patrol h", "Visits", "Over"],
            [
                (
                    load.code,
                    load.name,
                    load.role.replace("_", " "),
                    load.grids,
                    load.open_cases,
                    f"{load.patrol_hours_this_week:g}",
                    load.visits_this_month,
                    f"over {limit}" if load.open_cases > limit else "",
                )
                for load in loads
            ],
            right=["Grids", "Open", "Patrol h", "Visits"],
        )

    run_with_context(ctx, work)


@field.command("ingest")
def ingest(
    ctx: typer.Context,
    source: Annotated[
        Path | None, typer.Argument(help="A file of JSON lines; standard input when left out.")
    ] = None,
    open_cases: Annotated[
        bool,
        typer.Option("--open-cases", help="A new visit that records needs opens a case."),
    ] = False,
) -> None:
    """Read JSON lines of patrols {"id", "type": "patrol", "staff", "grid", "start", "end",
    "track": [[lat, lon, time], ...]} and visits {"id", "type": "visit", "staff", "grid",
    "household", "at", "note", "needs": [text, ...]}. Each id is stored once: a batch sent
    again changes nothing."""
    if source is not None and not source.is_file():
        fail(f"no file {source}")

    def work(context: Context) -> None:
        if source is None:
            report = ingest_field_records(context, _lines(sys.stdin.buffer), open_cases)
        else:
            with source.open("rb") as handle:
                report = ingest_field_records(context, _lines(handle), open_cases)
        for problem in report.rejected:
            say(f"gridcenter: skipped {problem}", err=True)
        for problem in report.unopened:
            say(f"gridcenter: {problem}", err=True)
        say(
            f"{report.patrols} patrols and {report.visits} visits stored, "
            f"{report.already} sent before, {len(report.rejected)} lines skipped"
        )
        for opened in report.cases:
            say(f"case {opened}")
        if report.rejected or report.unopened:  # the good part is stored; the status says
            raise typer.Exit(EXIT_PARTLY)  # some was not

    run_with_context(ctx, work, needs=Action.SEND_FIELDWORK)
