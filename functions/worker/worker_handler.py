"""Worker Lambda: SQS event source mapping → Powertools batch processor → job registry.

Thin by design: configuration and job modules load once at cold start; all logic lives in the
``queue_worker`` package from the shared layer (record_processing.BatchRun).
"""

from __future__ import annotations

from functools import cache, partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.utilities.batch import process_partial_response

from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.backoff import full_jitter_delay
from queue_worker.batch_processing import is_fifo_event, processor_for
from queue_worker.errors import ConfigurationError
from queue_worker.observability import logger
from queue_worker.record_processing import BatchRun, WorkerDependencies
from queue_worker.registry import JobRunner, default_registry, load_job_modules, run_directly
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


def _runner() -> JobRunner:
    """Idempotent runner on DynamoDB when a table is configured, else direct execution."""
    settings = worker_settings()
    if not settings.idempotency_table_name:
        return run_directly
    from queue_worker.idempotency import dynamodb_runner  # noqa: PLC0415 - only when configured

    return dynamodb_runner(settings.idempotency_table_name, settings.idempotency_expiry_seconds)


@cache
def dependencies() -> WorkerDependencies:
    """Adapters built once per execution environment (clients are still created lazily)."""
    settings = worker_settings()
    jobs_queue = SqsJobQueue(settings.jobs_queue_url) if settings.jobs_queue_url else None
    dlq = SqsJobQueue(settings.dead_letter_queue_url) if settings.dead_letter_queue_url else None
    return WorkerDependencies(
        registry=default_registry,
        runner=_runner(),
        sender=jobs_queue,
        dead_letters=dlq,
        visibility=jobs_queue,
        tracer=record_tracer,
    )


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Entry point named in template.yaml (``worker_handler.lambda_handler``)."""
    settings = worker_settings()
    deps = dependencies()
    register = getattr(deps.runner, "register_lambda_context", None)
    if register is not None:
        register(context)
    run = BatchRun(
        deps=deps,
        remaining_ms=context.get_remaining_time_in_millis,
        margin_ms=settings.timeout_margin_ms,
        backoff_seconds=partial(
            full_jitter_delay,
            base_seconds=settings.backoff_base_seconds,
            cap_seconds=settings.backoff_cap_seconds,
        ),
    )
    response = process_partial_response(
        event=event,
        record_handler=run.handle,
        processor=processor_for(event, settings.fifo_skip_group_on_error),
        context=context,
    )
    failed_ids = {str(item["itemIdentifier"]) for item in response["batchItemFailures"]}
    run.finish(event, failed_ids, fifo=is_fifo_event(event))
    run.metrics.publish(metrics)
    return response


_load_jobs()
