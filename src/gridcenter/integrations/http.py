"""One way to call another server: timeouts, a size cap, retries with back-off, and only
to the addresses an admin allowed.

A server's name is resolved once per request and every address it resolves to is
checked: loopback, link-local (cloud metadata services), private, shared, unspecified,
multicast and reserved addresses are refused unless the endpoint was added with
`--allow-private`. The request then goes to the checked addresses themselves, each in
turn until one connects (the name stays in the Host header and the TLS server name), so
a second lookup cannot swap them (DNS rebinding). The refusal comes before any
connection is tried."""

import ipaddress
import socket
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from gridcenter.domain.errors import Refused

RETRY_STATUS = {429, 500, 502, 503, 504}


class RemoteError(Exception):
    """The other server did not give a usable answer; the message says how."""


class AddressRefused(RemoteError):
    """The endpoint resolves to an address gridcenter does not call without permission."""


def address_problem(address: str) -> str | None:
    """What kind of address this is, if gridcenter should not call it unasked; else None."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    kinds = (
        ("a loopback address", ip.is_loopback),
        ("a link-local address", ip.is_link_local),
        ("an unspecified address", ip.is_unspecified),
        ("a multicast address", ip.is_multicast),
        ("a private address", ip.is_private),
        ("a reserved address", ip.is_reserved or not ip.is_global),
    )
    return next((kind for kind, hit in kinds if hit), None)


def resolve(url: str) -> list[str]:
    """Every address the URL's host resolves to (the host itself when it is one)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise AddressRefused(f"{url!r} is not a URL: {error}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise AddressRefused(f"{url!r} is not an http(s) URL")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RemoteError(f"{parsed.host} does not resolve ({error})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def check_endpoint(url: str, allow_private: bool) -> list[str]:
    """The addresses to call for `url`, checked; AddressRefused names what is wrong."""
    addresses = resolve(url)
    if not allow_private:
        host = httpx.URL(url).host
        for address in addresses:
            problem = address_problem(address)
            if problem:
                where = f"{host} is" if host == address else f"{host} resolves to {address},"
                raise AddressRefused(
                    f"refused: {where} {problem}; an admin may add it with --allow-private"
                )
    return addresses


def public_url(url: str) -> str:
    """A URL as records keep it: no user, password or query (they carry tokens)."""
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}{f':{parsed.port}' if parsed.port else ''}{parsed.path}"


def refuse_endpoint(url: str, allow_private: bool) -> None:
    """Refuse registering an endpoint gridcenter would refuse to call (as a Refused)."""
    try:
        check_endpoint(url, allow_private)
    except RemoteError as error:
        raise Refused(str(error)) from None


@dataclass(frozen=True)
class Pinned:
    """A request's target with the checked address in place of the host name."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any]


def pin(url: str, allow_private: bool) -> list[Pinned]:
    """One target for each checked address of `url`, in the resolver's order."""
    parsed = httpx.URL(url)
    extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
    host = {"host": parsed.netloc.decode()}
    return [
        Pinned(parsed.copy_with(host=address), host, extensions)
        for address in check_endpoint(url, allow_private)
    ]


def through_each(targets: list[Pinned], call: Callable[[Pinned], httpx.Response]) -> httpx.Response:
    """`call` on each target in turn until one connects, as a name's addresses are tried
    when it is left to the socket library; the last one's failure is the one raised."""
    for target in targets[:-1]:
        try:
            return call(target)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            continue
    return call(targets[-1])


@dataclass(frozen=True)
class Limits:
    attempts: int = 3
    backoff_s: float = 0.5  # doubled after each failed attempt
    max_bytes: int = 20 * 1024 * 1024
    # A whole request, however slowly the bytes come: the client's timeouts count only the
    # wait for each read, and one byte every few seconds never trips them.
    deadline_s: float = 60.0


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (a number or an HTTP date), if it said."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def get(
    client: httpx.Client,
    url: str,
    params: dict[str, str],
    limits: Limits,
    allow_private: bool = False,
) -> bytes:
    """GET with retries on timeouts, lost connections, 429 and 5xx; other 4xx fail at once."""
    delay = limits.backoff_s
    problem = ""

    def open_stream(target: Pinned) -> httpx.Response:
        request = client.build_request(
            "GET", target.url, params=params, headers=target.headers, extensions=target.extensions
        )
        return client.send(request, stream=True)

    for attempt in range(1, limits.attempts + 1):
        targets = pin(url, allow_private)  # each attempt looks the name up again, and checks it
        try:
            with closing(through_each(targets, open_stream)) as response:
                if response.status_code in RETRY_STATUS:
                    problem = f"{url} answered {response.status_code}"
                    wait = retry_after(response)
                    delay = max(delay, wait or 0.0)
                elif response.status_code >= 400:
                    raise RemoteError(f"{url} answered {response.status_code}")
                else:
                    body = bytearray()
                    give_up = time.monotonic() + limits.deadline_s
                    for chunk in response.iter_bytes():
                        if time.monotonic() > give_up:
                            raise RemoteError(
                                f"{url} took longer than {limits.deadline_s:.0f} s to answer"
                            )
                        body += chunk
                        if len(body) > limits.max_bytes:
                            raise RemoteError(
                                f"{url} sent more than {limits.max_bytes // 1_000_000} MB; "
                                "ask for smaller pages"
                            )
                    return bytes(body)
        except httpx.TimeoutException:
            problem = f"{url} timed out"
        except httpx.TransportError as error:
            problem = f"{url} unreachable ({type(error).__name__})"
        if attempt < limits.attempts:
            time.sleep(delay)
            delay *= 2
    raise RemoteError(f"{problem} after {limits.attempts} attempts")
