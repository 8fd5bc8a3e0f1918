"""Small real HTTP servers on 127.0.0.1 for the integration tests: a GeoReport v2
server with faults to inject, and a webhook receiver that can go down and come back."""

import json
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape


class _Server:
    def __init__(self, handle: Callable[[BaseHTTPRequestHandler], None], port: int = 0) -> None:
        self.handle = handle
        self.port = port
        self.httpd: ThreadingHTTPServer | None = None

    def start(self) -> None:
        handle = self.handle

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                handle(self)

            def do_POST(self) -> None:
                handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _reply(
    handler: BaseHTTPRequestHandler,
    code: int,
    body: bytes,
    kind: str,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(code)
    handler.send_header("content-type", kind)
    handler.send_header("content-length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


class GeoReportServer(_Server):
    """GeoReport v2: /services and /requests in JSON and XML, windows and pages."""

    def __init__(self, requests: list[dict[str, Any]], paging: bool = True) -> None:
        super().__init__(self._handle)
        self.requests = requests
        self.paging = paging
        # consumed one per request: 500, 429, slow, malformed, huge, deep, trickle
        self.faults: list[str] = []
        self.hits: list[dict[str, str]] = []

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        self.hits.append({"path": parsed.path, **query})
        fmt = "xml" if parsed.path.endswith(".xml") else "json"
        fault = self.faults.pop(0) if self.faults else ""
        if fault == "500":
            _reply(handler, 500, b"oops", "text/plain")
            return
        if fault == "429":
            _reply(handler, 429, b"slow down", "text/plain", {"retry-after": "0"})
            return
        if fault == "slow":
            time.sleep(3)
        if fault == "malformed":
            _reply(
                handler,
                200,
                b'[{"service_request_id": "1", '
                if fmt == "json"
                else b"<service_requests><request>",
                f"application/{fmt}",
            )
            return
        if fault == "deep":  # valid JSON nested 100,000 deep
            _reply(handler, 200, b"[" * 100_000 + b"]" * 100_000, "application/json")
            return
        if fault == "trickle":  # a whole answer, one byte at a time, slowly
            handler.send_response(200)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", "200")
            handler.end_headers()
            for _ in range(200):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.1)
            return
        if fault == "huge":
            _reply(handler, 200, b"[" + b" " * (3 * 1024 * 1024) + b"]", "application/json")
            return
        if parsed.path.startswith("/services"):
            rows = [{"service_code": "POTHOLE", "service_name": "Pothole"}]
        elif parsed.path.startswith("/requests"):
            rows = self._select(query)
        else:
            _reply(handler, 404, b"not found", "text/plain")
            return
        body = json.dumps(rows).encode() if fmt == "json" else self._xml(rows)
        _reply(handler, 200, body, f"application/{fmt}")

    def _select(self, query: dict[str, str]) -> list[dict[str, Any]]:
        start = datetime.fromisoformat(query["start_date"])
        end = datetime.fromisoformat(query["end_date"])
        rows = sorted(
            (
                r
                for r in self.requests
                if start <= datetime.fromisoformat(r["requested_datetime"]) < end
            ),
            key=lambda r: r["requested_datetime"],
        )[:1000]
        if not self.paging:
            return rows
        page, size = int(query.get("page", 1)), int(query.get("page_size", 1000))
        return rows[(page - 1) * size : page * size]

    @staticmethod
    def _xml(rows: list[dict[str, Any]]) -> bytes:
        parts = ["<?xml version='1.0' encoding='utf-8'?><service_requests>"]
        for row in rows:
            parts.append("<request>")
            for key, value in row.items():
                parts.append(f"<{key}>{escape(str(value))}</{key}>")
            parts.append("</request>")
        parts.append("</service_requests>")
        return "".join(parts).encode()


class WebhookReceiver(_Server):
    """Records every POST; answers with the next queued status code (200 when none)."""

    def __init__(self) -> None:
        super().__init__(self._handle)
        self.received: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, str]]] = []

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", 0))
        body = handler.rfile.read(length)
        code, headers = self.answers.pop(0) if self.answers else (200, {})
        self.received.append(
            {"headers": dict(handler.headers.items()), "body": body, "answered": code}
        )
        _reply(handler, code, b"{}", "application/json", headers)

    def accepted(self) -> list[dict[str, Any]]:
        return [r for r in self.received if 200 <= r["answered"] < 300]
