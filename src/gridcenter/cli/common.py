"""What every subcommand shares: the context it runs in and how refusals read."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NoReturn, TypeVar

import typer
from sqlalchemy.exc import OperationalError

from gridcenter.config import Settings
from gridcenter.domain.errors import Refused
from gridcenter.services.bootstrap import open_context
from gridcenter.services.context import Context
from gridcenter.store.database import StoreBusy, StoreOutdated, StoreUnusable

T = TypeVar("T")

EXIT_REFUSED = 1
EXIT_BUSY = 3
EXIT_CRASH = 70  # sysexits' EX_SOFTWARE: an error in gridcenter itself


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    print(f"gridcenter: {message}", file=sys.stderr)
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
    except Refused as refused:
        fail(str(refused))
    except StoreBusy as busy:
        fail(str(busy), EXIT_BUSY)
    except (StoreOutdated, StoreUnusable) as unusable:
        fail(str(unusable))
    except OperationalError as error:  # no such file or folder, server down, wrong password
        reason = str(error.orig).strip().splitlines()[0]
        fail(f"the store could not be opened or used: {reason}")


def run_with_context(ctx: typer.Context, work: Callable[[Context], T]) -> T:
    with refusals():
        context = open_context(settings_of(ctx))
        try:
            return work(context)
        finally:
            context.db.dispose()


def parse_time(text: str) -> datetime:
    """An ISO time with a zone from the command line, or one clear line and exit."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{text!r} is not an ISO time such as 2026-11-28T09:00+08:00")
    if moment.tzinfo is None:
        fail(f"{text!r} needs a timezone, such as +08:00")
    return moment
