"""Reading an Open311 GeoReport v2 server: service requests as checked records.

The standard has servers answer in XML (and often JSON); both are read. XML
is parsed with defusedxml, so a hostile feed cannot blow up the parser.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from defusedxml import ElementTree

from gridcenter.domain.feeds import feed_time
from gridcenter.integrations.http import Limits, RemoteError, get

FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "first_name",
    "last_name",
    "phone",
    "email",
)
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Request:
    """One service request that passed every check."""

    id: str
    status: str
    service_code: str
    service_name: str
    description: str
    requested: datetime | None
    updated: datetime | None
    lat: float | None
    lon: float | None
    address: str
    reporter: str | None
    phone: str | None
    raw: dict[str, str]

    @property
    def title(self) -> str:
        text = self.service_name or self.description or f"Open311 request {self.id}"
        return text if len(text) <= 80 else text[:79] + "…"


class BadRecord(ValueError):
    """A record that cannot become a case; the message says why."""


def _flat(item: object) -> dict[str, str]:
    """One record as text fields; a record that is not flat is set aside as it comes."""
    if not isinstance(item, dict):
        return {"_error": f"not an object: {type(item).__name__!s}"}
    nested = [key for key, value in item.items() if isinstance(value, dict | list)]
    if nested:
        flat = {k: str(v) for k, v in item.items() if not isinstance(v, dict | list)}
        return {**flat, "_error": f"{nested[0]} is not a plain value"}
    return {k: "" if v is None else str(v) for k, v in item.items()}


def parse_payload(body: bytes, fmt: str, what: str) -> list[dict[str, str]]:
    """A list of flat records from a JSON or XML answer, or RemoteError if it is malformed."""
    if fmt == "json":
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise RemoteError(f"malformed JSON in {what}: {error}") from None
        except RecursionError:  # an answer nested thousands deep: no Open311 record is
            raise RemoteError(f"malformed JSON in {what}: nested too deep") from None
        if not isinstance(data, list):
            raise RemoteError(f"malformed JSON in {what}: expected a list of records")
        return [_flat(item) for item in data]
    try:
        root = ElementTree.fromstring(body)
    except Exception as error:  # defusedxml raises ParseError or its own refusals
        raise RemoteError(f"malformed XML in {what}: {error}") from None
    return [{child.tag: (child.text or "").strip() for child in element} for element in root]


def _time(raw: dict[str, str], key: str) -> datetime | None:
    text = raw.get(key, "").strip()
    if not text:
        return None
    try:
        return feed_time(text, key)
    except ValueError as error:
        raise BadRecord(str(error)) from None


def _coordinate(raw: dict[str, str], key: str, bound: float) -> float | None:
    text = raw.get(key, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise BadRecord(f"{key} {text!r} is not a number") from None
    if not -bound <= value <= bound:
        raise BadRecord(f"{key} {value} is out of range")
    return value


def check(raw: dict[str, Any]) -> Request:
    """Turn a raw record into a Request, or raise BadRecord with the reason."""
    if "_error" in raw:
        raise BadRecord(raw["_error"])
    request_id = str(raw.get("service_request_id", "")).strip()
    if not request_id:
        raise BadRecord("no service_request_id")
    if len(request_id) > 100:
        raise BadRecord("service_request_id longer than 100 characters")
    for key, value in raw.items():
        if len(str(value)) > MAX_TEXT:
            raise BadRecord(f"{key} is longer than {MAX_TEXT} characters")
        if "\x00" in str(value):  # no store keeps a NUL byte in text
            raise BadRecord(f"{key} holds a NUL byte")
    lat = _coordinate(raw, "lat", 90)
    lon = _coordinate(raw, "long", 180)
    if (lat is None) != (lon is None):
        raise BadRecord("lat and long must come together")
    name = " ".join(part for part in (raw.get("first_name"), raw.get("last_name")) if part)
    return Request(
        id=request_id,
        status=(raw.get("status") or "open").strip().lower(),
        service_code=(raw.get("service_code") or "").strip(),
        service_name=(raw.get("service_name") or "").strip(),
        description=(raw.get("description") or "").strip(),
        requested=_time(raw, "requested_datetime"),
        updated=_time(raw, "updated_datetime"),
        lat=lat,
        lon=lon,
        address=(raw.get("address") or "").strip(),
        reporter=name or None,
        phone=(raw.get("phone") or "").strip() or None,
        raw={key: str(raw[key]) for key in FIELDS if raw.get(key) not in (None, "")},
    )


@dataclass(frozen=True)
class Server:
    url: str
    jurisdiction: str = ""
    api_key: str = ""
    format: str = "json"
    allow_private: bool = False  # an admin allowed a loopback or private address

    def _params(self, extra: dict[str, str]) -> dict[str, str]:
        params = dict(extra)
        if self.jurisdiction:
            params["jurisdiction_id"] = self.jurisdiction
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def services(self, client: httpx.Client, limits: Limits) -> list[dict[str, str]]:
        url = f"{self.url.rstrip('/')}/services.{self.format}"
        answer = get(client, url, self._params({}), limits, self.allow_private)
        return parse_payload(answer, self.format, url)

    def requests(
        self,
        client: httpx.Client,
        limits: Limits,
        start: datetime,
        end: datetime,
        page: int,
        page_size: int,
    ) -> list[dict[str, str]]:
        url = f"{self.url.rstrip('/')}/requests.{self.format}"
        params = self._params(
            {
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
                "page": str(page),
                "page_size": str(page_size),
            }
        )
        return parse_payload(get(client, url, params, limits, self.allow_private), self.format, url)
