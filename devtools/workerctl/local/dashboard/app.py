"""The dashboard's routes as a pure function of the request: testable without a socket.

``GET /`` is the page (this run's token written into it), ``GET /static/<file>`` its assets (a fixed list),
``GET /api/snapshot`` the sampler's latest JSON, ``GET /api/events`` its Server-Sent Events stream
(served by :mod:`workerctl.local.dashboard.server`), ``GET /api/jobs`` the job types and schemas,
``GET /api/dead-letters/<id>`` one dead letter. Actions are ``POST /api/send``,
``POST /api/dead-letters/redrive`` and ``POST /api/dead-letters/purge``, behind the :class:`Guard`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from workerctl.errors import UserError
from workerctl.local.dashboard.dead_letters import DeadLetters
from workerctl.local.dashboard.jobs import JobCatalog, correlation_id_or_new
from workerctl.local.dashboard.sampler import Sampler
from workerctl.local.dashboard.security import Guard

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "schema.js": "text/javascript; charset=utf-8",
    "chart.js": "text/javascript; charset=utf-8",
}
TOKEN_PLACEHOLDER = "__DASHBOARD_TOKEN__"  # noqa: S105 - where index.html gets the token
EVENTS_PATH = "/api/events"
MAX_BODY_BYTES = 1_100_000  # an SQS body (1 MiB) plus its JSON wrapping
FIRST_SNAPSHOT_WAIT_SECONDS = 5.0

type Send = Callable[[str, str], str]  # (body, correlation id) -> message id


@dataclass(frozen=True)
class Response:
    """Status, body and content type; the server adds the security headers."""

    status: int
    body: bytes
    content_type: str = "application/json"


def json_response(status: int, value: object) -> Response:
    return Response(status, json.dumps(value).encode())


@dataclass
class DashboardApp:
    """Routes requests to the sampler, the job catalog and the dead letters."""

    guard: Guard
    sampler: Sampler
    catalog: JobCatalog
    dead_letters: DeadLetters | None
    send: Send | None
    static_dir: Path = STATIC_DIR
    _page: bytes | None = field(default=None, repr=False)

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        """The answer to one request (``headers`` keyed in lower case); never raises for bad input."""
        refusal = self.guard.refusal(method, headers)
        if refusal is not None:
            return json_response(refusal.status, {"error": refusal.reason})
        path = unquote(urlsplit(target).path)
        if method == "POST":
            return self._action(path, body)
        return self._read(path)

    def _read(self, path: str) -> Response:
        if path == "/" or path.startswith("/static/"):
            return self._asset(path)
        if path == EVENTS_PATH:  # allowed: the server streams it (see server._Handler._stream)
            return Response(200, b"", "text/event-stream")
        if path == "/api/snapshot":
            return self._snapshot()
        if path == "/api/jobs":
            return json_response(200, self.catalog.describe())
        if path.startswith("/api/dead-letters/") and self.dead_letters is not None:
            return self._dead_letter(path.removeprefix("/api/dead-letters/"))
        return json_response(404, {"error": "not found"})

    def _asset(self, path: str) -> Response:
        if path == "/":
            return Response(200, self._index(), "text/html; charset=utf-8")
        name = path.removeprefix("/static/")
        if name not in STATIC_FILES:
            return json_response(404, {"error": "not found"})
        return Response(200, (self.static_dir / name).read_bytes(), STATIC_FILES[name])

    def _snapshot(self) -> Response:
        self.sampler.request()
        _, payload = self.sampler.next(0, FIRST_SNAPSHOT_WAIT_SECONDS)
        return Response(200, payload) if payload else json_response(503, {"error": "no sample yet"})

    def _dead_letter(self, message_id: str) -> Response:
        detail = self.dead_letters.detail(message_id) if self.dead_letters else None
        if detail is None:
            return json_response(404, {"error": "not in the sample: redriven, purged or in flight"})
        return json_response(200, detail)

    def _index(self) -> bytes:
        if self._page is None:
            self._page = (self.static_dir / "index.html").read_bytes()
        return self._page.replace(TOKEN_PLACEHOLDER.encode(), self.guard.token.encode())

    def _action(self, path: str, body: bytes) -> Response:
        try:
            request = json.loads(body) if len(body) <= MAX_BODY_BYTES else None
        except ValueError:
            request = None
        if not isinstance(request, dict):
            return json_response(400, {"error": "the request body must be a JSON object (at most 1 MiB)"})
        actions: dict[str, Callable[[dict[str, Any]], object]] = {
            "/api/send": self._send,
            "/api/dead-letters/redrive": self._redrive,
            "/api/dead-letters/purge": self._purge,
        }
        action = actions.get(path)
        if action is None:
            return json_response(404, {"error": "not found"})
        try:
            result = action(request)
        except UserError as exc:
            return json_response(400, {"error": str(exc)})
        except Exception as exc:  # the emulator refused or is gone: say so on the page
            return json_response(502, {"error": f"{type(exc).__name__}: {exc}"[:300]})
        self.sampler.invalidate()
        return json_response(200, result)

    def _send(self, request: dict[str, Any]) -> object:
        if self.send is None:
            raise UserError("no polled queue to send jobs to")
        body = self.catalog.validated_body(request.get("type"), request.get("payload"))
        correlation_id = correlation_id_or_new(request.get("correlation_id"))
        return {"message_id": self.send(body, correlation_id), "correlation_id": correlation_id}

    def _dlq(self) -> DeadLetters:
        if self.dead_letters is None:
            raise UserError("this runtime has no dead-letter queue")
        return self.dead_letters

    def _redrive(self, request: dict[str, Any]) -> object:
        ids = request.get("message_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise UserError("choose at least one dead letter to redrive")
        dead_letters = self._dlq()
        moved = dead_letters.redrive(set(ids))
        return {
            "moved": moved,
            "asked": len(set(ids)),
            "to": dead_letters.source and dead_letters.source.name,
        }

    def _purge(self, request: dict[str, Any]) -> object:
        dead_letters = self._dlq()
        dead_letters.purge(str(request.get("confirm", "")))
        return {"purged": dead_letters.dlq.name}
