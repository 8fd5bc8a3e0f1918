"""Open311 intake: each service request becomes a case once, and stays in step with its source.

Windows of at most 90 days are read a page at a time; the cursor moves past a
window only once every page of it is stored, so a failure part-way means the
window is read again next time (and re-reading creates nothing new). A record
that cannot become a case is kept as a problem with its reason; the good ones
around it are stored.
"""

import json
import logging
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import httpx
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from gridcenter.domain.access import Action
from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.errors import Clash, Refused, not_valid
from gridcenter.domain.reports import Point
from gridcenter.integrations.http import Limits, RemoteError, public_url, refuse_endpoint
from gridcenter.integrations.open311 import BadRecord, Request, Server, check
from gridcenter.queries.places import grid_at, grid_for_address
from gridcenter.resources import data_dir
from gridcenter.services.cases import category_by_code, insert_reported, note_on_case
from gridcenter.services.context import Context
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from gridcenter.store.history import audit

WINDOW = timedelta(days=90)  # the standard's largest window
CAP = 1000  # the standard's largest answer to one query
PAGE_SIZE = 100
MAX_PAGES = 200
MIN_WINDOW = timedelta(minutes=10)
UNCLASSIFIED = "UNC-00-00"

log = logging.getLogger("gridcenter.intake")


@cache
def service_map() -> dict[str, str]:
    data = tomllib.loads((data_dir("seed") / "open311.toml").read_text("utf-8"))
    return dict(data["service"])


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: int = 0
    windows: int = 0
    error: str = ""
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.created} cases created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.problems} records set aside"
        )
        return f"{text}; stopped: {self.error}" if self.error else text


def add_source(
    ctx: Context,
    url: str,
    jurisdiction: str = "",
    api_key: str = "",
    fmt: str = "json",
    since: datetime | None = None,
    allow_private: bool = False,
) -> int:
    """Register a server (or find it again): the cursor belongs to the server.

    A new server is read from `since` (90 days back by default)."""
    ctx.actor.require(Action.ADMINISTER)
    if fmt not in ("json", "xml"):
        raise not_valid("format", fmt, ("json", "xml"))
    refuse_endpoint(url, allow_private)
    try:
        return _register(ctx, url, jurisdiction, api_key, fmt, since, allow_private)
    except Clash:
        # Another run registered the same server at the same moment: now it finds it.
        log.info("intake source %s was registered meanwhile by another run", public_url(url))
        return _register(ctx, url, jurisdiction, api_key, fmt, since, allow_private)


def _register(
    ctx: Context,
    url: str,
    jurisdiction: str,
    api_key: str,
    fmt: str,
    since: datetime | None,
    allow_private: bool,
) -> int:
    with ctx.db.write() as session:
        source = session.scalar(
            select(tables.IntakeSource).where(
                tables.IntakeSource.url == url, tables.IntakeSource.jurisdiction == jurisdiction
            )
        )
        if source is None:
            source = tables.IntakeSource(
                url=url, jurisdiction=jurisdiction, cursor=since or ctx.now() - WINDOW
            )
        before = None if source.id is None else f"{source.format} {source.jurisdiction}".strip()
        source.api_key = api_key
        source.format = fmt
        source.allow_private = allow_private
        session.add(source)
        session.flush()
        assert source.id is not None
        audit(
            session,
            at=ctx.now(),
            actor=ctx.actor.signature,
            channel=ctx.actor.channel,
            action="intake_source_add" if before is None else "intake_source_set",
            subject_kind="intake_source",
            subject_ref=f"{source.id} {public_url(url)}",
            from_value=before,
            to_value=f"{fmt} {jurisdiction}{' private allowed' if allow_private else ''}".strip(),
        )
        return source.id


def sync_source(
    ctx: Context, source_id: int, client: httpx.Client, limits: Limits | None = None
) -> SyncReport:
    limits = limits or Limits()
    now = ctx.now()
    with ctx.db.read() as session:
        source = session.get(tables.IntakeSource, source_id)
        if source is None:
            raise Refused(f"no intake source {source_id}")
        server = Server(
            source.url, source.jurisdiction, source.api_key, source.format, source.allow_private
        )
        cursor = source.cursor
    report = SyncReport()
    start = cursor or now - WINDOW
    try:
        while start < now:
            end = min(start + WINDOW, now)
            _window(ctx, source_id, server, client, limits, start, end, report)
            _set_cursor(ctx, source_id, end)
            start = end
    except RemoteError as error:
        report.error = str(error)
    _finish(ctx, source_id, report, now)
    return report


def _window(
    ctx: Context,
    source_id: int,
    server: Server,
    client: httpx.Client,
    limits: Limits,
    start: datetime,
    end: datetime,
    report: SyncReport,
) -> None:
    report.windows += 1
    first_ids: list[str] = []
    for page in range(1, MAX_PAGES + 1):
        records = server.requests(client, limits, start, end, page, PAGE_SIZE)
        if not records:
            return
        ids = [r.get("service_request_id", "") for r in records]
        if page > 1 and ids[:3] == first_ids:
            # The server ignores paging: every page is the first. A full answer may hide more.
            if len(first_ids) and report_full(records) and end - start > MIN_WINDOW:
                middle = start + (end - start) / 2
                _window(ctx, source_id, server, client, limits, start, middle, report)
                _window(ctx, source_id, server, client, limits, middle, end, report)
            return
        first_ids = first_ids or ids[:3]
        _store(ctx, source_id, records, report)
        if len(records) < PAGE_SIZE:
            return


