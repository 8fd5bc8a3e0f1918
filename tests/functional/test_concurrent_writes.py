"""Writers at the same moment, on both engines: the database numbers cases, and a record
stored by two intake runs at once is one case."""

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from gridcenter.domain.access import Actor, Role
from gridcenter.integrations.http import Limits
from gridcenter.services.cases import report_case
from gridcenter.services.context import Context
from gridcenter.services.intake import add_source, sync_source
from gridcenter.store import tables
from tests.conftest import NOW
from tests.functional.servers import GeoReportServer
from tests.functional.test_open311 import request

WRITERS = 8


def at_once(work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(n)` for each writer in a thread of its own, started together."""
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_reports_are_numbered_by_the_database(context: Context) -> None:
    operator = replace(context, actor=Actor("liu.min", Role.OPERATOR))
    with context.db.read() as s:
        grid = s.scalar(select(tables.Grid.code).order_by(tables.Grid.id))
        before = s.scalar(select(func.count()).select_from(tables.Case)) or 0
    assert grid is not None

    def reports(n: int) -> None:
        for i in range(15):
            report_case(
                operator,
                title=f"Writer {n} report {i}",
                category="URB-ENV-01",
                grid=grid,
                source="hotline",
            )

    assert at_once(reports) == []
    with context.db.read() as s:
        made = s.execute(
            select(tables.Case.id, tables.Case.code).where(tables.Case.title.like("Writer %"))
        ).all()
        after = s.scalar(select(func.count()).select_from(tables.Case))
    assert len(made) == WRITERS * 15 == after - before
    assert len({code for _, code in made}) == len(made)
    assert all(code.endswith(f"-{case_id:05d}") for case_id, code in made)


def test_two_intake_runs_storing_the_same_records_store_each_once(context: Context) -> None:
    server = GeoReportServer([request(n, days_ago=0.1 + n * 0.01) for n in range(60)])
    server.start()
    job = context.as_job()
    try:
        source = add_source(job, server.url, since=NOW - timedelta(days=2), allow_private=True)
        limits = Limits(attempts=3, backoff_s=0.01, deadline_s=30.0)

        def intake(_: int) -> None:
            with httpx.Client() as client:
                report = sync_source(job, source, client, limits)
            assert report.problems == 0 and not report.error, report.summary()

        assert at_once(intake) == []
    finally:
        server.stop()
    with context.db.read() as s:
        stored = s.execute(
            select(tables.Case.external_ref, func.count())
            .where(tables.Case.source == "open311")
            .group_by(tables.Case.external_ref)
        ).all()
    assert len(stored) == 60 and {n for _, n in stored} == {1}
