"""Worker Lambda: SQS event source mapping → Powertools batch processor → job registry.

Wiring only, plus Lambda's init phase (this module's import), which does the cold-start work so that a
cold invocation's time budget goes to its batch: settings parsed, job modules imported, the X-Ray SDK
loaded only when per-record tracing is on (``RECORD_TRACING``), the adapters built and the AWS clients
they use created (:func:`dependencies`). Then one call into ``queue_worker.invocation`` per invocation.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

# Powertools' batch types import every parser model (Kafka, Kinesis, DynamoDB...) when pydantic is already
# loaded, and queue_worker.batch_run loads pydantic: importing the batch package first keeps them out.
import aws_lambda_powertools.utilities.batch  # noqa: F401
from aws_lambda_powertools import Metrics

from queue_worker.adapters.aws_clients import sqs_client
from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.batch_run import WorkerDependencies
from queue_worker.errors import ConfigurationError
from queue_worker.invocation import process_batch
from queue_worker.log import logger
from queue_worker.registry import IdempotencyGuard, default_registry, load_job_modules, run_directly
from queue_worker.settings import worker_settings
from queue_worker.tracing import PowertoolsRecordTracer, record_tracer, traced_handler

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext


metrics = Metrics()


def _init() -> PowertoolsRecordTracer | None:
    """Settings and job modules (one clear line before failing the cold start); the tracer if asked for."""
    try:
        settings = worker_settings()
        load_job_modules(settings.job_modules)
    except ConfigurationError as exc:
        logger.critical("worker configuration is invalid", extra={"error": str(exc)})
        raise
    logger.debug("job types registered", extra={"job_types": default_registry.job_types})
    return record_tracer(settings.record_tracing)


tracer = _init()  # None unless RECORD_TRACING: then no X-Ray SDK and no botocore session at import


def _idempotency() -> IdempotencyGuard:
    """Once per key on DynamoDB when a table is configured (its client created now), else direct."""
    settings = worker_settings()
    if not settings.idempotency_table_name:
        return run_directly
    from queue_worker.adapters.dynamodb_idempotency import dynamodb_idempotency_guard  # noqa: PLC0415

    return dynamodb_idempotency_guard(settings.idempotency_table_name, settings.idempotency_expiry_seconds)


@cache
def dependencies() -> WorkerDependencies:
    """Adapters built once per execution environment, with their clients: every invocation may need
    the SQS client (a failure's visibility change or dead letter), so it is not left to the first one."""
    settings = worker_settings()
    client = sqs_client() if settings.jobs_queue_url or settings.dead_letter_queue_url else None
    jobs_queue = SqsJobQueue(settings.jobs_queue_url, client) if settings.jobs_queue_url else None
    dlq = SqsJobQueue(settings.dead_letter_queue_url, client) if settings.dead_letter_queue_url else None
    return WorkerDependencies(
        registry=default_registry,
        idempotency=_idempotency(),
        sender=jobs_queue,
        dead_letters=dlq,
        visibility=jobs_queue,
        tracer=tracer,
        requeue=jobs_queue,
        signing_key=settings.signing_key,
        max_receive_count=settings.max_receive_count,
    )


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(clear_state=True)
@traced_handler(tracer)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Entry point named in template.yaml (``worker_handler.lambda_handler``)."""
    return process_batch(event, context, deps=dependencies(), settings=worker_settings(), metrics=metrics)


dependencies()  # still the init phase: client creation is outside every invocation's time budget