def report_full(records: list[dict[str, str]]) -> bool:
    return len(records) >= CAP


def _grid_of(session: Session, request: Request) -> tables.Grid | None:
    """The grid a request lies in, by its point, else by its address."""
    if request.lat is not None and request.lon is not None:
        return grid_at(session, Point(request.lat, request.lon))
    return grid_for_address(session, request.address) if request.address else None


def _store(ctx: Context, source_id: int, records: list[dict[str, str]], report: SyncReport) -> None:
    now = ctx.now()
    with ctx.db.write() as session:
        for raw in records:
            external = str(raw.get("service_request_id", ""))
            try:
                request = check(raw)
                # Each record in a savepoint of its own: one the database refuses is set
                # aside alone, and the good ones beside it are kept.
                outcome = _upsert_once(session, ctx, source_id, request, now)
            except BadRecord as bad:
                _problem(session, source_id, external, str(bad), raw, now)
                report.problems += 1
                continue
            except DBAPIError as refused:
                reason = f"the store refused it: {str(refused.orig).strip().splitlines()[0]}"
                _problem(session, source_id, external, reason[:300], raw, now)
                report.problems += 1
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)


def _upsert_once(
    session: Session, ctx: Context, source_id: int, request: Request, now: datetime
) -> str:
    """Store a record in a savepoint of its own. Another intake run storing the same record
    at the same moment makes the database refuse the second case: then it is there, and
    storing it again finds it."""
    try:
        with session.begin_nested():
            return _upsert(session, ctx, source_id, request, now)
    except IntegrityError:
        log.info("record %s was stored meanwhile by another intake run", request.id)
    with session.begin_nested():
        return _upsert(session, ctx, source_id, request, now)


def _problem(
    session: Session, source_id: int, external: str, reason: str, raw: dict[str, str], now: datetime
) -> None:
    session.add(
        tables.IntakeProblem(
            source_id=source_id,
            external_id=external[:100],
            reason=reason,
            payload=json.dumps(raw, ensure_ascii=False)[:4000],
            at=now,
        )
    )


def _unowned_body(request: Request, ref: str, code: str) -> str:
    """What an alert about a report in no grid says: where and what, and which case holds
    it, never who reported it (alerts and webhooks carry no personal data)."""
    where = f"{request.lat}, {request.lon}" if request.lat is not None else "no coordinates"
    return (
        f"Open311 record {ref} ({request.service_code or 'no service code'}"
        f" {request.service_name}) at {where}, reported "
        f"{request.requested.isoformat() if request.requested else 'at an unknown time'}. "
        f"It waits as case {code} in the unplaced queue (`gridcenter case list --unplaced`) "
        "for someone to place it in a grid."
    )


def _upsert(session: Session, ctx: Context, source_id: int, request: Request, now: datetime) -> str:
    ref = f"{source_id}:{request.id}"
    data = json.dumps(request.raw, ensure_ascii=False, sort_keys=True)
    case = session.scalar(select(tables.Case).where(tables.Case.external_ref == ref))
    if case is not None:
        return _update(session, ctx, case, request, data, now)
    grid = _grid_of(session, request)
    code = service_map().get(request.service_code, UNCLASSIFIED)
    try:
        category = category_by_code(session, code)
    except Refused:
        category = category_by_code(session, UNCLASSIFIED)
    text = request.description
    if request.service_code and code == UNCLASSIFIED:
        text = f"[unmapped service code {request.service_code}] {text}"
    point = None if request.lat is None or request.lon is None else Point(request.lat, request.lon)
    row = insert_reported(
        session,
        ctx,
        now,
        title=request.title,
        category=category,
        grid=grid,
        point=point,
        source="open311",
        description=text,
        address=request.address,
        reporter=request.reporter,
        reporter_phone=request.phone,
        external_ref=ref,
        source_data=data,
        reported_at=request.requested,
    )
    if grid is None:
        where = (
            f"at {request.lat}, {request.lon}"
            if request.lat is not None
            else f"with no coordinates ({request.address or 'no address'})"
        )
        raise_alerts(
            session,
            [
                AlertDraft(
                    Kind.UNOWNED,
                    Severity.ALARM,
                    f"Open311 report {request.id} {where} lies in no grid: "
                    f"nobody answers for it until case {row.code} is placed ({request.title})",
                    "district",
                    ref,
                    f"unowned:{ref}",
                    body=_unowned_body(request, ref, row.code),
                )
            ],
            now,
        )
    return "created"


def _update(
    session: Session,
    ctx: Context,
    case: tables.Case,
    request: Request,
    data: str,
    now: datetime,
) -> str:
    before = json.loads(case.source_data or "{}")
    watched = ("status", "status_notes", "updated_datetime", "expected_datetime")
    if all(before.get(key) == request.raw.get(key) for key in watched):
        return "unchanged"
    case.source_data = data
    note_on_case(
        session,
        ctx,
        case,
        now,
        "source_update",
        before.get("status"),
        request.status,
        request.raw.get("status_notes"),
    )
    return "updated"


def _set_cursor(ctx: Context, source_id: int, cursor: datetime) -> None:
    with ctx.db.write() as session:
        source = session.get(tables.IntakeSource, source_id)
        assert source is not None
        source.cursor = cursor


def _finish(ctx: Context, source_id: int, report: SyncReport, now: datetime) -> None:
    with ctx.db.write() as session:
        source = session.get(tables.IntakeSource, source_id)
        assert source is not None
        source.last_run_at = now
        source.last_status = "failed" if report.error else "ok"
        source.last_error = report.error
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.INTAKE, ref=str(source_id)))
