"""Health Lambda behind a Function URL: ``GET /health`` (dependencies) and ``GET /health/live`` (no AWS).

Thin: routing and response shaping only; the checks live in ``queue_worker.health``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver, Response

from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.health.checks import jobs_queue_checks
from queue_worker.health.document import CONTENT_TYPE, HTTP_STATUS, CheckResult, health_document
from queue_worker.observability import logger, tracer
from queue_worker.settings import health_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

SERVICE_ID = "sqs-lambda-worker"
REQUEST_ID_HEADER = "x-cdp-request-id"

app = LambdaFunctionUrlResolver()


@cache
def _jobs_queue() -> SqsJobQueue:
    """The jobs queue adapter, created on the first deep check."""
    return SqsJobQueue(health_settings().jobs_queue_url)


def _respond(results: list[CheckResult], cache_seconds: float) -> Response[str]:
    """Serialise a health document with its status code and caching header."""
    document = health_document(results, release_id=health_settings().release_id, service_id=SERVICE_ID)
    status = document["status"]
    assert status in HTTP_STATUS
    return Response(
        status_code=HTTP_STATUS[status],
        content_type=CONTENT_TYPE,
        body=json.dumps(document),
        headers={"Cache-Control": f"max-age={int(cache_seconds)}"},
    )


@app.get("/health/live")
def live() -> Response[str]:
    """Liveness: the function runs. No AWS call."""
    return _respond([], cache_seconds=0)


@app.get("/health")
def health() -> Response[str]:
    """Readiness: the queue the worker drains is reachable, with its depth."""
    return _respond(jobs_queue_checks(_jobs_queue()), cache_seconds=health_settings().cache_seconds)


def _correlation_id(event: dict[str, Any]) -> str | None:
    """The caller's ``x-cdp-request-id`` header, else the Function URL request id."""
    headers = event.get("headers") or {}
    return headers.get(REQUEST_ID_HEADER) or (event.get("requestContext") or {}).get("requestId")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Entry point named in template.yaml (``health_handler.lambda_handler``)."""
    logger.set_correlation_id(_correlation_id(event))
    return app.resolve(event, context)
