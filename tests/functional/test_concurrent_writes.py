"""Writers at the same moment, on both engines: the database numbers cases, and a record
stored by two intake runs at once is one case."""

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select

from gridcenter.domain.access import Actor, Role
from gridcenter.domain.loop import ClosedLoop
from gridcenter.integrations.http import Limits
from gridcenter.services.cases import report_case
from gridcenter.services.context import Context
from gridcenter.services.intake import add_source, sync_source
from gridcenter.store import generator, migrate, tables
from tests.conftest import NOW
from tests.functional.servers import GeoReportServer
from tests.functional.test_cli import gridcenter
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


def operator_reports(context: Context) -> tuple[Callable[[int], None], int]:
    """Writer n's 15 hotline reports, as an operator, and how many cases there were before."""
    operator = replace(context, actor=Actor("liu.min", Role.OPERATOR))
    with context.db.read() as s:
        grid = s.scalar(select(tables.Grid.code).order_by(tables.Grid.id))
        before = s.scalar(select(func.count()).select_from(tables.Case)) or 0
    assert grid is not None

    def report(n: int) -> None:
        for i in range(15):
            report_case(
                operator,
                title=f"Writer {n} report {i}",
                category="URB-ENV-01",
                grid=grid,
                source="hotline",
            )

    return report, before


def test_concurrent_reports_are_numbered_by_the_database(context: Context) -> None:
    report, before = operator_reports(context)

    assert at_once(report) == []
    with context.db.read() as s:
        made = s.execute(
            select(tables.Case.id, tables.Case.code).where(tables.Case.title.like("Writer %"))
        ).all()
        after = s.scalar(select(func.count()).select_from(tables.Case))
    assert len(made) == WRITERS * 15 == after - before
    assert len({code for _, code in made}) == len(made)
    assert all(code.endswith(f"-{case_id:05d}") for case_id, code in made)


def test_cases_generated_while_operators_report_are_numbered_by_the_database(
    context: Context, loop: ClosedLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gridcenter seed --cases N` on a store in use: its batches and the reports between
    them never take the same number."""
    monkeypatch.setattr(generator, "BATCH", 40)
    report, before = operator_reports(context)

    def work(n: int) -> None:
        if n == 0:
            generator.generate_cases(context.db, loop, count=400, now=NOW, seed=5, open_cases=40)
            return
        report(n)

    assert at_once(work) == []
    with context.db.read() as s:
        made = s.execute(select(tables.Case.id, tables.Case.code)).all()
        events = s.scalar(select(func.count(func.distinct(tables.CaseEvent.case_id))))
    assert len(made) == before + 400 + (WRITERS - 1) * 15 == events
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


@pytest.mark.parametrize("demo_url", ["postgresql"], indirect=True)
def test_a_store_numbered_by_hand_numbers_new_cases_after_its_own_once_upgraded(
    demo_url: str, context: Context
) -> None:
    """Stores written before 0011 numbered cases by hand: PostgreSQL's sequence never moved."""
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with context.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")  # the store as the release before 0013 left it
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), 1, false)")
        newest = connection.scalar(select(func.max(tables.Case.id)))
    assert newest
    upgraded = gridcenter(demo_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    with context.db.read() as s:
        grid = s.scalar(select(tables.Grid.code).order_by(tables.Grid.id))
    assert grid is not None
    done = report_case(
        replace(context, actor=Actor("liu.min", Role.OPERATOR)),
        title="First report after the upgrade",
        category="URB-ENV-01",
        grid=grid,
        source="hotline",
    )
    assert done.code.endswith(f"-{newest + 1:05d}")


def test_a_server_added_by_runs_at_once_is_one_intake_source(context: Context) -> None:
    job = context.as_job()
    url = "http://127.0.0.1:9/open311/v2"
    added: list[int] = []
    assert (
        at_once(lambda _: added.append(add_source(job, url, since=NOW, allow_private=True))) == []
    )
    with context.db.read() as s:
        sources = s.scalars(
            select(tables.IntakeSource.id).where(tables.IntakeSource.url == url)
        ).all()
    assert len(added) == WRITERS and set(added) == set(sources) and len(sources) == 1
