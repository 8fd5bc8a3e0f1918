"""Keeping the tallies' late mark near the present when no sweep moves it."""

from datetime import datetime, timedelta

from sqlalchemy import select

from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.database import StoreBusy
from gridcenter.store.tallies import advance_late_mark


def catch_up_late_mark(context: Context, now: datetime, max_lag: timedelta) -> bool:
    """Move the late mark to `now` when it lags more than `max_lag` behind (no sweep is
    running); whether it moved. A store busy with another writer is left for the next
    try: the deadlines between the mark and now are counted at every reading meanwhile."""
    with context.db.read() as session:
        as_of = session.scalar(select(tables.LateMark.as_of))
    if as_of is not None and now - as_of <= max_lag:
        return False
    try:
        with context.db.write() as session:
            return advance_late_mark(session, now)
    except StoreBusy:
        return False
