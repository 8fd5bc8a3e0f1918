"""Open311 intake against a real GeoReport v2 server on 127.0.0.1, faults included."""

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from gridcenter.integrations.http import Limits
from gridcenter.services.context import Context
from gridcenter.services.intake import add_source, sync_source
from gridcenter.store import tables
from tests.conftest import NOW
from tests.functional.helpers import gridcenter_in_process
from tests.functional.servers import GeoReportServer

FAST = Limits(attempts=3, backoff_s=0.01, max_bytes=2 * 1024 * 1024, deadline_s=1.0)
INSIDE = (28.152, 112.852)  # grid Taoyuan 01
CODES = ["POTHOLE", "TRASH", "NOISE", "GAS"]


def request(n: int, days_ago: float, **extra: Any) -> dict[str, Any]:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    lat, lon = INSIDE
    return {
        "service_request_id": f"SR{n:05d}",
        "status": "open",
        "service_code": CODES[n % 4],
        "service_name": f"Report {n}",
        "description": f"Resident report number {n}",
        "requested_datetime": at,
        "updated_datetime": at,
        "lat": lat,
        "long": lon,
        "address": f"{n} Renmin Road",
        "agency_responsible": "Street office",
        "media_url": f"http://media.example/{n}.jpg",
        **extra,
    }


@pytest.fixture
def server() -> Iterator[GeoReportServer]:
    geo = GeoReportServer([request(n, days_ago=(n + 1) * 0.5) for n in range(250)])
    geo.start()
    yield geo
    geo.stop()


def requested_since(server: GeoReportServer, days: float) -> int:
    since = NOW - timedelta(days=days)
    return sum(1 for r in server.requests if r["requested_datetime"] >= since.isoformat())


def open311_cases(context: Context) -> int:
    with context.db.read() as s:
        return (
            s.scalar(
                select(func.count()).select_from(tables.Case).where(tables.Case.source == "open311")
            )
            or 0
        )


def reset_cursor(context: Context, source_id: int) -> None:
    with context.db.write() as s:
        source = s.get(tables.IntakeSource, source_id)
        assert source is not None
        source.cursor = NOW - timedelta(days=200)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_windows_and_pages_bring_every_request_in_once(
    context: Context, server: GeoReportServer, client: httpx.Client, fmt: str
) -> None:
    job = context.as_job()
    source = add_source(
        job, server.url, fmt=fmt, since=NOW - timedelta(days=200), allow_private=True
    )
    report = sync_source(job, source, client, FAST)
    assert (report.created, report.problems, report.error) == (250, 0, "")
    assert report.windows == 3  # 200 days in windows of at most 90
    pages = [h for h in server.hits if h["path"].startswith("/requests") and h.get("page") == "2"]
    assert pages, "the server was read a page at a time"
    assert open311_cases(context) == 250
    reset_cursor(job, source)
    again = sync_source(job, source, client, FAST)
    assert (again.created, again.unchanged) == (0, 250)
    assert open311_cases(context) == 250


