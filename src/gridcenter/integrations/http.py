"""One way to call another server: timeouts, a size cap, and retries with back-off."""

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx

RETRY_STATUS = {429, 500, 502, 503, 504}


class RemoteError(Exception):
    """The other server did not give a usable answer; the message says how."""


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


def get(client: httpx.Client, url: str, params: dict[str, str], limits: Limits) -> bytes:
    """GET with retries on timeouts, lost connections, 429 and 5xx; other 4xx fail at once."""
    delay = limits.backoff_s
    problem = ""
    for attempt in range(1, limits.attempts + 1):
        try:
            with client.stream("GET", url, params=params) as response:
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
