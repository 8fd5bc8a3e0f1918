"""The few SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from datetime import datetime
from typing import Any

from sqlalchemy import Date, Float, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from gridcenter.store.types import UTCDateTime


def instant(at: datetime) -> ColumnElement[datetime]:
    """A moment as a bound value stored the way the store keeps its own moments."""
    return literal(at, UTCDateTime)


class seconds_between(FunctionElement[float]):
    """later - earlier in seconds."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


class local_day(FunctionElement[Any]):
    """The calendar day of a moment at a fixed offset from UTC (the district's zone)."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _day_sqlite(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({moment}, ({offset}) || ' seconds')"


@compiles(local_day, "postgresql")
def _day_postgresql(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    moment, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(({moment} AT TIME ZONE 'UTC') + make_interval(secs => {offset}) AS DATE)"