def test_the_source_is_kept_and_codes_map_to_categories(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    server.requests = [
        request(1, 1, phone="13912345678", first_name="Wang", last_name="Fang"),
        request(2, 1, service_code="UFO"),
    ]
    job = context.as_job()
    sync_source(job, add_source(job, server.url, allow_private=True), client, FAST)
    with context.db.read() as s:
        rows = s.execute(
            select(tables.Case, tables.Category.code)
            .join(tables.Category, tables.Category.id == tables.Case.category_id)
            .where(tables.Case.source == "open311")
            .order_by(tables.Case.id)
        ).all()
    (pothole, pothole_category), (ufo, ufo_category) = rows
    assert pothole_category == "URB-ENV-01" and ufo_category == "UNC-00-00"
    assert "unmapped service code UFO" in ufo.description
    kept = json.loads(pothole.source_data)
    assert kept["media_url"].endswith("1.jpg") and kept["agency_responsible"] == "Street office"
    assert pothole.reporter == "Wang Fang" and pothole.reporter_phone == "13912345678"
    assert pothole.step == "reported" and pothole.grid_id is not None


def test_a_changed_request_updates_its_case_with_an_event(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    server.requests = [request(1, 1)]
    job = context.as_job()
    source = add_source(job, server.url, allow_private=True)
    sync_source(job, source, client, FAST)
    server.requests = [
        request(
            1,
            1,
            status="closed",
            status_notes="Filled by the road crew",
            updated_datetime=NOW.isoformat(),
        )
    ]
    reset_cursor(job, source)
    report = sync_source(job, source, client, FAST)
    assert (report.created, report.updated) == (0, 1)
    with context.db.read() as s:
        event = s.scalar(select(tables.CaseEvent).where(tables.CaseEvent.action == "source_update"))
    assert event is not None
    assert (event.from_value, event.to_value, event.reason) == (
        "open",
        "closed",
        "Filled by the road crew",
    )


def test_bad_records_are_set_aside_and_the_good_ones_kept(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    server.requests = [
        request(1, 1),
        request(2, 1, service_request_id=""),
        request(3, 1, lat=123.0),
        request(4, 1, lat=10.0, long=10.0),  # outside every grid
        request(5, 1, updated_datetime="yesterday"),
        request(6, 1),
    ]
    job = context.as_job()
    report = sync_source(job, add_source(job, server.url, allow_private=True), client, FAST)
    assert (report.created, report.problems) == (3, 3)
    with context.db.read() as s:
        reasons = list(
            s.scalars(select(tables.IntakeProblem.reason).order_by(tables.IntakeProblem.id))
        )
        unowned = list(s.scalars(select(tables.Alert).where(tables.Alert.kind == "unowned")))
        unplaced = s.scalars(select(tables.Case).where(tables.Case.grid_id.is_(None))).one()
    assert reasons == [
        "no service_request_id",
        "lat 123.0 is out of range",
        "updated_datetime 'yesterday' is not an ISO time",
    ]
    # A request outside every grid is a case all the same, waiting to be placed.
    assert (unplaced.external_ref or "").endswith(":SR00004")
    assert (unplaced.level, unplaced.step, unplaced.lat) == ("C", "reported", 10.0)
    assert len(unowned) == 1 and "nobody answers" in unowned[0].title
    assert unplaced.code in unowned[0].title


def test_absurd_records_are_set_aside_one_by_one(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    """A time past the calendar's end, a NUL byte (which PostgreSQL refuses to store) and a
    nested value: each is set aside alone, and the good records of the page are kept."""
    server.requests = [
        request(1, 1),
        request(2, 1, updated_datetime="9999-12-31T23:59:59-14:00"),
        request(3, 1, description="burst pipe\x00"),
        request(4, 1, address={"street": "Renmin Road"}),
        request(5, 1, updated_datetime="0001-01-01T00:00:00+00:00"),
        request(6, 1),
    ]
    job = context.as_job()
    source = add_source(job, server.url, allow_private=True)
    report = sync_source(job, source, client, FAST)
    assert (report.created, report.problems, report.error) == (2, 4, "")
    with context.db.read() as s:
        reasons = list(
            s.scalars(select(tables.IntakeProblem.reason).order_by(tables.IntakeProblem.id))
        )
        stored = s.get(tables.IntakeSource, source)
    assert reasons == [
        "updated_datetime '9999-12-31T23:59:59-14:00' is out of range (1970-2100)",
        "description holds a NUL byte",
        "address is not a plain value",
        "updated_datetime '0001-01-01T00:00:00+00:00' is out of range (1970-2100)",
    ]
    assert stored is not None and stored.last_status == "ok"


def test_a_report_in_no_grid_alerts_without_the_reporters_details(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    server.requests = [
        request(
            7,
            1,
            lat=10.0,
            long=10.0,
            first_name="Li",
            last_name="Si",
            phone="13812345678",
            email="li.si@example.cn",
        )
    ]
    job = context.as_job()
    sync_source(job, add_source(job, server.url, allow_private=True), client, FAST)
    with context.db.read() as s:
        alert = s.scalars(select(tables.Alert).where(tables.Alert.kind == "unowned")).one()
    said = f"{alert.title} {alert.body}"  # webhook payloads are made of these two
    assert "SR00007" in alert.body
    for personal in ("13812345678", "Li", "Si ", "li.si@example.cn"):
        assert personal not in said, personal


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        (["500", "500", "500"], "answered 500 after 3 attempts"),
        (["slow", "slow", "slow"], "timed out after 3 attempts"),
        (["malformed"], "malformed JSON"),
        (["huge"], "more than 2 MB"),
        (["deep"], "nested too deep"),
        (["trickle"], "took longer than 1 s"),
    ],
)
def test_a_failing_server_stops_the_run_and_keeps_the_cursor(
    context: Context,
    server: GeoReportServer,
    client: httpx.Client,
    faults: list[str],
    error: str,
) -> None:
    job = context.as_job()
    source = add_source(job, server.url, since=NOW - timedelta(days=30), allow_private=True)
    server.faults = list(faults)
    report = sync_source(job, source, client, FAST)
    assert error in report.error
    assert report.created == 0
    with context.db.read() as s:
        stored = s.get(tables.IntakeSource, source)
    assert stored is not None and stored.cursor == NOW - timedelta(days=30)
    assert stored.last_status == "failed" and error in stored.last_error
    server.faults = []
    later = sync_source(job, source, client, FAST)
    assert later.error == "" and later.created == requested_since(server, 30)


def test_retries_ride_out_a_short_outage(
    context: Context, server: GeoReportServer, client: httpx.Client
) -> None:
    server.faults = ["500", "429"]
    job = context.as_job()
    report = sync_source(
        job,
        add_source(job, server.url, since=NOW - timedelta(days=10), allow_private=True),
        client,
        FAST,
    )
    assert report.error == "" and report.created == requested_since(server, 10)


def test_a_server_that_is_down(context: Context, client: httpx.Client) -> None:
    dead = GeoReportServer([])
    dead.start()
    url = dead.url
    dead.stop()
    job = context.as_job()
    report = sync_source(job, add_source(job, url, allow_private=True), client, FAST)
    assert "unreachable" in report.error


def test_the_cli_reads_a_server_and_reports_status(demo_url: str, server: GeoReportServer) -> None:
    env = {
        **os.environ,
        "GRIDCENTER_DB": demo_url,
        "GRIDCENTER_NOW": NOW.isoformat(),
        "GRIDCENTER_OPERATOR": "admin",
    }
    result = gridcenter_in_process(
        "ingest",
        "open311",
        "--url",
        server.url,
        "--allow-private",
        "--format",
        "xml",
        "--since",
        (NOW - timedelta(days=20)).isoformat(),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert f"{requested_since(server, 20)} cases created" in result.stdout
    status = gridcenter_in_process("ingest", "status", env=env)
    assert "ok" in status.stdout and server.url in status.stdout


def test_a_server_that_ignores_paging_is_read_once_per_window(
    context: Context, client: httpx.Client
) -> None:
    geo = GeoReportServer([request(n, days_ago=(n + 1) * 0.1) for n in range(150)], paging=False)
    geo.start()
    try:
        job = context.as_job()
        report = sync_source(job, add_source(job, geo.url, allow_private=True), client, FAST)
    finally:
        geo.stop()
    assert (report.created, report.unchanged, report.error) == (150, 0, "")
