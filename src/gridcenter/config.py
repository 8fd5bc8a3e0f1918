"""Settings: command-line options first, then GRIDCENTER_* variables, then defaults."""

import os
import pwd
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir

from gridcenter.clock import Clock
from gridcenter.domain.calendar import local_moment
from gridcenter.store.seeding import read_calendar


def default_db_url() -> str:
    """The store of a user who set none: made (with the demo district) only by the console."""
    return f"sqlite:///{Path(user_data_dir('gridcenter', appauthor=False)) / 'gridcenter.db'}"


def os_login() -> str:
    """Who the operating system says is running gridcenter (not a variable anyone can set)."""
    return pwd.getpwuid(os.getuid()).pw_name


def _parse_now(text: str) -> datetime:
    try:
        return local_moment(text, read_calendar().timezone)
    except ValueError:
        raise SystemExit(
            f"gridcenter: GRIDCENTER_NOW={text!r} is not a time such as 2026-11-20T09:30 "
            "(the district's time) or 2026-11-20T09:30+08:00"
        ) from None


@dataclass(frozen=True)
class Settings:
    db_url: str
    operator: str  # the account to act as: the OS login's own unless another is asked for
    theme: str
    clock: Clock
    db_given: bool = True  # by --db or GRIDCENTER_DB, not the default

    @classmethod
    def load(
        cls, db: str | None = None, operator: str | None = None, theme: str | None = None
    ) -> "Settings":
        env = os.environ
        frozen = env.get("GRIDCENTER_NOW")
        given = db or env.get("GRIDCENTER_DB")
        return cls(
            db_url=given or default_db_url(),
            operator=operator or env.get("GRIDCENTER_OPERATOR") or os_login(),
            theme=theme or env.get("GRIDCENTER_THEME") or "gridcenter-dark",
            clock=Clock(_parse_now(frozen) if frozen else None),
            db_given=bool(given),
        )
