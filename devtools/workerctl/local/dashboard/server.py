"""The dashboard over HTTP: a ThreadingHTTPServer on 127.0.0.1, like ``workerctl.local.health_server``.

Each request goes through :meth:`DashboardApp.handle`; ``GET /api/events`` (once the same checks have
passed) becomes a Server-Sent Events stream of the sampler's snapshots, with a comment line every
:data:`KEEPALIVE_SECONDS` so a closed tab is noticed. Every answer carries the security headers and no
CORS header.
"""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from workerctl.local.dashboard.app import EVENTS_PATH, DashboardApp, Response
from workerctl.local.dashboard.security import LOOPBACK, SECURITY_HEADERS
from workerctl.local.ports import ensure_port_free

KEEPALIVE_SECONDS = 15.0
KEEPALIVE = b": keep-alive\n\n"


class _Handler(BaseHTTPRequestHandler):
    app: DashboardApp
    server_version = "workerctl-dashboard"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the page polls nothing, but its streams and assets would fill the console."""

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(min(length, 2_000_000)) if length else b""
        method = self.command
        response = self.app.handle(method, self.path, self._headers(), body)
        if method == "GET" and response.status == 200 and self.path.split("?")[0] == EVENTS_PATH:
            self._stream()
            return
        self._respond(response, head=method == "HEAD")

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve  # noqa: N815

    def _respond(self, response: Response, *, head: bool = False) -> None:
        self.send_response(response.status)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("content-type", response.content_type)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _stream(self) -> None:
        self.send_response(200)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        sampler = self.app.sampler
        version = 0
        with sampler.subscription(), contextlib.suppress(OSError):  # the tab went away
            while not sampler.stopped:
                version, payload = sampler.next(version, KEEPALIVE_SECONDS)
                chunk = (
                    b": keep-alive\n\n" if payload is None else b"event: snapshot\ndata: " + payload + b"\n\n"
                )
                self.wfile.write(chunk)
                self.wfile.flush()


class DashboardServer:
    """The HTTP server in a background thread; ``port`` 0 picks a free one."""

    def __init__(self, port: int, app_for_port: Any) -> None:
        ensure_port_free(LOOPBACK, port, "the dashboard", "pass --dashboard-port PORT or --no-dashboard")
        self._server = ThreadingHTTPServer((LOOPBACK, port), _Handler)  # SO_REUSEADDR, as HTTPServer sets
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        app: DashboardApp = app_for_port(self.port)  # the Host check and token need the bound port
        self._server.RequestHandlerClass = type("BoundHandler", (_Handler,), {"app": app})
        self._thread = threading.Thread(target=self._server.serve_forever, name="dashboard", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the socket; open streams end when the sampler stops."""
        self._server.shutdown()
        self._server.server_close()
