"""What every subcommand shares: the context it runs in and how refusals read."""

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NoReturn, TypeVar

import typer
from sqlalchemy.exc import OperationalError

from gridcenter.config import Settings
from gridcenter.domain.access import Action
from gridcenter.domain.calendar import local_moment
from gridcenter.domain.errors import Refused
from gridcenter.domain.sheets import BadFile
from gridcenter.formatting import printable
from gridcenter.services.bootstrap import open_context
from gridcenter.services.context import Context
from gridcenter.store.database import StoreBusy, StoreOutdated, StoreUnusable
from gridcenter.store.migrate import UpgradeRefused
from gridcenter.store.seeding import read_calendar

T = TypeVar("T")

EXIT_REFUSED = 1
EXIT_BUSY = 3
EXIT_PARTLY = 4  # the good part was done; the rest was set aside, each with its reason
EXIT_CRASH = 70  # sysexits' EX_SOFTWARE: an error in gridcenter itself


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    """One line on stderr (names and values in it may come from the store) and an exit."""
    print(f"gridcenter: {printable(message)}", file=sys.stderr)
    raise typer.Exit(code)


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


@contextmanager
def refusals() -> Iterator[None]:
    """Turn a refusal, a busy or unreachable store into one line on stderr and a non-zero
    exit."""
    try:
        yield
    except BadFile as bad:
        for problem in bad.problems:
            print(f"gridcenter: {bad.name}: {printable(str(problem))}", file=sys.stderr)
        fail(str(bad))
    except Refused as refused:
        fail(str(refused))
    except StoreBusy as busy:
        fail(str(busy), EXIT_BUSY)
    except (StoreOutdated, StoreUnusable, UpgradeRefused) as unusable:
        fail(str(unusable))
    except OperationalError as error:  # no such file or folder, server down, wrong password
        reason = str(error.orig).strip().splitlines()[0]
        fail(f"the store could not be opened or used: {reason}")


def read_file(path: Path) -> str:
    """A file people give to be loaded, as text; or one clear line and exit."""
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text: save it as UTF-8 CSV")
    except OSError as error:
        fail(f"{path} could not be read: {error.strerror or error}")


def password_prompt() -> Callable[[str], str] | None:
    """Asks at the terminal, without echo; None when nobody is at one (a script, a pipe)."""
    return getpass.getpass if sys.stdin.isatty() else None


def run_with_context(
    ctx: typer.Context, work: Callable[[Context], T], needs: Action = Action.LOOK
) -> T:
    """Run `work` as the acting account, which must at least be allowed `needs` (to look,
    for every command but the one a sensor gateway may run)."""
    with refusals():
        context = open_context(settings_of(ctx), ask_password=password_prompt())
        try:
            context.actor.require(needs)
            return work(context)
        finally:
            context.db.dispose()


def parse_time(text: str) -> datetime:
    """A time from the command line: an ISO date or time, in the district's time zone unless
    it names its own offset; or one clear line and exit."""
    try:
        return local_moment(text, read_calendar().timezone)
    except ValueError:
        fail(
            f"{text!r} is not a time such as 2026-11-28T09:30 (the district's time), "
            "2026-11-28 or 2026-11-28T09:30+08:00"
        )
