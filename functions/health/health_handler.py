"""Health Lambda behind a Function URL: ``GET /health`` (dependencies) and ``GET /health/live`` (no AWS).

Thin: wiring only. Checks, caching and HTTP shaping live in ``queue_worker.health``; the contract
(check keys, statuses, codes) is docs/health.md.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from queue_worker.adapters.aws_clients import health_sqs_client
from queue_worker.adapters.cloudwatch_metrics import CloudWatchQueueMetrics
from queue_worker.adapters.lambda_mappings import LambdaEventSourceMappings
from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.health.document import health_document, problem_document
from queue_worker.health.http import FunctionUrlResponse, route_request
from queue_worker.health.monitor import HealthDependencies, HealthMonitor
from queue_worker.health.settings import health_settings
from queue_worker.log import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

SERVICE_ID = "sqs-lambda-worker"
REQUEST_ID_HEADER = "x-cdp-request-id"


@cache
def monitor() -> HealthMonitor:
    """The cached checks, built on the first deep check (never at import). Tests replace this seam."""
    settings = health_settings()
    client = health_sqs_client()
    dead_letter_url = settings.dead_letter_queue_url
    deps = HealthDependencies(
        jobs_queue=SqsJobQueue(settings.jobs_queue_url, client),
        dead_letter_queue=SqsJobQueue(dead_letter_url, client) if dead_letter_url else None,
        mappings=LambdaEventSourceMappings(),
        metrics=CloudWatchQueueMetrics(),
    )
    return HealthMonitor.from_settings(settings, deps)


def _document(results: list[Any]) -> dict[str, object]:
    settings = health_settings()
    return health_document(
        results, release_id=settings.release_id, service_id=SERVICE_ID, version=settings.version
    )


def _problem(output: str) -> dict[str, object]:
    settings = health_settings()
    return problem_document(
        output, release_id=settings.release_id, service_id=SERVICE_ID, version=settings.version
    )


def _live() -> tuple[dict[str, object], float]:
    """Liveness: the function runs. No AWS call."""
    return _document([]), 0


def _health() -> tuple[dict[str, object], float]:
    """Readiness: queues, DLQ, event source mapping, oldest message age (cached)."""
    return _document(monitor().results()), health_settings().cache_seconds


VIEWS = {"/health": _health, "/health/live": _live}


def _correlation_id(event: dict[str, Any]) -> str | None:
    """The caller's ``x-cdp-request-id`` header, else the Function URL request id."""
    headers = event.get("headers") or {}
    return headers.get(REQUEST_ID_HEADER) or (event.get("requestContext") or {}).get("requestId")


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> FunctionUrlResponse:  # noqa: ARG001
    """Entry point named in template.yaml (``health_handler.lambda_handler``)."""
    logger.set_correlation_id(_correlation_id(event))
    method = str(((event.get("requestContext") or {}).get("http") or {}).get("method", "GET"))
    path = str(event.get("rawPath") or "/")
    response = route_request(method, path, VIEWS, _problem)
    logger.info(
        "health request", extra={"method": method, "path": path, "status_code": response["statusCode"]}
    )
    return response
