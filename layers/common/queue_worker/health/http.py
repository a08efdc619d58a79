"""HTTP shaping for the Function URL: routes, methods, status codes, headers, HEAD without a body.

``GET``/``HEAD`` on a known path run its view; an unknown path is 404 and another method on a known
path is 405 with ``Allow``; both answer in ``application/health+json`` with a fixed ``output``. A view
that raises (it should not: the checks never do) becomes a 503 ``fail`` document, logged, no detail.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from queue_worker.health.document import CONTENT_TYPE, HTTP_STATUS, DocumentHeader, Status
from queue_worker.log import logger

ALLOWED_METHODS = ("GET", "HEAD")
NOT_FOUND = "not found"
METHOD_NOT_ALLOWED = "method not allowed"
HEALTH_CHECK_ERROR = "health check error"

# A view returns its document and the seconds a client may cache it.
type View = Callable[[], tuple[dict[str, object], float]]


class FunctionUrlResponse(TypedDict):
    """The Lambda Function URL response shape."""

    statusCode: int
    headers: dict[str, str]
    body: str
    isBase64Encoded: bool


def route_request(
    method: str, path: str, views: Mapping[str, View], header: DocumentHeader
) -> FunctionUrlResponse:
    """Answer one request; refusals are ``header.problem(output)`` documents."""
    method = method.upper()
    view = views.get(path)
    if view is None:
        return _reply(header.problem(NOT_FOUND), 404, cache_seconds=0, head=method == "HEAD")
    if method not in ALLOWED_METHODS:
        response = _reply(header.problem(METHOD_NOT_ALLOWED), 405, cache_seconds=0, head=False)
        response["headers"]["Allow"] = ", ".join(ALLOWED_METHODS)
        return response
    try:
        document, cache_seconds = view()
    except Exception as exc:  # last line of defence: never a stack trace in the body
        logger.error("health view raised", extra={"path": path, "error_type": type(exc).__name__})
        return _reply(header.problem(HEALTH_CHECK_ERROR), 503, cache_seconds=0, head=method == "HEAD")
    status: Status = document["status"]  # type: ignore[assignment]
    return _reply(document, HTTP_STATUS[status], cache_seconds=cache_seconds, head=method == "HEAD")


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinity replaced by None: JSON has no such numbers, and CloudWatch
    or a float parse can produce them (``json.dumps`` would write ``NaN``, which no client parses)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def _reply(
    document: dict[str, Any], status_code: int, *, cache_seconds: float, head: bool
) -> FunctionUrlResponse:
    """Serialise ``document``; HEAD keeps the status and headers and drops the body."""
    return {
        "statusCode": status_code,
        "headers": {"Content-Type": CONTENT_TYPE, "Cache-Control": f"max-age={int(cache_seconds)}"},
        "body": "" if head else json.dumps(finite(document), allow_nan=False),
        "isBase64Encoded": False,
    }
