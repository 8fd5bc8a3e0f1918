"""`gridcenter accounts ...` and `gridcenter audit`: who may act, and what they did."""

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from gridcenter.cli.common import fail, parse_time, run_with_context
from gridcenter.cli.output import emit_json, say, table
from gridcenter.domain.access import Action
from gridcenter.formatting import change, local, words
from gridcenter.queries.audit import audit_trail
from gridcenter.services import accounts as service
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.history import (
    ChainMark,
    anchor_line,
    chain_marks,
    check_anchor,
    read_anchor_line,
    verify,
    verify_cases,
)

accounts = typer.Typer(help="Operator accounts: role and territory.", no_args_is_help=True)
audit = typer.Typer(
    help="Every change: who, when, from where, what and why.", invoke_without_command=True
)

Login = Annotated[str, typer.Argument(help="The operator's login.")]
TerritoryOption = Annotated[
    str | None, typer.Option(help="`district`, a street code or a community code.")
]


@accounts.command("add")
def add(
    ctx: typer.Context,
    login: Login,
    role: Annotated[str, typer.Option(help="viewer, operator, supervisor or admin.")],
    name: Annotated[str, typer.Option(help="The name shown for the account.")] = "",
    territory: Annotated[
        str, typer.Option(help="`district`, a street or a community code.")
    ] = "district",
    department: Annotated[
        str | None,
        typer.Option(help="A department's code: the account acts for it (operator or supervisor)."),
    ] = None,
) -> None:
    """Add an account."""
    run_with_context(
        ctx,
        lambda c: service.add_account(
            c, login, name=name, role=role, territory=territory, department=department
        ),
    )
    say(f"account {login} added")


@accounts.command("set")
def set_(
    ctx: typer.Context,
    login: Login,
    role: Annotated[str | None, typer.Option(help="A new role.")] = None,
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    territory: TerritoryOption = None,
) -> None:
    """Change an account's role, name or territory."""
    run_with_context(
        ctx, lambda c: service.set_account(c, login, role=role, name=name, territory=territory)
    )
    say(f"account {login} changed")


@accounts.command("disable")
def disable(ctx: typer.Context, login: Login) -> None:
    """Disable an account: it gets no console and no CLI."""
    run_with_context(ctx, lambda c: service.set_account(c, login, active=False))
    say(f"account {login} disabled")


@accounts.command("enable")
def enable(ctx: typer.Context, login: Login) -> None:
    """Enable a disabled account again."""
    run_with_context(ctx, lambda c: service.set_account(c, login, active=True))
    say(f"account {login} enabled")


@accounts.command("password")
def password(
    ctx: typer.Context,
    login: Login,
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the new password from the first line of stdin.")
    ] = False,
) -> None:
    """Set the password that lets another OS user act as LOGIN (admins: any account;
    everyone: their own). Typed twice at the terminal, never on the command line."""
    if stdin:
        secret = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        secret = getpass.getpass(f"new password of {login}: ")
        if getpass.getpass("the same again: ") != secret:
            fail("the two passwords differ: nothing changed")
    else:
        fail("type the password at a terminal, or give it on stdin with --stdin")
    run_with_context(ctx, lambda c: service.set_password(c, login, secret))
    say(f"password of {login} set")


@accounts.command("list")
def list_accounts(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Every account with its role and territory."""

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)
        with context.db.read() as session:
            rows = [
                {
                    "login": a.login,
                    "name": a.display_name,
                    "role": a.role,
                    "territory": service.territory_name(session, a),
                    "active": a.active,
                }
                for a in session.scalars(select(tables.Account).order_by(tables.Account.login))
            ]
        if as_json:
            emit_json(rows)
            return
        table(
            ("login", "role", "territory", "name", "state"),
            [
                (
                    r["login"],
                    r["role"],
                    r["territory"],
                    r["name"],
                    "active" if r["active"] else "disabled",
                )
                for r in rows
            ],
            wrap=("territory", "name"),
        )

    run_with_context(ctx, work)


@audit.callback()
def audit_list(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Option(help="Only this case's history.")] = None,
    operator: Annotated[str | None, typer.Option(help="Only what this login did.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only since this time: 2026-11-01 (district time) or ISO.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text.")] = False,
) -> None:
    """The newest changes first (`gridcenter audit verify` checks the hash chain)."""
    if ctx.invoked_subcommand is not None:
        return
    start = parse_time(since) if since else None

    def work(context: Context) -> None:
        with context.db.read() as session:
            lines = audit_trail(
                session,
                context.actor.territory,
                case_code=case,
                operator=operator,
                since=start,
                limit=limit,
            )
        if as_json:
            emit_json([{**line.__dict__, "at": line.at.isoformat()} for line in lines])
            return
        tz = context.timezone
        table(
            ("when", "who", "from", "what", "subject", "change", "why"),
            [
                (
                    local(line.at, tz),
                    line.actor,
                    line.channel,
                    words(line.action),
                    line.subject,
                    change(line.from_value, line.to_value, tz),
                    line.reason,
                )
                for line in lines
            ],
            wrap=("subject", "change", "why"),
        )

    run_with_context(ctx, work)


@audit.command("verify")
def audit_verify(
    ctx: typer.Context,
    anchor: Annotated[
        Path | None,
        typer.Option(help="An anchor file (`audit anchor --to`): also find rewrites before it."),
    ] = None,
) -> None:
    """Check the hash chain over every history row, every case against the replay of its
    history, and the chains against an anchor file; exit 1 on any difference."""
    anchors = _read_anchors(anchor) if anchor is not None else []

    def work(context: Context) -> None:
        context.actor.require(Action.ADMINISTER)
        with context.db.read(consistent=True) as session:
            rows, broken = verify(session)
            cases, differing = verify_cases(session)
            for at, marks in anchors:
                broken += check_anchor(session, at, marks)
        broken += differing
        for item in broken[:20]:
            say(f"gridcenter: {item.chain} row {item.row_id}: {item.problem}", err=True)
        if broken:
            fail(f"history tampered with: {len(broken)} problems in {rows} rows and {cases} cases")
        against = f", against {len(anchors)} anchors" if anchors else ""
        print(f"history intact: {rows} rows, {cases} cases replayed{against}")

    run_with_context(ctx, work)


def _read_anchors(path: Path) -> list[tuple[str, dict[str, ChainMark]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read the anchor file {path}: {getattr(error, 'strerror', None) or error}")
    anchors = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            anchors.append(read_anchor_line(line))
        except ValueError as error:
            fail(f"{path} line {number}: {error}")
    if not anchors:
        fail(f"{path} holds no anchor")
    return anchors


@audit.command("anchor")
def audit_anchor(
    ctx: typer.Context,
    to: Annotated[
        Path | None,
        typer.Option(help="Append the anchor to this file (on another machine) instead of stdout."),
    ] = None,
) -> None:
    """Write where the history chains stand (rows and newest hash) as one JSON line, to keep
    away from the store: `audit verify --anchor` then finds any rewrite before it."""

    def work(context: Context) -> str:
        context.actor.require(Action.ADMINISTER)
        with context.db.read(consistent=True) as session:
            return anchor_line(chain_marks(session), context.now())

    line = run_with_context(ctx, work)
    if to is None:
        print(line)
        return
    try:
        with to.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
    except OSError as error:
        fail(f"cannot write the anchor to {to}: {error.strerror}")
    say(f"anchor appended to {to}")
