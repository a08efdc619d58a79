"""Health Lambda behind a Function URL: ``GET /health`` (dependencies) and ``GET /health/live`` (no AWS).

Wiring only: the adapters behind the checks and one call into ``queue_worker.health.endpoint``, which
reads the event, routes it and shapes the response; the contract (check keys, statuses, codes) is
docs/health.md.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from queue_worker.adapters.aws_clients import health_sqs_client
from queue_worker.adapters.cloudwatch_metrics import CloudWatchQueueMetrics
from queue_worker.adapters.lambda_mappings import LambdaEventSourceMappings
from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.health.endpoint import answer
from queue_worker.health.monitor import HealthDependencies, HealthMonitor
from queue_worker.health.settings import health_settings
from queue_worker.log import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from queue_worker.health.http import FunctionUrlResponse


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


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> FunctionUrlResponse:  # noqa: ARG001
    """Entry point named in template.yaml (``health_handler.lambda_handler``)."""
    return answer(event, monitor=monitor, settings=health_settings)
