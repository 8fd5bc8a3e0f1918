"""Operator accounts: who may use the console, in which role, over which territory."""

import logging
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action, Actor, Role, Territory
from gridcenter.domain.errors import Refused, not_valid
from gridcenter.domain.passwords import hash_password, password_matches, password_problem
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.history import audit

log = logging.getLogger("gridcenter.accounts")


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise not_valid("role", text, Role) from None


def resolve_territory(session: Session, code: str) -> Territory:
    """`district`, a street code or a community code."""
    text = code.strip()
    if text.lower() == "district":
        return Territory()
    street = session.scalar(select(tables.Street).where(tables.Street.code == text))
    if street is not None:
        return Territory(street_id=street.id)
    community = session.scalar(select(tables.Community).where(tables.Community.code == text))
    if community is not None:
        return Territory(street_id=community.street_id, community_id=community.id)
    raise Refused(f"no street or community {text!r}: use `district`, a street or a community code")


def territory_name(session: Session, account: tables.Account) -> str:
    if account.community_id is not None:
        community = session.get(tables.Community, account.community_id)
        return community.name if community else "?"
    if account.street_id is not None:
        street = session.get(tables.Street, account.street_id)
        return street.name if street else "?"
    return "district"


def actor_for(db: Database, login: str, channel: str) -> Actor:
    """The account behind a login, or a refusal that says what to do."""
    with db.read() as session:
        account = session.scalar(select(tables.Account).where(tables.Account.login == login))
    if account is None:
        raise Refused(
            f"no account {login!r}: an admin can add it with `gridcenter accounts add {login}`"
        )
    if not account.active:
        raise Refused(f"account {login!r} is disabled")
    return Actor(
        login=account.login,
        role=Role(account.role),
        territory=Territory(account.street_id, account.community_id, account.department_id),
        channel=channel,
    )


def acting_actor(
    db: Database, os_login: str, wanted: str, ask_password: Callable[[str], str] | None
) -> Actor:
    """The account a local user acts as: their own (the OS login's), or `wanted`, which
    takes the OS login's account being an admin or `wanted`'s password (asked with
    `ask_password`, None where nobody can type one). Recorded as "X acting as Y"."""
    if wanted == os_login:
        return actor_for(db, os_login, "local")
    target = actor_for(db, wanted, "local")
    with db.read() as session:
        own = session.scalar(select(tables.Account).where(tables.Account.login == os_login))
        stored = session.scalar(
            select(tables.Account.password_hash).where(tables.Account.login == wanted)
        )
    if own is not None and own.active and own.role == Role.ADMIN.value:
        return replace(target, by=os_login)
    if stored is None:
        raise Refused(
            f"{os_login} may act as {wanted} only with {wanted}'s password, and it has none: "
            f"an admin sets one with `gridcenter accounts password {wanted}`"
        )
    if ask_password is None:
        raise Refused(f"acting as {wanted} takes {wanted}'s password, typed at a terminal")
    if not password_matches(ask_password(f"password of {wanted}: "), stored):
        log.warning("%s gave a wrong password for %s", os_login, wanted)
        raise Refused(f"wrong password for {wanted}")
    return replace(target, by=os_login)


def set_password(ctx: Context, login: str, secret: str) -> None:
    """An admin sets any account's password; anyone may set their own."""
    if login != ctx.actor.login:
        ctx.actor.require(Action.ADMINISTER)
    problem = password_problem(secret, login)
    if problem:
        raise Refused(problem)
    hashed = hash_password(secret)
    with ctx.db.write() as session:
        account = session.scalar(select(tables.Account).where(tables.Account.login == login))
        if account is None:
            raise Refused(f"no account {login!r}")
        had = account.password_hash is not None
        account.password_hash = hashed
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="account_password",
            subject_kind="account",
            subject_ref=login,
            to_value="changed" if had else "set",
        )


def ensure_local_admin(ctx: Context) -> bool:
    """On a machine with no admin yet, the local user becomes one: the README just works."""
    with ctx.db.write() as session:
        if session.scalar(select(tables.Account.id).where(tables.Account.role == "admin")):
            return False
        if session.scalar(select(tables.Account).where(tables.Account.login == ctx.actor.login)):
            return False
        session.add(
            tables.Account(
                login=ctx.actor.login,
                display_name=f"{ctx.actor.login} (local admin)",
                role=Role.ADMIN.value,
                created_at=ctx.now(),
            )
        )
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel="local",
            action="account_add",
            subject_kind="account",
            subject_ref=ctx.actor.login,
            to_value="admin district",
            reason="first local start",
        )
        return True


def add_account(
    ctx: Context,
    login: str,
    *,
    name: str,
    role: str,
    territory: str = "district",
    department: str | None = None,
) -> None:
    """An account for an office's territory, or one acting for a department (an operator
    or a supervisor): it sees and acts on the cases its department holds, in the streets
    the department serves."""
    ctx.actor.require(Action.ADMINISTER)
    chosen = parse_role(role)
    if not login.strip() or any(ch.isspace() for ch in login):
        raise Refused("a login is one word, such as xiangjiang or chen.jie")
    if department and chosen not in (Role.OPERATOR, Role.SUPERVISOR):
        raise Refused("a department's account is an operator or a supervisor")
    with ctx.db.write() as session:
        if session.scalar(select(tables.Account.id).where(tables.Account.login == login)):
            raise Refused(f"account {login!r} exists already; change it with `accounts set`")
        place = resolve_territory(session, territory)
        unit = None
        if department:
            unit = session.scalar(
                select(tables.Department).where(tables.Department.code == department.strip())
            )
            if unit is None:
                raise Refused(f"no department {department!r} (`departments list` shows them)")
            place = Territory(unit.street_id, None, unit.id)
            territory = f"department {unit.code}"
        session.add(
            tables.Account(
                login=login,
                display_name=name or login,
                role=chosen.value,
                street_id=place.street_id,
                community_id=place.community_id,
                department_id=unit.id if unit else None,
                created_at=ctx.now(),
            )
        )
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="account_add",
            subject_kind="account",
            subject_ref=login,
            to_value=f"{chosen.value} {territory}",
        )


def set_account(
    ctx: Context,
    login: str,
    *,
    role: str | None = None,
    name: str | None = None,
    territory: str | None = None,
    active: bool | None = None,
) -> None:
    ctx.actor.require(Action.ADMINISTER)
    with ctx.db.write() as session:
        account = session.scalar(select(tables.Account).where(tables.Account.login == login))
        if account is None:
            raise Refused(f"no account {login!r}")
        before = f"{account.role} {territory_name(session, account)} " + (
            "active" if account.active else "disabled"
        )
        if role is not None:
            account.role = parse_role(role).value
        if name is not None:
            account.display_name = name
        if territory is not None:
            place = resolve_territory(session, territory)
            account.street_id, account.community_id = place.street_id, place.community_id
        if active is not None:
            if not active and login == ctx.actor.login:
                raise Refused("you cannot disable your own account")
            account.active = active
        session.flush()
        admins = select(func.count()).where(
            tables.Account.role == Role.ADMIN.value, tables.Account.active.is_(True)
        )
        if not session.scalar(admins):
            # With no admin left, the next local start would make any OS user the admin.
            raise Refused(f"{login} is the last admin: make another account admin first")
        after = f"{account.role} {territory_name(session, account)} " + (
            "active" if account.active else "disabled"
        )
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="account_set",
            subject_kind="account",
            subject_ref=login,
            from_value=before,
            to_value=after,
        )
