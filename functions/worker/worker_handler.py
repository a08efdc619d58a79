"""Worker Lambda: SQS event source mapping → Powertools batch processor → job registry.

Thin by design: configuration and job modules load once at cold start; all logic lives in the
``queue_worker`` package from the shared layer.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import process_partial_response

from queue_worker.adapters.sqs_queue import SqsJobQueue
from queue_worker.batch_processing import processor_for
from queue_worker.errors import ConfigurationError
from queue_worker.observability import logger, tracer
from queue_worker.record_processing import process_record
from queue_worker.registry import JobSender, default_registry, load_job_modules
from queue_worker.settings import worker_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext


def _load_jobs() -> None:
    """Import the configured job modules; log one clear line before failing the cold start."""
    try:
        load_job_modules(worker_settings().job_modules)
    except ConfigurationError as exc:
        logger.critical("worker configuration is invalid", extra={"error": str(exc)})
        raise
    logger.debug("job types registered", extra={"job_types": default_registry.job_types})


@cache
def _sender() -> JobSender | None:
    """The onward-jobs queue adapter, or None when ``JOBS_QUEUE_URL`` is not set."""
    url = worker_settings().jobs_queue_url
    return SqsJobQueue(url) if url else None


def record_handler(record: SQSRecord) -> object:
    """One record → one job run (raising marks it failed in ``batchItemFailures``)."""
    return process_record(record, registry=default_registry, sender=_sender())


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Entry point named in template.yaml (``worker_handler.lambda_handler``)."""
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor_for(event), context=context
    )


_load_jobs()
