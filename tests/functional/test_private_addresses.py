"""Webhooks and intake call only the addresses an admin allowed: checked as resolved, at
registration and again at every send, and refused before any connection is tried."""

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gridcenter.domain.alerts import AlertDraft, Kind, Severity
from gridcenter.domain.errors import Refused
from gridcenter.integrations.http import address_problem
from gridcenter.jobs.integrations import http_client
from gridcenter.services.context import Context
from gridcenter.services.intake import add_source, sync_source
from gridcenter.services.webhooks import add_webhook, deliver_due
from gridcenter.store import tables
from gridcenter.store.alerts import raise_alerts
from tests.conftest import NOW
from tests.functional.servers import GeoReportServer, WebhookReceiver
from tests.functional.test_cli import gridcenter
from tests.functional.test_open311 import FAST, request


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("10.0.0.1", "a private address"),
        ("192.168.1.20", "a private address"),
        ("172.16.5.4", "a private address"),
        ("fd00::1", "a private address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("100.64.0.1", "a reserved address"),
    ],
)
def test_addresses_not_called_unasked(address: str, kind: str) -> None:
    assert address_problem(address) == kind


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "203.0.114.1"])
def test_public_addresses_are_called(address: str) -> None:
    assert address_problem(address) is None


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port on 127.0.0.1 that counts connection attempts (completed into its backlog)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        yield sock


def connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            accepted, _ = sock.accept()
        except BlockingIOError:
            return count
        accepted.close()
        count += 1


@pytest.mark.parametrize(
    ("host", "refusal"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost resolves to 127.0.0.1, a loopback address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("[::1]", "::1 is a loopback address"),
    ],
)
def test_a_private_endpoint_is_refused_when_added(
    context: Context, listener: socket.socket, host: str, refusal: str
) -> None:
    port = listener.getsockname()[1]
    with pytest.raises(Refused) as refused:
        add_webhook(context, f"http://{host}:{port}/hook")
    assert str(refused.value) == f"refused: {refusal}; an admin may add it with --allow-private"
    assert connections(listener) == 0
    with context.db.read() as s:
        assert s.scalar(select(tables.Webhook)) is None


