"""Worker Lambda: SQS event source mapping → Powertools batch processor → job registry.

Wiring only: the Powertools singletons, the adapters (built once, clients still lazy), the job
modules loaded at cold start, and one call into ``queue_worker.invocation`` per invocation.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Metrics, Tracer

from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.batch_run import WorkerDependencies
from queue_worker.errors import ConfigurationError
from queue_worker.invocation import process_batch
from queue_worker.log import logger
from queue_worker.registry import IdempotencyGuard, default_registry, load_job_modules, run_directly
from queue_worker.settings import worker_settings
from queue_worker.tracing import PowertoolsRecordTracer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext


tracer = Tracer()
metrics = Metrics()
record_tracer = PowertoolsRecordTracer(tracer)


def _load_jobs() -> None:
    """Import the configured job modules; log one clear line before failing the cold start."""
    try:
        load_job_modules(worker_settings().job_modules)
    except ConfigurationError as exc:
        logger.critical("worker configuration is invalid", extra={"error": str(exc)})
        raise
    logger.debug("job types registered", extra={"job_types": default_registry.job_types})


def _idempotency() -> IdempotencyGuard:
    """Once per key on DynamoDB when a table is configured, else direct execution."""
    settings = worker_settings()
    if not settings.idempotency_table_name:
        return run_directly
    from queue_worker.adapters.dynamodb_idempotency import dynamodb_idempotency_guard  # noqa: PLC0415

    return dynamodb_idempotency_guard(settings.idempotency_table_name, settings.idempotency_expiry_seconds)


@cache
def dependencies() -> WorkerDependencies:
    """Adapters built once per execution environment (clients are still created lazily)."""
    settings = worker_settings()
    jobs_queue = SqsJobQueue(settings.jobs_queue_url) if settings.jobs_queue_url else None
    dlq = SqsJobQueue(settings.dead_letter_queue_url) if settings.dead_letter_queue_url else None
    return WorkerDependencies(
        registry=default_registry,
        idempotency=_idempotency(),
        sender=jobs_queue,
        dead_letters=dlq,
        visibility=jobs_queue,
        tracer=record_tracer,
        requeue=jobs_queue,
        signing_key=settings.signing_key,
        max_receive_count=settings.max_receive_count,
    )


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Entry point named in template.yaml (``worker_handler.lambda_handler``)."""
    return process_batch(event, context, deps=dependencies(), settings=worker_settings(), metrics=metrics)


_load_jobs()
