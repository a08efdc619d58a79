"""/health over plain HTTP: each request becomes a Function URL (payload 2.0) event for the health handler.

Every method is passed through so the handler answers 404/405 itself; HEAD is invoked as GET and the
body dropped, as HTTP requires. The handler's ``statusCode``, ``headers``, ``cookies``, ``body`` and
``isBase64Encoded`` become the HTTP response.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from workerctl.local.ports import ensure_port_free
from workerctl.local.sandbox.pool import InvocationResult

type Invoke = Callable[[dict[str, Any]], InvocationResult]
_TEXT_TYPES = ("text/", "application/json", "application/health+json", "application/xml")


def function_url_event(
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
    *,
    now: float | None = None,
) -> dict[str, Any]:
    """The payload 2.0 event a Function URL would send for this request."""
    now = time.time() if now is None else now
    url = urlsplit(target)
    lowered: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    is_text = not body or lowered.get("content-type", "").startswith(_TEXT_TYPES)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path or "/",
        "rawQueryString": url.query,
        "headers": lowered,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": url.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if url.query:
        event["queryStringParameters"] = dict(parse_qsl(url.query, keep_blank_values=True))
    if "cookie" in lowered:
        event["cookies"] = [part.strip() for part in lowered["cookie"].split(";")]
    if body:
        event["body"] = body.decode("utf-8") if is_text else base64.b64encode(body).decode("ascii")
    return event


def http_response(result: InvocationResult) -> tuple[int, dict[str, str], list[str], bytes]:
    """The handler's result as ``(status, headers, set-cookie values, body)``; a failure is a 502."""
    if not result.ok:
        return 502, {"content-type": "application/json"}, [], b'{"message":"Internal Server Error"}'
    response = result.response
    if not isinstance(response, dict) or "statusCode" not in response:
        return 200, {"content-type": "application/json"}, [], json.dumps(response).encode()
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[str(name)] = ",".join(str(v) for v in values)
    return int(response["statusCode"]), headers, [str(c) for c in response.get("cookies") or []], raw


class _Handler(BaseHTTPRequestHandler):
    invoke: Invoke
    server_version = "workerctl-health"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the health function logs each request itself."""

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        method = "GET" if self.command == "HEAD" else self.command
        event = function_url_event(
            method, self.path, dict(self.headers.items()), body, self.client_address[0]
        )
        status, headers, cookies, payload = http_response(self.invoke(event))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        for cookie in cookies:
            self.send_header("set-cookie", cookie)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve  # noqa: N815


class HealthServer:
    """A threaded HTTP server on ``host:port`` in a background thread."""

    def __init__(self, host: str, port: int, invoke: Invoke) -> None:
        ensure_port_free(host, port, "/health", "set PORT or pass --port PORT")
        handler = type("BoundHandler", (_Handler,), {"invoke": staticmethod(invoke)})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="health", daemon=True)

    @property
    def url(self) -> str:
        """``http://host:port`` actually bound."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (if it started) and close the socket; idempotent.

        ``shutdown()`` waits for the serve loop to acknowledge, so it is only called when the loop runs:
        a start-up that failed before :meth:`start` would otherwise wait for good.
        """
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