def test_a_name_that_resolves_private_at_send_time_is_refused_unsent(
    context: Context, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    with context.db.write() as s:  # as if `localhost` had resolved to a public address
        s.add(
            tables.Webhook(url=f"http://localhost:{port}/hook", secret="whsec_AAAA", created_at=NOW)
        )
        raise_alerts(
            s,
            [AlertDraft(Kind.SENSOR, Severity.ALARM, "Water level", "grid", "g1", "private:1")],
            NOW,
        )
    with http_client() as client:
        report = deliver_due(context, client, NOW + timedelta(seconds=1))
    assert connections(listener) == 0
    assert report.delivered == 0 and report.given_up == 1
    with context.db.read() as s:
        delivery = s.scalar(select(tables.WebhookDelivery))
    assert delivery is not None and delivery.status == "dead"
    assert delivery.last_error.startswith("refused: localhost resolves to 127.0.0.1")


def test_an_intake_source_that_resolves_private_is_not_read(
    context: Context, listener: socket.socket, client: httpx.Client
) -> None:
    port = listener.getsockname()[1]
    with context.db.write() as s:
        source = tables.IntakeSource(
            url=f"http://localhost:{port}/open311/v2", cursor=NOW - timedelta(days=1)
        )
        s.add(source)
        s.flush()
        source_id = source.id
    assert source_id is not None
    report = sync_source(context.as_job(), source_id, client)
    assert "refused: localhost resolves to 127.0.0.1, a loopback address" in report.error
    assert connections(listener) == 0


def test_the_cli_refuses_a_private_webhook_unless_allowed(demo_url: str) -> None:
    refused = gridcenter(demo_url, "--operator", "admin", "webhooks", "add", "http://127.0.0.1:9/x")
    assert refused.returncode == 1
    assert refused.stderr == (
        "gridcenter: refused: 127.0.0.1 is a loopback address; "
        "an admin may add it with --allow-private\n"
    )
    allowed = gridcenter(
        demo_url,
        "--operator",
        "admin",
        "webhooks",
        "add",
        "http://127.0.0.1:9/x",
        "--allow-private",
    )
    assert allowed.returncode == 0, allowed.stderr


def test_a_webhook_added_with_allow_private_takes_the_test_message(demo_url: str) -> None:
    receiver = WebhookReceiver()
    receiver.start()
    try:
        added = gridcenter(
            demo_url, "--operator", "admin", "webhooks", "add", receiver.url, "--allow-private"
        )
        assert added.returncode == 0, added.stderr
        tested = gridcenter(demo_url, "--operator", "admin", "webhooks", "test", "1")
    finally:
        receiver.stop()
    assert tested.returncode == 0, tested.stderr
    assert len(receiver.received) == 1
    listed = gridcenter(demo_url, "--operator", "admin", "webhooks", "list", "--json")
    assert [hook["allow_private"] for hook in json.loads(listed.stdout)] == [True]


def alarm(context: Context, key: str) -> None:
    with context.db.write() as s:
        raise_alerts(
            s, [AlertDraft(Kind.SENSOR, Severity.ALARM, "Water level", "grid", "g1", key)], NOW
        )


def test_a_webhook_at_the_ipv6_loopback_is_refused_unsent(context: Context) -> None:
    with socket.socket(socket.AF_INET6) as listener:
        listener.bind(("::1", 0))
        listener.listen(16)
        listener.setblocking(False)
        with context.db.write() as s:
            url = f"http://[::1]:{listener.getsockname()[1]}/hook"
            s.add(tables.Webhook(url=url, secret="whsec_AAAA", created_at=NOW))
        alarm(context, "private:6")
        with http_client() as client:
            report = deliver_due(context, client, NOW + timedelta(seconds=1))
        assert connections(listener) == 0
    assert report.given_up == 1
    with context.db.read() as s:
        delivery = s.scalar(select(tables.WebhookDelivery))
    assert delivery is not None and delivery.last_error == (
        "refused: ::1 is a loopback address; an admin may add it with --allow-private"
    )


def test_an_allowed_webhook_goes_to_the_address_its_name_resolved_to(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = WebhookReceiver()
    receiver.start()
    looked_up: list[str] = []
    lookup = socket.getaddrinfo

    def counting(host: str | bytes | None, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host.decode() if isinstance(host, bytes) else str(host))
        return lookup(host, *args, **kwargs)

    try:
        add_webhook(context, f"http://localhost:{receiver.port}/hook", allow_private=True)
        alarm(context, "private:2")
        monkeypatch.setattr(socket, "getaddrinfo", counting)
        with http_client() as client:
            report = deliver_due(context, client, NOW + timedelta(seconds=1))
    finally:
        receiver.stop()
    assert report.delivered == 1
    (got,) = receiver.received
    headers = {key.lower(): value for key, value in got["headers"].items()}
    assert headers["host"] == f"localhost:{receiver.port}"  # the name, kept
    # The name is looked up once; the connection is made to the address that was checked.
    assert [host for host in looked_up if host != "127.0.0.1"] == ["localhost"]


def test_the_cli_refuses_a_private_intake_server_unless_allowed(demo_url: str) -> None:
    refused = gridcenter(
        demo_url, "--operator", "admin", "ingest", "open311", "--url", "http://169.254.169.254/v2"
    )
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "gridcenter: refused: 169.254.169.254 is a link-local address; "
        "an admin may add it with --allow-private\n"
    )
    allowed = gridcenter(
        demo_url,
        "--operator",
        "admin",
        "ingest",
        "open311",
        "--url",
        "http://127.0.0.1:9/v2",  # nothing listens on 9: allowed, the read is tried and fails
        "--allow-private",
    )
    assert allowed.returncode == 1
    assert "intake stopped: http://127.0.0.1:9/v2/requests.json unreachable" in allowed.stderr


@pytest.fixture
def two_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hooks.test` resolves to 127.0.0.2, where nothing listens, then to 127.0.0.1."""
    lookup = socket.getaddrinfo

    def answer(host: str | bytes | None, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("hooks.test", b"hooks.test"):
            return [
                (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
                for address in ("127.0.0.2", "127.0.0.1")
            ]
        return lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", answer)


@pytest.mark.usefixtures("two_addresses")
def test_a_webhook_is_sent_to_the_next_checked_address_when_one_does_not_answer(
    context: Context,
) -> None:
    receiver = WebhookReceiver()
    receiver.start()
    try:
        add_webhook(context, f"http://hooks.test:{receiver.port}/hook", allow_private=True)
        alarm(context, "private:3")
        with http_client() as client:
            report = deliver_due(context, client, NOW + timedelta(seconds=1))
    finally:
        receiver.stop()
    assert report.delivered == 1 and len(receiver.received) == 1


@pytest.mark.usefixtures("two_addresses")
def test_an_intake_server_is_read_at_the_next_checked_address_when_one_does_not_answer(
    context: Context, client: httpx.Client
) -> None:
    server = GeoReportServer([request(n, days_ago=0.5) for n in range(3)])
    server.start()
    job = context.as_job()
    try:
        url = f"http://hooks.test:{server.port}"
        source = add_source(job, url, since=NOW - timedelta(days=1), allow_private=True)
        report = sync_source(job, source, client, FAST)
    finally:
        server.stop()
    assert (report.created, report.error) == (3, "")


def test_a_url_with_control_characters_is_refused_in_one_line(demo_url: str) -> None:
    result = gridcenter(
        demo_url, "--operator", "admin", "webhooks", "add", "http://ev[/b]il\x1b[2J.example/"
    )
    assert result.returncode == 1
    assert "is not a URL" in result.stderr and "\x1b" not in result.stderr
    assert "unexpected" not in result.stderr
