"""Settings: command-line options first, then GRIDCENTER_* variables, then defaults."""

import getpass
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir

from gridcenter.clock import Clock


def default_db_url() -> str:
    folder = Path(user_data_dir("gridcenter", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'gridcenter.db'}"


def _parse_now(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise SystemExit(
            f"GRIDCENTER_NOW={text!r} is not an ISO time such as 2026-11-20T09:30+08:00"
        ) from None
    if value.tzinfo is None:
        raise SystemExit(f"GRIDCENTER_NOW={text!r} needs a timezone, such as +08:00")
    return value


@dataclass(frozen=True)
class Settings:
    db_url: str
    operator: str
    theme: str
    clock: Clock

    @classmethod
    def load(
        cls, db: str | None = None, operator: str | None = None, theme: str | None = None
    ) -> "Settings":
        env = os.environ
        frozen = env.get("GRIDCENTER_NOW")
        return cls(
            db_url=db or env.get("GRIDCENTER_DB") or default_db_url(),
            operator=operator or env.get("GRIDCENTER_OPERATOR") or getpass.getuser(),
            theme=theme or env.get("GRIDCENTER_THEME") or "gridcenter-dark",
            clock=Clock(_parse_now(frozen) if frozen else None),
        )
