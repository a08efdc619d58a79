"""The health function's one call: a Function URL event in, a response out (``/health``, ``/health/live``).

The request (method, path, correlation id) is read from the event here: the correlation id is the
caller's ``x-cdp-request-id`` header, else the Function URL request id, and it goes on every log line
of the invocation. The documents carry the release id and version under the service id.
The handler passes in its cached monitor (a test seam, built on the first deep check) and its settings
reader. Settings are read only by ``/health``: when they do not parse, it answers 503 with a fixed
problem document (the details go to the log, never the body), and ``/health/live`` still answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from queue_worker.errors import ConfigurationError
from queue_worker.health.document import DocumentHeader
from queue_worker.health.http import FunctionUrlResponse, View, route_request
from queue_worker.health.settings import document_identity
from queue_worker.log import logger

if TYPE_CHECKING:
    from queue_worker.health.monitor import HealthMonitor
    from queue_worker.health.settings import HealthSettings

REQUEST_ID_HEADER = "x-cdp-request-id"
CONFIGURATION_ERROR = "health function configuration is invalid"
HEALTH_PATH, LIVE_PATH = "/health", "/health/live"


@dataclass(frozen=True)
class HealthRequest:
    """What routing and logging need from a Function URL event (payload format 2.0)."""

    method: str
    path: str
    correlation_id: str | None

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> HealthRequest:
        """Method (default GET), raw path (default ``/``) and correlation id of ``event``."""
        request_context = event.get("requestContext") or {}
        headers = event.get("headers") or {}
        return cls(
            method=str((request_context.get("http") or {}).get("method", "GET")),
            path=str(event.get("rawPath") or "/"),
            correlation_id=headers.get(REQUEST_ID_HEADER) or request_context.get("requestId"),
        )


def _views(
    monitor: Callable[[], HealthMonitor], settings: Callable[[], HealthSettings], header: DocumentHeader
) -> dict[str, View]:
    """Readiness (queues, DLQ, mapping, oldest message age; cached) and liveness (no AWS call)."""

    def readiness() -> tuple[dict[str, object], float]:
        try:
            cache_seconds = settings().cache_seconds
            results = monitor().results()
        except ConfigurationError as exc:
            logger.error("health configuration is invalid", extra={"error": str(exc)})
            return header.problem(CONFIGURATION_ERROR), 0
        return header.health(results), cache_seconds

    return {HEALTH_PATH: readiness, LIVE_PATH: lambda: (header.health([]), 0)}


def answer(
    event: Mapping[str, Any], *, monitor: Callable[[], HealthMonitor], settings: Callable[[], HealthSettings]
) -> FunctionUrlResponse:
    """Route one Function URL event and log one ``health request`` line with its status code."""
    request = HealthRequest.from_event(event)
    logger.set_correlation_id(request.correlation_id)
    release_id, version = document_identity()
    header = DocumentHeader(release_id=release_id, version=version)
    response = route_request(request.method, request.path, _views(monitor, settings, header), header)
    logger.info(
        "health request",
        extra={"method": request.method, "path": request.path, "status_code": response["statusCode"]},
    )
    return response
