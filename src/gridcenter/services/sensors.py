"""Technical early warning: readings in, an alert when one crosses its threshold."""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from gridcenter.domain.access import Actor
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.feeds import feed_time
from gridcenter.queries.scope import in_territory
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts, resolve


@dataclass
class IngestReport:
    stored: int = 0
    raised: int = 0
    cleared: int = 0
    rejected: list[str] = field(default_factory=list)


# A reading larger than this is a broken sensor or a forged line, not a measurement.
MAX_MAGNITUDE = 1e12


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a sensor can read")


def _parse(line: str, number: int, now: datetime) -> tuple[str, str, float, datetime]:
    try:
        item = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"line {number}: not JSON ({error.msg})") from None
    except ValueError as error:  # NaN, Infinity, -Infinity
        raise ValueError(f"line {number}: {error}") from None
    except RecursionError:
        raise ValueError(f"line {number}: nested too deep") from None
    if not isinstance(item, dict):
        raise ValueError(f"line {number}: expected an object with grid, metric and value")
    missing = [key for key in ("grid", "metric", "value") if key not in item]
    if missing:
        raise ValueError(f"line {number}: missing {', '.join(missing)}")
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"line {number}: value must be a number, not {str(value)[:40]!r}")
    try:
        reading = float(value)
    except OverflowError:  # an integer of hundreds of digits
        reading = math.inf
    if not math.isfinite(reading) or abs(reading) > MAX_MAGNITUDE:
        raise ValueError(f"line {number}: value {str(value)[:40]} is out of range")
    at = now
    if "at" in item:
        try:
            at = feed_time(item["at"], "at")
        except ValueError as error:
            raise ValueError(f"line {number}: {error}") from None
    return str(item["grid"]), str(item["metric"]), reading, at


def ingest_readings(
    ctx: Context, lines: Iterable[str], sender: Actor | None = None
) -> IngestReport:
    """Store every good reading; raise or clear threshold alerts; report and skip bad lines.
    A `sender` (the account sending them) is heard only for the grids of its territory."""
    report = IngestReport()
    now = ctx.now()
    with ctx.db.write() as session:
        grids = dict(session.execute(select(tables.Grid.code, tables.Grid.id)).all())
        if sender is not None:
            scope = in_territory(sender.territory, tables.Grid.street_id, tables.Grid.community_id)
            ours = set(session.scalars(select(tables.Grid.code).where(scope)))
        rules = list(session.scalars(select(tables.SensorRule)))
        grid_codes = {grid_id: code for code, grid_id in grids.items()}
        streets = dict(session.execute(select(tables.Grid.id, tables.Grid.street_id)).all())
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                grid, metric, value, at = _parse(line, number, now)
                if grid not in grids:
                    raise ValueError(f"line {number}: no grid {grid!r}")
                if sender is not None and grid not in ours:
                    raise ValueError(
                        f"line {number}: grid {grid} is outside the territory of {sender.login}"
                    )
            except ValueError as error:
                report.rejected.append(str(error))
                continue
            grid_id = grids[grid]
            session.add(tables.SensorReading(grid_id=grid_id, metric=metric, value=value, at=at))
            report.stored += 1
            for rule in rules:
                if rule.grid_id != grid_id or rule.metric != metric:
                    continue
                prefix = f"sensor:{rule.id}:"
                if value > rule.threshold:
                    open_alert = session.scalar(
                        select(tables.Alert.id).where(
                            tables.Alert.dedup_key.startswith(prefix),
                            tables.Alert.resolved_at.is_(None),
                        )
                    )
                    if open_alert is None:
                        report.raised += raise_alerts(
                            session,
                            [
                                AlertDraft(
                                    Kind.SENSOR,
                                    Severity(rule.severity),
                                    f"{metric} {value:g} {rule.unit} in grid {grid_codes[grid_id]}"
                                    f" (threshold {rule.threshold:g})",
                                    "grid",
                                    grid_codes[grid_id],
                                    f"{prefix}{at.isoformat()}",
                                    grid_id=grid_id,
                                    street_id=streets[grid_id],
                                )
                            ],
                            at,
                        )
                        session.flush()
                else:
                    report.cleared += resolve(
                        session, at, tables.Alert.dedup_key.startswith(prefix)
                    )
        stored = f"{report.stored} readings"
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.SENSOR, ref=stored))
    return report
